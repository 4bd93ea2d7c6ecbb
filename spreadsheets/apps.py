from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    """Spreadsheet import and export (取り込み・書き出し): the machinery, and the council's own
    resources (関係機関, 構成員). Apps above register theirs in their own ready()."""

    name = "spreadsheets"
    verbose_name = "取り込み・書き出し"

    def ready(self) -> None:
        from spreadsheets.resources import MemberResource, OrganizationResource
        from spreadsheets.tables import register_resource

        register_resource("organizations", OrganizationResource, order=10)
        register_resource("members", MemberResource, order=20)
