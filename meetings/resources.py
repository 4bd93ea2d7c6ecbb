"""Spreadsheet import/export of meetings (開催実績), one row per meeting.

A row is matched by 会議体 + 開催日; an undated plan by 会議体 + 年度 + 回次. 第N回 is never read
from the file for a new meeting: ``meeting_save_numbered`` gives it, as for meetings made on the
pages. The 取組・検討内容 bullets travel in ONE cell, one per line (a leading 「・」 is accepted).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from import_export import widgets

from council.resources import (
    BodyWidget,
    ChoiceLabelWidget,
    CouncilResource,
    CountWidget,
    FiscalYearWidget,
    TimeWidget,
    WarekiDateWidget,
    _field,
    _text,
)
from council.wareki import fiscal_year_of, format_fiscal_year
from meetings.models import Meeting, MeetingFormat, MeetingStatus
from meetings.services import meeting_save_numbered, meeting_set_items

# A bullet starts a line, or follows spaces inside a line pasted from a report (「・A　・B」).
_BULLET_SPLIT = re.compile(r"(?:^|[ \u3000]+)[・●•◦]\s*")


def split_items(text: str) -> tuple[str, ...]:
    parts = [part for line in (text or "").splitlines() for part in _BULLET_SPLIT.split(line)]
    return tuple(part.strip() for part in parts if part and part.strip())


class ItemsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return split_items(_text(value))

    def render(self, value, obj=None, **kwargs):
        return "\n".join(value or ())


class MeetingResource(CouncilResource):
    label = "会議"
    key_columns = ("会議体", "開催日")
    required_columns = ("会議体",)
    export_only_columns = ("回次",)

    body = _field("body", "会議体", BodyWidget())
    fiscal_year = _field("fiscal_year", "年度", FiscalYearWidget())
    sequence = _field("sequence", "回次", CountWidget(), readonly=True)
    date = _field("date", "開催日", WarekiDateWidget())
    start_time = _field("start_time", "開始時刻", TimeWidget())
    end_time = _field("end_time", "終了時刻", TimeWidget())
    format = _field("format", "開催形式", ChoiceLabelWidget(MeetingFormat, default=MeetingFormat.IN_PERSON))
    place = _field("place", "会場")
    status = _field("status", "状態", ChoiceLabelWidget(MeetingStatus, default=MeetingStatus.PLANNED))
    agencies_count = _field("agencies_count", "参加機関数", CountWidget())
    people_count = _field("people_count", "参加人数", CountWidget())
    items = _field("import_items", "取組・検討内容", ItemsWidget())

    class Meta(CouncilResource.Meta):
        model = Meeting
        fields = (
            "body", "fiscal_year", "sequence", "date", "start_time", "end_time", "format", "place", "status",
            "agencies_count", "people_count", "items",
        )
        import_id_fields = ("body", "date")

    def _clean(self, name: str, row):
        field = self.fields[name]
        if field.column_name not in row:
            return None
        try:
            return field.widget.clean(row[field.column_name])
        except ValueError:
            return None

    def row_key(self, row) -> tuple:
        body, date = self._clean("body", row), self._clean("date", row)
        return (getattr(body, "pk", None), date) if body and date else ()

    def find(self, row):
        body = self._clean("body", row)
        if body is None:
            return None
        meetings = Meeting.objects.filter(body=body).select_related("body").prefetch_related("items")
        date = self._clean("date", row)
        if date is not None:
            meeting = meetings.filter(date=date).order_by("sequence").first()
        else:
            year, sequence = self._clean("fiscal_year", row), self._clean("sequence", row)
            if not year or not sequence:
                return None
            meeting = meetings.filter(fiscal_year=year, sequence=sequence, date__isnull=True).first()
        if meeting is not None:
            meeting.import_items = tuple(item.text for item in meeting.items.all())
        return meeting

    def new_instance(self):
        meeting = Meeting()
        meeting.import_items = ()
        return meeting

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "date" not in errors and "fiscal_year" not in errors:
            if instance.date is not None:
                derived = fiscal_year_of(instance.date)
                if instance.fiscal_year is None:
                    instance.fiscal_year = derived
                elif instance.fiscal_year != derived:
                    errors["fiscal_year"] = [
                        f"開催日（{instance.date:%Y/%m/%d}）は{format_fiscal_year(instance.fiscal_year)}に含まれていません。"
                    ]
            elif instance.fiscal_year is None:
                errors["fiscal_year"] = ["開催日か年度を入力してください。"]
        if errors:
            raise ValidationError(errors)

    def save_new(self, instance) -> None:
        meeting_save_numbered(meeting=instance)
        meeting_set_items(meeting=instance, texts=instance.import_items)

    def save_changed(self, instance, changed) -> None:
        meeting_save_numbered(meeting=instance, renumber="年度" in changed)
        if "取組・検討内容" in changed:
            meeting_set_items(meeting=instance, texts=instance.import_items)

    def export_queryset(self):
        meetings = list(
            Meeting.objects.filter(body__council=self.council)
            .select_related("body")
            .prefetch_related("items")
            .order_by("body__sort_order", "body_id", "fiscal_year", "sequence")
        )
        for meeting in meetings:
            meeting.import_items = tuple(item.text for item in meeting.items.all())
        return meetings

    def example_row(self):
        return {
            "会議体": "相談支援部会", "年度": "令和6年度", "回次": "", "開催日": dt.date(2024, 6, 10),
            "開始時刻": "14:00", "終了時刻": "16:00", "開催形式": MeetingFormat.IN_PERSON.label,
            "会場": "市役所 第1会議室", "状態": MeetingStatus.HELD.label, "参加機関数": 12, "参加人数": 18,
            "取組・検討内容": "・事例検討（地域移行）\n・部会の年間計画",
        }
