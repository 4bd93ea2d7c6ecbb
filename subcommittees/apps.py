from django.apps import AppConfig


class SubcommitteesConfig(AppConfig):
    name = "subcommittees"
    verbose_name = "年次の書類"

    def ready(self) -> None:
        # Imported here: the builders import models, which only load once the app registry is ready.
        from subcommittees.documents import register_documents

        register_documents()
