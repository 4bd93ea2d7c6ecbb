from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "変更履歴の検索"
