"""The regional issue pages: list, raise, issue page, moves, action plan (and its audit trail)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.models import RoleKind
from council.services import role_grant
from issues.models import ActionPlan, IssueMove, IssueOrigin, IssueStatus, MoveKind, RegionalIssue, Theme
from issues.services import action_plan_save, issue_move
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pghistory triggers and HistoryMiddleware exist on PostgreSQL only",
)


def list_url(council) -> str:
    return reverse("issue_list", args=[council.slug])


def create_url(council) -> str:
    return reverse("issue_create", args=[council.slug])


def detail_url(issue) -> str:
    return reverse("issue_detail", args=[issue.council.slug, issue.pk])


def move_url(issue) -> str:
    return reverse("issue_move", args=[issue.council.slug, issue.pk])


def plan_url(issue) -> str:
    return reverse("action_plan_edit", args=[issue.council.slug, issue.pk])


def move_data(issue, kind, **fields) -> dict:
    data = {
        "version": str(issue.version),
        "kind": kind,
        "to_body": "",
        "reason": "",
        "due_on": "",
        "merge_into": "",
        "at_meeting": "",
        "social_resource": "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def plan_data(target_state="", rows=(), initial=0) -> dict:
    data = {
        "target_state": target_state,
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        order, problem, towards, action, due_label, progress, *rest = row
        data.update(
            {
                f"rows-{i}-ORDER": "" if order is None else str(order),
                f"rows-{i}-problem": problem,
                f"rows-{i}-towards": towards,
                f"rows-{i}-action": action,
                f"rows-{i}-due_label": due_label,
                f"rows-{i}-progress": progress,
            }
        )
        if rest and rest[0]:
            data[f"rows-{i}-DELETE"] = "on"
    return data


def raise_data(body, **fields) -> dict:
    data = {
        "title": "",
        "background": "",
        "body": str(body.pk),
        "origin": "direct",
        "case_meeting": "",
        "meeting": "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


# --- anonymous, outsiders, wrong methods --------------------------------------------------------


def test_anonymous_is_sent_to_login(client, issue):
    for url in (list_url(issue.council), create_url(issue.council), detail_url(issue), plan_url(issue)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert client.post(move_url(issue), {}).status_code == 302


def test_outsider_gets_404_everywhere(client, outsider, issue):
    client.force_login(outsider)
    for url in (list_url(issue.council), create_url(issue.council), detail_url(issue), plan_url(issue)):
        assert client.get(url).status_code == 404
    assert client.post(move_url(issue), move_data(issue, MoveKind.COLLECT)).status_code == 404
    assert issue.moves.count() == 1


def test_wrong_methods_are_405(client, secretariat, issue):
    client.force_login(secretariat)
    assert client.post(list_url(issue.council)).status_code == 405
    assert client.post(detail_url(issue)).status_code == 405
    assert client.get(move_url(issue)).status_code == 405
    assert client.put(create_url(issue.council)).status_code == 405
    assert client.delete(plan_url(issue)).status_code == 405


def test_readers_get_403_on_writes(client, member, reviewer, other_chair, issue):
    for reader in (member, reviewer, other_chair):
        client.force_login(reader)
        assert client.get(detail_url(issue)).status_code == 200
        assert client.post(move_url(issue), move_data(issue, MoveKind.COLLECT)).status_code == 403
        assert client.get(plan_url(issue)).status_code == 403
        assert client.post(plan_url(issue), plan_data("x")).status_code == 403
    client.force_login(member)
    assert client.get(create_url(issue.council)).status_code == 403
    assert client.post(create_url(issue.council), {}).status_code == 403
    assert IssueMove.objects.filter(issue=issue).count() == 1
    assert not ActionPlan.objects.exists()


# --- the list ------------------------------------------------------------------------------------


def test_list_shows_funnel_age_and_filters(client, secretariat, subcommittee, other_subcommittee, issue):
    old = RegionalIssueFactory(
        body=other_subcommittee, title="移動支援が足りない", raised_on=dt.date(2020, 5, 1)
    )
    closed = RegionalIssueFactory(body=other_subcommittee, title="就労先が見つからない")
    issue_move(issue=closed, kind=MoveKind.RESOLVE, by=secretariat, reason="事業所が増えた")
    client.force_login(secretariat)
    response = client.get(list_url(issue.council))
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "グループホームが不足している" in text
        and "移動支援が足りない" in text
        and "就労先が見つからない" in text
    )
    assert response.context["funnel"].stages[0] == ("raised", "提起", 2)
    assert response.context["funnel"].closed_years[0][1] == [1, 0, 0, 0]
    titles = [i.title for i in client.get(list_url(issue.council), {"status": "open"}).context["page"]]
    assert titles == ["グループホームが不足している", "移動支援が足りない"]
    titles = [i.title for i in client.get(list_url(issue.council), {"older_than": "12"}).context["page"]]
    assert titles == ["移動支援が足りない"]
    titles = [i.title for i in client.get(list_url(issue.council), {"body": subcommittee.pk}).context["page"]]
    assert titles == ["グループホームが不足している"]
    titles = [i.title for i in client.get(list_url(issue.council), {"year": "2020"}).context["page"]]
    assert titles == ["移動支援が足りない"]
    ages = {i.title: i.age_months for i in client.get(list_url(issue.council)).context["page"]}
    assert ages["移動支援が足りない"] >= 12 and ages["就労先が見つからない"] is None
    assert old.pk


def test_list_theme_filter(client, secretariat, issue, other_subcommittee):
    housing = Theme.objects.get(mark="住")
    issue.themes.add(housing)
    RegionalIssueFactory(body=other_subcommittee, title="テーマなしの課題")
    client.force_login(secretariat)
    response = client.get(list_url(issue.council), {"theme": housing.pk})
    assert [i.title for i in response.context["page"]] == ["グループホームが不足している"]
    assert "住" in response.content.decode()


def test_chair_sees_own_body_first(client, chair, other_subcommittee, subcommittee, secretariat):
    RegionalIssueFactory(body=subcommittee, title="自分の部会の課題", raised_on=dt.date(2020, 4, 1))
    RegionalIssueFactory(body=other_subcommittee, title="他の部会の課題")
    client.force_login(chair)
    titles = [i.title for i in client.get(list_url(subcommittee.council)).context["page"]]
    assert titles == ["自分の部会の課題", "他の部会の課題"]


def test_member_sees_only_issues_of_bodies_they_read(client, member, subcommittee, other_subcommittee):
    RegionalIssueFactory(body=subcommittee, title="相談の課題")
    RegionalIssueFactory(body=other_subcommittee, title="就労の課題")
    client.force_login(member)
    titles = [i.title for i in client.get(list_url(subcommittee.council)).context["page"]]
    assert titles == ["相談の課題"]


def _list_queries(client, council) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(list_url(council)).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_constant(client, secretariat, subcommittee):
    theme = Theme.objects.first()
    client.force_login(secretariat)
    for _n in range(2):
        RegionalIssueFactory(body=subcommittee).themes.add(theme)
    few = _list_queries(client, subcommittee.council)
    for _n in range(8):
        RegionalIssueFactory(body=subcommittee).themes.add(theme)
    assert _list_queries(client, subcommittee.council) == few
    assert few <= 16  # + the council's theme order (issues.templatetags.themes)


# --- raising -------------------------------------------------------------------------------------


def test_get_raise_form_shows_privacy_notice(client, chair, council):
    client.force_login(chair)
    response = client.get(create_url(council))
    assert response.status_code == 200
    text = response.content.decode()
    assert "個人名など個人が特定できる情報は書かないでください" in text
    assert "似ている課題を確認する" in text
    for mark in "医障住社地保":
        assert f"{mark}（" in text


def test_chair_raises_in_own_body_only(client, chair, subcommittee, other_subcommittee):
    client.force_login(chair)
    response = client.post(create_url(subcommittee.council), raise_data(other_subcommittee, title="別部会へ"))
    assert response.status_code == 400
    response = client.post(
        create_url(subcommittee.council),
        raise_data(subcommittee, title="移動手段がない", themes=Theme.objects.get(mark="社").pk),
    )
    issue = RegionalIssue.objects.get(title="移動手段がない")
    assert response.status_code == 302 and response["Location"] == detail_url(issue)
    assert issue.body == subcommittee and issue.origin == IssueOrigin.BODY
    assert [t.mark for t in issue.themes.all()] == ["社"]
    assert issue.moves.get().by == chair


def test_raise_from_meeting_prefills(client, chair, case_conference, subcommittee):
    meeting = MeetingFactory(body=case_conference)
    client.force_login(chair)
    # The chair does not read the case conference: the link to it is not honoured.
    assert client.get(create_url(subcommittee.council), {"meeting": meeting.pk}).status_code == 404
    held = MeetingFactory(body=subcommittee)
    response = client.get(create_url(subcommittee.council), {"meeting": held.pk})
    assert response.context["form"].initial == {
        "origin": "meeting",
        "meeting": held.pk,
        "body": subcommittee.pk,
    }


def test_meeting_page_links_to_raise_for_editors(client, chair, member, subcommittee):
    meeting = MeetingFactory(body=subcommittee)
    url = reverse("meeting_detail", args=[subcommittee.council.slug, meeting.pk])
    client.force_login(chair)
    assert "この会議から地域課題を提起する" in client.get(url).content.decode()
    client.force_login(member)
    assert "この会議から地域課題を提起する" not in client.get(url).content.decode()


def test_check_similar_keeps_what_was_typed(client, secretariat, subcommittee, issue):
    client.force_login(secretariat)
    response = client.post(
        create_url(subcommittee.council),
        raise_data(
            subcommittee, title="グループホームが足りない", background="住まいの場がない", check_similar="1"
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "グループホームが足りない"
    assert not response.context["form"].errors
    assert "グループホームが足りない" in response.content.decode()
    assert RegionalIssue.objects.count() == 1  # nothing raised
    if response.context["similarity_available"]:
        assert issue in [s.issue for s in response.context["similar"]]


def test_raise_requires_origin_meeting(client, secretariat, subcommittee):
    client.force_login(secretariat)
    response = client.post(
        create_url(subcommittee.council), raise_data(subcommittee, title="x", origin="meeting")
    )
    assert response.status_code == 400
    assert "提起した会議を選んでください。" in response.content.decode()


# --- the issue page ------------------------------------------------------------------------------


def test_case_conference_origin_shows_date_only_and_links_for_readers(
    client, secretariat, chair, case_conference, subcommittee
):
    meeting = MeetingFactory(body=case_conference, date=dt.date(2021, 6, 10))
    issue = RegionalIssueFactory(
        body=subcommittee, title="課題", origin=IssueOrigin.CASE_CONFERENCE, origin_meeting=meeting
    )
    meeting_url = reverse("meeting_detail", args=[subcommittee.council.slug, meeting.pk])
    client.force_login(chair)
    text = client.get(detail_url(issue)).content.decode()
    assert "個別支援会議（令和3年6月10日）" in text
    assert f'href="{meeting_url}"' not in text
    client.force_login(secretariat)
    assert f'href="{meeting_url}"' in client.get(detail_url(issue)).content.decode()


def test_reader_of_a_body_in_the_history_reads_the_issue(client, member, secretariat, issue, steering):
    issue_move(issue=issue, kind=MoveKind.ESCALATE, by=secretariat, reason="")
    client.force_login(member)  # sits in the subcommittee, where the issue was
    assert client.get(detail_url(issue)).status_code == 200
    other = RegionalIssueFactory(body=steering, title="運営会議の課題")
    assert client.get(detail_url(other)).status_code == 404


def test_detail_query_count_is_constant(client, secretariat, issue, steering, subcommittee):
    client.force_login(secretariat)
    issue_move(issue=issue, kind=MoveKind.COLLECT, by=secretariat)
    action_plan_save(issue=issue, target_state="x", rows=[{"problem": "行"}])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail_url(issue)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    meeting = MeetingFactory(body=steering)
    issue_move(issue=issue, kind=MoveKind.PROPOSE, by=secretariat, to_body=steering, at_meeting=meeting)
    issue_move(issue=issue, kind=MoveKind.DISCUSS, by=secretariat, at_meeting=meeting)
    issue_move(
        issue=issue,
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=subcommittee,
        reason="調査",
        due_on=dt.date(2030, 3, 31),
    )
    action_plan_save(issue=issue, target_state="x", rows=[{"problem": f"行{i}"} for i in range(4)])
    assert count() == few
    assert few <= 20


# --- moves ---------------------------------------------------------------------------------------


def test_refused_move_shows_reason_and_records_nothing(client, secretariat, issue):
    client.force_login(secretariat)
    response = client.post(move_url(issue), move_data(issue, MoveKind.RESOLVE))
    assert response.status_code == 400
    assert "「解決」には理由・内容の記入が必要です。" in response.content.decode()
    assert issue.moves.count() == 1
    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert stored.status == IssueStatus.RAISED and stored.version == issue.version


def test_kind_not_allowed_from_status_is_a_form_error(client, secretariat, issue):
    client.force_login(secretariat)
    response = client.post(move_url(issue), move_data(issue, MoveKind.ACT))
    assert response.status_code == 400
    assert issue.moves.count() == 1


def test_stale_version_gives_message_and_records_nothing(client, secretariat, chair, issue):
    client.force_login(chair)
    seen = issue.version
    issue_move(issue=issue, kind=MoveKind.COLLECT, by=secretariat)  # someone else, meanwhile
    data = move_data(issue, MoveKind.STUDY, reason="詳しく調べる")
    data["version"] = str(seen)
    response = client.post(move_url(issue), data)
    assert response.status_code == 409
    text = response.content.decode()
    assert "画面を開いた後に他の方が更新しました" in text
    assert "詳しく調べる" in text  # what was typed is kept
    assert response.context["move_form"]["version"].value() == str(seen + 1)
    assert response.context["issue"].status == IssueStatus.COLLECTED  # the fresh state
    assert issue.moves.count() == 2


def test_chair_moves_only_while_their_body_holds_it(client, chair, secretariat, issue, steering):
    client.force_login(chair)
    response = client.post(move_url(issue), move_data(issue, MoveKind.ESCALATE, reason="運営会議で"))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.body == steering
    assert client.post(move_url(issue), move_data(issue, MoveKind.DISCUSS)).status_code == 403


# --- the acceptance story ------------------------------------------------------------------------


def test_acceptance_story(
    client, chair, secretariat, other_chair, case_conference, subcommittee, steering, other_subcommittee
):
    conference = MeetingFactory(body=case_conference, date=dt.date(2021, 6, 10))
    steering_meeting = MeetingFactory(body=steering, date=dt.date(2021, 7, 1))
    # The chair also sits in the case conference under their 部会, so they may name its meeting.
    role_grant(user=chair, council=subcommittee.council, kind=RoleKind.MEMBER, body=case_conference)
    client.force_login(chair)
    response = client.post(
        create_url(subcommittee.council),
        raise_data(
            subcommittee,
            title="精神障害者が地域で暮らしにくい",
            background="退院後の住まいと日中の居場所が足りない。",
            origin="case_conference",
            case_meeting=conference.pk,
            themes=Theme.objects.get(mark="住").pk,
        ),
    )
    issue = RegionalIssue.objects.get(title="精神障害者が地域で暮らしにくい")
    assert response.status_code == 302
    assert issue.origin == IssueOrigin.CASE_CONFERENCE and issue.origin_meeting == conference

    client.force_login(secretariat)
    response = client.post(
        move_url(issue), move_data(issue, MoveKind.PROPOSE, to_body=steering.pk, reason="運営会議で協議を")
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.body == steering and issue.status == IssueStatus.PROPOSED

    response = client.post(
        move_url(issue),
        move_data(
            issue,
            MoveKind.SEND_DOWN,
            to_body=other_subcommittee.pk,
            reason="就労部会で日中の居場所を調べる",
            due_on="令和12年3月31日",
            at_meeting=steering_meeting.pk,
        ),
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.body == other_subcommittee and issue.status == IssueStatus.STUDYING

    client.force_login(other_chair)
    response = client.post(
        plan_url(issue),
        plan_data(
            "精神障害者が地域で安心して暮らせる",
            rows=[(1, "住まいが足りない", "不動産団体", "居住支援協議会をつくる", "令和13年度中", "準備中")],
        ),
    )
    assert response.status_code == 302
    assert issue.action_plan.rows.get().action == "居住支援協議会をつくる"

    client.force_login(secretariat)
    response = client.post(
        move_url(issue),
        move_data(
            issue, MoveKind.RESOLVE, reason="居住支援の仕組みができた", social_resource="居住支援協議会"
        ),
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.social_resource == "居住支援協議会"

    response = client.get(detail_url(issue))
    page = response.context["page"]
    moves = [e.move for e in page.timeline if e.move]
    assert [m.kind for m in moves] == ["raise", "propose", "send_down", "resolve"]
    assert [m.by_name for m in moves] == ["部会長 一郎", "事務局 花子", "事務局 花子", "事務局 花子"]
    assert all(m.at for m in moves)
    meetings = [e.meeting for e in page.timeline if e.meeting]
    assert meetings == [conference, steering_meeting]
    text = response.content.decode()
    for kind in ("提起", "提案", "調査・検討を依頼", "解決"):
        assert kind in text
    assert text.index("調査・検討を依頼") < text.index("居住支援の仕組みができた")
    assert "令和12年3月31日" in text and "居住支援協議会をつくる" in text
    assert "個別支援会議（令和3年6月10日）" in text


# --- the action plan -----------------------------------------------------------------------------


def test_action_plan_add_reorder_and_remove_rows(client, chair, issue):
    client.force_login(chair)
    assert client.get(plan_url(issue)).status_code == 200
    client.post(plan_url(issue), plan_data("目標", rows=[(1, "A", "", "", "", ""), (2, "B", "", "", "", "")]))
    client.post(
        plan_url(issue),
        plan_data(
            "目標",
            rows=[(2, "A", "", "", "", ""), (1, "B", "", "", "", ""), (3, "", "", "", "", "")],
            initial=2,
        ),
    )
    assert [r.problem for r in issue.action_plan.rows.order_by("position")] == ["B", "A"]
    client.post(
        plan_url(issue),
        plan_data("目標", rows=[(1, "B", "", "", "", ""), (2, "A", "", "", "", "", True)], initial=2),
    )
    assert [r.problem for r in issue.action_plan.rows.all()] == ["B"]


def test_action_plan_row_needs_problem(client, chair, issue):
    client.force_login(chair)
    response = client.post(plan_url(issue), plan_data("", rows=[(1, "", "市", "", "", "")]))
    assert response.status_code == 400
    assert "課題を入力してください。" in response.content.decode()
    assert not ActionPlan.objects.exists()


@postgresql_only
def test_action_plan_edit_is_audited_with_the_user(client, chair, secretariat, issue):
    from issues.models import ActionPlanEvent, ActionPlanRowEvent, RegionalIssueEvent

    client.force_login(chair)
    client.post(move_url(issue), move_data(issue, MoveKind.COLLECT))
    client.post(plan_url(issue), plan_data("目標", rows=[(1, "A", "", "", "", "")]))
    client.post(plan_url(issue), plan_data("目標2", rows=[(1, "A2", "", "", "", "")], initial=1))
    for model in (RegionalIssueEvent, ActionPlanEvent, ActionPlanRowEvent):
        events = model.objects.filter(pgh_context__isnull=False).select_related("pgh_context")
        assert events.exists(), model
        assert all(e.pgh_context.metadata.get("user") == chair.pk for e in events), model
    assert ActionPlanRowEvent.objects.filter(pgh_label="update", problem="A2").exists()
