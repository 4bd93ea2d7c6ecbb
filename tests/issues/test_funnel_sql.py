"""The issue list's funnel counts in SQL: closed issues by the 年度 (Japan time) of their last closing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from issues.models import MoveKind
from issues.selectors import issue_funnel
from issues.services import issue_move
from tests.factories import RegionalIssueFactory

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


def test_closed_issues_count_in_the_fiscal_year_of_their_last_closing(
    secretariat, council, subcommittee, other_subcommittee
):
    # 2025-03-31 23:30 in Japan is still 令和6年度 (UTC: 14:30, the same day); 2025-04-01 00:30 in
    # Japan is 令和7年度 although it is still 31 March in UTC.
    late_march = RegionalIssueFactory(body=subcommittee, title="年度末に解決", raised_on=dt.date(2024, 5, 1))
    issue_move(
        issue=late_march, kind=MoveKind.RESOLVE, by=secretariat, reason="解決", at=at(2025, 3, 31, 23, 30)
    )
    early_april = RegionalIssueFactory(
        body=subcommittee, title="年度初めに終了", raised_on=dt.date(2024, 5, 1)
    )
    issue_move(
        issue=early_april, kind=MoveKind.CLOSE, by=secretariat, reason="終了", at=at(2025, 4, 1, 0, 30)
    )
    # Closed in 令和5年度, reopened and solved individually in 令和6年度: counted once, in 令和6年度.
    twice = RegionalIssueFactory(body=other_subcommittee, title="再開した課題", raised_on=dt.date(2023, 5, 1))
    issue_move(issue=twice, kind=MoveKind.CLOSE, by=secretariat, reason="終了", at=at(2023, 10, 1, 10))
    issue_move(issue=twice, kind=MoveKind.REOPEN, by=secretariat, reason="再び", at=at(2024, 6, 1, 10))
    issue_move(
        issue=twice, kind=MoveKind.SOLVE_INDIVIDUALLY, by=secretariat, reason="個別", at=at(2024, 9, 1, 10)
    )
    RegionalIssueFactory(body=subcommittee, title="まだ開いている課題")

    funnel = issue_funnel(user=secretariat, council=council)

    # OUTCOMES order: 解決, 取扱い終了, 個別支援で解決, 統合
    assert funnel.closed_years == [(2025, [0, 1, 0, 0]), (2024, [1, 0, 1, 0])]
    assert dict((status, n) for status, _label, n in funnel.stages)["raised"] == 1


def test_funnel_query_count_does_not_grow_with_the_history(
    secretariat, council, subcommittee, django_assert_num_queries
):
    def closed_issue(year: int) -> None:
        issue = RegionalIssueFactory(body=subcommittee, raised_on=dt.date(year, 5, 1))
        issue_move(issue=issue, kind=MoveKind.RESOLVE, by=secretariat, reason="解決", at=at(year, 7, 1, 10))

    closed_issue(2020)
    issue_funnel(user=secretariat, council=council)  # roles and pledge read once, like a request
    with django_assert_num_queries(2) as few:
        small = issue_funnel(user=secretariat, council=council)
    for year in range(2015, 2025):
        closed_issue(year)
    with django_assert_num_queries(len(few.captured_queries)):
        large = issue_funnel(user=secretariat, council=council)
    assert sum(sum(counts) for _year, counts in small.closed_years) == 1
    assert sum(sum(counts) for _year, counts in large.closed_years) == 11
