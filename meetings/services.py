"""Writes to meetings: creation with a stable 第N回, items, attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from council.models import Body, Person
from council.wareki import fiscal_year_of, format_fiscal_year, format_wareki
from meetings.models import Attendance, GuestAttendance, Meeting, MeetingItem, MeetingStatus


def next_sequence(*, body: Body, fiscal_year: int) -> int:
    """The 第N回 a new meeting of the body gets in that fiscal year: one past the highest there.

    Existing meetings never change number (cancelling or deleting one leaves a gap). Only the number
    of a deleted *latest* meeting is given again — a meeting entered by mistake and removed at once
    should not leave 第1回 missing.
    """
    highest = Meeting.objects.filter(body=body, fiscal_year=fiscal_year).aggregate(m=Max("sequence"))["m"]
    return (highest or 0) + 1


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    date: dt.date | None = None,
    fiscal_year: int | None = None,
    items: Iterable[str] = (),
    **fields,
) -> Meeting:
    """Create a meeting; its fiscal year comes from the date (or is given for an undated plan)."""
    if date is not None:
        derived = fiscal_year_of(date)
        if fiscal_year is not None and fiscal_year != derived:
            raise ValidationError({"date": "開催日が指定された年度に含まれていません。"})
        fiscal_year = derived
    if fiscal_year is None:
        raise ValidationError({"fiscal_year": "開催日か年度を指定してください。"})
    meeting = Meeting(body=body, date=date, fiscal_year=fiscal_year, **fields)
    meeting_save_numbered(meeting=meeting)
    meeting_set_items(meeting=meeting, texts=items)
    return meeting


@transaction.atomic
def meeting_save_numbered(*, meeting: Meeting, renumber: bool = False) -> Meeting:
    """Save a new meeting with the next 第N回 of its body and fiscal year.

    With ``renumber`` (the meeting moved to another fiscal year), it takes the next number there.
    Otherwise an existing meeting keeps its number: numbers are stable.
    """
    if meeting.date is not None:
        meeting.fiscal_year = fiscal_year_of(meeting.date)
    if meeting.pk is None or renumber:
        # Serialise numbering per body: two meetings created at once must not both become 第N回.
        Body.objects.select_for_update().filter(pk=meeting.body_id).first()
        meeting.sequence = next_sequence(body=meeting.body, fiscal_year=meeting.fiscal_year)
    meeting.full_clean()
    meeting.save()
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
        agencies.add(f"org:{row.person.organization_id}" if row.person.organization_id else f"person:{row.person_id}")
    for guest in guests:
        if guest.organization_id:
            agencies.add(f"org:{guest.organization_id}")
        elif guest.organization_name:
            agencies.add(f"name:{guest.organization_name}")
    meeting.agencies_count = len(agencies)
    meeting.people_count = len(people) + sum(g.people for g in guests)
    meeting.save(update_fields=["agencies_count", "people_count", "updated_at"])


@transaction.atomic
def meeting_record_held(*, meeting: Meeting, date: dt.date | None = None) -> Meeting:
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
    meeting.full_clean()
    meeting.save(update_fields=["date", "status", "updated_at"])
    return meeting
