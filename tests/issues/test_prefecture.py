"""The prefecture council reads the issues reported up to it, and nothing else of the city."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues.models import MoveKind
from issues.services import issue_move
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(issue, secretariat, steering):
    meeting = MeetingFactory(body=steering)
    issue_move(issue=issue, kind=MoveKind.ESCALATE, by=secretariat, reason="運営会議へ", at_meeting=meeting)
    issue_move(issue=issue, kind=MoveKind.REPORT, by=secretariat, reason="県に報告する", at_meeting=meeting)
    return issue


def test_pref_user_reads_reported_issue_read_only(client, pref_user, pref_council, reported, steering):
    client.force_login(pref_user)
    response = client.get(reverse("reported_issues", args=[pref_council.slug]))
    assert response.status_code == 200
    assert "グループホームが不足している" in response.content.decode()
    response = client.get(reverse("reported_issue_detail", args=[pref_council.slug, reported.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "県に報告する" in text and "運営会議" in text
    assert "/c/midori/" not in text  # no links into the city's bodies, meetings or issues
    assert "記録する" not in text and "issue_move" not in text
    assert "アクションプランを" not in text


def test_pref_user_gets_404_on_the_city_and_on_unreported_issues(
    client, pref_user, pref_council, reported, subcommittee
):
    other = RegionalIssueFactory(body=subcommittee, title="報告していない課題")
    client.force_login(pref_user)
    city = reported.council.slug
    for url in (
        reverse("issue_list", args=[city]),
        reverse("issue_detail", args=[city, reported.pk]),
        reverse("issue_create", args=[city]),
        reverse("council_home", args=[city]),
        reverse("body_detail", args=[city, subcommittee.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("reported_issue_detail", args=[pref_council.slug, other.pk])).status_code == 404
    assert (
        "報告していない課題"
        not in client.get(reverse("reported_issues", args=[pref_council.slug])).content.decode()
    )


def test_reported_pages_404_for_other_councils_and_anonymous(
    client, outsider, secretariat, pref_council, reported
):
    url = reverse("reported_issue_detail", args=[pref_council.slug, reported.pk])
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    # The city's own secretariat reads it on its own pages, not through the prefecture's.
    client.force_login(secretariat)
    assert client.get(url).status_code == 404
    assert client.get(reverse("issue_detail", args=[reported.council.slug, reported.pk])).status_code == 200


def test_reported_pages_are_read_only_methods(client, pref_user, pref_council, reported):
    client.force_login(pref_user)
    assert client.post(reverse("reported_issues", args=[pref_council.slug])).status_code == 405
    assert (
        client.post(reverse("reported_issue_detail", args=[pref_council.slug, reported.pk])).status_code
        == 405
    )


def test_reported_list_and_detail_query_counts(
    client, pref_user, pref_council, reported, subcommittee, secretariat
):
    client.force_login(pref_user)

    def count(url) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    list_url = reverse("reported_issues", args=[pref_council.slug])
    detail_url = reverse("reported_issue_detail", args=[pref_council.slug, reported.pk])
    few_list, few_detail = count(list_url), count(detail_url)
    for _n in range(4):
        extra = RegionalIssueFactory(body=subcommittee)
        issue_move(issue=extra, kind=MoveKind.REPORT, by=secretariat)
    issue_move(issue=reported, kind=MoveKind.DISCUSS, by=secretariat)
    issue_move(issue=reported, kind=MoveKind.APPROVE, by=secretariat)
    assert count(list_url) == few_list
    assert count(detail_url) == few_detail
