"""Importing the secretariat's spreadsheets through spreadsheets.tables.run_import."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from council.models import Membership, Organization, Person
from issues.models import IssueStatus, RegionalIssue
from meetings.models import Meeting, MeetingFormat, MeetingStatus
from spreadsheets.tables import export_bytes, read_table, run_import, template_bytes
from tests.factories import MeetingFactory
from tests.imports.conftest import MEETINGS_CSV, MEMBERS_CSV, csv_bytes


def _import(council, resource, data, *, dry_run=False, user=None):
    return run_import(
        resource_name=resource, council=council, data=data, filename="x.csv", dry_run=dry_run, user=user
    )


def _snapshot():
    return (
        Person.objects.count(),
        Membership.objects.count(),
        Meeting.objects.count(),
        list(Meeting.objects.order_by("id").values_list("place", "people_count", "status")),
    )


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def test_cp932_members_and_meetings_import(council, bodies, organizations, secretariat):
    report = _import(council, "members", csv_bytes(MEMBERS_CSV, "cp932"), user=secretariat)
    assert report.encoding == "cp932"
    assert not report.errors, report.errors
    assert report.totals == {"new": 3, "update": 0, "skip": 0}
    yamada = Person.objects.get(council=council, name="山田 太郎")
    assert yamada.organization.name == "みどり相談支援センター"
    assert Membership.objects.filter(person=yamada).count() == 2
    sato = Membership.objects.get(person__name="佐藤 花子")
    assert sato.is_secretariat and sato.term_start == dt.date(2024, 4, 1) and sato.term_end is None

    report = _import(council, "meetings", csv_bytes(MEETINGS_CSV, "cp932"))
    assert not report.errors, report.errors
    assert report.totals["new"] == 5
    _, sub = bodies
    meetings = list(Meeting.objects.filter(body=sub).order_by("sequence"))
    assert [m.sequence for m in meetings] == [1, 2, 3, 4]
    first, second, third, written = meetings
    assert first.date == dt.date(2024, 5, 20) and first.fiscal_year == 2024
    assert first.start_time == dt.time(14, 0) and first.agencies_count == 12 and first.people_count == 18
    assert list(first.items.values_list("text", flat=True)) == ["事例検討（地域移行）", "年間計画"]
    assert second.start_time == dt.time(14, 0) and second.format == MeetingFormat.ONLINE
    assert second.agencies_count is None  # blank stays unknown, never 0
    assert list(second.items.values_list("text", flat=True)) == ["研修の企画・ケア会議の振り返り"]
    assert third.fiscal_year == 2024 and third.people_count is None
    assert written.format == MeetingFormat.WRITTEN and written.status == MeetingStatus.HELD


def test_errors_reported_by_row_and_column_and_nothing_written(council, bodies, organizations):
    broken = MEETINGS_CSV.replace("R6.7.15", "令和6年13月1日").replace("市民会館,予定", "市民会館,延期")
    before = _snapshot()
    report = _import(council, "meetings", csv_bytes(broken, "cp932"))
    assert report.has_errors
    # Rows as Excel shows them: a multi-line cell is still one row, so R6.7.15 is row 3.
    assert any(
        e.startswith("3行目「開催日」: 「令和6年13月1日」を日付として読めません") for e in report.errors
    ), report.errors
    assert any(e.startswith("6行目「状態」: 「延期」は選べません") for e in report.errors), report.errors
    assert len(report.errors) == 2
    assert _snapshot() == before  # all or nothing

    fixed = _import(council, "meetings", csv_bytes(MEETINGS_CSV, "cp932"))
    assert not fixed.errors and fixed.totals["new"] == 5
    again = _import(council, "meetings", csv_bytes(MEETINGS_CSV, "cp932"))
    assert again.totals == {"new": 0, "update": 0, "skip": 5}, again.lines()
    members = _import(council, "members", csv_bytes(MEMBERS_CSV, "cp932"))
    members_again = _import(council, "members", csv_bytes(MEMBERS_CSV, "cp932"))
    assert members.totals["new"] == 3 and members_again.totals == {"new": 0, "update": 0, "skip": 3}


def test_dry_run_writes_nothing(council, bodies, organizations):
    report = _import(council, "meetings", csv_bytes(MEETINGS_CSV, "utf-8"), dry_run=True)
    assert report.totals["new"] == 5 and not report.errors
    assert Meeting.objects.count() == 0


def test_utf8_bom_and_xlsx(council, bodies, organizations):
    report = _import(council, "members", csv_bytes(MEMBERS_CSV, "utf-8-sig"))
    assert report.encoding == "utf-8-sig" and report.totals["new"] == 3

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["機関名", "種別"])
    sheet.append(["  あおぞら就労センター　", "雇用・就労支援機関"])
    sheet.append([None, None])
    sheet.append(["みどり病院", "医療機関"])
    out = io.BytesIO()
    book.save(out)
    report = run_import(
        resource_name="organizations", council=council, data=out.getvalue(), filename="o.xlsx", dry_run=False
    )
    assert report.encoding == "xlsx" and report.totals["new"] == 2, report.lines()
    assert Organization.objects.filter(council=council, name="あおぞら就労センター").exists()
    assert [r.line for r in report.rows] == [2, 4]  # the blank row 3 keeps Excel's numbering


def test_export_edit_one_cell_reimport_shows_one_change(council, bodies, organizations):
    _import(council, "meetings", csv_bytes(MEETINGS_CSV, "cp932"))
    data = export_bytes("meetings", council=council, user=None, fmt="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["会議体", "年度", "回次", "開催日"]
    assert not sheet.merged_cells.ranges
    people, agencies = headers.index("参加人数") + 1, headers.index("参加機関数") + 1
    # Rows: 全体会 (row 2), then 相談支援部会 第1回…第4回 (rows 3-6).
    assert sheet.cell(row=4, column=people).value == 15
    assert sheet.cell(row=4, column=agencies).value is None  # unknown stays blank, never 0
    sheet.cell(row=4, column=people).value = 16
    out = io.BytesIO()
    book.save(out)

    report = run_import(
        resource_name="meetings", council=council, data=out.getvalue(), filename="m.xlsx", dry_run=True
    )
    assert not report.errors, report.errors
    assert report.totals == {"new": 0, "update": 1, "skip": 4}
    [changed] = [r for r in report.rows if r.kind == "update"]
    assert changed.line == 4 and changed.changed == ["参加人数"]


@pytest.mark.parametrize("resource", ["organizations", "members", "meetings", "issues"])
def test_export_round_trip_changes_nothing(council, bodies, organizations, resource, secretariat, issue):
    _import(council, "members", csv_bytes(MEMBERS_CSV, "cp932"))
    _import(council, "meetings", csv_bytes(MEETINGS_CSV, "cp932"))
    MeetingFactory(body=bodies[0], fiscal_year=2025)  # an undated plan: matched by 年度 + 回次
    for fmt in ("xlsx", "csv"):
        data = export_bytes(resource, council=council, user=None, fmt=fmt)
        report = run_import(
            resource_name=resource, council=council, data=data, filename=f"x.{fmt}", dry_run=True
        )
        assert not report.errors, report.errors
        assert report.totals["new"] == report.totals["update"] == 0, report.lines()
        assert report.totals["skip"] > 0


def test_csv_export_has_bom_and_blank_counts(council, bodies, organizations):
    _import(council, "meetings", csv_bytes(MEETINGS_CSV, "cp932"))
    data = export_bytes("meetings", council=council, user=None, fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    table = read_table(data, "m.csv")
    row = table.rows[2]  # 相談支援部会 第2回: 参加機関数 unknown
    assert row[table.headers.index("参加機関数")] == ""
    assert row[table.headers.index("参加人数")] == "15"


def test_other_councils_body_names_never_match(council, other_council, other_council_plenary, bodies):
    text = "会議体,開催日,状態\n地域移行部会,2024/6/1,開催済\n"
    report = _import(council, "meetings", csv_bytes(text, "utf-8"))
    assert report.errors == [
        "2行目「会議体」: 会議体「地域移行部会」はこの協議会に登録されていません。名前を確認してください。"
    ]
    assert Meeting.objects.count() == 0


def test_missing_column_and_duplicate_rows(council, bodies):
    report = _import(council, "members", csv_bytes("氏名\n山田\n", "utf-8"))
    assert report.errors and report.errors[0].startswith("1行目: 列「会議体」「任期開始」がありません")
    text = "会議体,開催日\n全体会,2024/6/1\n全体会,令和6年6月1日\n"
    report = _import(council, "meetings", csv_bytes(text, "utf-8"))
    assert report.errors == ["3行目: 同じ会議体・開催日の行がファイル内にあります（2行目と重複）。"]


def test_issues_import_raise_and_refuse_moves(council, bodies, secretariat):
    text = "地域課題,課題が生じる背景,検討している会議体,状態,提起日\n移動支援が足りない,夜間の移動手段がない,相談支援部会,提起,令和6年6月1日\n"
    report = _import(council, "issues", csv_bytes(text, "cp932"), user=secretariat)
    assert report.totals["new"] == 1, report.lines()
    issue = RegionalIssue.objects.get(title="移動支援が足りない")
    assert issue.moves.count() == 1 and issue.raised_on == dt.date(2024, 6, 1)
    moved = text.replace(",提起,", ",検討中,")
    report = _import(council, "issues", csv_bytes(moved, "cp932"))
    assert report.errors[0].startswith("2行目「状態」: 登録済みの課題の状態は")
    assert RegionalIssue.objects.get(pk=issue.pk).status == IssueStatus.RAISED


@pytest.mark.parametrize("resource", ["organizations", "members", "meetings", "issues"])
def test_template_has_headers_and_example(council, resource):
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(resource, council=council)))
    sheet = book.active
    assert sheet.max_row == 2 and all(c.value for c in sheet[1])
