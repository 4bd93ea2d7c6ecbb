"""The foundation's acceptance walk, through the admin as a secretariat user does it:
add a 専門部会 under the 運営会議, log a meeting for it with two 取組・検討内容 items, raise a regional
issue and escalate it to the 運営会議, and see the move in its history."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from council.models import Body, BodyKind, BodyStatusKind
from council.wareki import current_fiscal_year
from issues.models import MoveKind, RegionalIssue
from meetings.models import Meeting, MeetingStatus


def _post_with_inlines(client, url: str, data: dict) -> object:
    """POST an admin add form, with empty management forms for every inline on the page."""
    page = client.get(url)
    assert page.status_code == 200
    payload = dict(data)
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        payload.setdefault(f"{prefix}-TOTAL_FORMS", "0")
        payload.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    return client.post(url, payload)


def test_secretariat_walks_the_acceptance_steps(secretariat_client, demo, demo_secretariat):
    steering = demo.bodies.get(kind=BodyKind.STEERING)

    # 1. A new 専門部会 under the 運営会議.
    response = _post_with_inlines(
        secretariat_client,
        reverse("admin:council_body_add"),
        {
            "council": demo.pk,
            "name": "防災部会",
            "kind": BodyKind.SUBCOMMITTEE,
            "parent": steering.pk,
            "sort_order": "20",
            "target_meetings_per_year": "4",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    body = Body.objects.get(council=demo, name="防災部会")
    assert body.parent == steering
    body = Body.objects.prefetch_related("statuses", "names").get(pk=body.pk)
    assert body.status_in(current_fiscal_year()) == BodyStatusKind.ACTIVE
    assert body.name_in(current_fiscal_year()) == "防災部会"

    # 2. A meeting of it, dated the way an office writes it, with two bullets.
    response = _post_with_inlines(
        secretariat_client,
        reverse("admin:meetings_meeting_add"),
        {
            "body": body.pk,
            "status": MeetingStatus.HELD,
            "date": "令和8年10月5日",
            "format": "in_person",
            "place": "みどり野市役所 会議室",
            "start_time": "14:00",
            "end_time": "15:30",
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-position": "",
            "items-0-text": "部会の設置目的と今年度の進め方を確認した。",
            "items-1-position": "",
            "items-1-text": "避難行動要支援者名簿の活用状況を共有した。",
            "items-2-position": "",
            "items-2-text": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    meeting = Meeting.objects.get(body=body)
    assert (meeting.fiscal_year, meeting.sequence, meeting.date) == (2026, 1, dt.date(2026, 10, 5))
    assert list(meeting.items.values_list("position", "text")) == [
        (1, "部会の設置目的と今年度の進め方を確認した。"),
        (2, "避難行動要支援者名簿の活用状況を共有した。"),
    ]

    # 3. An issue raised in the new 部会, escalated to the 運営会議.
    response = _post_with_inlines(
        secretariat_client,
        reverse("admin:issues_regionalissue_add"),
        {
            "council": demo.pk,
            "title": "災害時に福祉避難所の場所が知られていない",
            "origin": "meeting",
            "origin_meeting": meeting.pk,
            "body": body.pk,
            "raised_on": "R8.10.5",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    issue = RegionalIssue.objects.get(title="災害時に福祉避難所の場所が知られていない")
    secretariat_client.post(
        reverse("admin:issues_regionalissue_changelist"),
        {
            "action": "escalate_to_parent",
            "_selected_action": [issue.pk],
            "apply": "1",
            "reason": "市全体の防災計画に関わるため",
            "at_meeting": "",
        },
    )
    issue.refresh_from_db()
    assert issue.body == steering

    # 4. The move is in the history, with who and why.
    page = secretariat_client.get(
        reverse("admin:issues_regionalissue_change", args=[issue.pk])
    ).content.decode()
    assert "上位の会議体へ提案" in page and "市全体の防災計画に関わるため" in page
    assert f"{demo_secretariat.last_name} {demo_secretariat.first_name}" in page
    assert list(issue.moves.values_list("kind", flat=True)) == [MoveKind.RAISE, MoveKind.ESCALATE]


def test_meeting_form_keeps_what_was_typed_and_explains_a_held_meeting_without_date(secretariat_client, demo):
    body = demo.bodies.get(kind=BodyKind.PLENARY)
    response = _post_with_inlines(
        secretariat_client,
        reverse("admin:meetings_meeting_add"),
        {
            "body": body.pk,
            "status": MeetingStatus.HELD,
            "date": "",
            "fiscal_year": str(current_fiscal_year()),
            "format": "in_person",
            "place": "市民会館",
            "agenda": "入力した議題",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "開催済の会議には開催日を入力してください。" in text
    assert "入力した議題" in text and "市民会館" in text


def test_meeting_date_in_bad_wareki_gets_a_japanese_message(secretariat_client, demo):
    body = demo.bodies.get(kind=BodyKind.PLENARY)
    response = _post_with_inlines(
        secretariat_client,
        reverse("admin:meetings_meeting_add"),
        {"body": body.pk, "status": MeetingStatus.PLANNED, "date": "令和8年13月1日", "format": "in_person"},
    )
    assert response.status_code == 200
    assert "「令和8年13月1日」を日付として読めません。" in response.content.decode()
