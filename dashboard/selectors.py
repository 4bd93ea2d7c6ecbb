"""The council's overview pages: the body tree of the council home, the body page, the
secretariat's dashboard (事務局ダッシュボード), and the downloads of files that belong to
meetings or documents. They read meetings, issues and documents together, so they live above
those apps (council, the base app, knows none of them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from council.access import readable_bodies, visible_bodies
from council.models import Body, BodyKind, BodyStatusKind, Council
from council.selectors import body_members
from council.tree import exists_in, tree_order
from council.wareki import add_months, fiscal_year_bounds, fiscal_year_of, months_into_fiscal_year
from issues.models import OPEN_STATUSES, IssueStatus, RegionalIssue
from meetings.models import Meeting, MeetingItem, MeetingStatus
from meetings.schedule import first_fiscal_year, meeting_label

if TYPE_CHECKING:
    from council.access import AnyUser

# Early warning against 形骸化: an active body with no held meeting for this many months is flagged.
SILENT_MONTHS = 4
# How far ahead the dashboard lists meetings.
UPCOMING_DAYS = 60


# --- the council home and the body page -----------------------------------------------------


@dataclass(frozen=True)
class TreeRow:
    body: Body
    depth: int
    name: str
    status: str
    held: int
    planned: int
    open_issues: int

    @property
    def status_label(self) -> str:
        return BodyStatusKind(self.status).label


def _count(rows) -> Coalesce:
    """``COUNT(*)`` of ``rows`` whose ``body`` is the outer body, as a scalar subquery (0 when none)."""
    counted = rows.filter(body=OuterRef("pk")).order_by().values("body").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def council_tree(*, council: Council, user: AnyUser, fiscal_year: int) -> list[TreeRow]:
    """The bodies the user may open, in tree order, with their state and counts in the 年度."""
    bodies = list(
        visible_bodies(user, council)  # names in the tree; a case conference opens after the pledge
        .prefetch_related("statuses", "names")
        .annotate(
            # One correlated count each: joining meetings and issues in one GROUP BY multiplied their
            # rows (meetings × issues per body), growing with the square of the years kept.
            held=_count(Meeting.objects.filter(fiscal_year=fiscal_year, status=MeetingStatus.HELD)),
            planned=_count(Meeting.objects.filter(fiscal_year=fiscal_year, status=MeetingStatus.PLANNED)),
            open_issues=_count(RegionalIssue.objects.filter(status__in=OPEN_STATUSES)),
        )
    )
    bodies = [b for b in bodies if exists_in(b, fiscal_year)]
    return [
        TreeRow(
            body=body,
            depth=depth,
            name=body.name_in(fiscal_year),
            status=body.status_in(fiscal_year),  # type: ignore[arg-type]  # exists_in: never None
            held=body.held,  # type: ignore[attr-defined]  # the annotations above
            planned=body.planned,  # type: ignore[attr-defined]
            open_issues=body.open_issues,  # type: ignore[attr-defined]
        )
        for body, depth in tree_order(bodies)
    ]


def body_page(*, body: Body, fiscal_year: int) -> dict:
    """Everything the body page shows, in a fixed number of queries."""
    # The body as the access layer fetched it (parent and council joined): its relations are added
    # to it rather than fetching it a second time.
    prefetch_related_objects(
        [body],
        "statuses",
        "names",
        "successors",
        Prefetch("children", queryset=Body.objects.order_by("sort_order", "id").prefetch_related("statuses")),
    )
    meetings = list(
        Meeting.objects.filter(body=body, fiscal_year=fiscal_year)
        .annotate(item_count=Count("items"))
        .order_by("sequence")
    )
    issues = list(
        RegionalIssue.objects.filter(body=body).prefetch_related("themes").order_by("-raised_on", "-id")
    )
    open_issues = [i for i in issues if i.status in OPEN_STATUSES]
    closed_issues = [i for i in issues if i.status not in OPEN_STATUSES]
    children = [c for c in body.children.all() if exists_in(c, fiscal_year)]
    return {
        "body": body,
        "body_name": body.name_in(fiscal_year),
        "status": body.status_in(fiscal_year),
        "members": list(body_members(body=body, fiscal_year=fiscal_year)),
        "meetings": meetings,
        "held_count": sum(1 for m in meetings if m.status == "held"),
        "open_issues": open_issues,
        "closed_issues": closed_issues,
        "children": children,
        "statuses": sorted(body.statuses.all(), key=lambda s: s.fiscal_year),
        "names": sorted(body.names.all(), key=lambda n: n.from_fiscal_year),
    }


# --------------------------------------------------------------------------------------------
# 事務局ダッシュボード
# --------------------------------------------------------------------------------------------


def counting_from(body: Body, fiscal_year: int) -> dt.date:
    """The day the yearly target of ``fiscal_year`` counts from: 1 April, or the first of the month
    the body started in (活動開始日) when it started later in that 年度."""
    april = fiscal_year_bounds(fiscal_year)[0]
    started = body.started_on
    if started is None or fiscal_year_of(started) != fiscal_year:
        return april
    return started.replace(day=1)


def expected_by_now(target: int, today: dt.date, since: dt.date | None = None) -> int:
    """Meetings a body with a yearly ``target`` should have held by now (rounded down).

    Counting whole months only, so a body is not flagged for a meeting planned later this month;
    a body that started in the 年度 (``since``, the first of its month) counts from that month.
    """
    months = months_into_fiscal_year(today)
    if since is not None and fiscal_year_of(since) == fiscal_year_of(today):
        months -= months_into_fiscal_year(since)
    return target * max(months, 0) // 12


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
    fiscal_year = fiscal_year_of(today)
    by_id = {body.pk: body for body in bodies}
    order = {body.pk: n for n, (body, _depth) in enumerate(tree_order(bodies))}

    def name(body: Body, year: int = fiscal_year) -> str:
        return body.name_in(year)

    upcoming = list(upcoming)
    for meeting in upcoming:
        meeting.body = by_id[meeting.body_id]
        meeting.label = meeting_label(meeting, name(meeting.body, meeting.fiscal_year))  # type: ignore[attr-defined]  # for the template

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
        since = counting_from(body, fiscal_year)
        expected = expected_by_now(target, today, since) if target else 0
        if body_stats.last_held is not None:
            silent = body_stats.last_held < silent_since
        else:
            # Never met: only flag once the body has existed for the whole warning period.
            first = first_fiscal_year(body)
            began = body.started_on or (fiscal_year_bounds(first)[0] if first is not None else None)
            silent = began is not None and began <= silent_since
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
        holder = by_id.get(body_id)
        if holder is None:
            continue
        load = loads.get(body_id)
        if load is None:
            load = loads[body_id] = IssueLoad(
                body=holder,
                name=name(holder),
                total=0,
                by_status=[],
                body_status=holder.status_in(fiscal_year) or BodyStatusKind.ACTIVE,
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


def dashboard_for(*, council: Council, user: AnyUser, today: dt.date) -> Dashboard:
    """The secretariat's dashboard of ``council`` on ``today``: seven queries, whatever the data.

    The caller checks that the user is the council's secretariat; case conferences are on it once
    the user has confirmed the pledge (council.access.readable_bodies).
    """
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
