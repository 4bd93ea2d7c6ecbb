"""Writes of the yearly documents: saving the three documents, and the review of the evaluation.

Every save is keyword-only, atomic and validated (``full_clean``). Saves refuse to write over a
change made after the user opened the form (``loaded_version``), like the meeting pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch
from django.utils import timezone

from council.concurrency import check_unchanged
from council.display import person_name
from council.models import Body, Person
from reports.models import DocumentKind, JobStatus, ReportJob
from reports.services import report_request
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    EvaluationReview,
    EvaluationStatus,
    NextYearDecision,
    ProgressReport,
)
from subcommittees.selectors import approved_versions, reviews_with_jobs

PROGRESS_REPORT_FIELDS = frozenset({"policy", "actions", "direction", "notes_for_steering"})
POLICY_FIELDS = frozenset({"history", "policy", "activities"})
EVALUATION_FIELDS = frozenset(
    {
        "written_on",
        "policy",
        "narrative",
        "function_information",
        "function_coordination",
        "function_development",
        "function_education",
        "function_advocacy",
        "function_evaluation",
        "next_year",
        "next_policy",
        "next_activities",
        "handover",
        "end_reason",
    }
)
EDITABLE_STATUSES = (EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)
REOPEN_COMMENT = "修正のため再作成"


class EvaluationTransitionRefused(ValueError):
    """A review step that the evaluation's state does not allow; the message is for users."""


@dataclass(frozen=True)
class CommentInput:
    """One member's comment as typed: who said it (may be unknown) and what."""

    person: Person | None
    text: str


def display_name(user: User) -> str:
    """「姓 名」, the Japanese order; the login name when the account has no name."""
    return person_name(user)


def _locked(
    model: type[ProgressReport | ActivityPolicy | Evaluation],
    *,
    body: Body,
    fiscal_year: int,
    loaded_version: str | None,
):
    """The document row, locked, or a new unsaved one; refuses a save on top of a newer change."""
    row = model.objects.select_for_update().filter(body=body, fiscal_year=fiscal_year).first()
    if row is not None:  # a first save creates the row, whatever the form says
        check_unchanged(stored=row.updated_at, loaded=loaded_version, what=str(model._meta.verbose_name))
    return row or model(body=body, fiscal_year=fiscal_year)


def _assign(row: Model, fields: dict, allowed: frozenset[str], service: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{service} cannot set {sorted(unknown)}")
    for name, value in fields.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def progress_report_save(
    *, body: Body, fiscal_year: int, loaded_version: str | None = None, **fields
) -> ProgressReport:
    """Create or change the narrative parts of a body's 検討状況報告書."""
    report = _locked(ProgressReport, body=body, fiscal_year=fiscal_year, loaded_version=loaded_version)
    _assign(report, fields, PROGRESS_REPORT_FIELDS, "progress_report_save")
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def activity_policy_save(
    *, body: Body, fiscal_year: int, loaded_version: str | None = None, **fields
) -> ActivityPolicy:
    """Create or change the 活動方針 of ``fiscal_year`` (the policy's own 年度)."""
    policy = _locked(ActivityPolicy, body=body, fiscal_year=fiscal_year, loaded_version=loaded_version)
    _assign(policy, fields, POLICY_FIELDS, "activity_policy_save")
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def evaluation_save(
    *,
    body: Body,
    fiscal_year: int,
    comments: Sequence[CommentInput],
    loaded_version: str | None = None,
    **fields,
) -> Evaluation:
    """Create or change a 振り返り・評価シート and replace its members' comments.

    Only a draft or a returned sheet may change: a submitted one waits for the reviewer, an
    approved one is frozen until a new version is started (``evaluation_reopen``). A sheet that
    says 継続する fills next year's policy where it is still empty.
    """
    evaluation = _locked(Evaluation, body=body, fiscal_year=fiscal_year, loaded_version=loaded_version)
    if evaluation.status not in EDITABLE_STATUSES:
        raise ValidationError(
            f"この振り返り・評価シートは「{evaluation.get_status_display()}」のため変更できません。"
        )
    _assign(evaluation, fields, EVALUATION_FIELDS, "evaluation_save")
    if evaluation.next_year != NextYearDecision.END:
        evaluation.end_reason = evaluation.end_reason.strip()
    evaluation.full_clean()
    evaluation.save()
    evaluation.comments.all().delete()
    rows = []
    for position, comment in enumerate(c for c in comments if c.text.strip()):
        if comment.person is not None and comment.person.council_id != body.council_id:
            raise ValidationError("発言者はこの協議会の方から選んでください。")
        row = EvaluationComment(
            evaluation=evaluation, person=comment.person, position=position, text=comment.text.strip()
        )
        row.full_clean()
        rows.append(row)
    EvaluationComment.objects.bulk_create(rows)
    policy_prefill_from_evaluation(evaluation=evaluation)
    return evaluation


@transaction.atomic
def yearly_document_delete(*, document: ActivityPolicy | ProgressReport | Evaluation) -> None:
    """Remove one of a body's yearly documents (the admin's 削除).

    A 振り返り・評価シート goes only while it is a draft nobody has reviewed yet: a submitted or
    approved sheet, and a sheet with review history (its approved PDFs hang on it), stay.
    """
    if isinstance(document, Evaluation):
        locked = Evaluation.objects.select_for_update().get(pk=document.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationError(
                f"この振り返り・評価シートは「{locked.get_status_display()}」のため削除できません。"
            )
        if locked.reviews.exists():
            raise ValidationError(
                "この振り返り・評価シートには福祉課の確認の記録があるため、削除できません。"
            )
    document.delete()


def _refuse_unless_editable(evaluation: Evaluation) -> None:
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            f"この振り返り・評価シートは「{locked.get_status_display()}」のため変更できません。"
        )


@transaction.atomic
def evaluation_comment_save(
    *,
    evaluation: Evaluation,
    text: str,
    person: Person | None = None,
    position: int = 0,
    comment: EvaluationComment | None = None,
) -> EvaluationComment:
    """Add or change one member's comment; only on a sheet that may still change."""
    _refuse_unless_editable(evaluation)
    if person is not None and person.council_id != evaluation.body.council_id:
        raise ValidationError("発言者はこの協議会の方から選んでください。")
    comment = comment or EvaluationComment(evaluation=evaluation)
    comment.evaluation, comment.person, comment.position, comment.text = (
        evaluation,
        person,
        position,
        text.strip(),
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def evaluation_comment_delete(*, comment: EvaluationComment) -> None:
    _refuse_unless_editable(comment.evaluation)
    comment.delete()


@transaction.atomic
def policy_prefill_from_evaluation(*, evaluation: Evaluation) -> ActivityPolicy | None:
    """継続する: copy 活動方針（案） and 取り組み内容 into next year's policy where it is still empty.

    What the body already wrote in next year's policy is never overwritten.
    """
    if evaluation.next_year != NextYearDecision.CONTINUE:
        return None
    policy = (
        ActivityPolicy.objects.select_for_update()
        .filter(body_id=evaluation.body_id, fiscal_year=evaluation.fiscal_year + 1)
        .first()
    ) or ActivityPolicy(body_id=evaluation.body_id, fiscal_year=evaluation.fiscal_year + 1)
    changed = []
    if not policy.policy.strip() and evaluation.next_policy.strip():
        policy.policy = evaluation.next_policy
        changed.append("policy")
    if not policy.activities.strip() and evaluation.next_activities.strip():
        policy.activities = evaluation.next_activities
        changed.append("activities")
    if not changed:
        return None
    policy.full_clean()
    if policy.pk is None:
        policy.save()
    else:
        policy.save(update_fields=[*changed, "updated_at"])
    return policy


# --- the review (福祉課の確認) ------------------------------------------------------------------


def _transition(
    evaluation: Evaluation,
    *,
    by: User,
    allowed_from: tuple[str, ...],
    to: str,
    comment: str,
    refused: str,
) -> tuple[Evaluation, EvaluationReview]:
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status not in allowed_from:
        raise EvaluationTransitionRefused(f"{refused}（現在の状態: {locked.get_status_display()}）")
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    review = EvaluationReview(
        evaluation=locked,
        to_status=to,
        by=by,
        by_name=display_name(by),
        at=timezone.now(),
        comment=comment.strip(),
    )
    review.full_clean()
    review.save()
    evaluation.status, evaluation.updated_at = locked.status, locked.updated_at
    return locked, review


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, by: User, comment: str = "") -> EvaluationReview:
    """The body sends its sheet to the reviewer (作成中・差戻し → 提出済)."""
    _locked_eval, review = _transition(
        evaluation,
        by=by,
        allowed_from=EDITABLE_STATUSES,
        to=EvaluationStatus.SUBMITTED,
        comment=comment,
        refused="提出できるのは、作成中か差戻しのシートだけです。",
    )
    return review


@transaction.atomic
def evaluation_return(*, evaluation: Evaluation, by: User, comment: str) -> EvaluationReview:
    """The reviewer sends the sheet back with what to change (提出済 → 差戻し)."""
    if not comment.strip():
        raise EvaluationTransitionRefused("差し戻すときは、直してほしい点をコメントに書いてください。")
    _locked_eval, review = _transition(
        evaluation,
        by=by,
        allowed_from=(EvaluationStatus.SUBMITTED,),
        to=EvaluationStatus.RETURNED,
        comment=comment,
        refused="差し戻せるのは、提出済のシートだけです。",
    )
    return review


@transaction.atomic
def evaluation_approve(
    *, evaluation: Evaluation, by: User, comment: str = ""
) -> tuple[EvaluationReview, ReportJob]:
    """The reviewer approves (提出済 → 承認済); the approved sheet is rendered as a PDF once.

    The PDF is the frozen record of what was approved: a later new version (``evaluation_reopen``)
    changes the sheet, never that file.
    """
    locked, review = _transition(
        evaluation,
        by=by,
        allowed_from=(EvaluationStatus.SUBMITTED,),
        to=EvaluationStatus.APPROVED,
        comment=comment,
        refused="承認できるのは、提出済のシートだけです。",
    )
    body = Body.objects.select_related("council").get(pk=locked.body_id)
    job = report_request(
        user=by, council=body.council, kind=DocumentKind.EVALUATION, fiscal_year=locked.fiscal_year, body=body
    )
    review.report_job = job
    review.save(update_fields=["report_job"])
    return review, job


@transaction.atomic
def evaluation_reopen(*, evaluation: Evaluation, by: User) -> EvaluationReview:
    """Start a new version of an approved sheet (承認済 → 作成中); the approved PDF stays as it is.

    Refused while the approved PDF is still being made: the worker renders the sheet as it is
    when it runs, so editing before then would put the new version into the approved file.
    """
    fresh = Evaluation.objects.prefetch_related(Prefetch("reviews", reviews_with_jobs())).get(
        pk=evaluation.pk
    )
    versions = approved_versions(evaluation=fresh)
    if (
        versions
        and versions[-1].job is not None
        and versions[-1].job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    ):
        raise EvaluationTransitionRefused(
            "承認済みの版のPDFを作成中です。作成が終わってから、もう一度お試しください。"
        )
    _locked_eval, review = _transition(
        evaluation,
        by=by,
        allowed_from=(EvaluationStatus.APPROVED,),
        to=EvaluationStatus.DRAFT,
        comment=REOPEN_COMMENT,
        refused="修正版を作れるのは、承認済のシートだけです。",
    )
    return review
