from django.apps import AppConfig


class SubcommitteesConfig(AppConfig):
    name = "subcommittees"
    verbose_name = "年次の書類"
