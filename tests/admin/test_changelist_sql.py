"""The admin change lists of many rows: counts by subquery, relation filters from their own table.

A council with ten years of meetings made ``Count(..., distinct=True)`` group the whole change list
by every selected column, and the body filter run a DISTINCT over every meeting to list its bodies.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.access import for_admin
from council.models import Body
from issues.models import RegionalIssue
from meetings.models import Meeting

pytestmark = pytest.mark.demo


def _changelist(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    ("path", "table", "counted"),
    [
        ("/admin/meetings/meeting/", "meetings_meeting", "meetings_meetingitem"),
        ("/admin/issues/regionalissue/", "issues_regionalissue", "issues_issuemove"),
    ],
)
def test_counts_are_subqueries_and_filters_skip_the_big_table(secretariat_client, path, table, counted):
    _, sql = _changelist(secretariat_client, path)
    listing = [s for s in sql if f'FROM "{table}"' in s and counted in s]
    assert listing, "the change list query counts the related rows"
    for statement in listing:
        assert f'GROUP BY "{table}"."id"' not in statement
        assert "GROUP BY U0." in statement  # the correlated count
    # No DISTINCT of related keys over the change list's table to find a relation filter's choices
    # (the 年度 filter's DISTINCT of years stays: it needs the rows).
    related_keys = re.compile(rf'SELECT DISTINCT "\w+"\."\w*id"( AS "\w+")? FROM "{table}"')
    assert not [s for s in sql if related_keys.search(s)]


def test_body_filter_lists_the_bodies_of_the_users_councils(secretariat_client, demo_secretariat):
    response, _ = _changelist(secretariat_client, "/admin/meetings/meeting/")
    body_filter = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", "") == "body"
    )
    listed = {pk for pk, _ in body_filter.lookup_choices}
    expected = set(for_admin(Body.objects.all(), demo_secretariat).values_list("pk", flat=True))
    assert listed == expected
    assert not Body.objects.exclude(pk__in=expected).filter(pk__in=listed).exists()
    assert Body.objects.exclude(pk__in=expected).exists(), "other councils' bodies exist and are not listed"


def test_counts_are_right(secretariat_client, demo):
    meetings, _ = _changelist(secretariat_client, "/admin/meetings/meeting/?all=")
    shown = {m.pk: m._items for m in meetings.context["cl"].result_list}
    assert shown
    for meeting in Meeting.objects.filter(pk__in=shown):
        assert shown[meeting.pk] == meeting.items.count()
    assert any(shown.values()) and not all(shown.values()), "meetings with and without items"

    issues, _ = _changelist(secretariat_client, "/admin/issues/regionalissue/")
    moves = {i.pk: i._moves for i in issues.context["cl"].result_list}
    assert moves
    for issue in RegionalIssue.objects.filter(pk__in=moves):
        assert moves[issue.pk] == issue.moves.count()
    assert any(moves.values())


def test_no_group_by_on_the_change_list_table_anywhere(secretariat_client):
    _, sql = _changelist(secretariat_client, "/admin/meetings/meeting/")
    assert not [s for s in sql if re.search(r'GROUP BY "meetings_meeting"\."id"', s)]
