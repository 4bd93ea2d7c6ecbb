"""Reads of the yearly documents' pages: a fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from council.access import council_roles, readable_bodies
from council.models import Body, Council, Person, RoleKind
from council.selectors import body_members
from council.wareki import format_fiscal_year
from reports.models import DocumentKind, ReportJob
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    EvaluationReview,
    EvaluationStatus,
)


def is_reviewer_of(user: AbstractBaseUser | AnonymousUser, council_id: int) -> bool:
    """福祉課 (RoleKind.REVIEWER) of the council: the one who returns or approves evaluations."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(role.kind == RoleKind.REVIEWER for role in council_roles(user, council_id))


def member_people(*, body: Body, fiscal_year: int) -> list[Person]:
    """The people who sat in the body in the 年度 (one query), for the comment's 発言者 choice."""
    people: dict[int, Person] = {}
    for membership in body_members(body=body, fiscal_year=fiscal_year):
        people.setdefault(membership.person_id, membership.person)
    return list(people.values())


def evaluation_for_page(*, body: Body, fiscal_year: int) -> Evaluation | None:
    """The sheet with its comments (and their people) and its review history: three queries."""
    return (
        Evaluation.objects.filter(body=body, fiscal_year=fiscal_year)
        .prefetch_related(
            Prefetch("comments", EvaluationComment.objects.select_related("person").order_by("position", "id")),
            Prefetch("reviews", EvaluationReview.objects.order_by("at", "id")),
        )
        .first()
    )


@dataclass(frozen=True)
class ApprovedVersion:
    review: EvaluationReview
    job: ReportJob | None


def approved_versions(*, evaluation: Evaluation) -> list[ApprovedVersion]:
    """Each approval with the PDF made of it (one query for the jobs; reviews are prefetched).

    ``evaluation_approve`` asks for the PDF in the approval's transaction, so the job of an
    approval is the body's latest evaluation job of that 年度 created no later than the approval.
    """
    approvals = [r for r in evaluation.reviews.all() if r.to_status == EvaluationStatus.APPROVED]
    if not approvals:
        return []
    jobs = list(
        ReportJob.objects.filter(
            body_id=evaluation.body_id, kind=DocumentKind.EVALUATION, fiscal_year=evaluation.fiscal_year
        ).order_by("-created_at", "-id")
    )
    versions = []
    for review in approvals:
        job = next((j for j in jobs if j.created_at <= review.at), None)
        versions.append(ApprovedVersion(review=review, job=job))
    return versions


def reviews_awaiting(*, user: AbstractBaseUser | AnonymousUser, council: Council) -> QuerySet[Evaluation]:
    """Submitted sheets of the bodies the user may read, oldest 年度 first: one query."""
    return (
        Evaluation.objects.filter(
            body__in=readable_bodies(user, council), status=EvaluationStatus.SUBMITTED
        )
        .select_related("body")
        .order_by("fiscal_year", "body__sort_order", "body__pk")
    )


def policy_history_draft(*, body: Body, fiscal_year: int) -> str:
    """A first draft of これまでの経過 for the policy of ``fiscal_year``: two queries.

    The latest earlier policy's 経過 tells the story up to its own 年度; the evaluations' narratives
    of the years since then add one paragraph each (「令和N年度は、…」).
    """
    earlier = (
        ActivityPolicy.objects.filter(body=body, fiscal_year__lt=fiscal_year)
        .exclude(history="")
        .order_by("-fiscal_year")
        .first()
    )
    since = earlier.fiscal_year if earlier else 0
    paragraphs = [earlier.history.strip()] if earlier else []
    evaluations = Evaluation.objects.filter(
        body=body, fiscal_year__gte=since, fiscal_year__lt=fiscal_year
    ).exclude(narrative="").order_by("fiscal_year")
    for evaluation in evaluations:
        paragraphs.append(f"{format_fiscal_year(evaluation.fiscal_year)}は、{evaluation.narrative.strip()}")
    return "\n\n".join(paragraphs)
