"""The review of the 振り返り・評価シート: submit → return → resubmit → approve → new version."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reports.models import JobStatus, ReportJob
from subcommittees.models import Evaluation, EvaluationStatus
from subcommittees.services import (
    EvaluationTransitionRefused,
    evaluation_return,
    evaluation_save,
    evaluation_submit,
)

FY = 2020


@pytest.fixture
def evaluation(subcommittee):
    return evaluation_save(
        body=subcommittee, fiscal_year=FY, comments=[], policy="方針", narrative="一年の記録。"
    )


def edit_url(council, body):
    return reverse("evaluation_edit", args=[council.slug, body.pk, FY])


def post(client, name, council, *args, **data):
    return client.post(reverse(name, args=[council.slug, *args]), data)


def test_full_workflow(
    client, council, subcommittee, evaluation, chair, reviewer, django_capture_on_commit_callbacks
):
    client.force_login(chair)
    post(client, "evaluation_submit", council, subcommittee.pk, FY)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED
    # Submitted: the chair's save is refused.
    client.post(edit_url(council, subcommittee), {"policy": "変更"})
    evaluation.refresh_from_db()
    assert evaluation.policy == "方針"

    client.force_login(reviewer)
    listing = client.get(reverse("review_list", args=[council.slug])).content.decode()
    assert reverse("review_detail", args=[council.slug, evaluation.pk]) in listing
    post(client, "review_decide", council, evaluation.pk, action="return", comment="")
    assert Evaluation.objects.get().status == EvaluationStatus.SUBMITTED  # a return needs a comment
    post(client, "review_decide", council, evaluation.pk, action="return", comment="取り組み内容を具体的に。")
    assert Evaluation.objects.get().status == EvaluationStatus.RETURNED

    client.force_login(chair)
    page = client.get(edit_url(council, subcommittee)).content.decode()
    assert "取り組み内容を具体的に。" in page and "福祉課 桜" in page
    post(client, "evaluation_submit", council, subcommittee.pk, FY)

    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "review_decide", council, evaluation.pk, action="approve", comment="")
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.APPROVED
    job = ReportJob.objects.get(kind="evaluation", body=subcommittee)
    assert job.status == JobStatus.DONE and job.file
    reviews = list(evaluation.reviews.order_by("at", "id").values_list("to_status", "by_name"))
    assert reviews == [
        ("submitted", "部会長 一郎"),
        ("returned", "福祉課 桜"),
        ("submitted", "部会長 一郎"),
        ("approved", "福祉課 桜"),
    ]

    # Frozen: the form shows, disabled, and a save changes nothing.
    client.force_login(chair)
    page = client.get(edit_url(council, subcommittee)).content.decode()
    assert "修正版を作る" in page and "disabled" in page and job.file.url in page
    client.post(edit_url(council, subcommittee), {"policy": "変更"})
    assert Evaluation.objects.get().policy == "方針"

    # New version: back to draft, the approved PDF stays downloadable.
    post(client, "evaluation_reopen", council, subcommittee.pk, FY)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.reviews.order_by("-at", "-id").first().comment == "修正のため再作成"
    evaluation_save(body=subcommittee, fiscal_year=FY, comments=[], policy="新しい版の方針")
    page = client.get(edit_url(council, subcommittee)).content.decode()
    assert "承認済みの版" in page and job.file.url in page
    download = client.get(job.file.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_only_the_reviewer_decides(
    client, council, subcommittee, evaluation, chair, secretariat, member, outsider
):
    evaluation_submit(evaluation=evaluation, by=chair)
    for user in (chair, secretariat):
        client.force_login(user)
        assert post(client, "review_decide", council, evaluation.pk, action="approve").status_code == 403
    client.force_login(secretariat)
    assert client.get(reverse("review_list", args=[council.slug])).status_code == 200
    client.force_login(member)
    assert client.get(reverse("review_list", args=[council.slug])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("review_list", args=[council.slug])).status_code == 404
    assert client.get(reverse("review_detail", args=[council.slug, evaluation.pk])).status_code == 404
    assert Evaluation.objects.get().status == EvaluationStatus.SUBMITTED


def test_illegal_transitions_are_refused(subcommittee, evaluation, chair, reviewer):
    with pytest.raises(EvaluationTransitionRefused, match="提出済"):
        evaluation_return(evaluation=evaluation, by=reviewer, comment="早すぎる")
    evaluation_submit(evaluation=evaluation, by=chair)
    with pytest.raises(EvaluationTransitionRefused):
        evaluation_submit(evaluation=evaluation, by=chair)
    assert evaluation.reviews.count() == 1


def test_new_version_waits_for_the_approved_pdf(subcommittee, evaluation, chair, reviewer):
    from subcommittees.services import evaluation_approve, evaluation_reopen

    evaluation_submit(evaluation=evaluation, by=chair)
    evaluation_approve(evaluation=evaluation, by=reviewer)  # on_commit not run: the PDF stays queued
    with pytest.raises(EvaluationTransitionRefused, match="作成中"):
        evaluation_reopen(evaluation=evaluation, by=chair)
    assert Evaluation.objects.get().status == EvaluationStatus.APPROVED


def test_illegal_transition_shows_a_message(client, council, subcommittee, evaluation, chair):
    client.force_login(chair)
    response = post(client, "evaluation_reopen", council, subcommittee.pk, FY)
    page = client.get(response["Location"]).content.decode()
    assert "修正版を作れるのは、承認済のシートだけです。" in page


def test_each_approval_links_its_own_pdf(
    client,
    council,
    subcommittee,
    evaluation,
    chair,
    reviewer,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    from subcommittees.selectors import approved_versions, evaluation_for_page
    from subcommittees.services import evaluation_approve, evaluation_reopen

    jobs = []
    for policy in ("第一版の方針", "第二版の方針"):
        evaluation_save(body=subcommittee, fiscal_year=FY, comments=[], policy=policy)
        evaluation_submit(evaluation=evaluation, by=chair)
        with django_capture_on_commit_callbacks(execute=True):
            review, job = evaluation_approve(evaluation=evaluation, by=reviewer)
        assert review.report_job_id == job.pk
        jobs.append(job)
        # A job for the same body and 年度 made later (someone previewing a draft) must not be
        # mistaken for the approval's PDF.
        evaluation_reopen(evaluation=evaluation, by=chair)
        ReportJob.objects.create(
            council=council, body=subcommittee, kind="evaluation", fiscal_year=FY, status=JobStatus.FAILED
        )
    for job in jobs:
        job.refresh_from_db()
    assert jobs[0].pk != jobs[1].pk and jobs[0].file.name != jobs[1].file.name

    page_evaluation = evaluation_for_page(body=subcommittee, fiscal_year=FY)
    with django_assert_num_queries(0):
        versions = approved_versions(evaluation=page_evaluation)
    assert [v.job.pk for v in versions] == [j.pk for j in jobs]
    assert [v.job.status for v in versions] == [JobStatus.DONE, JobStatus.DONE]

    client.force_login(chair)
    page = client.get(edit_url(council, subcommittee)).content.decode()
    assert jobs[0].file.url in page and jobs[1].file.url in page


def test_migration_links_approvals_made_before_the_link(council, subcommittee, evaluation, chair, reviewer):
    import importlib

    from django.apps import apps

    from subcommittees.services import evaluation_approve

    migration = importlib.import_module("subcommittees.migrations.0002_review_report_job")
    evaluation_submit(evaluation=evaluation, by=chair)
    review, job = evaluation_approve(evaluation=evaluation, by=reviewer)
    review.report_job = None
    review.save(update_fields=["report_job"])
    ReportJob.objects.filter(pk=job.pk).update(created_at=review.at)  # made in the approval's transaction
    migration.link_earlier_approvals(apps, None)
    review.refresh_from_db()
    assert review.report_job_id == job.pk


def test_the_reviewer_finds_the_sheets_from_the_menu(client, council, evaluation, chair, reviewer, member):
    """福祉課 reaches 評価シートの確認 from every page's menu; the list dates are 和暦."""
    evaluation_submit(evaluation=evaluation, by=chair)
    link = f'href="{reverse("review_list", args=[council.slug])}"'
    client.force_login(reviewer)
    home = client.get(reverse("council_home", args=[council.slug])).content.decode()
    assert link in home and "評価シートの確認" in home
    listing = client.get(reverse("review_list", args=[council.slug])).content.decode()
    rows = listing.split("<tbody>")[1].split("</tbody>")[0]
    assert re.search(r"令和\d+年\d+月\d+日 \d\d:\d\d", rows)
    assert not re.search(r"\d{4}/\d{2}/\d{2}", rows)
    client.force_login(member)
    assert link not in client.get(reverse("council_home", args=[council.slug])).content.decode()
