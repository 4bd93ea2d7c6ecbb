"""Forms that create something are sent once (council.submit_once)."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from council.models import FormSubmission
from council.submit_once import ALREADY_SENT, TOKEN_FIELD
from issues.models import RegionalIssue
from meetings.models import Meeting
from tests.issues.test_issue_views import create_url as issue_create_url
from tests.issues.test_issue_views import raise_data
from tests.meetings.test_meeting_views import create_url as meeting_create_url
from tests.meetings.test_meeting_views import form_data


def _token_of(response) -> str:
    found = re.search(rf'name="{TOKEN_FIELD}" value="([0-9a-f-]+)"', response.content.decode())
    assert found, "the form carries a one-time token"
    return found.group(1)


@pytest.mark.django_db
def test_raising_twice_with_the_same_token_makes_one_issue(client, chair, subcommittee):
    client.force_login(chair)
    token = _token_of(client.get(issue_create_url(subcommittee.council)))
    data = {
        **raise_data(subcommittee, title="移動支援の不足", background="夕方の移動手段がない"),
        TOKEN_FIELD: token,
    }
    first = client.post(issue_create_url(subcommittee.council), data)
    second = client.post(issue_create_url(subcommittee.council), data, follow=True)
    issue = RegionalIssue.objects.get(title="移動支援の不足")
    assert first.status_code == 302 and first["Location"] == second.redirect_chain[-1][0]
    assert f"/issues/{issue.pk}/" in first["Location"]
    assert ALREADY_SENT in second.content.decode()
    # A new form is a new token: the same title raised on purpose again is a second issue.
    other = {**data, TOKEN_FIELD: _token_of(client.get(issue_create_url(subcommittee.council)))}
    assert other[TOKEN_FIELD] != token
    client.post(issue_create_url(subcommittee.council), other)
    assert RegionalIssue.objects.filter(title="移動支援の不足").count() == 2


@pytest.mark.django_db
def test_a_form_with_errors_keeps_its_token_and_saves_once_corrected(client, chair, subcommittee):
    client.force_login(chair)
    token = _token_of(client.get(issue_create_url(subcommittee.council)))
    bad = {**raise_data(subcommittee, title="", background="説明だけ"), TOKEN_FIELD: token}
    response = client.post(issue_create_url(subcommittee.council), bad)
    assert response.status_code == 400 and _token_of(response) == token
    assert not FormSubmission.objects.exists()
    good = {**bad, "title": "相談窓口の周知"}
    assert client.post(issue_create_url(subcommittee.council), good).status_code == 302
    assert client.post(issue_create_url(subcommittee.council), good).status_code == 302
    assert RegionalIssue.objects.filter(title="相談窓口の周知").count() == 1


@pytest.mark.django_db
def test_saving_a_meeting_then_back_and_save_again_makes_one_meeting(client, chair, subcommittee):
    client.force_login(chair)
    token = _token_of(client.get(meeting_create_url(subcommittee)))
    data = {**form_data(place="市民会館 第2会議室", agenda="年間計画"), TOKEN_FIELD: token}
    first = client.post(meeting_create_url(subcommittee), data)
    again = client.post(meeting_create_url(subcommittee), data)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Meeting.objects.filter(body=subcommittee).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two requests at once need a server database")
def test_a_double_click_sent_at_the_same_moment_makes_one_issue(chair, subcommittee):
    council = subcommittee.council
    token = "7d9c2f4e-1b3a-4c5d-8e6f-0a1b2c3d4e5f"
    data = {**raise_data(subcommittee, title="同時送信の課題", background="二度押し"), TOKEN_FIELD: token}
    start = threading.Barrier(2)
    results: list[int] = []

    def click() -> None:
        browser = Client()
        browser.force_login(chair)
        start.wait()
        try:
            results.append(browser.post(issue_create_url(council), data).status_code)
        finally:
            connection.close()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(30)
    assert results == [302, 302]
    assert RegionalIssue.objects.filter(title="同時送信の課題").count() == 1
