"""Reads for the council pages. Each function's query count is fixed whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet

from council.access import visible_bodies
from council.models import Body, BodyStatusKind, Council, Membership
from council.tree import exists_in, tree_order
from council.wareki import fiscal_year_bounds


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


def council_tree(*, council: Council, user: AbstractBaseUser, fiscal_year: int) -> list[TreeRow]:
    """The bodies the user may open, in tree order, with their state and counts in the 年度."""
    from issues.models import OPEN_STATUSES

    bodies = list(
        visible_bodies(user, council)  # names in the tree; a case conference opens after the pledge
        .prefetch_related("statuses", "names")
        .annotate(
            held=Count(
                "meetings",
                filter=Q(meetings__fiscal_year=fiscal_year, meetings__status="held"),
                distinct=True,
            ),
            planned=Count(
                "meetings",
                filter=Q(meetings__fiscal_year=fiscal_year, meetings__status="planned"),
                distinct=True,
            ),
            open_issues=Count("issues", filter=Q(issues__status__in=OPEN_STATUSES), distinct=True),
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


def body_members(*, body: Body, fiscal_year: int) -> QuerySet[Membership]:
    """部会員 of the 年度: memberships whose term overlaps it, 事務局 last as in the reports."""
    start, end = fiscal_year_bounds(fiscal_year)
    return (
        body.memberships.filter(Q(term_end__isnull=True) | Q(term_end__gte=start), term_start__lte=end)
        .select_related("person__organization")
        .order_by("is_secretariat", "role", "person__name_kana", "id")
    )


def body_page(*, body: Body, fiscal_year: int) -> dict:
    """Everything the body page shows, in a fixed number of queries."""
    from issues.models import OPEN_STATUSES, RegionalIssue
    from meetings.models import Meeting

    body = (
        Body.objects.select_related("parent", "predecessor", "council")
        .prefetch_related(
            "statuses",
            "names",
            "successors",
            Prefetch(
                "children", queryset=Body.objects.order_by("sort_order", "id").prefetch_related("statuses")
            ),
        )
        .get(pk=body.pk)
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
