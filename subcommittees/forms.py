"""Forms of the yearly documents' pages. They read and check what was typed; services write."""

from __future__ import annotations

from django import forms

from council.concurrency import NEW_VERSION
from council.forms import WarekiDateField
from council.models import Person
from council.wareki import format_wareki
from subcommittees.models import ActivityPolicy, CouncilFunction, Evaluation, NextYearDecision, ProgressReport
from subcommittees.services import CommentInput

DATE_HELP = "「令和3年1月4日」「R3.1.4」「2021/1/4」のどれでも入力できます（全角数字も可）。"
END_NEEDS_REASON = "「終了する」場合は理由を記入してください。"
FUNCTION_FIELDS = [f"function_{f.value}" for f in CouncilFunction]


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VersionedForm(forms.ModelForm):
    """Carries the record's last change as the user loaded it (``loaded_version``)."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = (
            self.instance.updated_at.isoformat() if self.instance.pk else NEW_VERSION
        )

    @property
    def document_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "loaded_version"}

    def refresh_version(self, current: str) -> None:
        """After a refused stale save: the next save is a deliberate one, made after the message."""
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current


class ProgressReportForm(VersionedForm):
    class Meta:
        model = ProgressReport
        fields = ["policy", "actions", "direction", "notes_for_steering"]
        widgets = {name: _textarea() for name in fields}
        help_texts = {
            "direction": "箇条書きにする場合は、1行に1項目ずつ書いてください。",
            "notes_for_steering": "運営会議に伝えたいこと、相談したいことがあれば書いてください。",
        }


class ActivityPolicyForm(VersionedForm):
    class Meta:
        model = ActivityPolicy
        fields = ["history", "policy", "activities"]
        widgets = {"history": _textarea(8), "policy": _textarea(3), "activities": _textarea(6)}
        labels = {"activities": "具体的活動（取り組み）内容"}
        help_texts = {
            "history": "「これまでの経過の下書きを作る」を押すと、これまでの年度の活動方針・振り返り・評価シートと"
            "地域課題の結果から下書きを作ります（前身の会議体の年度も含みます）。保存するまでは登録されません。",
        }


class EvaluationForm(VersionedForm):
    written_on = WarekiDateField(label="作成日", required=False, help_text=DATE_HELP)

    class Meta:
        model = Evaluation
        fields = [
            "written_on",
            "policy",
            "narrative",
            *FUNCTION_FIELDS,
            "next_year",
            "next_policy",
            "next_activities",
            "handover",
            "end_reason",
        ]
        widgets = {
            "policy": _textarea(3),
            "narrative": _textarea(8),
            "next_year": forms.RadioSelect,
            "next_policy": _textarea(3),
            "next_activities": _textarea(4),
            "handover": _textarea(3),
            "end_reason": _textarea(3),
        }
        labels = {"narrative": "取り組み内容", "next_activities": "取り組み内容", "end_reason": "理由等"}
        help_texts = {
            "narrative": "具体的な活動内容及び結果を書いてください。",
            "next_year": "「継続する」を選ぶと、活動方針（案）と取り組み内容が次年度の活動方針の下書きになります（まだ空欄の場合）。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_year"].choices = NextYearDecision.choices
        if self.instance.pk and self.instance.written_on:
            # Shown the way it is read back (令和3年1月4日), not 2021-01-04: the instance's value wins over field.initial.
            self.initial["written_on"] = format_wareki(self.instance.written_on)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("next_year") == NextYearDecision.END and not (cleaned.get("end_reason") or "").strip():
            self.add_error("end_reason", END_NEEDS_REASON)
        return cleaned

    def disable(self) -> None:
        """An approved or submitted sheet is shown, not edited."""
        for field in self.fields.values():
            field.disabled = True


class CommentForm(forms.Form):
    person = forms.ModelChoiceField(
        label="発言者", queryset=Person.objects.none(), required=False, empty_label="（記名なし）"
    )
    text = forms.CharField(
        label="感想・意見", required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )

    def __init__(self, *args, people: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        # The choices come from the list already read: no query per row when the page renders.
        field.choices = [("", field.empty_label), *((p.pk, p.name) for p in people)]
        field.widget.attrs["class"] = "form-select"
        field.error_messages["invalid_choice"] = "この会議体の構成員から選んでください。"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("person") and not (cleaned.get("text") or "").strip():
            self.add_error(
                "text", "感想・意見を入力してください（行を消すときは、発言者も空欄にしてください）。"
            )
        return cleaned

    @property
    def is_blank(self) -> bool:
        return not (getattr(self, "cleaned_data", {}).get("text") or "").strip()


class BaseCommentFormSet(forms.BaseFormSet):
    def __init__(self, *args, people: list[Person], **kwargs):
        self.people = people
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "people": self.people}

    def comments(self) -> list[CommentInput]:
        """The typed comments in page order; rows without text are left out (that is how one is removed)."""
        return [
            CommentInput(person=form.cleaned_data.get("person"), text=form.cleaned_data["text"])
            for form in self.forms
            if not form.is_blank
        ]

    def disable(self) -> None:
        for form in self.forms:
            for field in form.fields.values():
                field.disabled = True


CommentFormSet = forms.formset_factory(
    CommentForm, formset=BaseCommentFormSet, extra=3, max_num=100, absolute_max=200
)


REVIEW_COMMENT_MAX = 2000
RETURN_NEEDS_COMMENT = "差し戻すときは、直してほしい点をコメントに書いてください。"


class ReviewCommentForm(forms.Form):
    """The comment sent with a review step (提出・差戻し・承認): kept as typed when a step is refused."""

    comment = forms.CharField(
        label="コメント",
        required=False,
        max_length=REVIEW_COMMENT_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].error_messages["max_length"] = (
            f"コメントは{REVIEW_COMMENT_MAX}文字以内で書いてください（今は%(show_value)d文字です）。"
        )


class SubmitForm(ReviewCommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = "ひとこと（任意）"
        self.fields["comment"].widget.attrs["rows"] = 2


class ReviewDecisionForm(ReviewCommentForm):
    ACTIONS = [("approve", "承認する"), ("return", "差し戻す")]

    action = forms.ChoiceField(
        choices=ACTIONS,
        error_messages={
            "required": "「差し戻す」か「承認する」を選んでください。",
            "invalid_choice": "「差し戻す」か「承認する」を選んでください。",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = "コメント（差し戻すときは必須）"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and "comment" in cleaned and not cleaned["comment"]:
            self.add_error("comment", RETURN_NEEDS_COMMENT)
        return cleaned
