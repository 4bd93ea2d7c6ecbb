"""SQL queries of an import: how they grow with the number of rows (counted, never timed).

Meetings are read once and written in bulk, so their count does not grow per row at all. The
other resources still save row by row through the services (they are small files: a council
has tens of organizations and members, not thousands); for them the growth per row is pinned
exactly, so that a new query per row shows up here as a reviewed change.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting, MeetingItem
from meetings.resources import MeetingResource
from spreadsheets.tables import run_import
from tests.imports.conftest import csv_bytes


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def _meetings(n: int, *, start: dt.date = dt.date(2023, 4, 3), place: str = "市役所") -> bytes:
    lines = ["会議体,年度,開催日,開始時刻,終了時刻,開催形式,会場,状態,参加機関数,参加人数,取組・検討内容"]
    for i in range(n):
        body = "相談支援部会" if i % 2 else "全体会"
        day = start + dt.timedelta(days=i)
        lines.append(
            f'{body},,{day:%Y/%m/%d},14:00,16:00,対面,{place},開催済,{i % 9},{i % 30},"・検討A\n・検討B"'
        )
    return csv_bytes("\n".join(lines) + "\n", "cp932")


def _count(council, resource: str, data: bytes, *, dry_run: bool, user=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = run_import(
            resource_name=resource, council=council, data=data, filename="x.csv", dry_run=dry_run, user=user
        )
    assert not report.errors, report.errors
    return len(queries)


@pytest.mark.parametrize("dry_run", [True, False])
def test_meeting_import_queries_do_not_grow_per_row(council, bodies, dry_run):
    small = _count(council, "meetings", _meetings(15), dry_run=dry_run)
    Meeting.objects.all().delete()
    large = _count(council, "meetings", _meetings(30), dry_run=dry_run)
    assert large == small
    # Bodies, meetings, their bullets (+ the lock on the bodies and the two bulk inserts of a real
    # import); the rest are the savepoints import-export opens once per import.
    assert small <= (15 if dry_run else 16), small
    assert Meeting.objects.count() == (0 if dry_run else 30)
    if not dry_run:
        assert MeetingItem.objects.count() == 60
        assert sorted(Meeting.objects.filter(body=bodies[1]).values_list("sequence", flat=True)) == list(
            range(1, 16)
        )


def test_meeting_reimport_with_changes_does_not_grow_per_row(council, bodies):
    run_import(resource_name="meetings", council=council, data=_meetings(30), dry_run=False)
    unchanged = _count(council, "meetings", _meetings(30), dry_run=False)
    changed = _count(council, "meetings", _meetings(30, place="市民会館"), dry_run=False)
    # + the bulk update of the 30 changed meetings (one UPDATE per batch of 1,000)
    assert unchanged <= 14 and changed == unchanged + 1, (unchanged, changed)
    assert set(Meeting.objects.values_list("place", flat=True)) == {"市民会館"}
    assert MeetingItem.objects.count() == 60  # bullets untouched: they did not change


def test_meeting_numbers_continue_after_stored_ones(council, bodies):
    run_import(resource_name="meetings", council=council, data=_meetings(4), dry_run=False)
    later = _meetings(4, start=dt.date(2023, 6, 1))
    report = run_import(resource_name="meetings", council=council, data=later, dry_run=False)
    assert [row.summary for row in report.rows] == [
        "全体会 第3回",
        "相談支援部会 第3回",
        "全体会 第4回",
        "相談支援部会 第4回",
    ]


def test_checked_constraints_are_the_models():
    # MeetingResource checks Meeting's constraints in memory: a new constraint must be added there.
    assert {c.name for c in Meeting._meta.constraints} == set(MeetingResource.CHECKED_CONSTRAINTS)


def test_constraints_checked_in_memory_say_what_the_model_says(council, bodies):
    text = "会議体,開催日,年度,開始時刻,終了時刻,状態\n全体会,,令和5年度,,,開催済\n全体会,2023/5/1,,16:00,14:00,予定\n"
    report = run_import(
        resource_name="meetings", council=council, data=csv_bytes(text, "utf-8"), dry_run=True
    )
    assert report.errors == [
        "2行目: 開催済の会議には開催日を入力してください。",
        "3行目: 終了時刻は開始時刻より後にしてください。",
    ]


def _organizations(n: int) -> bytes:
    return csv_bytes("機関名,種別\n" + "".join(f"機関{i},相談支援事業所\n" for i in range(n)), "utf-8")


def _members(n: int) -> bytes:
    rows = "".join(f"相談支援部会,委員{i},いいん,,委員,,令和5年4月1日,\n" for i in range(n))
    return csv_bytes("会議体,氏名,ふりがな,所属機関,役割,事務局,任期開始,任期終了\n" + rows, "utf-8")


def _issues(n: int) -> bytes:
    rows = "".join(f"課題{i},背景,相談支援部会,提起,令和5年6月1日\n" for i in range(n))
    return csv_bytes("地域課題,課題が生じる背景,検討している会議体,状態,提起日\n" + rows, "utf-8")


@pytest.mark.parametrize(
    ("resource", "make", "per_row"),
    [
        # import-export's savepoint per row (2); full_clean's council and unique-name checks; INSERT.
        ("organizations", _organizations, 5),
        # savepoint (2); the new person through person_save (its savepoint, 2): council check,
        # INSERT; membership_add (atomic, as every
        # service: its savepoint, 2): body and person checks, the check constraint in its own
        # savepoint (3), INSERT.
        ("members", _members, 14),
        # savepoint (2); issue_raise: its savepoint (2), council, council and body checks, two check
        # constraints with their savepoints (6), INSERT, themes, the first move's INSERT.
        ("issues", _issues, 15),
    ],
)
def test_other_imports_grow_only_by_the_services_writes(
    council, bodies, secretariat, resource, make, per_row
):
    # The lookups (bodies, organizations, people, stored records) are read once per file; what is
    # left per new row is the service's validated save. These files are small (a council has tens
    # of organizations, members and issues, not thousands of meetings).
    small = _count(council, resource, make(5), dry_run=True)
    large = _count(council, resource, make(10), dry_run=True)
    assert large - small == 5 * per_row, (small, large)
    # Re-importing unchanged rows reads once and writes nothing: only import-export's savepoint
    # (SAVEPOINT + RELEASE) per row is left.
    run_import(resource_name=resource, council=council, data=make(10), dry_run=False, user=secretariat)
    unchanged_small = _count(council, resource, make(5), dry_run=True)
    assert _count(council, resource, make(10), dry_run=True) - unchanged_small == 5 * 2
