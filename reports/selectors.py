"""Reads of the reports app: the council-wide 全体スケジュール, and the bodies a council-wide document shows.

The context builders of the body's yearly documents, of the summary and of the book read the
subcommittees' rows and live with them (``subcommittees.documents``); every builder is found
through ``reports.documents``.
"""

from __future__ import annotations

from council.models import Body, BodyKind, Council
from meetings.models import Meeting
from meetings.schedule import Schedule, build_schedule

# Bodies whose meetings concern individual people: never in a council-wide (public) document.
PRIVATE_KINDS = (BodyKind.CASE_CONFERENCE,)


def data_fiscal_years(council: Council) -> set[int]:
    """Every 年度 in which the council has a meeting (held, planned or cancelled), in one query:
    the 帳票 page offers them all, however far back the council's records go."""
    return set(
        Meeting.objects.filter(body__council=council)
        .order_by()
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def public_bodies(council: Council) -> list[Body]:
    """The bodies a council-wide document may show (case conferences left out), with ``names`` and
    ``statuses`` prefetched: three queries."""
    return list(
        Body.objects.filter(council=council)
        .exclude(kind__in=PRIVATE_KINDS)
        .prefetch_related("names", "statuses")
    )


def council_schedule(*, council: Council, fiscal_year: int) -> Schedule:
    """The 全体スケジュール of the council (case conferences left out): four queries."""
    bodies = public_bodies(council)
    meetings = Meeting.objects.filter(body__in=[b.pk for b in bodies], fiscal_year=fiscal_year).order_by()
    return build_schedule(fiscal_year=fiscal_year, bodies=bodies, meetings=list(meetings))


def schedule_context(*, council: Council, fiscal_year: int) -> dict:
    return {
        "council": council,
        "fiscal_year": fiscal_year,
        "schedule": council_schedule(council=council, fiscal_year=fiscal_year),
    }
