"""Reads for the planning pages: the year's 全体スケジュール grid and the secretariat's dashboard.

Each page has a *selector* that fetches a fixed number of queries whatever the amount of data, and
a *pure builder* that turns the fetched rows into what the template shows. The builders take
``today`` and the fiscal year as arguments, so tests can freeze time without patching anything.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Max, Min, OuterRef, Q

from council.access import readable_bodies
from council.models import Body, BodyKind, BodyStatus, BodyStatusKind, Council
from council.tree import exists_in, tree_order
from council.wareki import (
    FISCAL_MONTHS,
    WEEKDAY_CHARS,
    add_months,
    fiscal_year_bounds,
    fiscal_year_of,
    format_wareki,
    months_into_fiscal_year,
)
from meetings.models import Meeting, MeetingItem, MeetingStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The months of a 年度, in the order of the grid's columns.

# Early warning against 形骸化: an active body with no held meeting for this many months is flagged.
SILENT_MONTHS = 4
# How far ahead the dashboard lists meetings.
UPCOMING_DAYS = 60


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


# --------------------------------------------------------------------------------------------
# 事務局ダッシュボード
# --------------------------------------------------------------------------------------------


def expected_by_now(target: int, today: dt.date) -> int:
    """Meetings a body with a yearly ``target`` should have held by now (rounded down).

    Counting whole months only, so a body is not flagged for a meeting planned later this month.
    """
    return target * months_into_fiscal_year(today) // 12


@dataclass(frozen=True)
class MeetingStats:
    """Per-body aggregates of meetings, as fetched by one grouped query."""

    held_this_year: int = 0
    planned_rest_of_year: int = 0
    last_held: dt.date | None = None
    next_planned: dt.date | None = None


@dataclass
class BodyProgress:
    body: Body
    name: str
    target: int | None
    expected: int
    stats: MeetingStats
    behind: bool
    silent: bool

    @property
    def held(self) -> int:
        return self.stats.held_this_year

    @property
    def shortfall(self) -> int:
        return max(self.expected - self.held, 0)


@dataclass
class ChaseItem:
    meeting: Meeting
    label: str  # 「相談支援部会 第2回」 with the body's name of that year
    reason: str  # what is missing, in the secretariat's words


@dataclass
class IssueLoad:
    body: Body
    name: str
    total: int
    by_status: list[tuple[str, int]]
    body_status: str  # BodyStatusKind value; issues waiting at a paused/ended body need a new home

    @property
    def body_inactive(self) -> bool:
        return self.body_status != BodyStatusKind.ACTIVE

    @property
    def body_status_label(self) -> str:
        return BodyStatusKind(self.body_status).label


@dataclass
class Dashboard:
    today: dt.date
    fiscal_year: int
    months_elapsed: int
    upcoming: list[Meeting]
    to_chase: list[ChaseItem]
    behind: list[BodyProgress]
    silent: list[BodyProgress]
    issues: list[IssueLoad]
    silent_months: int = SILENT_MONTHS
    upcoming_days: int = UPCOMING_DAYS
    progress: list[BodyProgress] = field(default_factory=list)

    @property
    def issues_total(self) -> int:
        return sum(load.total for load in self.issues)


def _is_tracked(body: Body, fiscal_year: int) -> bool:
    """Bodies the targets apply to: active in the year, and not a case conference (held ad hoc)."""
    return body.kind != BodyKind.CASE_CONFERENCE and body.status_in(fiscal_year) == BodyStatusKind.ACTIVE


def build_dashboard(
    *,
    today: dt.date,
    bodies: Sequence[Body],
    stats: dict[int, MeetingStats],
    upcoming: Iterable[Meeting],
    to_chase: Iterable[Meeting],
    open_issues: Iterable[tuple[int, str, int]],
) -> Dashboard:
    """The dashboard from fetched rows. ``open_issues`` is (body id, status, count) triples."""
    from issues.models import IssueStatus

    fiscal_year = fiscal_year_of(today)
    by_id = {body.pk: body for body in bodies}
    order = {body.pk: n for n, (body, _depth) in enumerate(tree_order(bodies))}

    def name(body: Body, year: int = fiscal_year) -> str:
        return body.name_in(year)

    upcoming = list(upcoming)
    for meeting in upcoming:
        meeting.body = by_id[meeting.body_id]
        meeting.label = meeting_label(meeting, name(meeting.body, meeting.fiscal_year))

    chase = []
    for meeting in to_chase:
        meeting.body = by_id[meeting.body_id]
        reason = (
            "開催済の記録がありません"
            if meeting.status == MeetingStatus.PLANNED
            else "取組・検討内容が未入力です"
        )
        label = meeting_label(meeting, name(meeting.body, meeting.fiscal_year))
        chase.append(ChaseItem(meeting=meeting, label=label, reason=reason))

    silent_since = add_months(today, -SILENT_MONTHS)
    progress = []
    for body in sorted(bodies, key=lambda b: order[b.pk]):
        if not _is_tracked(body, fiscal_year):
            continue
        body_stats = stats.get(body.pk, MeetingStats())
        target = body.target_meetings_per_year
        expected = expected_by_now(target, today) if target else 0
        if body_stats.last_held is not None:
            silent = body_stats.last_held < silent_since
        else:
            # Never met: only flag once the body has existed for the whole warning period.
            first = first_fiscal_year(body)
            silent = first is not None and fiscal_year_bounds(first)[0] <= silent_since
        progress.append(
            BodyProgress(
                body=body,
                name=name(body),
                target=target,
                expected=expected,
                stats=body_stats,
                behind=bool(target) and body_stats.held_this_year < expected,
                silent=silent,
            )
        )

    status_labels = dict(IssueStatus.choices)
    loads: dict[int, IssueLoad] = {}
    for body_id, status, count in open_issues:
        body = by_id.get(body_id)
        if body is None:
            continue
        load = loads.get(body_id)
        if load is None:
            load = loads[body_id] = IssueLoad(
                body=body,
                name=name(body),
                total=0,
                by_status=[],
                body_status=body.status_in(fiscal_year) or BodyStatusKind.ACTIVE,
            )
        load.total += count
        load.by_status.append((status_labels.get(status, status), count))
    status_order = {label: n for n, (_value, label) in enumerate(IssueStatus.choices)}
    for load in loads.values():
        load.by_status.sort(key=lambda pair: status_order.get(pair[0], 99))

    return Dashboard(
        today=today,
        fiscal_year=fiscal_year,
        months_elapsed=months_into_fiscal_year(today),
        upcoming=upcoming,
        to_chase=chase,
        behind=[p for p in progress if p.behind],
        silent=[p for p in progress if p.silent],
        issues=sorted(loads.values(), key=lambda load: order[load.body.pk]),
        progress=progress,
    )


def dashboard_for(*, council: Council, user: AbstractBaseUser, today: dt.date) -> Dashboard:
    """The secretariat's dashboard of ``council`` on ``today``: seven queries, whatever the data.

    The caller checks that the user is the council's secretariat; case conferences are on it once
    the user has confirmed the pledge (council.access.readable_bodies).
    """
    from issues.models import OPEN_STATUSES, RegionalIssue

    fiscal_year = fiscal_year_of(today)
    readable = readable_bodies(user, council)
    bodies = list(readable.prefetch_related("names", "statuses"))
    meetings = Meeting.objects.filter(body__council=council, body__in=readable).order_by()

    upcoming = meetings.filter(
        date__range=(today, today + dt.timedelta(days=UPCOMING_DAYS)), status=MeetingStatus.PLANNED
    ).order_by("date", "start_time", "body__sort_order")

    # What the secretariat still has to write up: this year's and last year's meetings (the
    # reports being compiled), held without 取組・検討内容, or past their date and still 予定.
    has_items = Exists(MeetingItem.objects.filter(meeting=OuterRef("pk")))
    to_chase = (
        meetings.filter(fiscal_year__in=[fiscal_year - 1, fiscal_year])
        .filter(
            Q(status=MeetingStatus.HELD, date__lte=today) & ~has_items
            | Q(status=MeetingStatus.PLANNED, date__lt=today)
        )
        .order_by("-date", "body__sort_order")
    )

    aggregates = meetings.values("body_id").annotate(
        held_this_year=Count("id", filter=Q(status=MeetingStatus.HELD, fiscal_year=fiscal_year)),
        planned_rest_of_year=Count(
            "id",
            filter=Q(status=MeetingStatus.PLANNED, fiscal_year=fiscal_year)
            & (Q(date__gte=today) | Q(date__isnull=True)),
        ),
        last_held=Max("date", filter=Q(status=MeetingStatus.HELD, date__lte=today)),
        next_planned=Min("date", filter=Q(status=MeetingStatus.PLANNED, date__gte=today)),
    )
    stats = {row.pop("body_id"): MeetingStats(**row) for row in aggregates}

    open_issues = (
        RegionalIssue.objects.filter(council=council, body__in=readable, status__in=OPEN_STATUSES)
        .values_list("body_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return build_dashboard(
        today=today,
        bodies=bodies,
        stats=stats,
        upcoming=list(upcoming),
        to_chase=list(to_chase),
        open_issues=list(open_issues),
    )
