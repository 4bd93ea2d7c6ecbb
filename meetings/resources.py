"""Spreadsheet import/export of meetings (開催実績), one row per meeting.

A row is matched by 会議体 + 開催日; an undated plan by 会議体 + 年度 + 回次. 第N回 is never read
from the file for a new meeting: it is given by the rule of ``meeting_save_numbered``, as for
meetings made on the pages. The 取組・検討内容 bullets travel in ONE cell, one per line (a leading 「・」 is accepted).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from import_export import widgets

from council.models import Body
from council.wareki import fiscal_year_of, format_fiscal_year
from meetings import numbering
from meetings.models import Meeting, MeetingFormat, MeetingItem, MeetingStatus
from meetings.services import PARKED_SEQUENCE, held_in_future_error
from spreadsheets.resources import (
    BodyWidget,
    ChoiceLabelWidget,
    CouncilResource,
    CountWidget,
    FiscalYearWidget,
    KeyWidget,
    TimeWidget,
    WarekiDateWidget,
    _field,
    _text,
)

# A bullet starts a line, or follows spaces inside a line pasted from a report (「・A　・B」).
_BULLET_SPLIT = re.compile(r"(?:^|[ \u3000]+)[・●•◦]\s*")


def split_items(text: str) -> tuple[str, ...]:
    parts = [part for line in (text or "").splitlines() for part in _BULLET_SPLIT.split(line)]
    return tuple(part.strip() for part in parts if part and part.strip())


@functools.cache
def _constraint_messages() -> dict[str, str]:
    return {c.name: str(c.violation_error_message) for c in Meeting._meta.constraints}


class ItemsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return split_items(_text(value))

    def render(self, value, obj=None, **kwargs):
        return "\n".join(value or ())


class MeetingResource(CouncilResource):
    """Meetings, validated in memory and written together at the end of the import.

    A 10,000-row file ran at about 30 rows/s when each row went through ``meeting_save_numbered``
    (about 20 queries a row: a savepoint, the body lock, the highest 第N回, ``full_clean``'s
    foreign-key, unique and check-constraint queries, the insert, the items). Now the bodies, the
    stored meetings of those bodies and their bullets are read once in ``before_import``; each row
    is checked without a query (``_validate``: the field checks of ``full_clean`` and the model's
    constraints, evaluated in Python); a dry run writes nothing, and a real import writes all new
    and changed meetings and their bullets with ``bulk_create``/``bulk_update`` in
    ``after_import``. 第N回 follows the one rule of ``meetings.numbering`` (date order within the
    body and 年度), applied in memory to every series the file touches, under the same lock on the
    body rows that ``meeting_save_numbered`` takes, so a meeting saved on a page at the same time
    waits. An import may renumber held meetings without the page's question: the preview that
    comes before every import is the confirmation.
    """

    label = "会議"
    key_columns = ("会議体", "開催日")
    required_columns = ("会議体",)
    preview_columns = ("会議体", "年度", "開催日", "状態")
    export_only_columns = ("回次",)
    key_column = "ID"
    key_label = "会議"

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
    attendance_note = _field("attendance_note", "参加者の補足")
    title = _field("title", "会議名")
    items = _field("import_items", "取組・検討内容", ItemsWidget())
    record_key = _field("pk", "ID", KeyWidget(), readonly=True)

    # Model fields a row can change (``bulk_update`` writes these and the stamp).
    WRITTEN_FIELDS = (
        "fiscal_year",
        "sequence",
        "date",
        "start_time",
        "end_time",
        "format",
        "place",
        "status",
        "agencies_count",
        "people_count",
        "attendance_note",
        "title",
    )
    # The constraints of Meeting that ``_validate`` evaluates in Python (a test keeps this in step
    # with Meeting.Meta.constraints, so a new constraint cannot be forgotten here).
    CHECKED_CONSTRAINTS = (
        "meeting_sequence_unique",
        "meeting_held_has_date",
        "meeting_times_ordered",
        "meeting_attached_to_later_year",  # the import never sets attached_fiscal_year
    )
    BATCH_SIZE = 1000

    class Meta(CouncilResource.Meta):
        model = Meeting
        fields = (
            "body",
            "fiscal_year",
            "sequence",
            "date",
            "start_time",
            "end_time",
            "format",
            "place",
            "status",
            "agencies_count",
            "people_count",
            "attendance_note",
            "title",
            "items",
            "record_key",
        )
        import_id_fields = ("body", "date")
        # Nothing is written row by row (see the class docstring), so no savepoint per row either.
        use_bulk = True
        skip_diff = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._by_date: dict[tuple[int, dt.date], Meeting] = {}
        self._undated: dict[tuple[int, int, int], Meeting] = {}
        self._highest: dict[tuple[int, int], int] = {}
        self._to_create: list[Meeting] = []
        self._to_update: list[tuple[Meeting, list[str]]] = []
        self._parsed: dict = {}
        self._stored_meetings: list[Meeting] = []

    # -- reading once per import

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        names = {_text(name) for name in dataset[self.fields["body"].column_name]} if len(dataset) else set()
        bodies = [body for name in names if (body := self.fields["body"].widget.cached(name)) is not None]
        body_ids = sorted({body.pk for body in bodies})
        if not self.dry_run and body_ids:
            # The lock meeting_save_numbered takes: numbering of these bodies waits for this import.
            list(
                Body.objects.select_for_update()
                .filter(pk__in=body_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        meetings = list(
            Meeting.objects.filter(body_id__in=body_ids)
            .select_related("body")
            .order_by("body_id", "sequence", "id")
        )
        items: dict[int, list[str]] = {}
        for meeting_id, text in (
            MeetingItem.objects.filter(meeting__body_id__in=body_ids)
            .order_by("meeting_id", "position", "id")
            .values_list("meeting_id", "text")
            .iterator(chunk_size=5000)
        ):
            items.setdefault(meeting_id, []).append(text)
        self._stored_meetings = meetings
        self._by_pk = {meeting.pk: meeting for meeting in meetings}
        for meeting in meetings:
            meeting.import_items = tuple(items.get(meeting.pk, ()))
            if meeting.date is not None:
                self._by_date.setdefault((meeting.body_id, meeting.date), meeting)
            else:
                self._undated.setdefault((meeting.body_id, meeting.fiscal_year, meeting.sequence), meeting)
            key = (meeting.body_id, meeting.fiscal_year)
            self._highest[key] = max(self._highest.get(key, 0), meeting.sequence)

    # -- matching

    def _clean(self, name: str, row):
        field = self.fields[name]
        if field.column_name not in row:
            return None
        try:
            # The row too: a date without its year is completed from the row's 年度.
            return field.widget.clean(row[field.column_name], row=row)
        except ValueError:
            return None

    def row_key(self, row) -> tuple:
        # Parsed once per row here; find() reuses it.
        body, date = self._clean("body", row), self._clean("date", row)
        self._parsed = {"body": body, "date": date}
        return (getattr(body, "pk", None), date) if body and date else ()

    def find(self, row):
        body, date = self._parsed.get("body"), self._parsed.get("date")
        pk = self.row_pk(row)
        if body is None:
            return None
        if pk is not None:
            # The key wins (a changed 開催日 moves the meeting); it must be a meeting of the
            # row's body in this council (the stored meetings of the file's bodies).
            meeting = self._by_pk.get(pk)
            if meeting is None or meeting.body_id != body.pk:
                raise self.unknown_key(row, f"（「{body.name}」の会議にこのIDはありません）")
            self._stored = meeting
            return copy.copy(meeting)
        if date is not None:
            meeting = self._by_date.get((body.pk, date))
        else:
            year, sequence = self._clean("fiscal_year", row), self._clean("sequence", row)
            if not year or not sequence:
                return None
            meeting = self._undated.get((body.pk, year, sequence))
        if meeting is None:
            return None
        # import-export fills the instance it is given; the stored one stays as read, to compare
        # with (Meta.skip_diff spares a deepcopy of every row).
        self._stored = meeting
        return copy.copy(meeting)

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

    # -- checking without queries

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # The body came from this council's own list (BodyWidget), and 回次 is given on save: the
        # queries full_clean would make for them (foreign key, constraints) are done in memory.
        # An unreadable date leaves the 年度 it would give empty: reported once, on the date.
        unread_year = ["fiscal_year"] if "date" in errors and instance.fiscal_year is None else []
        try:
            instance.full_clean(
                exclude=[*errors, *unread_year, "body", "sequence"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # A constraint is checked only on values that were read (an unreadable date is reported
        # once, not again as 「開催済の会議には開催日を…」).
        messages = _constraint_messages()
        if (
            not errors.keys() & {"status", "date"}
            and instance.status == MeetingStatus.HELD
            and instance.date is None
        ):
            errors.setdefault(NON_FIELD_ERRORS, []).append(messages["meeting_held_has_date"])
        if not errors.keys() & {"status", "date"} and (future := held_in_future_error(instance)):
            errors.setdefault("status", []).extend(future.message_dict["status"])
        if (
            not errors.keys() & {"start_time", "end_time"}
            and instance.start_time
            and instance.end_time
            and instance.end_time < instance.start_time
        ):
            errors.setdefault(NON_FIELD_ERRORS, []).append(messages["meeting_times_ordered"])
        if errors:
            raise ValidationError(errors)

    def _number(self, instance: Meeting) -> None:
        """第N回 of a new meeting, or of one moved to another 年度 (meeting_save_numbered's rule)."""
        key = (instance.body.pk, instance.fiscal_year)
        self._highest[key] = self._highest.get(key, 0) + 1
        instance.sequence = self._highest[key]

    def save_instance(self, instance, is_create, row, **kwargs):
        changed = self.changes.get(self._row_number, [])
        if is_create or "年度" in changed:
            self._number(instance)  # meeting_meeting_sequence_unique holds by construction
        if is_create:
            self._to_create.append(instance)
        else:
            self._to_update.append((instance, changed))

    # -- writing once per import

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self.dry_run or result.has_errors() or result.has_validation_errors():
            return
        now = timezone.now()
        renumbered = self._renumber()
        # Stored meetings that change number are parked above every real 第N回 first, so the
        # unique constraint holds after each statement.
        moving = [m for m in renumbered if m.sequence != m.stored_sequence]
        finals = [m.sequence for m in moving]
        for meeting in moving:
            meeting.sequence += PARKED_SEQUENCE
        Meeting.objects.bulk_update(moving, ["sequence"], batch_size=self.BATCH_SIZE)
        for meeting, final in zip(moving, finals, strict=True):
            meeting.sequence = final
        Meeting.objects.bulk_create(self._to_create, batch_size=self.BATCH_SIZE)
        updated_pks = {meeting.pk for meeting, _ in self._to_update}
        Meeting.objects.bulk_update(
            [m for m in moving if m.pk not in updated_pks], ["sequence"], batch_size=self.BATCH_SIZE
        )
        items = [
            MeetingItem(meeting=meeting, position=position, text=text.strip())
            for meeting in self._to_create
            for position, text in enumerate((t for t in meeting.import_items if t and t.strip()), start=1)
        ]
        if self._to_update:
            updated = [meeting for meeting, _ in self._to_update]
            for meeting in updated:
                meeting.updated_at = now  # bulk_update does not apply auto_now
            Meeting.objects.bulk_update(
                updated, [*self.WRITTEN_FIELDS, "updated_at"], batch_size=self.BATCH_SIZE
            )
            relisted = [meeting for meeting, changed in self._to_update if "取組・検討内容" in changed]
            for start in range(0, len(relisted), self.BATCH_SIZE):
                batch = relisted[start : start + self.BATCH_SIZE]
                MeetingItem.objects.filter(meeting__in=[m.pk for m in batch]).delete()
            items += [
                MeetingItem(meeting=meeting, position=position, text=text.strip())
                for meeting in relisted
                for position, text in enumerate((t for t in meeting.import_items if t and t.strip()), start=1)
            ]
        MeetingItem.objects.bulk_create(items, batch_size=self.BATCH_SIZE)

    def _renumber(self) -> list[Meeting]:
        """Give every series the file touched its numbers by the rule; return the stored meetings
        whose number the rule changed (each with ``stored_sequence``)."""
        updated = {meeting.pk: meeting for meeting, _ in self._to_update}
        series: dict[tuple[int, int], list[Meeting]] = defaultdict(list)
        touched = {numbering.series_key(m) for m in self._to_create}
        for stored in self._stored_meetings:
            current = updated.get(stored.pk, stored)
            current.stored_sequence = stored.sequence
            if stored.pk in updated:
                touched |= {numbering.series_key(stored), numbering.series_key(current)}
            series[numbering.series_key(current)].append(current)
        for meeting in self._to_create:
            meeting.stored_sequence = None
            series[numbering.series_key(meeting)].append(meeting)
        moved = []
        for key in touched:
            for change in numbering.plan(series[key]):
                change.meeting.sequence = change.new
                if change.meeting.pk is not None:
                    moved.append(change.meeting)
        return moved

    def export_queryset(self, fiscal_year: int | None = None):
        meetings = Meeting.objects.filter(body__council=self.council, body__in=self.export_bodies())
        if fiscal_year is not None:
            meetings = meetings.filter(fiscal_year=fiscal_year)
        meetings = list(
            meetings.select_related("body")
            .prefetch_related("items")
            .order_by("body__sort_order", "body_id", "fiscal_year", "sequence")
        )
        for meeting in meetings:
            meeting.import_items = tuple(item.text for item in meeting.items.all())
        return meetings

    def example_row(self):
        return {
            "会議体": "相談支援部会",
            "年度": "令和6年度",
            "回次": "",
            "開催日": dt.date(2024, 6, 10),
            "開始時刻": "14:00",
            "終了時刻": "16:00",
            "開催形式": MeetingFormat.IN_PERSON.label,
            "会場": "市役所 第1会議室",
            "状態": MeetingStatus.HELD.label,
            "参加機関数": 12,
            "参加人数": 18,
            "参加者の補足": "区役所職員2名を含む",
            "会議名": "",
            "取組・検討内容": "・事例検討（地域移行）\n・部会の年間計画",
        }
