from __future__ import annotations

from django.contrib import admin

from council.admin_base import (
    FiscalYearFilter,
    HiddenFromIndexMixin,
    ReadOnlyInlineMixin,
    RelatedOnly,
    ScopedAdmin,
    ScopedTabularInline,
)
from council.wareki import format_fiscal_year
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    EvaluationReview,
    ProgressReport,
)


class YearlyDocumentAdmin(ScopedAdmin):
    list_display = ["body", "fiscal_year_display", "updated_at"]
    list_filter = [("body__council", RelatedOnly), ("body", RelatedOnly), FiscalYearFilter]
    search_fields = ["body__name"]
    list_select_related = ["body"]
    autocomplete_fields = ["body"]
    ordering = ["-fiscal_year", "body__sort_order"]

    @admin.display(description="年度", ordering="fiscal_year")
    def fiscal_year_display(self, obj) -> str:
        return format_fiscal_year(obj.fiscal_year)


@admin.register(ActivityPolicy)
class ActivityPolicyAdmin(YearlyDocumentAdmin):
    fields = ["body", "fiscal_year", "history", "policy", "activities"]


@admin.register(ProgressReport)
class ProgressReportAdmin(YearlyDocumentAdmin):
    fields = ["body", "fiscal_year", "policy", "actions", "direction", "notes_for_steering"]


class EvaluationCommentInline(ScopedTabularInline):
    model = EvaluationComment
    fields = ["position", "person", "text"]
    autocomplete_fields = ["person"]
    extra = 1


class EvaluationReviewInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = EvaluationReview
    fields = ["at", "to_status", "by_name", "comment"]
    readonly_fields = fields
    verbose_name_plural = "福祉課の確認の記録"


@admin.register(Evaluation)
class EvaluationAdmin(YearlyDocumentAdmin):
    list_display = ["body", "fiscal_year_display", "status", "next_year", "updated_at"]
    list_filter = [*YearlyDocumentAdmin.list_filter, "status", "next_year"]
    readonly_fields = ["status"]
    inlines = [EvaluationCommentInline, EvaluationReviewInline]
    fieldsets = [
        (None, {"fields": ["body", "fiscal_year", "written_on", "status"]}),
        ("活動方針と取り組み内容", {"fields": ["policy", "narrative"]}),
        (
            "協議会の機能",
            {
                "fields": [
                    "function_information",
                    "function_coordination",
                    "function_development",
                    "function_education",
                    "function_advocacy",
                    "function_evaluation",
                ]
            },
        ),
        (
            "来年度の取り組みについて",
            {"fields": ["next_year", "next_policy", "next_activities", "handover", "end_reason"]},
        ),
    ]


@admin.register(EvaluationComment)
class EvaluationCommentAdmin(HiddenFromIndexMixin, ScopedAdmin):
    list_display = ["text", "person", "evaluation"]
    list_select_related = ["person__organization", "evaluation__body"]


@admin.register(EvaluationReview)
class EvaluationReviewAdmin(HiddenFromIndexMixin, ScopedAdmin):
    list_display = ["evaluation", "to_status", "by_name", "at"]
    list_select_related = ["evaluation__body"]
