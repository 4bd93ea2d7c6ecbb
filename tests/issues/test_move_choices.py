"""The move form lists what a user can pick, not the council's whole history (issue 17: the
issue page rendered every meeting the council ever held)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from issues.models import IssueStatus
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db


def _choices(client, council, issue, field):
    response = client.get(reverse("issue_detail", args=[council.slug, issue.pk]))
    form = response.context["move_form"]
    return {value for value, _label in form.fields[field].choices if value}


def test_meetings_of_the_neighbourhood_in_recent_years_only(
    client, council, steering, subcommittee, other_subcommittee, secretariat
):
    issue = RegionalIssueFactory(body=subcommittee)
    here_now = MeetingFactory(body=subcommittee, date=dt.date(2026, 6, 1))
    here_last_year = MeetingFactory(body=subcommittee, date=dt.date(2025, 6, 1))
    above_now = MeetingFactory(body=steering, date=dt.date(2026, 7, 1))
    here_long_ago = MeetingFactory(body=subcommittee, date=dt.date(2019, 6, 1))
    sibling_now = MeetingFactory(body=other_subcommittee, date=dt.date(2026, 6, 2))
    client.force_login(secretariat)
    offered = {
        int(v.value) if hasattr(v, "value") else int(v)
        for v in _choices(client, council, issue, "at_meeting")
    }
    assert {here_now.pk, here_last_year.pk, above_now.pk} <= offered
    assert here_long_ago.pk not in offered and sibling_now.pk not in offered


def test_the_list_does_not_grow_with_the_years(client, council, subcommittee, secretariat):
    issue = RegionalIssueFactory(body=subcommittee)
    MeetingFactory(body=subcommittee, date=dt.date(2026, 6, 1))
    client.force_login(secretariat)
    before = len(_choices(client, council, issue, "at_meeting"))
    for year in range(2010, 2024):
        MeetingFactory(body=subcommittee, date=dt.date(year, 6, 1))
    assert len(_choices(client, council, issue, "at_meeting")) == before


def test_merge_targets_are_open_issues_of_the_neighbourhood(
    client, council, steering, subcommittee, other_subcommittee, secretariat
):
    issue = RegionalIssueFactory(body=subcommittee)
    above = RegionalIssueFactory(body=steering, title="上で検討中")
    beside = RegionalIssueFactory(body=other_subcommittee, title="隣の部会")
    closed = RegionalIssueFactory(body=subcommittee, title="終わった課題")
    closed.status = IssueStatus.RESOLVED
    closed.save(update_fields=["status"])
    client.force_login(secretariat)
    offered = {int(getattr(v, "value", v)) for v in _choices(client, council, issue, "merge_into")}
    assert above.pk in offered
    assert beside.pk not in offered and closed.pk not in offered and issue.pk not in offered


def test_an_older_year_is_offered_when_chosen_on_the_page(client, council, subcommittee, secretariat):
    issue = RegionalIssueFactory(body=subcommittee)
    old = MeetingFactory(body=subcommittee, date=dt.date(2020, 8, 6))
    client.force_login(secretariat)
    url = reverse("issue_detail", args=[council.slug, issue.pk])
    form = client.get(url + "?year=2020").context["move_form"]
    assert old.pk in {int(getattr(v, "value", v)) for v, _label in form.fields["at_meeting"].choices if v}


def test_issue_page_queries_do_not_grow_with_meetings_or_issues(client, council, subcommittee, secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issue = RegionalIssueFactory(body=subcommittee)
    client.force_login(secretariat)
    url = reverse("issue_detail", args=[council.slug, issue.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        MeetingFactory(body=subcommittee, date=dt.date(2026, 5, 1 + n))
        RegionalIssueFactory(body=subcommittee, title=f"別の課題{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
