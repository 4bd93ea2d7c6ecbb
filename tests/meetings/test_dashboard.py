"""The secretariat's dashboard: what is coming, what to chase, who is behind or silent, issues waiting.

``today`` is a parameter of the selector, so every date here is frozen without patching the clock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from council.models import Body, BodyKind, BodyStatusKind
from council.services import body_create, body_set_status
from council.wareki import add_months
from council.wareki import months_into_fiscal_year as months_elapsed
from dashboard.selectors import dashboard_for, expected_by_now
from issues.models import IssueStatus, RegionalIssue
from meetings.models import MeetingStatus
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db

# The site operator (superuser, never saved): the dashboard of every body, no role lookups.
OPERATOR = User(username="operator", is_superuser=True)
TODAY = dt.date(2022, 1, 15)  # 令和3年度, nine whole months over


def _held(body, day, items=("検討した。",)):
    return MeetingFactory(body=body, date=day, status=MeetingStatus.HELD, items=list(items))


def _target(*bodies, n=4):
    Body.objects.filter(pk__in=[b.pk for b in bodies]).update(target_meetings_per_year=n)


def _names(progress_list) -> set[str]:
    return {p.name for p in progress_list}


@pytest.fixture
def bodies(plenary, steering, subcommittee, other_subcommittee, case_conference, liaison):
    """The whole standing tree of ``council`` (targets unset until a test sets them)."""
    return [plenary, steering, subcommittee, other_subcommittee, case_conference, liaison]


# --- the arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "elapsed"),
    [
        (dt.date(2021, 4, 1), 0),
        (dt.date(2021, 4, 30), 0),
        (dt.date(2021, 10, 1), 6),
        (dt.date(2022, 1, 15), 9),
        (dt.date(2022, 3, 31), 11),
    ],
)
def test_months_elapsed(today, elapsed):
    assert months_elapsed(today) == elapsed


def test_expected_by_now_rounds_down():
    assert expected_by_now(4, dt.date(2022, 1, 15)) == 3  # 4 × 9 / 12
    assert expected_by_now(4, dt.date(2021, 6, 30)) == 0  # 4 × 2 / 12 = 0.67
    assert expected_by_now(6, dt.date(2021, 10, 1)) == 3
    assert expected_by_now(3, dt.date(2021, 4, 1)) == 0


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2022, 1, 15), -4) == dt.date(2021, 9, 15)
    assert add_months(dt.date(2021, 6, 30), -4) == dt.date(2021, 2, 28)
    assert add_months(dt.date(2024, 6, 30), -4) == dt.date(2024, 2, 29)


# --- behind target and silence ------------------------------------------------------------------


def test_body_behind_its_target(bodies, council, subcommittee, other_subcommittee):
    _target(subcommittee, other_subcommittee)
    _held(subcommittee, dt.date(2021, 6, 10))
    _held(subcommittee, dt.date(2021, 12, 9))  # 2 held, 3 expected by January → behind
    for month in (5, 8, 11):
        _held(other_subcommittee, dt.date(2021, month, 20))  # 3 held → on track

    dashboard = dashboard_for(council=council, user=OPERATOR, today=TODAY)

    behind = {p.name: p for p in dashboard.behind}
    assert set(behind) == {"相談支援部会"}
    assert (
        behind["相談支援部会"].held,
        behind["相談支援部会"].expected,
        behind["相談支援部会"].shortfall,
    ) == (2, 3, 1)


def test_planned_and_last_years_meetings_do_not_count_as_held(bodies, council, subcommittee):
    _target(subcommittee)
    _held(subcommittee, dt.date(2021, 3, 20))  # 令和2年度
    for month in (5, 9, 12):
        MeetingFactory(body=subcommittee, date=dt.date(2021, month, 9))  # still 予定

    progress = {p.name: p for p in dashboard_for(council=council, user=OPERATOR, today=TODAY).progress}
    assert progress["相談支援部会"].held == 0 and progress["相談支援部会"].behind


def test_silent_bodies(bodies, council, plenary, subcommittee, other_subcommittee, steering, liaison):
    _held(subcommittee, dt.date(2021, 10, 21))  # within 4 months
    _held(other_subcommittee, dt.date(2021, 8, 26))  # 4 months and more ago
    _held(steering, dt.date(2021, 9, 15))  # exactly 4 months ago: not yet silent
    _held(liaison, dt.date(2021, 12, 3))
    MeetingFactory(body=plenary, date=dt.date(2022, 1, 5))  # only planned, never held

    silent = _names(dashboard_for(council=council, user=OPERATOR, today=TODAY).silent)

    assert silent == {"就労部会", "全体会"}  # 全体会: no meeting ever held, exists since 令和元年度


def test_new_body_is_not_silent_before_the_warning_period(bodies, council, steering):
    body_create(
        council=council, name="こども部会", kind=BodyKind.SUBCOMMITTEE, parent=steering, from_fiscal_year=2021
    )
    assert "こども部会" not in _names(
        dashboard_for(council=council, user=OPERATOR, today=dt.date(2021, 6, 1)).silent
    )
    assert "こども部会" in _names(
        dashboard_for(council=council, user=OPERATOR, today=dt.date(2021, 9, 1)).silent
    )


def test_paused_ended_and_case_conferences_are_excluded(
    bodies, council, subcommittee, other_subcommittee, case_conference
):
    _target(subcommittee, other_subcommittee, case_conference)
    body_set_status(body=other_subcommittee, fiscal_year=2021, status=BodyStatusKind.PAUSED)
    body_set_status(body=subcommittee, fiscal_year=2021, status=BodyStatusKind.ENDED)

    dashboard = dashboard_for(council=council, user=OPERATOR, today=TODAY)

    flagged = _names(dashboard.behind) | _names(dashboard.silent) | _names(dashboard.progress)
    assert not flagged & {"相談支援部会", "就労部会", "個別支援会議"}


# --- lists --------------------------------------------------------------------------------------


def test_upcoming_meetings_next_60_days(bodies, council, subcommittee, case_conference):
    soon = MeetingFactory(body=subcommittee, date=dt.date(2022, 2, 10))
    later = MeetingFactory(body=case_conference, date=dt.date(2022, 1, 20))
    MeetingFactory(body=subcommittee, date=dt.date(2022, 3, 20))  # 64 days ahead
    MeetingFactory(body=subcommittee, date=dt.date(2022, 1, 25), status=MeetingStatus.CANCELLED)

    upcoming = dashboard_for(council=council, user=OPERATOR, today=TODAY).upcoming

    assert [m.pk for m in upcoming] == [later.pk, soon.pk]
    assert upcoming[0].label == "個別支援会議 第1回"


def test_meetings_to_chase(bodies, council, subcommittee, other_subcommittee):
    no_items = MeetingFactory(body=subcommittee, date=dt.date(2021, 11, 11), status=MeetingStatus.HELD)
    _held(subcommittee, dt.date(2021, 12, 9))  # written up
    overdue = MeetingFactory(body=other_subcommittee, date=dt.date(2022, 1, 6))  # still 予定
    last_year = MeetingFactory(body=other_subcommittee, date=dt.date(2020, 9, 3), status=MeetingStatus.HELD)
    MeetingFactory(body=other_subcommittee, date=dt.date(2019, 9, 3), status=MeetingStatus.HELD)  # too old
    MeetingFactory(body=other_subcommittee, date=dt.date(2022, 2, 3))  # future

    chase = dashboard_for(council=council, user=OPERATOR, today=TODAY).to_chase

    assert [item.meeting.pk for item in chase] == [overdue.pk, no_items.pk, last_year.pk]
    assert chase[0].reason == "開催済の記録がありません"
    assert chase[1].reason == "取組・検討内容が未入力です"


def test_open_issues_per_body(bodies, council, subcommittee, steering, secretariat, other_subcommittee):
    RegionalIssueFactory(body=subcommittee, by=secretariat)
    RegionalIssueFactory(body=subcommittee, by=secretariat)
    RegionalIssueFactory(body=steering, by=secretariat)
    closed = RegionalIssueFactory(body=other_subcommittee, by=secretariat)
    RegionalIssue.objects.filter(pk=closed.pk).update(status=IssueStatus.CLOSED)
    RegionalIssue.objects.filter(body=steering).update(status=IssueStatus.STUDYING)

    dashboard = dashboard_for(council=council, user=OPERATOR, today=TODAY)

    loads = {load.name: load for load in dashboard.issues}
    assert set(loads) == {"運営会議", "相談支援部会"}
    assert loads["相談支援部会"].total == 2 and loads["相談支援部会"].by_status == [("提起", 2)]
    assert loads["運営会議"].by_status == [("検討中", 1)]
    assert dashboard.issues_total == 3


# --- the page -----------------------------------------------------------------------------------


def _url(council) -> str:
    return reverse("dashboard", args=[council.slug])


def test_secretariat_sees_the_page_with_links(client, bodies, secretariat, council, subcommittee):
    _target(subcommittee)
    today = timezone.localdate()
    to_write_up = MeetingFactory(
        body=subcommittee, date=today - dt.timedelta(days=3), status=MeetingStatus.HELD
    )
    coming = MeetingFactory(body=subcommittee, date=today + dt.timedelta(days=7))
    client.force_login(secretariat)

    response = client.get(_url(council))

    assert response.status_code == 200
    html = response.content.decode()
    assert "事務局ダッシュボード" in html and "取組・検討内容が未入力です" in html
    assert reverse("body_detail", args=[council.slug, subcommittee.pk]) in html
    assert reverse("meeting_detail", args=[council.slug, to_write_up.pk]) in html
    assert reverse("meeting_detail", args=[council.slug, coming.pk]) in html


@pytest.mark.parametrize("who", ["chair", "reviewer", "member"])
def test_other_roles_get_403(client, bodies, council, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(council)).status_code == 403


def test_outsider_gets_404_and_anonymous_logs_in(client, bodies, outsider, council):
    response = client.get(_url(council))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(outsider)
    assert client.get(_url(council)).status_code == 404


# --- query counts -------------------------------------------------------------------------------


def _seed(council, steering, secretariat, n):
    for i in range(n):
        body = body_create(
            council=council,
            name=f"部会{n}-{i}",  # distinct names: a council refuses duplicates
            kind=BodyKind.SUBCOMMITTEE,
            parent=steering,
            from_fiscal_year=2019,
            target_meetings_per_year=4,
        )
        _held(body, dt.date(2021, 6, 3))
        MeetingFactory(body=body, date=dt.date(2021, 9, 2), status=MeetingStatus.HELD)  # to chase
        MeetingFactory(body=body, date=dt.date(2022, 2, 3))  # upcoming
        RegionalIssueFactory(body=body, by=secretariat)


def test_selector_query_count_is_constant(bodies, council, steering, secretariat, django_assert_num_queries):
    _seed(council, steering, secretariat, 1)
    # bodies, names, statuses, upcoming, to chase, per-body aggregates, open issues
    with django_assert_num_queries(7):
        small = dashboard_for(council=council, user=OPERATOR, today=TODAY)
    _seed(council, steering, secretariat, 5)
    with django_assert_num_queries(7):
        large = dashboard_for(council=council, user=OPERATOR, today=TODAY)
    assert (len(small.upcoming), len(large.upcoming)) == (1, 6)
    assert len(large.to_chase) == 6 and large.issues_total == 6


def test_page_query_count_is_constant(client, bodies, council, steering, secretariat):
    client.force_login(secretariat)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(council)).status_code == 200
        return len(ctx.captured_queries)

    _seed(council, steering, secretariat, 1)
    small = count()
    _seed(council, steering, secretariat, 5)
    # session, user, council, roles, the pledge confirmations (case conferences on it or not)
    # + the selector's seven
    assert small == count() == 16  # + the set-up checklist (one query), accounts ending (two)
