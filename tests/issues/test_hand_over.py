"""引き継ぎ: one action hands an ended body's open issues to its successor (issue 14 item 7).

かわせみ町: こども部会 is paused in R4 and ended from R5, 療育部会 (its successor) takes over from R5,
and 「医療的ケア児の通学支援がない」 (raised in R3) is still held by the ended こども部会.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import BodyStatusKind
from council.services import body_set_status
from issues.models import IssueMove, IssueStatus, MoveKind, RegionalIssue
from issues.services import HandOverRefused, issue_move, issue_raise, issues_hand_over

pytestmark = pytest.mark.django_db

R5_START = dt.date(2023, 4, 1)


def hand_over_url(world, body=None) -> str:
    return reverse("issues_hand_over", args=[world.council.slug, (body or world.kodomo).pk])


def page(response) -> str:
    return response.content.decode()


def moves_of(issue) -> list[IssueMove]:
    return list(IssueMove.objects.filter(issue=issue).order_by("at", "id"))


# --- the service ----------------------------------------------------------------------------------


def test_hands_the_open_issue_to_the_successor_dated_as_given(kawasemi):
    orphan = kawasemi.issues["orphan"]
    moves = issues_hand_over(old=kawasemi.kodomo, on=R5_START, by=kawasemi.secretariat)

    assert len(moves) == 1
    move = moves[0]
    assert move.kind == MoveKind.HAND_OVER
    assert (move.from_body, move.to_body) == (kawasemi.kodomo, kawasemi.ryoiku)
    assert timezone.localtime(move.at).date() == R5_START
    assert move.due_on is None
    assert (move.from_status, move.to_status) == (IssueStatus.RAISED, IssueStatus.RAISED)
    assert move.reason == "「こども部会」から「療育部会」へ引き継ぎました。"
    assert move.by_name == "佐藤 花子"
    stored = RegionalIssue.objects.get(pk=orphan.pk)
    assert (stored.body, stored.status) == (kawasemi.ryoiku, IssueStatus.RAISED)
    assert [m.kind for m in moves_of(orphan)] == [MoveKind.RAISE, MoveKind.HAND_OVER]
    # The resolved lineage issue went nowhere.
    lineage = RegionalIssue.objects.get(pk=kawasemi.issues["lineage"].pk)
    assert lineage.status == IssueStatus.RESOLVED
    assert MoveKind.HAND_OVER not in {m.kind for m in moves_of(lineage)}


def test_every_open_issue_moves_in_one_go_with_today_as_default(kawasemi):
    second = issue_raise(
        body=kawasemi.kodomo, title="きょうだい児の居場所がない", by=kawasemi.secretariat, raised_on=R5_START
    )
    issue_move(issue=second, kind=MoveKind.COLLECT, by=kawasemi.secretariat, at=timezone.now())

    moves = issues_hand_over(old=kawasemi.kodomo, by=kawasemi.secretariat)

    assert {m.issue_id for m in moves} == {kawasemi.issues["orphan"].pk, second.pk}
    assert {timezone.localtime(m.at).date() for m in moves} == {timezone.localdate()}
    assert RegionalIssue.objects.get(pk=second.pk).status == IssueStatus.COLLECTED  # state kept
    assert not RegionalIssue.objects.filter(body=kawasemi.kodomo, status__in=["raised", "collected"]).exists()


def test_a_chosen_body_of_the_same_council_takes_them(kawasemi):
    moves = issues_hand_over(
        old=kawasemi.kodomo, to=kawasemi.soudan, on=dt.date(2024, 5, 9), by=kawasemi.secretariat
    )
    assert moves[0].to_body == kawasemi.soudan
    assert RegionalIssue.objects.get(pk=kawasemi.issues["orphan"].pk).body == kawasemi.soudan


def _refused(kawasemi, needle: str, **kwargs) -> None:
    before = IssueMove.objects.count()
    kwargs.setdefault("old", kawasemi.kodomo)
    kwargs.setdefault("on", R5_START)
    with pytest.raises(HandOverRefused) as refused:
        issues_hand_over(by=kawasemi.secretariat, **kwargs)
    assert needle in str(refused.value)
    assert IssueMove.objects.count() == before
    assert RegionalIssue.objects.get(pk=kawasemi.issues["orphan"].pk).body == kawasemi.kodomo


def test_refused_to_a_body_of_another_council(kawasemi, other_council_subcommittee):
    _refused(kawasemi, "他の協議会の会議体へは引き継げません", to=other_council_subcommittee)


def test_refused_to_the_same_body(kawasemi):
    _refused(kawasemi, "同じ「こども部会」へは引き継げません", to=kawasemi.kodomo)


def test_refused_to_a_body_not_yet_set_up_on_that_date(kawasemi):
    # 療育部会 starts in R5; a hand-over dated R4 finds it not there yet.
    _refused(
        kawasemi, "「療育部会」は令和4年6月1日（令和4年度）にはまだ設置されていない", on=dt.date(2022, 6, 1)
    )


def test_refused_to_a_body_paused_on_that_date(kawasemi):
    body_set_status(body=kawasemi.shuro, fiscal_year=2024, status=BodyStatusKind.PAUSED)
    _refused(
        kawasemi,
        "「就労部会」は令和6年5月1日（令和6年度）には休止中",
        to=kawasemi.shuro,
        on=dt.date(2024, 5, 1),
    )
    # The same body is fine on a date before its pause.
    assert issues_hand_over(old=kawasemi.kodomo, to=kawasemi.shuro, on=R5_START, by=kawasemi.secretariat)


def test_refused_to_a_body_ended_on_that_date(kawasemi):
    body_set_status(body=kawasemi.forum, fiscal_year=2025, status=BodyStatusKind.ENDED)
    _refused(kawasemi, "には終了しているため", to=kawasemi.forum, on=dt.date(2025, 6, 1))


def test_refused_from_a_body_still_active_on_that_date(kawasemi):
    _refused(kawasemi, "休止・終了していないため", on=dt.date(2021, 9, 1), to=kawasemi.soudan)
    _refused(kawasemi, "休止・終了していないため", old=kawasemi.shuro, to=kawasemi.soudan)


def test_refused_in_the_future(kawasemi):
    _refused(kawasemi, "まだ来ていない日", on=timezone.localdate() + dt.timedelta(days=1))


def test_nothing_to_hand_over_is_refused(kawasemi):
    issues_hand_over(old=kawasemi.kodomo, on=R5_START, by=kawasemi.secretariat)
    with pytest.raises(HandOverRefused, match="引き継ぐ検討中の地域課題がありません"):
        issues_hand_over(old=kawasemi.kodomo, on=R5_START, by=kawasemi.secretariat)


def test_nothing_half_done_when_one_issue_has_a_later_move(kawasemi):
    later = issue_raise(
        body=kawasemi.kodomo,
        title="就学前の相談先が分からない",
        by=kawasemi.secretariat,
        raised_on=dt.date(2023, 6, 1),
    )
    _refused(kawasemi, "「就学前の相談先が分からない」には令和5年4月1日より後の経過がある")
    assert RegionalIssue.objects.get(pk=later.pk).body == kawasemi.kodomo


def test_a_body_with_two_successors_needs_a_choice(kawasemi):
    from council.services import body_link_successor

    body_link_successor(old=kawasemi.kodomo, successor=kawasemi.forum, from_fiscal_year=2024, end_old=False)
    _refused(kawasemi, "後継の会議体が一つに決まっていません")


# --- the page -------------------------------------------------------------------------------------


def test_the_dashboard_links_the_flag_to_the_hand_over(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    html = page(client.get(reverse("dashboard", args=[kawasemi.council.slug])))
    assert "引き継ぎ先を決めてください" in html
    assert f'href="{hand_over_url(kawasemi)}"' in html


def test_the_confirm_page_lists_the_issues_and_the_successor(client, kawasemi, django_assert_max_num_queries):
    for n in range(5):
        issue_raise(body=kawasemi.kodomo, title=f"課題{n}", by=kawasemi.secretariat, raised_on=R5_START)
    client.force_login(kawasemi.secretariat)
    with django_assert_max_num_queries(25):
        response = client.get(hand_over_url(kawasemi))
    html = page(response)
    assert response.status_code == 200
    assert "課題の引き継ぎ（こども部会）" in html
    assert "医療的ケア児の通学支援がない" in html and "課題4" in html
    assert "引き継ぐ地域課題（6件）" in html
    assert f'<option value="{kawasemi.ryoiku.pk}" selected>療育部会</option>' in html
    assert 'name="submit_token"' in html


def test_posting_hands_over_once_with_a_full_width_wareki_date(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    data = {
        "to_body": str(kawasemi.ryoiku.pk),
        "on": "令和５年４月１日",
        "reason": "",
        "submit_token": str(uuid.uuid4()),
    }
    first = client.post(hand_over_url(kawasemi), data)
    assert first.status_code == 302
    assert first.url == reverse("dashboard", args=[kawasemi.council.slug])
    again = client.post(hand_over_url(kawasemi), data)  # the double click
    assert again.status_code == 302

    orphan = kawasemi.issues["orphan"]
    hand_overs = [m for m in moves_of(orphan) if m.kind == MoveKind.HAND_OVER]
    assert len(hand_overs) == 1
    assert timezone.localtime(hand_overs[0].at).date() == R5_START
    # The issue's history page shows the move.
    html = page(client.get(reverse("issue_detail", args=[kawasemi.council.slug, orphan.pk])))
    assert "引き継ぎ" in html and "こども部会 → 療育部会" in html and "令和5年4月1日" in html


def test_a_refusal_shows_on_the_page_with_what_was_typed(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    data = {"to_body": str(kawasemi.ryoiku.pk), "on": "R4.6.1", "reason": "部会再編のため"}
    response = client.post(hand_over_url(kawasemi), data)
    html = page(response)
    assert response.status_code == 400
    assert "引き継げませんでした" in html
    assert "まだ設置されていないため" in html
    assert 'value="R4.6.1"' in html and "部会再編のため" in html
    assert not IssueMove.objects.filter(kind=MoveKind.HAND_OVER).exists()


def test_a_body_of_another_council_cannot_be_chosen(client, kawasemi, other_council_subcommittee):
    client.force_login(kawasemi.secretariat)
    data = {"to_body": str(other_council_subcommittee.pk), "on": "令和5年4月1日"}
    assert client.post(hand_over_url(kawasemi), data).status_code == 400
    assert not IssueMove.objects.filter(kind=MoveKind.HAND_OVER).exists()


def test_not_offered_among_the_single_issue_moves(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    orphan = kawasemi.issues["orphan"]
    html = page(client.get(reverse("issue_detail", args=[kawasemi.council.slug, orphan.pk])))
    assert 'value="hand_over"' not in html


@pytest.mark.parametrize("who", ["chair", "member", "reviewer"])
def test_others_of_the_council_get_403(client, kawasemi, who):
    client.force_login(getattr(kawasemi, who))
    assert client.get(hand_over_url(kawasemi)).status_code == 403
    data = {"to_body": str(kawasemi.ryoiku.pk), "on": "令和5年4月1日"}
    assert client.post(hand_over_url(kawasemi), data).status_code == 403
    assert not IssueMove.objects.filter(kind=MoveKind.HAND_OVER).exists()


def test_another_councils_secretariat_gets_404(client, kawasemi, outsider):
    client.force_login(outsider)
    assert client.get(hand_over_url(kawasemi)).status_code == 404
    data = {"to_body": str(kawasemi.ryoiku.pk), "on": "令和5年4月1日"}
    assert client.post(hand_over_url(kawasemi), data).status_code == 404
    assert not IssueMove.objects.filter(kind=MoveKind.HAND_OVER).exists()


def test_a_body_of_another_council_in_the_url_is_404(client, kawasemi, secretariat, subcommittee):
    client.force_login(kawasemi.secretariat)
    assert client.get(hand_over_url(kawasemi, subcommittee)).status_code == 404
