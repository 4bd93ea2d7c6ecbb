"""The factories of ``tests/factories.py`` that no service test exercises on its own."""

from __future__ import annotations

import pytest

from privacy.selectors import current_pledge
from reports.models import JobStatus
from subcommittees.models import EvaluationStatus
from tests.factories import EvaluationFactory, HandoutFactory, PledgeFactory, ReportJobFactory

pytestmark = pytest.mark.django_db


def test_pledge_versions_count_up_per_council(council, other_council):
    first = PledgeFactory(council=council)
    second = PledgeFactory(council=council, text="改訂した本文。")
    assert (first.version, second.version) == (1, 2)
    assert current_pledge(council) == second and second.text == "改訂した本文。"
    assert PledgeFactory(council=other_council).version == 1


def test_rows_belong_to_the_body_council(subcommittee):
    job = ReportJobFactory(body=subcommittee)
    assert job.council == subcommittee.council and job.status == JobStatus.QUEUED
    assert EvaluationFactory(body=subcommittee).status == EvaluationStatus.DRAFT
    assert HandoutFactory().meeting.body.council.pk
