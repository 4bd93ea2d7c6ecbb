from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "地域課題"

    def ready(self) -> None:
        from issues.resources import IssueResource
        from spreadsheets.tables import register_resource

        register_resource("issues", IssueResource, order=40)
