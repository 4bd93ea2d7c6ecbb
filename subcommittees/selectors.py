"""Reads of the yearly documents' pages: a fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from council.access import readable_bodies
from council.models import Body, Council, Person
from council.selectors import body_members
from reports.models import ReportJob
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    EvaluationReview,
    EvaluationStatus,
    ProgressReport,
)

if TYPE_CHECKING:
    from council.access import AnyUser


def member_people(*, body: Body, fiscal_year: int) -> list[Person]:
    """The people who sat in the body in the 年度 (one query), for the comment's 発言者 choice."""
    people: dict[int, Person] = {}
    for membership in body_members(body=body, fiscal_year=fiscal_year):
        people.setdefault(membership.person_id, membership.person)
    return list(people.values())


def evaluation_for_page(*, body: Body, fiscal_year: int) -> Evaluation | None:
    """The sheet with its comments (and their people) and its review history: three queries.

    Each review comes with its approval's PDF job (``report_job``), so ``approved_versions`` reads
    nothing more.
    """
    return (
        Evaluation.objects.filter(body=body, fiscal_year=fiscal_year)
        .prefetch_related(
            Prefetch(
                "comments", EvaluationComment.objects.select_related("person").order_by("position", "id")
            ),
            Prefetch("reviews", reviews_with_jobs()),
        )
        .first()
    )


def reviews_with_jobs() -> QuerySet[EvaluationReview]:
    """Review steps in order, each with the PDF its approval made (for ``Prefetch("reviews", ...)``)."""
    return EvaluationReview.objects.select_related("report_job").order_by("at", "id")


@dataclass(frozen=True)
class ApprovedVersion:
    review: EvaluationReview
    job: ReportJob | None


def approved_versions(*, evaluation: Evaluation) -> list[ApprovedVersion]:
    """Each approval with the PDF made of it, oldest first.

    The link is exact: ``evaluation_approve`` stores the job on the approval's review row. Reads
    ``evaluation.reviews.all()``; prefetch it with ``reviews_with_jobs()`` to make this query-free.
    """
    return [
        ApprovedVersion(review=review, job=review.report_job)
        for review in evaluation.reviews.all()
        if review.to_status == EvaluationStatus.APPROVED
    ]


def reviews_awaiting(*, user: AnyUser, council: Council) -> QuerySet[Evaluation]:
    """Submitted sheets of the bodies the user may read, oldest 年度 first: one query."""
    return (
        Evaluation.objects.filter(body__in=readable_bodies(user, council), status=EvaluationStatus.SUBMITTED)
        .select_related("body")
        .order_by("fiscal_year", "body__sort_order", "body__pk")
    )


def policy_of_year(*, body: Body, fiscal_year: int) -> str:
    """The policy the body set for the 年度: its 活動方針, else its report's 取組方針 (two queries at most)."""
    policy = (
        ActivityPolicy.objects.filter(body=body, fiscal_year=fiscal_year)
        .values_list("policy", flat=True)
        .first()
    )
    if policy and policy.strip():
        return policy
    report = (
        ProgressReport.objects.filter(body=body, fiscal_year=fiscal_year)
        .values_list("policy", flat=True)
        .first()
    )
    return report or ""
