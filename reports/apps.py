from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "帳票"

    def ready(self) -> None:
        # The schedule reads only meetings (below reports); the kinds made of other apps' data are
        # registered by those apps (reports.documents).
        from reports.documents import register_document
        from reports.models import DocumentKind
        from reports.selectors import schedule_context

        register_document(DocumentKind.SCHEDULE, schedule_context)
