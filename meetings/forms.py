"""Forms of the meeting pages: the record (create / edit / 開催報告), attendance, bullets, handouts.

Forms only read and check what was typed; the writes are the services' (meetings.services).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from council.forms import OrderedRowsFormSet, WarekiDateField
from council.models import Body, Membership, Person
from council.wareki import (
    current_fiscal_year,
    fiscal_year_bounds,
    fiscal_year_of,
    format_fiscal_year,
    format_wareki,
)
from meetings.models import Meeting, MeetingFormat, MeetingStatus
from meetings.services import HANDOUT_TYPES, HANDOUT_TYPES_LABEL, handout_check_file, handout_max_bytes

DATE_HELP = (
    "「令和2年8月6日」「R2.8.6」「2020/8/6」のどれでも入力できます（全角数字も可）。"
    "「8月6日」のように年を省くと、選んだ年度の日付になります。未定なら空欄にしてください。"
)
NOT_NEGATIVE = "0以上の数で入力してください。"


def fiscal_year_choices(*also: int) -> list[tuple[int, str]]:
    """令和N年度 from two years ahead back to ten years ago, plus any year given (an old record's)."""
    now = current_fiscal_year()
    years = set(range(now - 10, now + 3)) | {y for y in also if y}
    return [(y, format_fiscal_year(y)) for y in sorted(years, reverse=True)]


class MeetingForm(forms.ModelForm):
    """The meeting itself. ``fiscal_year`` is the 年度 the page is about; the date decides in the end."""

    date = WarekiDateField(label="開催日", required=False, help_text=DATE_HELP)
    fiscal_year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        help_text="開催日が未定の予定は、この年度の会議として登録します。開催日を入力した場合は、その日付の年度になります。",
    )
    confirm_other_year = forms.BooleanField(label="年度外の日付で登録する", required=False)
    confirm_held = forms.BooleanField(label="開催済の会議の回次を変更する", required=False)
    # The record's last change as the user loaded it: a save on top of someone else's change is refused.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "status",
            "title",
            "start_time",
            "end_time",
            "format",
            "place",
            "agenda",
            "minutes",
            "notes_for_steering",
            "attendance_note",
            "agencies_count",
            "people_count",
        ]
        widgets = {
            "status": forms.RadioSelect,
            "format": forms.RadioSelect,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "notes_for_steering": forms.Textarea(attrs={"rows": 4}),
            "agencies_count": forms.NumberInput(attrs={"min": 0, "class": "input-count"}),
            "people_count": forms.NumberInput(attrs={"min": 0, "class": "input-count"}),
        }
        help_texts = {
            "status": "開催した会議は「開催済」に、取りやめた会議は「中止」にしてください。",
            "start_time": "例: 14:00",
            "end_time": "例: 15:30",
            "format": "書面会議は、集まらずに書面で意見を集めた会議です。",
            "agencies_count": "出席者・ゲストを記録すると自動で数え直します。記録がない（古い記録など）ときだけ直接入力してください。",
            "people_count": "出席者・ゲストを記録すると自動で数え直します。",
            "attendance_note": "報告書の「〇機関 〇名（…）」の括弧内に載ります。例: 区役所職員2名を含む",
        }

    def __init__(self, *args, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_year_choices(fiscal_year)
        self.fields["fiscal_year"].initial = fiscal_year
        # A date without its year (「7月15日」) is read inside the 年度 chosen on the form.
        self.fields["date"].fiscal_year = self._chosen_fiscal_year(fiscal_year)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        if self.instance.pk and self.instance.date:
            # Shown the way it is read back: 令和3年6月10日 rather than 2021/06/10.
            self.fields["date"].initial = format_wareki(self.instance.date)
        for name in ("agencies_count", "people_count"):
            field = self.fields[name]
            field.min_value = 0
            field.error_messages["min_value"] = NOT_NEGATIVE
            field.error_messages["invalid"] = "数字で入力してください。"
        for name in ("start_time", "end_time"):
            self.fields[name].error_messages["invalid"] = "「14:00」のように時:分で入力してください。"
        self.fields["status"].choices = MeetingStatus.choices
        self.fields["format"].choices = MeetingFormat.choices
        # Set once the form is validated: the date lies in another 年度 and the box was not ticked.
        self.needs_year_confirmation = False

    def _chosen_fiscal_year(self, page_year: int) -> int:
        if not self.is_bound:
            return page_year
        raw = self.data.get(self.add_prefix("fiscal_year"), "")
        choices = {value for value, _ in self.fields["fiscal_year"].choices}
        return int(raw) if str(raw).isdigit() and int(raw) in choices else page_year

    def clean(self):
        data = super().clean()
        date, fiscal_year = data.get("date"), data.get("fiscal_year")
        if data.get("status") == MeetingStatus.HELD and date is None and "date" not in self.errors:
            self.add_error("date", "開催済の会議には開催日を入力してください。")
        if data.get("status") == MeetingStatus.HELD and date is not None and date > timezone.localdate():
            self.add_error(
                "status",
                f"開催日（{format_wareki(date)}）はまだ来ていないため、「開催済」にはできません。"
                "「予定」のまま保存し、開催した後で「開催済」にしてください。",
            )
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", "終了時刻は開始時刻より後にしてください。")
        other_year = date is not None and fiscal_year is not None and fiscal_year_of(date) != fiscal_year
        if other_year and not data.get("confirm_other_year"):
            derived = format_fiscal_year(fiscal_year_of(date))
            self.needs_year_confirmation = True
            self.add_error(
                "confirm_other_year",
                f"開催日（{format_wareki(date)}）は{format_fiscal_year(fiscal_year)}ではなく{derived}の日付です。"
                f"このまま登録すると{derived}の会議になります。よろしければ"
                "「年度外の日付で登録する」にチェックを入れて、もう一度保存してください。",
            )
        return data

    def ask_renumber_confirmation(self, error: ValidationError) -> None:
        """The service found that the save renumbers held meetings: show its list and the box."""
        self.needs_renumber_confirmation = True
        self.add_error("confirm_held", error.messages)

    @property
    def show_renumber_confirmation(self) -> bool:
        return getattr(self, "needs_renumber_confirmation", False) or bool(
            self.is_bound and self.data.get(self.add_prefix("confirm_held"))
        )

    @property
    def show_year_confirmation(self) -> bool:
        return self.needs_year_confirmation or bool(
            self.is_bound and self.data.get(self.add_prefix("confirm_other_year"))
        )

    @property
    def record_fields(self) -> dict:
        """What meeting_create / meeting_update take besides the date, the 年度 and attendance."""
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in {"agencies_count", "people_count"}
        }

    @property
    def confirmed_held(self) -> bool:
        return bool(self.cleaned_data.get("confirm_held"))


def attendee_choices(*, body: Body, fiscal_year: int, meeting: Meeting | None = None) -> QuerySet[Person]:
    """The people one may tick as present: the body's members of that 年度, and whoever is already
    recorded (a member whose term has ended since, or someone added in the admin)."""
    first, last = fiscal_year_bounds(fiscal_year)
    members = Membership.objects.filter(body=body, term_start__lte=last).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=first)
    )
    present = Q(pk__in=members.values("person_id"))
    if meeting is not None and meeting.pk:
        present |= Q(attendances__meeting=meeting)
    return (
        Person.objects.filter(council_id=body.council_id)
        .filter(present)
        .select_related("organization")
        .distinct()
        .order_by("name_kana", "name", "pk")
    )


def person_label(person: Person) -> str:
    return f"{person.name}（{person.organization.name}）" if person.organization_id else person.name


class AttendanceForm(forms.Form):
    """Tick who came. The candidates are read once (one query) and serve both the boxes and the
    check of what was ticked, so a long member list costs no more than a short one."""

    people = forms.TypedMultipleChoiceField(
        label="出席した構成員",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="この年度に任期のある構成員です。出席した人にチェックを入れてください。",
        error_messages={
            "invalid_choice": "選べない人が含まれています。画面を読み込み直してから選んでください。"
        },
    )

    def __init__(self, *args, people: Iterable[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {person.pk: person for person in people}
        self.fields["people"].choices = [(pk, person_label(p)) for pk, p in self.candidates.items()]

    def clean_people(self) -> list[Person]:
        return [self.candidates[pk] for pk in self.cleaned_data["people"]]


class GuestForm(forms.Form):
    """One row of ゲスト・関係者: an agency and how many came (区役所職員 2名)."""

    organization_name = forms.CharField(
        label="所属（機関名）",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    people = forms.IntegerField(
        label="人数",
        required=False,
        min_value=1,
        max_value=999,
        error_messages={
            "min_value": "人数は1以上で入力してください。",
            "invalid": "数字で入力してください。",
        },
        widget=forms.NumberInput(attrs={"min": 1, "class": "form-control input-count"}),
    )
    note = forms.CharField(
        label="備考", max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and (data.get("people") is not None or data.get("note"))
            and not data.get("organization_name")
        ):
            self.add_error("organization_name", "所属（機関名）を入力してください。")
        if data.get("organization_name") and data.get("people") is None and "people" not in self.errors:
            self.add_error("people", "人数を入力してください。")
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("organization_name") or data.get("people") or data.get("note"))


GuestFormSet = forms.formset_factory(GuestForm, extra=2, max_num=50, validate_max=True)


class ItemForm(forms.Form):
    text = forms.CharField(
        label="取組・検討内容",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class BaseItemFormSet(OrderedRowsFormSet):
    """取組・検討内容 bullets. Reordered by typing numbers in 順番 (decimals slot a row in between),
    removed with 削除 or by emptying the text: all of it works without JavaScript."""

    def texts(self) -> list[str]:
        """The bullets in the order asked for (deleted and blank rows left out)."""
        return [
            form.cleaned_data["text"]
            for form in self.ordered_forms
            if form.cleaned_data.get("text", "").strip()
        ]


ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=3,
    max_num=100,
    validate_max=True,
    can_order=True,
    can_delete=True,
    can_delete_extra=False,
)


class HandoutForm(forms.Form):
    title = forms.CharField(
        label="資料名",
        max_length=200,
        required=False,
        help_text="空欄の場合はファイル名を資料名にします。例: 資料1 今年度の活動計画（案）",
    )
    file = forms.FileField(
        label="ファイル",
        error_messages={"required": "登録するファイルを選んでください。", "empty": "ファイルが空です。"},
        widget=forms.FileInput(attrs={"accept": ",".join(f".{ext}" for ext in HANDOUT_TYPES)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = handout_max_bytes() // (1024 * 1024)
        self.fields["file"].help_text = f"登録できるのは {HANDOUT_TYPES_LABEL} で、{limit}MBまでです。"

    def clean_file(self):
        file = self.cleaned_data["file"]
        handout_check_file(file)
        return file
