"""A date 和暦 cannot show (「1000/1/1」) is refused on the meeting form, the evaluation sheet and
an issue's due date, with a Japanese message; it used to be a server error or a stored date that
broke every page showing it. Found by tests/fuzz."""

from __future__ import annotations

import pytest
from django.urls import reverse

from issues.models import IssueMove
from meetings.models import Meeting
from subcommittees.models import Evaluation
from tests.meetings.test_meeting_views import create_url, form_data

pytestmark = pytest.mark.django_db

RANGE = "明治2年4月1日から令和99年12月31日までの日付で入力してください。"


@pytest.mark.parametrize("typed", ["1000/1/1", "0001-01-01", "9999-12-31"])
def test_meeting_date_out_of_range_is_refused(client, chair, subcommittee, typed):
    client.force_login(chair)
    for extra in ({}, {"confirm_other_year": "on"}):
        response = client.post(create_url(subcommittee), form_data(date=typed, **extra))
        assert response.status_code == 400
        assert RANGE in response.content.decode()
    assert not Meeting.objects.exists()


def test_evaluation_written_on_out_of_range_is_refused(client, chair, council, subcommittee):
    client.force_login(chair)
    url = reverse("evaluation_edit", args=[council.slug, subcommittee.pk, 2021])
    data = {
        "written_on": "1000/1/1",
        "next_year": "undecided",
        "loaded_version": "new",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "100",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert RANGE in response.content.decode()
    assert not Evaluation.objects.exists()
    assert client.get(url).status_code == 200


def test_issue_due_date_out_of_range_is_refused(client, secretariat, council, issue):
    client.force_login(secretariat)
    moves = IssueMove.objects.count()
    response = client.post(
        reverse("issue_move", args=[council.slug, issue.pk]),
        {"version": issue.version, "kind": "send_down", "due_on": "0001-01-01", "reason": "検討を依頼"},
    )
    assert response.status_code == 400
    assert RANGE in response.content.decode()
    assert IssueMove.objects.count() == moves
