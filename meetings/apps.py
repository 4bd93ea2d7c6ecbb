from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "会議"

    def ready(self) -> None:
        from meetings.resources import MeetingResource
        from spreadsheets.tables import register_resource

        register_resource("meetings", MeetingResource, order=30)
