from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone

from council.admin_base import (
    DateFiscalYearFilter,
    HiddenFromIndexMixin,
    ReadOnlyInlineMixin,
    RelatedOnly,
    ScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    ServiceAdminMixin,
    count_of,
    form_values,
    formset_rows,
    scope_for_admin,
    wareki,
)
from issues.models import (
    OPEN_STATUSES,
    ActionPlan,
    ActionPlanRow,
    IssueMove,
    IssueStatus,
    RegionalIssue,
    Theme,
    ThemeOrder,
)
from issues.services import (
    action_plan_delete,
    action_plan_row_delete,
    action_plan_row_save,
    action_plan_save,
    issue_delete,
    issue_escalate,
    issue_save,
    theme_order_delete,
    theme_order_save,
)
from issues.workflow import IssueMoveRefused
from meetings.models import Meeting
from spreadsheets.admin_mixins import SpreadsheetAdminMixin


class IssueMoveInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = IssueMove
    fk_name = "issue"
    fields = [
        "at_display",
        "kind",
        "from_body",
        "to_body",
        "status_change",
        "at_meeting",
        "by_name",
        "reason",
        "due_on",
    ]
    readonly_fields = fields
    ordering = ["at", "id"]
    verbose_name = "経過"
    verbose_name_plural = "経過（記録は追加のみで、変更・削除はできません）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_body", "to_body", "at_meeting__body")

    @admin.display(description="日時")
    def at_display(self, obj: IssueMove) -> str:
        local = timezone.localtime(obj.at)
        return f"{wareki(local.date())} {local:%H:%M}"

    @admin.display(description="状態")
    def status_change(self, obj: IssueMove) -> str:
        before = IssueStatus(obj.from_status).label if obj.from_status else "－"
        return f"{before} → {obj.get_to_status_display()}"


class ActionPlanInline(ScopedStackedInline):
    model = ActionPlan
    fields = ["target_state"]
    show_change_link = True
    verbose_name_plural = "アクションプラン（行の入力は保存後に「変更」から）"


class RaisedFiscalYearFilter(DateFiscalYearFilter):
    title = "提起した年度"
    date_field = "raised_on"


class OpenFilter(admin.SimpleListFilter):
    title = "対応状況"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("open", "検討中（未終了）"), ("done", "終了")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "done":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="理由・内容",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="例: 部会での検討の結果、全市的な対応が必要なため運営会議へ提案する。",
    )
    at_meeting = forms.ModelChoiceField(
        label="検討した会議（任意）", queryset=Meeting.objects.none(), required=False
    )


@admin.register(RegionalIssue)
class RegionalIssueAdmin(SpreadsheetAdminMixin, ServiceAdminMixin, ScopedAdmin):
    """A new issue is raised by ``issue_raise`` (its history starts with 提起); a stored one changes
    by ``issue_update`` (with the ``updated_at`` check); moves go through the action."""

    spreadsheet_resource = "issues"
    save_service = staticmethod(issue_save)
    delete_service = staticmethod(issue_delete)
    delete_keyword = "issue"
    list_display = ["title", "body", "status", "raised_on_display", "theme_marks", "move_count", "council"]
    list_filter = [
        ("council", RelatedOnly),
        ("body", RelatedOnly),
        "status",
        OpenFilter,
        "themes",
        RaisedFiscalYearFilter,
        "origin",
    ]
    search_fields = ["title", "background"]
    list_select_related = ["body", "council"]
    filter_horizontal = ["themes"]
    autocomplete_fields = ["body", "origin_meeting"]
    inlines = [ActionPlanInline, IssueMoveInline]
    actions = ["escalate_to_parent"]
    readonly_fields = [
        "status",
        "merged_into",
        "reported_to",
        "reported_on",
        "outcome_note",
        "social_resource",
        "version",
    ]

    def get_fieldsets(self, request, obj=None):
        holder = ["body"] if obj is None else ["body_display"]
        return [
            (None, {"fields": ["council", "title", "background", "themes"]}),
            ("提起", {"fields": ["origin", "origin_meeting", "raised_on"]}),
            (
                "現在の状況",
                {
                    "fields": [
                        *holder,
                        "status",
                        "merged_into",
                        "reported_to",
                        "reported_on",
                        "outcome_note",
                        "social_resource",
                    ],
                    "description": "会議体の移動と状態の変更は、一覧画面の「操作」から行い、経過に記録されます。",
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # After it is raised, the holding body changes only through recorded moves.
            fields += ["body_display", "council"]
        return fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_moves=count_of(IssueMove, "issue"))
            .prefetch_related("themes")
        )

    @admin.display(description="検討している会議体")
    def body_display(self, obj: RegionalIssue) -> str:
        return str(obj.body)

    @admin.display(description="提起日", ordering="raised_on")
    def raised_on_display(self, obj: RegionalIssue) -> str:
        return wareki(obj.raised_on)

    @admin.display(description="テーマ")
    def theme_marks(self, obj: RegionalIssue) -> str:
        return "・".join(t.mark or t.name for t in obj.themes.all()) or "－"

    @admin.display(description="経過", ordering="_moves")
    def move_count(self, obj: RegionalIssue) -> str:
        return f"{obj._moves}件"

    def save_arguments(self, request, form, formsets, change):
        plans = [row for f in formsets if f.model is ActionPlan for row in formset_rows(f)]
        return {
            "issue": form.instance if change else None,
            "by": request.user,
            "loaded_version": form.cleaned_data.get("loaded_version", ""),
            "themes": form.cleaned_data.get("themes", []),
            "action_plan": plans,
            **form_values(form),
        }

    @admin.action(description="選択した地域課題を上位の会議体へ上げる（提案）", permissions=["change"])
    def escalate_to_parent(self, request, queryset):
        issues = list(queryset.select_related("body__parent", "council"))
        form = EscalateForm(request.POST if "apply" in request.POST else None)
        meetings = Meeting.objects.filter(body__in={i.body.parent_id for i in issues if i.body.parent_id})
        form.fields["at_meeting"].queryset = scope_for_admin(
            meetings.select_related("body"), request
        ).order_by("-date")
        if "apply" in request.POST and form.is_valid():
            done, refused = 0, []
            for issue in issues:
                try:
                    issue_escalate(
                        issue=issue,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        at_meeting=form.cleaned_data["at_meeting"],
                    )
                    done += 1
                except IssueMoveRefused as refusal:
                    refused.append(str(refusal))
            if done:
                self.message_user(
                    request, f"{done}件の地域課題を上位の会議体へ上げ、経過に記録しました。", messages.SUCCESS
                )
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "地域課題を上位の会議体へ上げる",
            "issues": issues,
            "form": form,
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": "escalate_to_parent",
        }
        return TemplateResponse(request, "admin/issues/escalate.html", context)


@admin.register(IssueMove)
class IssueMoveAdmin(ScopedAdmin):
    """The whole council's history of moves, read-only."""

    list_display = ["at", "issue", "kind", "from_body", "to_body", "to_status", "by_name"]
    list_filter = [("issue__council", RelatedOnly), "kind", ("to_body", RelatedOnly)]
    search_fields = ["issue__title", "reason", "by_name"]
    list_select_related = ["issue", "from_body", "to_body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionPlanRowInline(ScopedTabularInline):
    model = ActionPlanRow
    fields = ["position", "problem", "towards", "action", "due_label", "due_on", "progress"]
    extra = 1


@admin.register(ActionPlan)
class ActionPlanAdmin(ServiceAdminMixin, ScopedAdmin):
    """Saved with its rows by ``action_plan_save``, as on the issue's アクションプラン page (rows in
    the order of their 順番, numbered 1, 2, 3 …)."""

    save_service = staticmethod(action_plan_save)
    delete_service = staticmethod(action_plan_delete)
    delete_keyword = "plan"
    list_display = ["issue", "updated_at"]
    list_filter = [("issue__council", RelatedOnly)]
    search_fields = ["issue__title", "target_state"]
    list_select_related = ["issue"]
    autocomplete_fields = ["issue"]
    inlines = [ActionPlanRowInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "issue"] if obj is not None else fields  # a plan belongs to its issue

    def save_arguments(self, request, form, formsets, change):
        typed = []
        for formset in formsets:
            if formset.model is not ActionPlanRow:
                continue
            for n, edit in enumerate(formset_rows(formset, keep_unchanged=True)):
                if not edit.delete:
                    position = edit.values.get("position")
                    typed.append((position if position is not None else 10_000 + n, n, edit.values))
        return {
            "issue": form.instance.issue,
            "target_state": form.cleaned_data.get("target_state", ""),
            "rows": [values for _, _, values in sorted(typed, key=lambda t: t[:2])],
        }


@admin.register(ActionPlanRow)
class ActionPlanRowAdmin(HiddenFromIndexMixin, ServiceAdminMixin, ScopedAdmin):
    save_service = staticmethod(action_plan_row_save)
    delete_service = staticmethod(action_plan_row_delete)
    delete_keyword = "row"

    def save_arguments(self, request, form, formsets, change):
        return {"row": form.instance if change else None, **form_values(form)}

    list_display = ["problem", "plan", "due_label"]
    list_select_related = ["plan__issue"]


@admin.register(Theme)
class ThemeAdmin(ScopedAdmin):
    list_display = ["name", "mark", "is_care_component", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]


@admin.register(ThemeOrder)
class ThemeOrderAdmin(ServiceAdminMixin, ScopedAdmin):
    """The council's own order of the theme marks, for its pages, documents and spreadsheets."""

    save_service = staticmethod(theme_order_save)
    delete_service = staticmethod(theme_order_delete)
    delete_keyword = "theme_order"
    list_display = ["council", "marks"]
    fields = ["council", "marks"]

    def save_arguments(self, request, form, formsets, change):
        return {"theme_order": form.instance if change else None, **form_values(form)}
