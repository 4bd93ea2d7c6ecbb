"""What every page of a council shares: the council in the URL, the 年度 chosen, the menu."""

from __future__ import annotations

from django.http import HttpRequest

from council.access import is_reviewer_of, is_secretariat_of
from council.models import Council
from council.wareki import (
    WarekiParseError,
    current_fiscal_year,
    format_fiscal_year,
    is_page_fiscal_year,
    parse_fiscal_year,
)


def selected_fiscal_year(request: HttpRequest) -> int:
    """The 年度 of ``?year=`` (2020, 令和2年度, R2 …), or the current one when absent or unreadable."""
    raw = request.GET.get("year", "")
    if raw:
        try:
            year = parse_fiscal_year(raw)
        except WarekiParseError:
            return current_fiscal_year()
        if is_page_fiscal_year(year):
            return year
    return current_fiscal_year()


def council_context(
    request: HttpRequest, council: Council, *, fiscal_year: int | None = None, **extra
) -> dict:
    """Context for templates extending base.html (menu, 年度 navigation)."""
    context = {
        "council": council,
        "is_secretariat": is_secretariat_of(request.user, council.pk),
        # 福祉課: the sheets waiting for review are in the menu (the roles are read once a request).
        "is_reviewer": is_reviewer_of(request.user, council.pk),
    }
    if fiscal_year is not None:
        context.update(
            fiscal_year=fiscal_year,
            fiscal_year_label=format_fiscal_year(fiscal_year),
            previous_year=fiscal_year - 1,
            previous_year_label=format_fiscal_year(fiscal_year - 1),
            next_year=fiscal_year + 1,
            next_year_label=format_fiscal_year(fiscal_year + 1),
            is_current_year=fiscal_year == current_fiscal_year(),
        )
    context.update(extra)
    return context
