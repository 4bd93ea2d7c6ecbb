"""The council home's counts per body: held and planned meetings of the 年度, open issues.

Counted by one correlated subquery each (they used to be one GROUP BY over meetings × issues)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.selectors import council_tree
from issues.models import MoveKind
from issues.services import issue_move
from meetings.services import meeting_record_held
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db


def test_counts_per_body_are_those_of_the_year_and_do_not_multiply(
    secretariat, council, subcommittee, other_subcommittee, django_assert_num_queries
):
    for day in (dt.date(2024, 5, 10), dt.date(2024, 8, 10), dt.date(2025, 2, 10)):
        meeting_record_held(meeting=MeetingFactory(body=subcommittee, date=day), confirm_held=True)
    MeetingFactory(body=subcommittee, date=dt.date(2025, 3, 10))  # planned
    meeting_record_held(
        meeting=MeetingFactory(body=subcommittee, date=dt.date(2023, 6, 1)), confirm_held=True
    )
    for title in ("一つ目", "二つ目"):
        RegionalIssueFactory(body=subcommittee, title=title)
    closed = RegionalIssueFactory(body=subcommittee, title="終わった課題")
    issue_move(issue=closed, kind=MoveKind.CLOSE, by=secretariat, reason="終了")

    council_tree(council=council, user=secretariat, fiscal_year=2024)  # roles and pledge, once a request
    with django_assert_num_queries(3):  # bodies with counts, their statuses, their names
        rows = {row.body.pk: row for row in council_tree(council=council, user=secretariat, fiscal_year=2024)}

    assert (rows[subcommittee.pk].held, rows[subcommittee.pk].planned, rows[subcommittee.pk].open_issues) == (
        3,
        1,
        2,
    )
    assert (rows[other_subcommittee.pk].held, rows[other_subcommittee.pk].planned) == (0, 0)
    assert rows[other_subcommittee.pk].open_issues == 0
