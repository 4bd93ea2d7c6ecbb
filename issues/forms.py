"""Forms of the regional issue pages. They check input only; the rules live in issues.workflow."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from council.forms import OrderedRowsFormSet, WarekiDateField
from council.models import Body, BodyKind
from council.tree import ancestors, descendants
from council.wareki import format_fiscal_year
from issues.models import OPEN_STATUSES, IssueStatus, MoveKind, RegionalIssue, Theme
from meetings.models import Meeting

ORIGIN_CASE_CONFERENCE = "case_conference"
ORIGIN_MEETING = "meeting"
ORIGIN_DIRECT = "direct"

TEXTAREA = {"rows": 4, "class": "form-control"}


def theme_label(theme: Theme) -> str:
    return f"{theme.mark}（{theme.name}）" if theme.mark else theme.name


def meeting_label(meeting: Meeting) -> str:
    return f"{meeting.body.name} {meeting.fiscal_year_label}{meeting.sequence_label}（{meeting.date_wareki}）"


class ThemeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Theme) -> str:
        return theme_label(obj)


class MeetingField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return meeting_label(obj)


class IssueRaiseForm(forms.Form):
    title = forms.CharField(
        label="地域課題",
        max_length=200,
        help_text="例: 精神障害者が地域で暮らしにくい",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    background = forms.CharField(
        label="課題が生じる背景", required=False, max_length=5000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    themes = ThemeField(
        label="テーマ",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    body = forms.ModelChoiceField(
        label="検討する会議体",
        queryset=Body.objects.none(),
        empty_label="選んでください",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    origin = forms.ChoiceField(
        label="提起の経路", widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    case_meeting = MeetingField(
        label="個別支援会議",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="選んでください",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    meeting = MeetingField(
        label="会議",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="選んでください",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, bodies, case_meetings, meetings, may_raise_directly: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["body"].queryset = bodies
        self.fields["case_meeting"].queryset = case_meetings
        self.fields["meeting"].queryset = meetings
        choices = [(ORIGIN_CASE_CONFERENCE, "個別支援会議から"), (ORIGIN_MEETING, "会議から")]
        if may_raise_directly:
            choices.append((ORIGIN_DIRECT, "直接（事務局・会議体の長から）"))
        self.fields["origin"].choices = choices

    def clean(self):
        cleaned = super().clean()
        origin = cleaned.get("origin")
        if origin == ORIGIN_CASE_CONFERENCE and not cleaned.get("case_meeting"):
            self.add_error("case_meeting", "提起した個別支援会議を選んでください。")
        if origin == ORIGIN_MEETING and not cleaned.get("meeting"):
            self.add_error("meeting", "提起した会議を選んでください。")
        return cleaned

    @property
    def origin_meeting(self) -> Meeting | None:
        origin = self.cleaned_data["origin"]
        if origin == ORIGIN_CASE_CONFERENCE:
            return self.cleaned_data["case_meeting"]
        if origin == ORIGIN_MEETING:
            return self.cleaned_data["meeting"]
        return None


class IssueMoveForm(forms.Form):
    """One form for every move: the kind, then the fields that kind uses (the rules say which)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="操作", widget=forms.Select(attrs={"class": "form-select"}))
    to_body = forms.TypedChoiceField(
        label="相手の会議体",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="「提案」では上位の会議体を、「調査・検討を依頼」では下位の会議体を選びます。",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label="理由・内容",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    due_on = WarekiDateField(
        label="期限",
        required=False,
        help_text="「調査・検討を依頼」のとき。例: 令和8年3月31日",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    merge_into = forms.ModelChoiceField(
        label="統合先の課題",
        queryset=RegionalIssue.objects.none(),
        required=False,
        empty_label="－",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    at_meeting = MeetingField(
        label="検討した会議",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="（会議の外で）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    social_resource = forms.CharField(
        label="開発・改善した社会資源",
        required=False,
        max_length=5000,
        help_text="「解決」のとき。",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(
        self,
        *args,
        issue: RegionalIssue,
        bodies: dict[int, Body],
        kinds: list[str],
        meetings,
        merge_targets: QuerySet[RegionalIssue],
        **kwargs,
    ):
        kwargs.setdefault("initial", {}).setdefault("version", issue.version)
        super().__init__(*args, **kwargs)
        self.bodies = bodies
        parent = bodies.get(issue.body.parent_id) if issue.body.parent_id else None
        labels = {
            MoveKind.ESCALATE: f"{MoveKind.ESCALATE.label}（→ {parent.name}）"
            if parent
            else MoveKind.ESCALATE.label
        }
        self.fields["kind"].choices = [("", "選んでください")] + [
            (kind, labels.get(kind, MoveKind(kind).label)) for kind in kinds
        ]
        up = [(b.pk, b.name) for b in ancestors(bodies, issue.body_id)]
        down = [(b.pk, b.name) for b in descendants(bodies, issue.body_id, case_conferences=False)]
        choices: list = [("", "－")]
        if up:
            choices.append(("上位の会議体（提案先）", up))
        if down:
            choices.append(("下位の会議体（調査・検討の依頼先）", down))
        self.fields["to_body"].choices = choices
        # Only issues the user reads (issues.selectors.issues_visible_to): never a case conference's
        # title before the pledge.
        self.fields["merge_into"].queryset = (
            merge_targets.filter(council=issue.council_id, status__in=OPEN_STATUSES)
            .exclude(pk=issue.pk)
            .order_by("-raised_on", "-id")
        )
        self.fields["at_meeting"].queryset = meetings

    def clean_to_body(self) -> Body | None:
        pk = self.cleaned_data.get("to_body")
        return self.bodies.get(pk) if pk else None


class IssueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状態", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    body = forms.ModelChoiceField(
        label="会議体",
        queryset=Body.objects.none(),
        required=False,
        empty_label="すべて",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    theme = forms.ModelChoiceField(
        label="テーマ",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="すべて",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.TypedChoiceField(
        label="提起した年度",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    older_than = forms.IntegerField(
        label="提起から（か月以上）",
        required=False,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def __init__(self, *args, bodies, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", "すべて"),
            ("open", "検討中（未終了）"),
            ("closed", "終了"),
        ] + list(IssueStatus.choices)
        self.fields["body"].queryset = bodies.exclude(kind=BodyKind.CASE_CONFERENCE)
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["theme"].label_from_instance = theme_label
        self.fields["year"].choices = [("", "すべて")] + [(y, format_fiscal_year(y)) for y in years]


class ActionPlanForm(forms.Form):
    target_state = forms.CharField(
        label="目指すべき状態", required=False, max_length=5000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ActionPlanRowForm(forms.Form):
    problem = forms.CharField(
        label="課題",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    towards = forms.CharField(
        label="誰に・どこに",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    action = forms.CharField(
        label="誰が何をする",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    due_label = forms.CharField(
        label="いつまでに",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    progress = forms.CharField(
        label="進捗",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            str(data.get(name, "")).strip()
            for name in ("problem", "towards", "action", "due_label", "progress")
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and not self.is_blank and not cleaned.get("problem", "").strip():
            self.add_error("problem", "課題を入力してください。")
        return cleaned


class BaseActionPlanRowFormSet(OrderedRowsFormSet):
    """Rows of the plan, like the meeting bullets: 順番 numbers reorder, 削除 removes, blank rows are
    left out; all of it works without JavaScript."""

    def rows(self) -> list[dict]:
        fields = ("problem", "towards", "action", "due_label", "progress")
        return [
            {name: form.cleaned_data.get(name, "").strip() for name in fields}
            for form in self.ordered_forms
            if not form.is_blank
        ]


ActionPlanRowFormSet = forms.formset_factory(
    ActionPlanRowForm,
    formset=BaseActionPlanRowFormSet,
    extra=2,
    max_num=100,
    validate_max=True,
    can_order=True,
    can_delete=True,
    can_delete_extra=False,
)


class HandOverForm(forms.Form):
    """引き継ぎ: where an ended body's open issues go, and on which day."""

    to_body = forms.ModelChoiceField(
        label="引き継ぎ先の会議体",
        queryset=Body.objects.none(),
        empty_label="選んでください",
        help_text="後継の会議体が登録されていれば、はじめから選ばれています。",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    on = WarekiDateField(
        label="引き継いだ日",
        help_text="「令和5年4月1日」「R5.4.1」「2023/4/1」のどれでも入力できます（全角数字も可）。"
        "この日の会議体の状態で確かめます。",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label="理由・内容",
        required=False,
        max_length=5000,
        help_text="空欄なら「（元の会議体）から（引き継ぎ先）へ引き継ぎました。」と記録します。",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, bodies: QuerySet[Body], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_body"]
        field.queryset = bodies
        field.label_from_instance = lambda body: body.name  # type: ignore[attr-defined]
