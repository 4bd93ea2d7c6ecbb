"""Writes to meetings: creation with a stable 第N回, items, attendance, edits and handouts."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterable
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from council.concurrency import check_unchanged
from council.models import Body, Organization, Person
from council.services import RowEdit, save_fields
from council.wareki import fiscal_year_of, format_fiscal_year, format_wareki
from meetings import numbering
from meetings.models import (
    Attendance,
    CalendarFeed,
    GuestAttendance,
    Handout,
    Meeting,
    MeetingItem,
    MeetingStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def held_in_future_error(meeting: Meeting) -> ValidationError | None:
    """A meeting dated after today cannot be 開催済 (the schedule and the dashboard would count it)."""
    if (
        meeting.status == MeetingStatus.HELD
        and meeting.date is not None
        and meeting.date > timezone.localdate()
    ):
        return ValidationError(
            {
                "status": f"開催日（{format_wareki(meeting.date)}）はまだ来ていないため、「開催済」にはできません。"
                "「予定」のまま保存し、開催した後で「開催済」にしてください。"
            },
            code="held_in_future",
        )
    return None


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    date: dt.date | None = None,
    fiscal_year: int | None = None,
    items: Iterable[str] = (),
    confirm_held: bool = False,
    **fields,
) -> Meeting:
    """Create a meeting; its fiscal year comes from the date (or is given for an undated plan)."""
    fields.pop("sequence", None)  # 第N回 is the numbering rule's, never the caller's
    if date is not None:
        derived = fiscal_year_of(date)
        if fiscal_year is not None and fiscal_year != derived:
            raise ValidationError({"date": "開催日が指定された年度に含まれていません。"})
        fiscal_year = derived
    if fiscal_year is None:
        raise ValidationError({"fiscal_year": "開催日か年度を指定してください。"})
    meeting = Meeting(body=body, date=date, fiscal_year=fiscal_year, **fields)
    meeting_save_numbered(meeting=meeting, confirm_held=confirm_held)
    meeting_set_items(meeting=meeting, texts=items)
    return meeting


def _series(*, body_id: int, year: int, exclude: int | None = None) -> list[Meeting]:
    meetings = Meeting.objects.filter(body_id=body_id).filter(
        Q(attached_fiscal_year=year) | Q(attached_fiscal_year__isnull=True, fiscal_year=year)
    )
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude)
    return list(meetings)


# Numbers are parked above any real 第N回 while a series is renumbered, so that the unique
# constraint holds after every statement (SQLite has no deferrable constraints).
PARKED_SEQUENCE = 20_000


def _write_numbers(changes: list[numbering.Change], *, then_save: Meeting | None = None) -> None:
    others = [c for c in changes if c.meeting is not then_save]
    for change in others:
        change.meeting.sequence = PARKED_SEQUENCE + change.new
    if others:
        Meeting.objects.bulk_update([c.meeting for c in others], ["sequence"])
    if then_save is not None:
        then_save.full_clean()
        then_save.save()
    for change in others:
        change.meeting.sequence = change.new
    if others:
        Meeting.objects.bulk_update([c.meeting for c in others], ["sequence"])


def _renumber_series(*, body_id: int, year: int) -> None:
    """Close the gap a meeting left in its series (deleted, moved away) — unless that would
    renumber a held meeting: then the numbers stay as they are."""
    changes = numbering.plan(_series(body_id=body_id, year=year))
    if changes and not numbering.held_changes(changes):
        _write_numbers(changes)


@transaction.atomic
def meeting_save_numbered(*, meeting: Meeting, confirm_held: bool = False) -> Meeting:
    """Save a meeting with the 第N回 the numbering rule gives it (``meetings.numbering``).

    The other meetings of its series are renumbered with it; if one of them is held (or the
    meeting itself was), ``numbering.RenumberHeld`` is raised unless ``confirm_held``. A meeting
    moved to another series (another 年度) leaves its old series renumbered where no held meeting
    moves.
    """
    if meeting.date is not None:
        meeting.fiscal_year = fiscal_year_of(meeting.date)
    error = held_in_future_error(meeting)
    if error is not None:
        raise error
    # Serialise numbering per body: two meetings saved at once must not both become 第N回.
    Body.objects.select_for_update().filter(pk=meeting.body_id).first()
    stored = None
    if meeting.pk is not None:
        stored = (
            Meeting.objects.filter(pk=meeting.pk)
            .values("body_id", "fiscal_year", "attached_fiscal_year", "sequence", "status")
            .first()
        )
    year = numbering.series_year(meeting)
    old_series = None
    if stored is not None:
        old_series = (stored["body_id"], stored["attached_fiscal_year"] or stored["fiscal_year"])
        if old_series == (meeting.body_id, year):
            meeting.stored_sequence, meeting.stored_status = stored["sequence"], stored["status"]
        else:
            meeting.stored_sequence, meeting.stored_status = None, None
    else:
        meeting.stored_sequence = None
    series = [*_series(body_id=meeting.body_id, year=year, exclude=meeting.pk), meeting]
    changes = numbering.plan(series)
    numbering.check_held(changes, confirmed=confirm_held)
    mine = next((c for c in changes if c.meeting is meeting), None)
    if mine is not None:
        meeting.sequence = mine.new
    _write_numbers(changes, then_save=meeting)
    if old_series is not None and old_series != (meeting.body_id, year):
        _renumber_series(body_id=old_series[0], year=old_series[1])
    return meeting


@transaction.atomic
def meeting_set_items(*, meeting: Meeting, texts: Iterable[str]) -> list[MeetingItem]:
    """Replace the 取組・検討内容 bullets with ``texts``, in that order (blank lines dropped)."""
    meeting.items.all().delete()
    rows = [
        MeetingItem(meeting=meeting, position=i, text=text.strip())
        for i, text in enumerate((t for t in texts if t and t.strip()), start=1)
    ]
    return MeetingItem.objects.bulk_create(rows)


def meeting_renumber_items(*, meeting: Meeting) -> None:
    """Number the bullets 1, 2, 3 … in their current order (after an edit moved some around)."""
    items = list(meeting.items.order_by("position", "id"))
    for n, item in enumerate(items, start=1):
        item.position = n
    MeetingItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def meeting_set_attendance(
    *, meeting: Meeting, people: Iterable[Person], guests: Iterable[GuestAttendance] = ()
) -> Meeting:
    """Record who attended and recount agencies and people (19機関 25名)."""
    meeting.attendances.all().delete()
    meeting.guests.all().delete()
    people = list(people)
    Attendance.objects.bulk_create(Attendance(meeting=meeting, person=p) for p in people)
    guests = list(guests)
    for guest in guests:
        guest.meeting = meeting
    GuestAttendance.objects.bulk_create(guests)
    meeting_recount_attendance(meeting=meeting)
    return meeting


def meeting_recount_attendance(*, meeting: Meeting) -> None:
    """Derive the counts from the attendance rows (an attendee without agency counts as one)."""
    people = list(meeting.attendances.select_related("person"))
    guests = list(meeting.guests.all())
    agencies: set[str] = set()
    for row in people:
        agencies.add(
            f"org:{row.person.organization_id}" if row.person.organization_id else f"person:{row.person_id}"
        )
    for guest in guests:
        if guest.organization_id:
            agencies.add(f"org:{guest.organization_id}")
        elif guest.organization_name:
            agencies.add(f"name:{guest.organization_name}")
    meeting.agencies_count = len(agencies)
    meeting.people_count = len(people) + sum(g.people for g in guests)
    meeting.save(update_fields=["agencies_count", "people_count", "updated_at"])


@transaction.atomic
def meeting_record_held(
    *, meeting: Meeting, date: dt.date | None = None, confirm_held: bool = False
) -> Meeting:
    """Mark a planned meeting as held (開催済). A held meeting needs a date in its fiscal year."""
    if date is not None:
        if fiscal_year_of(date) != meeting.fiscal_year:
            raise ValidationError(
                {
                    "date": f"開催日（{format_wareki(date)}）が{format_fiscal_year(meeting.fiscal_year)}ではありません。"
                    "年度をまたいで延期した場合は、会議の年度を変更してください。"
                }
            )
        meeting.date = date
    meeting.status = MeetingStatus.HELD
    if meeting.date is None:
        raise ValidationError({"date": "開催済の会議には開催日を入力してください。"})
    return meeting_save_numbered(meeting=meeting, confirm_held=confirm_held)


# --- Pages: editing a meeting's record, its attendance and its handouts -------------------------

# What meeting_update may change. The body, the 年度 and 第N回 are not fields a page sets: the 年度
# follows the date, and 第N回 follows the 年度 (see meeting_save_numbered).
MEETING_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "attached_fiscal_year",
        "start_time",
        "end_time",
        "format",
        "place",
        "status",
        "attendance_note",
        "agenda",
        "minutes",
        "notes_for_steering",
    }
)


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    date: dt.date | None,
    fiscal_year: int | None = None,
    loaded_version: str | None = None,
    confirm_held: bool = False,
    **fields,
) -> Meeting:
    """Change a meeting's record (the 開催報告 of a held meeting is an edit too).

    The 年度 comes from the date; ``fiscal_year`` is used only for an undated plan. 第N回 follows
    the numbering rule (``meetings.numbering``): a change that renumbers a held meeting needs
    ``confirm_held``.
    """
    unknown = set(fields) - MEETING_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"meeting_update cannot set {sorted(unknown)}")
    # Locked, so that two people saving the same meeting at once cannot both renumber it.
    stored_at = (
        Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("updated_at", flat=True).get()
    )
    # Someone saved this meeting after the user opened the form: do not write over their change.
    check_unchanged(stored=stored_at, loaded=loaded_version, what="会議の記録")
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.date = date
    if date is None:
        if fiscal_year is None:
            raise ValidationError({"fiscal_year": "開催日が未定の場合は年度を選んでください。"})
        meeting.fiscal_year = fiscal_year
    else:
        meeting.fiscal_year = fiscal_year_of(date)
    return meeting_save_numbered(meeting=meeting, confirm_held=confirm_held)


# A change posted without the stamp it was opened with: compared, it never matches (refused as stale).
NO_VERSION = "-"


@transaction.atomic
def meeting_save(
    *,
    meeting: Meeting | None = None,
    body: Body,
    date: dt.date | None,
    fiscal_year: int | None = None,
    loaded_version: str = "",
    agencies_count: int | None = None,
    people_count: int | None = None,
    items: Iterable[RowEdit[MeetingItem]] = (),
    attendance: Iterable[RowEdit[Attendance]] = (),
    guests: Iterable[RowEdit[GuestAttendance]] = (),
    confirm_held: bool = False,
    **fields,
) -> Meeting:
    """The admin's save of a meeting with its 取組・検討内容, attendees and guests.

    A new meeting takes the next 第N回 (``meeting_create``); a stored one is changed by
    ``meeting_update`` with the same ``updated_at`` check and 年度 rule as the meeting page (a
    meeting moved into another 年度 takes the next 第N回 there). The counts are kept as typed,
    unless attendees or guests changed: then they are recounted from the rows.
    """
    if meeting is None or meeting.pk is None:
        meeting = meeting_create(
            body=body,
            date=date,
            fiscal_year=fiscal_year,
            agencies_count=agencies_count,
            people_count=people_count,
            confirm_held=confirm_held,
            **fields,
        )
    else:
        meeting.body = body
        meeting.agencies_count, meeting.people_count = agencies_count, people_count
        meeting_update(
            meeting=meeting,
            date=date,
            fiscal_year=fiscal_year,
            loaded_version=loaded_version or NO_VERSION,
            confirm_held=confirm_held,
            **fields,
        )
    items = list(items)
    for edit in items:
        if edit.delete:
            meeting_item_delete(meeting_item=edit.stored)
        else:
            meeting_item_save(meeting_item=edit.row, **{**edit.values, "meeting": meeting}, renumber=False)
    if items:
        meeting_renumber_items(meeting=meeting)
    attendance, guests = list(attendance), list(guests)
    for present in attendance:
        if present.delete:
            present.stored.delete()
        else:
            values = {**present.values, "meeting": meeting}
            _check_attendee(values)
            save_fields(present.row or Attendance(), values, ATTENDANCE_FIELDS)
    for guest in guests:
        if guest.delete:
            guest.stored.delete()
        else:
            save_fields(guest.row or GuestAttendance(), {**guest.values, "meeting": meeting}, GUEST_FIELDS)
    if attendance or guests:
        meeting_recount_attendance(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting) -> None:
    """Remove a meeting with its rows; its handouts' files go once the deletion is committed.

    The later meetings of its series move up (第4回 becomes 第3回) unless one of them is held:
    then the numbers stay and the gap remains (``meetings.numbering``).
    """
    storage_names = [(h.file.storage, h.file.name) for h in meeting.handouts.all() if h.file.name]
    Body.objects.select_for_update().filter(pk=meeting.body_id).first()
    body_id, year = meeting.body_id, numbering.series_year(meeting)
    meeting.delete()
    _renumber_series(body_id=body_id, year=year)
    for storage, name in storage_names:
        transaction.on_commit(partial(storage.delete, name))


MEETING_ITEM_FIELDS = frozenset({"meeting", "position", "text"})


@transaction.atomic
def meeting_item_save(
    *, meeting_item: MeetingItem | None = None, renumber: bool = True, **fields
) -> MeetingItem:
    """Add or change one 取組・検討内容 bullet; the bullets are numbered 1, 2, 3 … again.

    A bullet without a 順番 goes after the others."""
    if fields.get("position", 0) is None:
        fields["position"] = 10_000
    item = save_fields(meeting_item or MeetingItem(), fields, MEETING_ITEM_FIELDS)
    if renumber:
        meeting_renumber_items(meeting=item.meeting)
    return item


@transaction.atomic
def meeting_item_delete(*, meeting_item: MeetingItem) -> None:
    meeting_item.delete()


ATTENDANCE_FIELDS = frozenset({"meeting", "person"})
GUEST_FIELDS = frozenset({"meeting", "organization", "organization_name", "people", "note"})


def _check_attendee(fields: dict) -> None:
    meeting, person = fields.get("meeting"), fields.get("person")
    if meeting is not None and person is not None and person.council_id != meeting.body.council_id:
        raise ValidationError("出席者は同じ協議会の人物から選んでください。")


@transaction.atomic
def attendance_save(*, attendance: Attendance | None = None, **fields) -> Attendance:
    """Add or change one attendee of a meeting; the meeting's counts are recounted."""
    _check_attendee(fields)
    row = save_fields(attendance or Attendance(), fields, ATTENDANCE_FIELDS)
    meeting_recount_attendance(meeting=row.meeting)
    return row


@transaction.atomic
def attendance_delete(*, attendance: Attendance) -> None:
    meeting = attendance.meeting
    attendance.delete()
    meeting_recount_attendance(meeting=meeting)


@transaction.atomic
def guest_attendance_save(*, guest: GuestAttendance | None = None, **fields) -> GuestAttendance:
    """Add or change one guest row (所属・人数) of a meeting; the meeting's counts are recounted."""
    row = save_fields(guest or GuestAttendance(), fields, GUEST_FIELDS)
    meeting_recount_attendance(meeting=row.meeting)
    return row


@transaction.atomic
def guest_attendance_delete(*, guest: GuestAttendance) -> None:
    meeting = guest.meeting
    guest.delete()
    meeting_recount_attendance(meeting=meeting)


@transaction.atomic
def calendar_feed_delete(*, feed: CalendarFeed) -> None:
    """Remove a calendar feed (its URL stops answering); ``calendar_feed_revoke`` keeps the row."""
    feed.delete()


@transaction.atomic
def meeting_record_attendance(
    *,
    meeting: Meeting,
    people: Iterable[Person],
    guests: Iterable[GuestAttendance] = (),
    agencies_count: int | None = None,
    people_count: int | None = None,
) -> Meeting:
    """Record who came. With attendees or guests the counts are recounted from them (19機関 25名);
    with none (an old record typed from paper), the typed counts are kept as they are.

    A guest whose agency name is one of the council's 関係機関 is linked to it, so that the agency
    counts once even when a member of it attended too.
    """
    people, guests = list(people), list(guests)
    for value in (agencies_count, people_count):
        if value is not None and value < 0:
            raise ValidationError("参加機関数・参加人数は0以上の数で入力してください。")
    foreign = [p for p in people if p.council_id != meeting.body.council_id]
    if foreign:
        raise ValidationError("出席者は同じ協議会の人物から選んでください。")
    if people or guests:
        names = {g.organization_name for g in guests if g.organization_id is None and g.organization_name}
        if names:
            known = {
                org.name: org
                for org in Organization.objects.filter(council_id=meeting.body.council_id, name__in=names)
            }
            for guest in guests:
                if guest.organization_id is None and guest.organization_name in known:
                    guest.organization = known[guest.organization_name]
        for guest in guests:
            guest.meeting = meeting
            guest.full_clean(exclude=["meeting", "organization"])
        return meeting_set_attendance(meeting=meeting, people=people, guests=guests)
    meeting.attendances.all().delete()
    meeting.guests.all().delete()
    meeting.agencies_count = agencies_count
    meeting.people_count = people_count
    meeting.save(update_fields=["agencies_count", "people_count", "updated_at"])
    return meeting


# Handouts: what may be uploaded. The extension says what the file claims to be; the first bytes
# must agree, so a renamed program (or an HTML page named .pdf) is refused before it is stored.
HANDOUT_MAX_BYTES_DEFAULT = 20 * 1024 * 1024

_OOXML = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT = None  # no magic number: checked by decoding instead

HANDOUT_TYPES: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OOXML),
    "doc": ("application/msword", _OLE2),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OOXML),
    "xls": ("application/vnd.ms-excel", _OLE2),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _OOXML),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "txt": ("text/plain; charset=utf-8", _TEXT),
    "csv": ("text/csv", _TEXT),
}
HANDOUT_TYPES_LABEL = "PDF、Word（.docx/.doc）、Excel（.xlsx/.xls）、PowerPoint（.pptx）、画像（.png/.jpg）、テキスト・CSV（.txt/.csv）"


def handout_max_bytes() -> int:
    return getattr(settings, "HANDOUT_MAX_BYTES", HANDOUT_MAX_BYTES_DEFAULT)


def _looks_like_text(head: bytes) -> bool:
    # Offices write CSV in Shift_JIS as often as in UTF-8. The head may end inside a character,
    # hence the incremental decoders that wait for the rest instead of failing.
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def handout_check_file(file: UploadedFile) -> str:
    """Check an uploaded file's size, extension and first bytes; return the content type to store.

    Raises ValidationError with a message for the uploader.
    """
    limit = handout_max_bytes()
    if file.size is None or file.size == 0:
        raise ValidationError("ファイルが空です。内容のあるファイルを選んでください。", code="empty")
    if file.size > limit:
        raise ValidationError(
            f"ファイルが大きすぎます（{_megabytes(file.size)}）。{_megabytes(limit)}以下のファイルにしてください。",
            code="too_big",
        )
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in HANDOUT_TYPES:
        raise ValidationError(
            f"この種類のファイルは登録できません。登録できるのは {HANDOUT_TYPES_LABEL} です。", code="type"
        )
    content_type, magic = HANDOUT_TYPES[extension]
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    ok = _looks_like_text(head) if magic is None else head.startswith(magic)
    if not ok:
        raise ValidationError(
            f"ファイルの中身が拡張子（.{extension}）と一致しません。壊れているか、別の種類のファイルの可能性があります。"
            "元のアプリで保存し直してから登録してください。",
            code="content",
        )
    return content_type


def _megabytes(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{mb:.0f}MB" if mb >= 10 or mb == int(mb) else f"{mb:.1f}MB"


@transaction.atomic
def handout_add(
    *, meeting: Meeting, file: UploadedFile, title: str = "", uploaded_by: User | None = None
) -> Handout:
    """Store a file handed out at the meeting (checked by ``handout_check_file``)."""
    content_type = handout_check_file(file)
    title = title.strip() or PurePath(file.name or "資料").stem
    handout = Handout(
        meeting=meeting,
        title=title[:200],
        content_type=content_type,
        size=cast(int, file.size),  # handout_check_file refused a file without a size
        uploaded_by=uploaded_by,
    )
    handout.file.save(file.name, file, save=False)
    name = handout.file.name
    try:
        handout.full_clean()
        handout.save()
    except Exception:
        handout.file.storage.delete(name)
        raise
    return handout


@transaction.atomic
def handout_save(
    *,
    meeting: Meeting,
    title: str,
    handout: Handout | None = None,
    file: UploadedFile | None = None,
    uploaded_by: User | None = None,
) -> Handout:
    """The admin's write of one handout row: a new file is added (``handout_add``, checked and its
    type stored); a stored handout only changes its 資料名 (a file is replaced by delete and add)."""
    if handout is None:
        if file is None:
            raise ValidationError("ファイルを選んでください。", code="required")
        return handout_add(meeting=meeting, file=file, title=title, uploaded_by=uploaded_by)
    return handout_retitle(handout=handout, title=title)


@transaction.atomic
def handout_retitle(*, handout: Handout, title: str) -> Handout:
    """Change a handout's 資料名 (the file itself is replaced by deleting and adding)."""
    handout.title = title.strip()[:200]
    handout.full_clean()
    handout.save(update_fields=["title"])
    return handout


@transaction.atomic
def handout_delete(*, handout: Handout) -> None:
    """Remove a handout and, once the deletion is committed, its file."""
    storage, name = handout.file.storage, handout.file.name
    handout.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
