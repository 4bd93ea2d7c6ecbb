"""Hostile and huge files are bounded (spreadsheets.limits): a zip bomb is refused from the zip's
directory before openpyxl reads a row, files past the row, column or cell limits are refused with
a message naming the limit, a 200,000-row CSV is refused in the request before anything is
stored, and an XLSX whose <dimension> is smaller than its content imports every row."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spreadsheets.limits import LimitExceeded, bounded_rows, check_zip, import_limits
from spreadsheets.tables import read_table, run_import, screen
from tests.imports.conftest import MEETINGS_CSV, csv_bytes

SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same XLSX with one member replaced (deflated at the highest level)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = content if info.filename == name else source.read(info.filename)
            target.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _bomb() -> bytes:
    """A ~70 KB XLSX declaring 3 million rows × 16,384 columns, whose sheet XML (19 MB) is one
    row repeated 300,000 times."""
    row = b'<row><c t="inlineStr"><is><t>\xe3\x81\x82</t></is></c><c><v>1</v></c></row>' * 300_000
    sheet = (
        (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
            '<dimension ref="A1:XFD3000000"/><sheetData>'
        ).encode()
        + row
        + b"</sheetData></worksheet>"
    )
    return _with_member(_xlsx([["x"]]), SHEET, sheet)


def _meeting_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(MEETINGS_CSV)))


def _upload(client, council, data: bytes, name: str):
    return client.post(
        reverse("imports", args=[council.slug]),
        {"resource": "meetings", "file": SimpleUploadedFile(name, data)},
    )


def test_zip_bomb_is_refused_from_the_zip_directory(client, council, secretariat, media_root):
    bomb = _bomb()
    assert len(bomb) < 1024 * 1024
    # The checker refuses on the sizes the zip declares: nothing is inflated, openpyxl never opens it.
    with pytest.raises(LimitExceeded) as refused:
        check_zip(bomb)
    assert refused.value.limit == "ratio"
    with pytest.raises(LimitExceeded):
        screen(bomb, "bomb.xlsx")
    client.force_login(secretariat)
    response = _upload(client, council, bomb, "bomb.xlsx")
    page = response.content.decode()
    assert response.status_code == 200 and response.context["report"].errors == [str(refused.value)]
    assert "通常ではありえないほど圧縮されているため、安全のため開きません" in page
    assert "もう一度お選びください" in page and "取り込む</button>" not in page
    assert not (media_root / "imports").exists() or not any((media_root / "imports").iterdir())


def test_decompressed_size_limit(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    with pytest.raises(LimitExceeded) as refused:
        check_zip(_bomb())
    assert refused.value.limit == "uncompressed"
    assert "展開すると19MBあります。取り込めるのは5MBまでです" in str(refused.value)


def test_an_ordinary_xlsx_passes_the_zip_check():
    check_zip(_xlsx(_meeting_rows()))  # no exception


def test_too_many_rows(settings, council, bodies):
    settings.IMPORT_MAX_ROWS = 4
    report = run_import(resource_name="meetings", council=council, data=csv_bytes(MEETINGS_CSV, "utf-8"))
    assert report.errors == [
        "取り込めるのは4行までです（このファイルにはそれより多くの行があります）。ファイルを分けてからもう一度お選びください。"
    ]
    settings.IMPORT_MAX_ROWS = 5  # exactly at the limit: imported
    report = run_import(resource_name="meetings", council=council, data=csv_bytes(MEETINGS_CSV, "utf-8"))
    assert not report.errors and report.totals["new"] == 5


def test_blank_rows_are_bounded_too(settings):
    settings.IMPORT_MAX_ROWS = 10
    rows = [["会議体"], ["A"]] + [[""]] * 30
    with pytest.raises(LimitExceeded) as refused:
        list(bounded_rows(rows, import_limits()))
    assert refused.value.limit == "blank_rows" and "空の行も含めて20行を超える範囲" in str(refused.value)


def test_too_many_columns(council, bodies):
    header = _meeting_rows()[0]
    wide = [*_meeting_rows()[1], *(["x"] * 100)]
    report = run_import(
        resource_name="meetings", council=council, data=_xlsx([header, wide]), filename="w.xlsx"
    )
    assert report.errors == [
        "取り込めるのは100列までです（2行目に111列あります）。使っていない列を削除してから、もう一度お選びください。"
    ]


def test_styled_empty_cells_beyond_the_data_do_not_count_as_columns():
    rows = [["会議体", None, None], ["全体会", "", None, *([None] * 500)]]
    assert [len(row) for row in bounded_rows(rows, import_limits())] == [3, 503]


@pytest.mark.parametrize("length", [10_001, 200_000])  # the second is past csv's own field limit
def test_too_long_cell(council, bodies, length):
    rows = _meeting_rows()
    rows[1][-1] = "あ" * length
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    report = run_import(resource_name="meetings", council=council, data=out.getvalue().encode("utf-8"))
    assert len(report.errors) == 1
    assert report.errors[0].startswith("1つのセルに入れられるのは1万文字までです")
    assert report.errors[0].endswith("文章を短くするか分けてから、もう一度お選びください。")
    if length == 10_001:
        assert "（2行目の11列目に10,001文字あります）" in report.errors[0]


def test_a_dimension_smaller_than_the_content_does_not_cut_rows(council, bodies):
    data = _xlsx(_meeting_rows())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET).decode()
    assert '<dimension ref="A1:K6" />' in sheet
    lying = _with_member(data, SHEET, sheet.replace('ref="A1:K6"', 'ref="A1:B2"').encode())
    table = read_table(lying, "m.xlsx")
    assert len(table.rows) == 5 and len(table.headers) == 11
    report = run_import(resource_name="meetings", council=council, data=lying, filename="m.xlsx")
    assert not report.errors and report.totals["new"] == 5


def test_a_declared_huge_dimension_does_not_pad_rows(council, bodies):
    data = _xlsx(_meeting_rows())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET).decode()
    assert '<dimension ref="A1:K6" />' in sheet
    huge = _with_member(data, SHEET, sheet.replace('ref="A1:K6"', 'ref="A1:XFD1048576"').encode())
    report = run_import(resource_name="meetings", council=council, data=huge, filename="m.xlsx")
    assert not report.errors and report.totals["new"] == 5


def test_200000_row_csv_is_refused_in_the_request(client, council, secretariat, bodies, media_root, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(_meeting_rows()[0])
        row = ["全体会", "", "2025-02-03", "", "", "", "", "", "", "", ""]
        for _ in range(200_000):
            writer.writerow(row)
    assert path.stat().st_size < 10 * 1024 * 1024  # under the upload limit: the row limit refuses it
    client.force_login(secretariat)
    with path.open("rb") as upload:
        response = client.post(
            reverse("imports", args=[council.slug]), {"resource": "meetings", "file": upload}
        )
    assert response.status_code == 200
    assert response.context["report"].errors == [
        "取り込めるのは5万行までです（このファイルにはそれより多くの行があります）。ファイルを分けてからもう一度お選びください。"
    ]
    assert "取り込めるのは5万行までです" in response.content.decode()
    # Refused up front: nothing stored, no job queued for the worker.
    assert not (media_root / "imports").exists() or not any((media_root / "imports").iterdir())


def test_screen_stops_after_its_time_and_hands_off(settings):
    rows = [["会議体"]] + [["全体会"]] * 3000
    data = _xlsx(rows)
    assert screen(data, "m.xlsx").rows == 3000
    handed_off = screen(data, "m.xlsx", seconds=0)
    assert not handed_off.complete and handed_off.large and handed_off.rows == 999


def test_a_row_numbered_three_million_is_refused_quickly():
    """openpyxl yields an empty row for every row number skipped: the blank-row bound stops it."""
    sheet = (
        f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:A1"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>会議体</t></is></c></row>'
        '<row r="3000000"><c r="A3000000" t="inlineStr"><is><t>全体会</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    data = _with_member(_xlsx([["x"]]), SHEET, sheet)
    for read in (lambda: screen(data, "s.xlsx"), lambda: read_table(data, "s.xlsx")):
        with pytest.raises(LimitExceeded) as refused:
            read()
        assert refused.value.limit == "blank_rows"
        assert "空の行も含めて10万行を超える範囲に入力や書式があります" in str(refused.value)
