"""Context builders read a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.rendering import build_context
from tests.factories import BodyFactory
from tests.reports.conftest import FY, add_meetings, add_members

pytestmark = pytest.mark.django_db


def count(kind, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        build_context(kind, fiscal_year=FY, **kwargs)
    return len(queries)


def test_body_documents_constant(council, subcommittee, year_data):
    small = {
        k: count(k, council=council, body=subcommittee) for k in ("progress-report", "evaluation", "policy")
    }
    add_meetings(subcommittee, n=20)
    add_members(subcommittee, council)
    big = {
        k: count(k, council=council, body=subcommittee) for k in ("progress-report", "evaluation", "policy")
    }
    assert small == big == dict.fromkeys(small, 10)


def test_council_documents_constant(council, plenary, steering, subcommittee, year_data):
    small = {k: count(k, council=council) for k in ("schedule", "summary", "book")}
    for i in range(5):
        body = BodyFactory(council=council, parent=steering, name=f"追加部会{i}")
        add_meetings(body, n=4)
        add_members(body, council)
    big = {k: count(k, council=council) for k in ("schedule", "summary", "book")}
    assert small == big
    assert big == {"schedule": 4, "summary": 10, "book": 14}
