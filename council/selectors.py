"""Reads for the council pages. Each function's query count is fixed whatever the data size."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from council.models import Body, Membership
from council.wareki import fiscal_year_bounds


def body_members(*, body: Body, fiscal_year: int) -> QuerySet[Membership]:
    """部会員 of the 年度: memberships whose term overlaps it, 事務局 last as in the reports."""
    start, end = fiscal_year_bounds(fiscal_year)
    return (
        body.memberships.filter(Q(term_end__isnull=True) | Q(term_end__gte=start), term_start__lte=end)
        .select_related("person__organization")
        .order_by("is_secretariat", "role", "person__name_kana", "id")
    )
