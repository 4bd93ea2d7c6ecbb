"""The yearly documents in the secretariat's admin: saved by the same services as the pages.

A 振り返り・評価シート that is 提出済 or 承認済 is read-only here (its approved PDF is the record of
what was approved); a draft or a returned sheet, and the two other documents, save through
``subcommittees.services`` with the same ``updated_at`` check as the pages.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets

from council.admin_base import (
    FiscalYearFilter,
    HiddenFromIndexMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    RelatedOnly,
    ScopedAdmin,
    ScopedTabularInline,
    ServiceAdminMixin,
)
from council.concurrency import NEW_VERSION
from council.wareki import format_fiscal_year
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    EvaluationReview,
    ProgressReport,
)
from subcommittees.services import (
    EDITABLE_STATUSES,
    EVALUATION_FIELDS,
    POLICY_FIELDS,
    PROGRESS_REPORT_FIELDS,
    CommentInput,
    activity_policy_save,
    evaluation_comment_delete,
    evaluation_comment_save,
    evaluation_save,
    progress_report_save,
    yearly_document_delete,
)


class YearlyDocumentAdmin(ServiceAdminMixin, ScopedAdmin):
    """One document per body and 年度: which one is fixed once it exists (the services key on it)."""

    document_fields: frozenset[str] = frozenset()
    delete_service = staticmethod(yearly_document_delete)
    delete_keyword = "document"

    list_display = ["body", "fiscal_year_display", "updated_at"]
    list_filter = [("body__council", RelatedOnly), ("body", RelatedOnly), FiscalYearFilter]
    search_fields = ["body__name"]
    list_select_related = ["body"]
    autocomplete_fields = ["body"]
    ordering = ["-fiscal_year", "body__sort_order"]

    @admin.display(description="年度", ordering="fiscal_year")
    def fiscal_year_display(self, obj) -> str:
        return format_fiscal_year(obj.fiscal_year)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "body", "fiscal_year"] if obj is not None else fields

    def save_arguments(self, request, form, formsets, change):
        document = form.instance
        return {
            "body": document.body,
            "fiscal_year": document.fiscal_year,
            # A change form always carries the stamp; one posted without it is refused as stale.
            "loaded_version": form.cleaned_data.get("loaded_version") or NEW_VERSION,
            **{name: form.cleaned_data[name] for name in self.document_fields if name in form.cleaned_data},
        }


@admin.register(ActivityPolicy)
class ActivityPolicyAdmin(YearlyDocumentAdmin):
    fields = ["body", "fiscal_year", "history", "policy", "activities"]
    document_fields = POLICY_FIELDS
    save_service = staticmethod(activity_policy_save)


@admin.register(ProgressReport)
class ProgressReportAdmin(YearlyDocumentAdmin):
    fields = ["body", "fiscal_year", "policy", "actions", "direction", "notes_for_steering"]
    document_fields = PROGRESS_REPORT_FIELDS
    save_service = staticmethod(progress_report_save)


def _frozen(evaluation: Evaluation | None) -> bool:
    """提出済 or 承認済: nothing of the sheet changes in the admin."""
    return evaluation is not None and evaluation.pk is not None and evaluation.status not in EDITABLE_STATUSES


class EvaluationCommentInline(ScopedTabularInline):
    """Saved with the sheet by ``evaluation_save`` (which replaces the comments as a whole)."""

    model = EvaluationComment
    fields = ["position", "person", "text"]
    autocomplete_fields = ["person"]
    extra = 1

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


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
    document_fields = EVALUATION_FIELDS
    save_service = staticmethod(evaluation_save)
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

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if _frozen(obj):
            return flatten_fieldsets(self.fieldsets)
        return super().get_readonly_fields(request, obj)

    def save_arguments(self, request, form, formsets, change):
        return {
            **super().save_arguments(request, form, formsets, change),
            "comments": _typed_comments(formsets),
        }


def _typed_comments(formsets) -> list[CommentInput]:
    """The comment rows as the inline holds them after the POST (deleted and blank rows left out)."""
    rows = []
    for formset in formsets:
        if formset.model is not EvaluationComment:
            continue
        for n, form in enumerate(formset.forms):
            data = getattr(form, "cleaned_data", None) or {}
            if not data or formset._should_delete_form(form):
                continue
            position = data.get("position")
            rows.append((position if position is not None else 10_000 + n, n, data))
    return [
        CommentInput(person=data.get("person"), text=data.get("text") or "")
        for _, _, data in sorted(rows, key=lambda r: r[:2])
    ]


@admin.register(EvaluationComment)
class EvaluationCommentAdmin(ServiceAdminMixin, HiddenFromIndexMixin, ScopedAdmin):
    """One comment on its own; read-only once its sheet is 提出済 or 承認済 (as in the inline)."""

    list_display = ["text", "person", "evaluation"]
    list_select_related = ["person__organization", "evaluation__body"]
    fields = ["evaluation", "position", "person", "text"]
    autocomplete_fields = ["person"]
    save_service = staticmethod(evaluation_comment_save)
    delete_service = staticmethod(evaluation_comment_delete)
    delete_keyword = "comment"

    def has_change_permission(self, request, obj=None):
        return not (obj and _frozen(obj.evaluation)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and _frozen(obj.evaluation)) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "evaluation"] if obj is not None else fields

    def save_arguments(self, request, form, formsets, change):
        data = form.cleaned_data
        return {
            "evaluation": form.instance.evaluation,
            "text": data.get("text", ""),
            "person": data.get("person"),
            "position": data.get("position") or 0,
            "comment": form.instance if change else None,
        }


@admin.register(EvaluationReview)
class EvaluationReviewAdmin(ReadOnlyAdminMixin, HiddenFromIndexMixin, ScopedAdmin):
    """Read-only: the review steps are recorded by the review services."""

    list_display = ["evaluation", "to_status", "by_name", "at"]
    list_select_related = ["evaluation__body"]
