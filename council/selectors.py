"""Reads for the council pages. Each function's query count is fixed whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from council.models import Body, BodyStatusKind, Council, Membership, Person, Role
from council.tree import exists_in, tree_order
from council.wareki import fiscal_year_bounds


def body_members(*, body: Body, fiscal_year: int) -> QuerySet[Membership]:
    """部会員 of the 年度: memberships whose term overlaps it, 事務局 last as in the reports."""
    start, end = fiscal_year_bounds(fiscal_year)
    return (
        body.memberships.filter(Q(term_end__isnull=True) | Q(term_end__gte=start), term_start__lte=end)
        .select_related("person__organization")
        .order_by("is_secretariat", "role", "person__name_kana", "id")
    )


@dataclass(frozen=True)
class SettingsRow:
    """A body as the 会議体の設定 page shows it in a 年度."""

    body: Body
    depth: int
    name: str  # the name it carried in the 年度
    status: str  # BodyStatusKind value in the 年度
    predecessor_name: str  # "" when none (its name in the 年度 before this body's first)
    successor_names: list[str]
    first_year: int | None
    can_move_up: bool
    can_move_down: bool

    @property
    def status_label(self) -> str:
        return BodyStatusKind(self.status).label


@dataclass(frozen=True)
class BodySettings:
    rows: list[SettingsRow]
    ended_before: list[tuple[Body, str, int]]  # bodies ended before the 年度: (body, last name, year)
    later: list[tuple[Body, str, int]]  # bodies that start after the 年度: (body, first name, year)


def body_settings_tree(*, bodies: QuerySet[Body], fiscal_year: int) -> BodySettings:
    """The council's tree as it was in ``fiscal_year``: three queries, whatever the number of bodies.

    ``bodies`` is what the access layer lets the user see (``council.access.visible_bodies``).
    """
    fetched = list(bodies.prefetch_related("statuses", "names"))
    by_id = {b.pk: b for b in fetched}
    present = [b for b in fetched if exists_in(b, fiscal_year)]
    ordered = tree_order(present)
    shown = {b.pk for b in present}
    siblings: dict[int | None, list[int]] = defaultdict(list)
    for body, _depth in ordered:
        parent = body.parent_id if body.parent_id in shown else None
        siblings[parent].append(body.pk)
    position = {pk: (n, len(group)) for group in siblings.values() for n, pk in enumerate(group)}
    successors: dict[int, list[Body]] = defaultdict(list)
    for body in fetched:
        if body.predecessor_id:
            successors[body.predecessor_id].append(body)

    def first_year(body: Body) -> int | None:
        years = [row.fiscal_year for row in body.statuses.all()]
        return min(years) if years else None

    rows = []
    for body, depth in ordered:
        index, count = position[body.pk]
        predecessor = by_id.get(body.predecessor_id) if body.predecessor_id else None
        rows.append(
            SettingsRow(
                body=body,
                depth=depth,
                name=body.name_in(fiscal_year),
                status=body.status_in(fiscal_year) or BodyStatusKind.ACTIVE,
                predecessor_name=predecessor.name_in(fiscal_year) if predecessor else "",
                # As it was: a successor that starts later is not yet named.
                successor_names=[
                    s.name_in(fiscal_year)
                    for s in successors[body.pk]
                    if (first_year(s) or fiscal_year + 1) <= fiscal_year
                ],
                first_year=first_year(body),
                can_move_up=index > 0,
                can_move_down=index < count - 1,
            )
        )
    ended_before, later = [], []
    for body in fetched:
        if exists_in(body, fiscal_year):
            continue
        first = first_year(body)
        if first is None:
            continue
        if first > fiscal_year:
            later.append((body, body.name_in(first), first))
        else:
            ended = max(row.fiscal_year for row in body.statuses.all() if row.fiscal_year <= fiscal_year)
            ended_before.append((body, body.name_in(ended), ended))
    return BodySettings(
        rows=rows,
        ended_before=sorted(ended_before, key=lambda t: (t[2], t[0].sort_order, t[0].pk)),
        later=sorted(later, key=lambda t: (t[2], t[0].sort_order, t[0].pk)),
    )


ENDING_NOTICE_DAYS = 60


@dataclass
class EndingAccess:
    """An account whose last term in the council ends soon: it will open nothing of the council."""

    user: Any
    people: list[Person]
    last_day: dt.date
    bodies: list[str]


def accesses_ending(
    council: Council, *, today: dt.date | None = None, days: int = ENDING_NOTICE_DAYS
) -> list[EndingAccess]:
    """Accounts whose access comes from memberships only and ends within ``days`` (two queries)."""
    today = today or timezone.localdate()
    terms = (
        Membership.objects.filter(body__council=council, person__user__isnull=False)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .select_related("person__user", "person__organization", "body")
    )
    granted = set(Role.objects.filter(council=council).values_list("user_id", flat=True))
    by_user: dict[int, list[Membership]] = {}
    for term in terms:
        if term.person.user_id not in granted:
            by_user.setdefault(term.person.user_id, []).append(term)  # type: ignore[arg-type]
    ending = []
    for memberships in by_user.values():
        if any(m.term_end is None for m in memberships):
            continue
        last_day = max(m.term_end for m in memberships if m.term_end is not None)
        if last_day <= today + dt.timedelta(days=days):
            people = list({m.person.pk: m.person for m in memberships}.values())
            ending.append(
                EndingAccess(
                    user=memberships[0].person.user,
                    people=people,
                    last_day=last_day,
                    bodies=sorted({m.body.name for m in memberships if m.term_end == last_day}),
                )
            )
    return sorted(ending, key=lambda e: (e.last_day, e.people[0].name_kana))
