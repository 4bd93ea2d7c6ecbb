from __future__ import annotations

from django.contrib import admin

from council.admin_base import FiscalYearFilter, RelatedOnly, ScopedAdmin
from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(ScopedAdmin):
    """Who asked for which document and what came of it (read-only)."""

    list_display = ["created_at", "kind", "body", "fiscal_year", "status", "requested_by"]
    list_filter = [("council", RelatedOnly), "kind", "status", FiscalYearFilter]
    list_select_related = ["body", "council", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
