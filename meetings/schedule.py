"""Reads for the planning pages: the year's 全体スケジュール grid and the secretariat's dashboard.

Each page has a *selector* that fetches a fixed number of queries whatever the amount of data, and
a *pure builder* that turns the fetched rows into what the template shows. The builders take
``today`` and the fiscal year as arguments, so tests can freeze time without patching anything.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from council.access import readable_bodies
from council.models import Body, BodyKind, BodyStatus, BodyStatusKind, Council
from council.tree import exists_in, tree_order
from council.wareki import (
    FISCAL_MONTHS,
    WEEKDAY_CHARS,
    fiscal_year_of,
    format_wareki,
)
from meetings.models import Meeting, MeetingStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The months of a 年度, in the order of the grid's columns.


def meeting_label(meeting: Meeting, body_name: str) -> str:
    """「相談支援部会 第2回」, plus the meeting's title where it says something the name does not
    (「個別支援会議（北部地区）」 of 個別支援会議 gives 「個別支援会議 第2回（北部地区）」)."""
    text = f"{body_name} {meeting.sequence_label}"
    title = meeting.title.strip()
    if title.startswith(body_name):
        title = title[len(body_name) :].strip()
    if title:
        text += title if title.startswith(("（", "(")) else f" {title}"
    return text


def governing_status(body: Body, fiscal_year: int) -> BodyStatus | None:
    """The status row in force in ``fiscal_year`` (like ``Body.status_in``, but the row, with its note)."""
    rows = [row for row in body.statuses.all() if row.fiscal_year <= fiscal_year]
    return max(rows, key=lambda row: row.fiscal_year) if rows else None


def first_fiscal_year(body: Body) -> int | None:
    years = [row.fiscal_year for row in body.statuses.all()]
    return min(years) if years else None


# --------------------------------------------------------------------------------------------
# 全体スケジュール
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleEntry:
    """One meeting in a cell of the grid."""

    meeting_id: int
    date: dt.date | None
    sequence_label: str
    status: str
    is_written: bool
    title: str = ""

    @property
    def day_label(self) -> str:
        return f"{self.date.day}日" if self.date else "日程未定"

    @property
    def weekday(self) -> str:
        return WEEKDAY_CHARS[self.date.weekday()] if self.date else ""

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def status_label(self) -> str:
        return MeetingStatus(self.status).label

    @property
    def description(self) -> str:
        """What a screen reader says for the cell's link: 第2回 令和2年8月6日(木) 開催済 書面会議."""
        parts = [self.sequence_label, format_wareki(self.date, weekday=True) if self.date else "日程未定"]
        parts.append(self.status_label)
        if self.is_written:
            parts.append("書面会議")
        if self.title:
            parts.append(self.title)
        return " ".join(parts)


@dataclass
class ScheduleRow:
    body: Body
    name: str  # as named in that 年度
    depth: int
    status: str  # BodyStatusKind value
    status_note: str
    months: list[list[ScheduleEntry]]  # one list per column of FISCAL_MONTHS
    undated: list[ScheduleEntry]
    held_count: int
    planned_count: int

    @property
    def status_label(self) -> str:
        return {BodyStatusKind.PAUSED: "休止中", BodyStatusKind.ENDED: "終了"}.get(self.status, "")

    @property
    def is_empty(self) -> bool:
        return not self.undated and not any(self.months)

    @property
    def indent(self) -> int:
        """Depth for the CSS class (deeper trees stop indenting: the page must stay printable)."""
        return min(self.depth, 4)


@dataclass
class Schedule:
    fiscal_year: int
    month_labels: list[str]
    rows: list[ScheduleRow]
    liaison_rows: list[ScheduleRow]

    @property
    def is_empty(self) -> bool:
        return not self.rows and not self.liaison_rows


def _entry(meeting: Meeting) -> ScheduleEntry:
    return ScheduleEntry(
        meeting_id=meeting.pk,
        date=meeting.date,
        sequence_label=meeting.sequence_label,
        status=meeting.status,
        is_written=meeting.is_written,
        title=meeting.title,
    )


def _schedule_row(body: Body, depth: int, fiscal_year: int, meetings: list[Meeting]) -> ScheduleRow | None:
    """The body's row in the year, or None when the body did not exist in that year."""
    status = governing_status(body, fiscal_year)
    if not meetings and not exists_in(body, fiscal_year):
        return None  # not created yet, or ended in an earlier year
    # Recorded meetings always show, even where the status history says otherwise: hiding a
    # meeting from the year's grid would be worse than showing a body with a gap in its history.
    months: list[list[ScheduleEntry]] = [[] for _ in FISCAL_MONTHS]
    undated: list[ScheduleEntry] = []
    for meeting in sorted(meetings, key=lambda m: (m.date or dt.date.max, m.sequence)):
        if meeting.date is None:
            undated.append(_entry(meeting))
        else:
            months[FISCAL_MONTHS.index(meeting.date.month)].append(_entry(meeting))
    return ScheduleRow(
        body=body,
        name=body.name_in(fiscal_year),
        depth=depth,
        status=status.status if status else BodyStatusKind.ACTIVE,
        status_note=status.note if status and status.status != BodyStatusKind.ACTIVE else "",
        months=months,
        undated=undated,
        held_count=sum(1 for m in meetings if m.status == MeetingStatus.HELD),
        planned_count=sum(1 for m in meetings if m.status == MeetingStatus.PLANNED),
    )


def build_schedule(*, fiscal_year: int, bodies: Sequence[Body], meetings: Iterable[Meeting]) -> Schedule:
    """The 全体スケジュール of ``fiscal_year`` from fetched rows (no queries when ``bodies`` come
    with ``names`` and ``statuses`` prefetched).

    Only meetings *of that 年度* belong in the grid: a meeting of another year passed in by
    mistake is dropped, never shown in a column of the wrong year.
    """
    by_body: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.fiscal_year == fiscal_year and (
            meeting.date is None or fiscal_year_of(meeting.date) == fiscal_year
        ):
            by_body[meeting.body_id].append(meeting)

    rows: list[ScheduleRow] = []
    liaison_rows: list[ScheduleRow] = []
    # Liaison meetings stand outside the formal tree: their own forest, their own section.
    formal = [b for b in bodies if b.kind != BodyKind.LIAISON]
    liaison = [b for b in bodies if b.kind == BodyKind.LIAISON]
    for group, target in ((formal, rows), (liaison, liaison_rows)):
        built = {}
        for body in group:
            row = _schedule_row(body, 0, fiscal_year, by_body.get(body.pk, []))
            if row is not None:
                built[body.pk] = row
        # Order among the bodies of the year only: a child of a body left out moves up a level.
        for body, depth in tree_order([b for b in group if b.pk in built]):
            row = built[body.pk]
            row.depth = depth
            target.append(row)
    return Schedule(
        fiscal_year=fiscal_year,
        month_labels=[f"{m}月" for m in FISCAL_MONTHS],
        rows=rows,
        liaison_rows=liaison_rows,
    )


def schedule_for(*, user: AbstractBaseUser | AnonymousUser, council: Council, fiscal_year: int) -> Schedule:
    """The grid of the bodies ``user`` may read. Four queries (plus the user's roles, read once)."""
    bodies = list(readable_bodies(user, council).prefetch_related("names", "statuses"))
    meetings = Meeting.objects.filter(body__in=[b.pk for b in bodies], fiscal_year=fiscal_year).order_by()
    return build_schedule(fiscal_year=fiscal_year, bodies=bodies, meetings=list(meetings))
