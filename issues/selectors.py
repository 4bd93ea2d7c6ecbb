"""Reads of regional issues: who may see which issue, the list with its funnel, the page with its history.

Reading follows the bodies (council.access): an issue is readable by whoever reads the body holding
it or any body it passed through, and by the secretariat and the 福祉課 (reviewer) of its council —
except an issue a case conference holds, which only the readers of that case conference see.
Moving it, and editing its action plan, is for the secretariat and the chair of the holding body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.utils import timezone

from council.access import (
    READ_ALL_ISSUES,
    PledgeRequired,
    can_edit_body,
    can_read_council,
    can_see_body,
    council_roles,
    has_role_in,
    pledge_required,
    readable_bodies,
    record_case_conference_read,
    roles_of,
    visible_bodies,
)
from council.models import Body, BodyKind, Council, RoleKind
from council.tree import ancestors, descendants
from council.wareki import (
    FISCAL_YEAR_START_MONTH,
    add_months,
    current_fiscal_year,
    fiscal_year_bounds,
    fiscal_year_of,
)
from issues.models import OPEN_STATUSES, ActionPlan, ActionPlanRow, IssueMove, IssueStatus, RegionalIssue
from issues.workflow import CLOSED_BY_OUTCOME
from meetings.models import Meeting

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

    User = AbstractUser | AnonymousUser

# The open stages in the councils' order, for the funnel.
FUNNEL_STAGES = [
    IssueStatus.RAISED,
    IssueStatus.COLLECTED,
    IssueStatus.STUDYING,
    IssueStatus.PROPOSED,
    IssueStatus.DISCUSSING,
    IssueStatus.APPROVED,
    IssueStatus.IN_ACTION,
]
OUTCOMES = [IssueStatus.RESOLVED, IssueStatus.CLOSED, IssueStatus.SOLVED_INDIVIDUALLY, IssueStatus.MERGED]


# --- access --------------------------------------------------------------------------------------


def can_move_issue(user: User, issue: RegionalIssue) -> bool:
    """The secretariat of the council always; the chair of the body holding the issue."""
    return can_edit_body(user, issue.body)


def _issue_queryset() -> QuerySet[RegionalIssue]:
    return RegionalIssue.objects.select_related(
        "council", "body", "origin_meeting__body", "merged_into", "reported_to"
    ).prefetch_related("themes")


def get_issue_for_user(user: User, council: Council, pk: int, *, write: bool = False) -> RegionalIssue:
    """The issue of a page: 404 for those who may not read it, the pledge for one a case conference
    holds, 403 for readers asking to write."""
    issue = _issue_queryset().filter(council=council, pk=pk).first()
    if issue is None or not _may_see_issue(user, issue):
        raise Http404
    if pledge_required(user, issue.body):
        raise PledgeRequired(issue.body)
    if write and not can_move_issue(user, issue):
        raise PermissionDenied("この地域課題を操作する権限がありません。")
    record_case_conference_read(user, issue.body, issue)  # an issue a case conference holds: the read log
    return issue


def _may_see_issue(user: User, issue: RegionalIssue) -> bool:
    """The role rule of one issue; the pledge is asked after it (get_issue_for_user)."""
    if not can_read_council(user, issue.council_id):
        return False
    if issue.body.kind == BodyKind.CASE_CONFERENCE:
        # Held by a case conference: only the people of that case conference (docs/decisions.md).
        return can_see_body(user, issue.body)
    if has_role_in(user, issue.council_id, READ_ALL_ISSUES) or can_see_body(user, issue.body):
        return True
    # Bodies the issue passed through: one query, only for those the fast paths did not admit.
    passed = Body.objects.filter(
        Q(pk__in=IssueMove.objects.filter(issue=issue).values("to_body_id"))
        | Q(pk__in=IssueMove.objects.filter(issue=issue, from_body__isnull=False).values("from_body_id"))
    )
    return any(can_see_body(user, body) for body in passed)


def issues_visible_to(user: User, council: Council) -> QuerySet[RegionalIssue]:
    """The council's issues the user may read (see the module docstring); an issue a case conference
    holds only for those who may read that case conference now (the pledge confirmed)."""
    issues = RegionalIssue.objects.filter(council=council)
    held_readable = ~Q(body__kind=BodyKind.CASE_CONFERENCE) | Q(body__in=readable_bodies(user, council))
    if has_role_in(user, council.pk, READ_ALL_ISSUES):
        # The reviewer too reads every issue, except those a case conference holds (docs/decisions.md).
        return issues.filter(held_readable)
    seen = visible_bodies(user, council)
    passed = IssueMove.objects.filter(Q(to_body__in=seen) | Q(from_body__in=seen)).values("issue_id")
    return issues.filter(Q(body__in=seen) | Q(pk__in=passed)).filter(held_readable)


# --- the list ------------------------------------------------------------------------------------


@dataclass
class IssueFilters:
    status: str = ""  # a status, "open", "closed" or ""
    body: Body | None = None
    theme_id: int | None = None
    fiscal_year: int | None = None
    older_than_months: int | None = None


def issue_list(*, user: User, council: Council, filters: IssueFilters) -> QuerySet[RegionalIssue]:
    """The filtered list, the chair's own bodies' issues first, newest raised first."""
    issues = issues_visible_to(user, council)
    if filters.status == "open":
        issues = issues.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        issues = issues.exclude(status__in=OPEN_STATUSES)
    elif filters.status:
        issues = issues.filter(status=filters.status)
    if filters.body is not None:
        issues = issues.filter(body=filters.body)
    if filters.theme_id:
        issues = issues.filter(themes__id=filters.theme_id)
    if filters.fiscal_year:
        start, end = fiscal_year_bounds(filters.fiscal_year)
        issues = issues.filter(raised_on__range=(start, end))
    if filters.older_than_months:
        cutoff = add_months(timezone.localdate(), -filters.older_than_months)
        issues = issues.filter(status__in=OPEN_STATUSES, raised_on__lte=cutoff)
    own = [
        role.body_id
        for role in council_roles(user, council.pk)
        if role.kind == RoleKind.CHAIR and role.body_id
    ]
    return (
        issues.select_related("body")
        .prefetch_related("themes")
        .annotate(
            own_first=Case(
                When(body_id__in=own, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
            if own
            else Value(1, output_field=IntegerField())
        )
        .order_by("own_first", "-raised_on", "-id")
        .distinct()
    )


@dataclass
class Funnel:
    stages: list[tuple[str, str, int]]  # (status, label, count)
    closed_years: list[tuple[int, list[int]]] = field(
        default_factory=list
    )  # (fiscal year, counts by OUTCOMES)
    outcome_labels: list[str] = field(default_factory=list)


def issue_funnel(*, user: User, council: Council) -> Funnel:
    """How many visible issues stand at each open stage, and how many closed each 年度 by outcome.

    The 年度 of a closed issue is that of the move that closed it (two grouped queries whatever the size).
    """
    visible = issues_visible_to(user, council)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    closing_statuses = [*CLOSED_BY_OUTCOME, IssueStatus.MERGED]
    # A reopened and closed again issue counts once, in the 年度 it was last closed (local time).
    last_closing = (
        IssueMove.objects.filter(issue=OuterRef("issue"), to_status__in=closing_statuses)
        .order_by("-at", "-id")
        .values("pk")[:1]
    )
    closed = (
        IssueMove.objects.filter(
            issue__in=visible.exclude(status__in=OPEN_STATUSES).values("pk"),
            to_status__in=closing_statuses,
            pk=Subquery(last_closing),
        )
        .annotate(year=ExtractYear("at"), month=ExtractMonth("at"))
        .annotate(
            fiscal_year=Case(
                When(month__gte=FISCAL_YEAR_START_MONTH, then=F("year")),
                default=F("year") - 1,
                output_field=IntegerField(),
            )
        )
        .order_by()
        .values_list("fiscal_year", "to_status")
        .annotate(n=Count("pk"))
    )
    years: dict[int, list[int]] = {}
    for year, status, n in closed:
        years.setdefault(year, [0] * len(OUTCOMES))[OUTCOMES.index(status)] += n
    return Funnel(
        stages=[(s.value, s.label, counts.get(s, 0)) for s in FUNNEL_STAGES],
        closed_years=sorted(years.items(), reverse=True),
        outcome_labels=[s.label for s in OUTCOMES],
    )


# --- the issue page ------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: dt.datetime | dt.date
    move: IssueMove | None = None
    meeting: Meeting | None = None


@dataclass
class IssuePage:
    issue: RegionalIssue
    timeline: list[TimelineEntry]
    merged_issues: list[RegionalIssue]
    plan: ActionPlan | None
    rows: list[ActionPlanRow]

    @property
    def last_move_at(self) -> dt.datetime | None:
        return max((e.move.at for e in self.timeline if e.move is not None), default=None)


def issue_page(*, issue: RegionalIssue) -> IssuePage:
    """The history (moves interleaved with the meetings that discussed the issue) and the plan."""
    moves = list(
        IssueMove.objects.filter(issue=issue)
        .select_related("from_body", "to_body", "at_meeting__body", "related_issue")
        .order_by("at", "id")
    )
    timeline: list[TimelineEntry] = []
    seen_meetings: set[int] = set()
    for move in moves:
        meeting = move.at_meeting
        if meeting is not None and meeting.pk not in seen_meetings and meeting.date:
            seen_meetings.add(meeting.pk)
            timeline.append(TimelineEntry(when=meeting.date, meeting=meeting))
        timeline.append(TimelineEntry(when=move.at, move=move))

    def key(entry: TimelineEntry) -> tuple:
        if entry.move is not None:
            return (timezone.localtime(entry.move.at).date(), 1, entry.move.at.timestamp(), entry.move.pk)
        # A meeting comes before the moves recorded on its day.
        return (entry.when, 0, 0.0, 0)

    timeline.sort(key=key)
    merged = list(issue.merged_issues.order_by("raised_on", "id"))
    plan = (
        ActionPlan.objects.filter(issue=issue)
        .prefetch_related(Prefetch("rows", ActionPlanRow.objects.order_by("position", "id")))
        .first()
    )
    return IssuePage(
        issue=issue,
        timeline=timeline,
        merged_issues=merged,
        plan=plan,
        rows=list(plan.rows.all()) if plan else [],
    )


def move_neighbourhood(bodies: dict[int, Body], issue: RegionalIssue) -> list[int]:
    """The bodies a move of ``issue`` concerns: the holding body, the bodies above it and below it."""
    return [
        issue.body_id,
        *(b.pk for b in ancestors(bodies, issue.body_id)),
        *(b.pk for b in descendants(bodies, issue.body_id)),
    ]


def move_fiscal_years(issue: RegionalIssue, last_move_at: dt.datetime | None) -> set[int]:
    """The 年度 whose meetings a move may cite: this and last 年度, and the 年度 of the issue's last
    move (an old lineage being entered cites the meetings of its own time)."""
    now = current_fiscal_year()
    years = {now, now - 1}
    if last_move_at is not None:
        years.add(fiscal_year_of(timezone.localtime(last_move_at).date()))
    return years


def body_tree(council: Council) -> dict[int, Body]:
    """All bodies of the council by pk, one query (for ancestor/descendant choices)."""
    return {body.pk: body for body in Body.objects.filter(council=council).order_by("sort_order", "id")}


def meetings_for_choice(
    *,
    user: User,
    council: Council,
    case_conferences: bool | None = None,
    bodies: Iterable[int] | None = None,
    fiscal_years: Iterable[int] | None = None,
) -> QuerySet[Meeting]:
    """Meetings of the council the user may read, most recent first; only those of ``bodies``
    and ``fiscal_years`` when given (a choice list must not grow with the council's history)."""
    meetings = Meeting.objects.filter(body__in=readable_bodies(user, council)).select_related("body")
    if bodies is not None:
        meetings = meetings.filter(body__in=list(bodies))
    if fiscal_years is not None:
        meetings = meetings.filter(fiscal_year__in=sorted(set(fiscal_years)))
    if case_conferences is True:
        meetings = meetings.filter(body__kind=BodyKind.CASE_CONFERENCE)
    elif case_conferences is False:
        meetings = meetings.exclude(body__kind=BodyKind.CASE_CONFERENCE)
    return meetings.order_by("-fiscal_year", "-date", "-sequence", "-id")


# --- the prefecture ------------------------------------------------------------------------------


def reported_issues_for(user: User, council: Council) -> QuerySet[RegionalIssue]:
    """Issues municipal councils reported up to ``council``, for users with a role in it."""
    if not (
        user.is_authenticated
        and (user.is_superuser or any(r.council_id == council.pk for r in roles_of(user)))
    ):
        return RegionalIssue.objects.none()
    return (
        RegionalIssue.objects.filter(reported_to=council)
        .select_related("council", "body", "origin_meeting__body")
        .prefetch_related("themes")
        .order_by("-reported_on", "-id")
    )


def get_reported_issue_for_user(user: User, council: Council, pk: int) -> RegionalIssue:
    issue = (
        reported_issues_for(user, council).select_related("merged_into", "reported_to").filter(pk=pk).first()
    )
    if issue is None:
        raise Http404
    return issue
