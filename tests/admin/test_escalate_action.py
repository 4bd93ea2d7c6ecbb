"""The admin action that escalates selected regional issues to the parent body."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from council.models import BodyKind
from council.wareki import current_fiscal_year
from issues.models import IssueMove, IssueStatus, MoveKind, RegionalIssue
from issues.services import issue_raise

URL = reverse("admin:issues_regionalissue_changelist")


@pytest.fixture
def user(demo_secretariat):
    return demo_secretariat


def _subcommittee_issue(demo, user) -> RegionalIssue:
    body = demo.bodies.filter(kind=BodyKind.SUBCOMMITTEE, parent__kind=BodyKind.STEERING).first()
    active = [
        b
        for b in demo.bodies.filter(kind=BodyKind.SUBCOMMITTEE).prefetch_related("statuses")
        if b.status_in(current_fiscal_year()) == "active" and b.parent and b.parent.kind == BodyKind.STEERING
    ]
    body = active[0] if active else body
    return issue_raise(
        body=body, title="グループホームの空きが少ない", by=user, background="退院後の住まいが見つからない。"
    )


def _plenary_issue(demo, user) -> RegionalIssue:
    return issue_raise(body=demo.bodies.get(kind=BodyKind.PLENARY), title="全体会で扱う課題", by=user)


def test_action_shows_a_confirmation_page_first(secretariat_client, demo, user):
    issue = _subcommittee_issue(demo, user)
    response = secretariat_client.post(URL, {"action": "escalate_to_parent", "_selected_action": [issue.pk]})
    assert response.status_code == 200
    text = response.content.decode()
    assert issue.body.parent.name in text
    assert issue.moves.count() == 1  # nothing happened yet


def test_escalate_records_the_move(secretariat_client, demo, user):
    issue = _subcommittee_issue(demo, user)
    meeting = issue.body.parent.meetings.first()
    response = secretariat_client.post(
        URL,
        {
            "action": "escalate_to_parent",
            "_selected_action": [issue.pk],
            "apply": "1",
            "reason": "市全体での対応が必要なため",
            "at_meeting": meeting.pk if meeting else "",
        },
        follow=True,
    )
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.body.kind == BodyKind.STEERING
    assert issue.status == IssueStatus.PROPOSED
    move = issue.moves.order_by("-id").first()
    assert move.kind == MoveKind.ESCALATE
    assert move.by == user and move.by_name
    assert move.from_body.kind == BodyKind.SUBCOMMITTEE and move.to_body == issue.body
    assert move.reason == "市全体での対応が必要なため"
    assert move.at_meeting == meeting
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("1件の地域課題を上位の会議体へ上げ" in m for m in messages)

    # The move shows in the issue's history on its change page.
    page = secretariat_client.get(
        reverse("admin:issues_regionalissue_change", args=[issue.pk])
    ).content.decode()
    assert "上位の会議体へ提案" in page and "市全体での対応が必要なため" in page


def test_escalate_refuses_an_issue_with_nowhere_to_go(secretariat_client, demo, user):
    top = _plenary_issue(demo, user)
    movable = _subcommittee_issue(demo, user)
    response = secretariat_client.post(
        URL,
        {
            "action": "escalate_to_parent",
            "_selected_action": [top.pk, movable.pk],
            "apply": "1",
            "reason": "",
        },
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("上位の会議体がない" in m and top.title in m for m in messages), messages
    assert any("1件" in m for m in messages)
    top.refresh_from_db()
    assert top.body.kind == BodyKind.PLENARY and top.status == IssueStatus.RAISED
    assert IssueMove.objects.filter(issue=top).count() == 1  # only the 提起 move


def test_escalate_refuses_a_closed_issue(secretariat_client, demo, user):
    closed = RegionalIssue.objects.filter(council=demo, status=IssueStatus.CLOSED).first()
    assert closed is not None, "the demo data has a closed issue"
    before = closed.moves.count()
    response = secretariat_client.post(
        URL, {"action": "escalate_to_parent", "_selected_action": [closed.pk], "apply": "1"}, follow=True
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("取扱い終了" in m for m in messages), messages
    assert closed.moves.count() == before


def test_issue_added_in_the_admin_starts_its_history(secretariat_client, demo, user):
    body = demo.bodies.get(kind=BodyKind.STEERING)
    response = secretariat_client.post(
        reverse("admin:issues_regionalissue_add"),
        {
            "council": demo.pk,
            "title": "夜間の相談先がない",
            "background": "",
            "origin": "secretariat",
            "body": body.pk,
            "raised_on": "2026-10-01",
            "action_plan-TOTAL_FORMS": "0",
            "action_plan-INITIAL_FORMS": "0",
            "moves-TOTAL_FORMS": "0",
            "moves-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = RegionalIssue.objects.get(title="夜間の相談先がない")
    assert list(issue.moves.values_list("kind", flat=True)) == [MoveKind.RAISE]
    assert issue.moves.get().by == user
