"""Context builders read a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.models import Theme
from issues.services import action_plan_save
from reports.rendering import build_context
from tests.factories import BodyFactory, RegionalIssueFactory
from tests.reports.conftest import FY, add_meetings, add_members

pytestmark = pytest.mark.django_db


def add_plans(body, n: int) -> None:
    """Issues held by the body in the 年度, each with a three-row アクションプラン and two themes."""
    themes = list(Theme.objects.order_by("sort_order")[:2])
    for i in range(n):
        issue = RegionalIssueFactory(body=body, at=dt.datetime(FY, 6, 1, 10, tzinfo=dt.UTC))
        issue.themes.set(themes)
        rows = [{"problem": f"課題{i}-{r}", "towards": "事業所", "action": "部会が調べる"} for r in range(3)]
        action_plan_save(issue=issue, target_state=f"目指す姿{i}", rows=rows)


def count(kind, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        build_context(kind, fiscal_year=FY, **kwargs)
    return len(queries)


def test_body_documents_constant(council, subcommittee, year_data):
    # With action plans the four queries of the アクションプラン part are made (without any, one).
    add_plans(subcommittee, 1)
    small = {
        k: count(k, council=council, body=subcommittee) for k in ("progress-report", "evaluation", "policy")
    }
    add_meetings(subcommittee, n=20)
    add_members(subcommittee, council)
    add_plans(subcommittee, 5)
    big = {
        k: count(k, council=council, body=subcommittee) for k in ("progress-report", "evaluation", "policy")
    }
    # 10 as before, + the issues with their plans, their moves, rows and themes, + the council words
    assert small == big == dict.fromkeys(small, 15)  # + the steering body and plenary, for the words


def test_council_documents_constant(council, plenary, steering, subcommittee, year_data):
    add_plans(subcommittee, 1)
    small = {k: count(k, council=council) for k in ("schedule", "summary", "book")}
    for i in range(5):
        body = BodyFactory(council=council, parent=steering, name=f"追加部会{i}")
        add_meetings(body, n=4)
        add_members(body, council)
        add_plans(body, 2)
    big = {k: count(k, council=council) for k in ("schedule", "summary", "book")}
    assert small == big
    assert big == {"schedule": 4, "summary": 10, "book": 18}
