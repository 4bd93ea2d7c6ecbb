"""Refused review steps: the page comes back with the reason and everything that was typed."""

from __future__ import annotations

from django.urls import reverse

from subcommittees.forms import REVIEW_COMMENT_MAX
from subcommittees.models import Evaluation, EvaluationStatus
from subcommittees.services import evaluation_approve, evaluation_save, evaluation_submit

FY = 2020


def _evaluation(body):
    return evaluation_save(body=body, fiscal_year=FY, comments=[], policy="方針", narrative="一年の記録。")


def _decide(client, council, evaluation, **data):
    return client.post(reverse("review_decide", args=[council.slug, evaluation.pk]), data)


def test_return_without_comment_rerenders_with_error(client, council, subcommittee, chair, reviewer):
    evaluation = _evaluation(subcommittee)
    evaluation_submit(evaluation=evaluation, by=chair)
    client.force_login(reviewer)
    response = _decide(client, council, evaluation, action="return", comment="   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "差し戻すときは、直してほしい点をコメントに書いてください。" in page
    assert 'value="return"' in page  # the buttons are still there
    assert Evaluation.objects.get().status == EvaluationStatus.SUBMITTED
    assert evaluation.reviews.count() == 1  # only the submission


def test_too_long_comment_is_refused_and_kept(client, council, subcommittee, chair, reviewer):
    evaluation = _evaluation(subcommittee)
    evaluation_submit(evaluation=evaluation, by=chair)
    client.force_login(reviewer)
    typed = "長い指摘。" * (REVIEW_COMMENT_MAX // 5 + 1)
    response = _decide(client, council, evaluation, action="return", comment=typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{REVIEW_COMMENT_MAX}文字以内" in page
    assert typed in page
    assert Evaluation.objects.get().status == EvaluationStatus.SUBMITTED


def test_unknown_action_is_refused_and_comment_kept(client, council, subcommittee, chair, reviewer):
    evaluation = _evaluation(subcommittee)
    evaluation_submit(evaluation=evaluation, by=chair)
    client.force_login(reviewer)
    response = _decide(client, council, evaluation, action="delete", comment="ここを直してください。")
    assert response.status_code == 400
    page = response.content.decode()
    assert "「差し戻す」か「承認する」を選んでください。" in page
    assert "ここを直してください。" in page


def test_decision_on_a_sheet_decided_meanwhile_keeps_the_comment(
    client, council, subcommittee, chair, reviewer
):
    evaluation = _evaluation(subcommittee)
    evaluation_submit(evaluation=evaluation, by=chair)
    evaluation_approve(evaluation=evaluation, by=reviewer)  # another reviewer's tab, say
    client.force_login(reviewer)
    response = _decide(client, council, evaluation, action="return", comment="別の画面で書いた指摘。")
    assert response.status_code == 400
    page = response.content.decode()
    assert "差し戻せるのは、提出済のシートだけです。" in page
    assert "別の画面で書いた指摘。" in page
    assert 'value="return"' not in page  # no buttons for a sheet that is no longer submitted
    assert Evaluation.objects.get().status == EvaluationStatus.APPROVED


def test_valid_return_redirects(client, council, subcommittee, chair, reviewer):
    evaluation = _evaluation(subcommittee)
    evaluation_submit(evaluation=evaluation, by=chair)
    client.force_login(reviewer)
    response = _decide(client, council, evaluation, action="return", comment="  具体的に。 ")
    assert response.status_code == 302
    assert evaluation.reviews.order_by("-id").first().comment == "具体的に。"


def test_refused_submit_rerenders_with_reason_and_comment(client, council, subcommittee, chair):
    evaluation = _evaluation(subcommittee)
    evaluation_submit(evaluation=evaluation, by=chair)
    client.force_login(chair)
    response = client.post(
        reverse("evaluation_submit", args=[council.slug, subcommittee.pk, FY]),
        {"comment": "二度目の提出です。"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "提出できるのは、作成中か差戻しのシートだけです。" in page
    assert "二度目の提出です。" in page
    assert evaluation.reviews.count() == 1


def test_too_long_submit_comment_is_kept(client, council, subcommittee, chair):
    evaluation = _evaluation(subcommittee)
    client.force_login(chair)
    typed = "あ" * (REVIEW_COMMENT_MAX + 1)
    response = client.post(
        reverse("evaluation_submit", args=[council.slug, subcommittee.pk, FY]), {"comment": typed}
    )
    assert response.status_code == 400
    assert typed in response.content.decode()
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.DRAFT


def test_save_on_a_submitted_sheet_keeps_what_was_typed(client, council, subcommittee, chair):
    evaluation = _evaluation(subcommittee)
    evaluation_submit(evaluation=evaluation, by=chair)
    client.force_login(chair)
    response = client.post(
        reverse("evaluation_edit", args=[council.slug, subcommittee.pk, FY]),
        {
            "policy": "画面で直した方針",
            "narrative": "画面で直した取り組み",
            "next_year": "",
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-0-text": "画面で書いた感想",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "「提出済」のため変更できません" in page
    for typed in ("画面で直した方針", "画面で直した取り組み", "画面で書いた感想"):
        assert typed in page
    assert Evaluation.objects.get().policy == "方針"
