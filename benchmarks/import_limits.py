"""Benchmark of the import limits (spreadsheets.limits): how fast hostile files are refused, and
what a file at the row limit (50,000 meeting rows) costs.

Run from the project root (a scratch SQLite database under KYOGIKAI_VAR_DIR):

    KYOGIKAI_VAR_DIR=/tmp/benchlim .venv/bin/python benchmarks/import_limits.py

Timed once each: ``screen`` (what the upload request does before it refuses the file or hands it
to the worker) on a zip bomb (a ~70 KB XLSX declaring 3,000,000 × 16,384 cells, 19 MB of sheet
XML) and on a 200,000-row CSV; then ``screen`` and the preview (``run_import`` dry run, what the
worker does) of a 50,000-row CSV and XLSX. Prints the numbers; docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KYOGIKAI_VAR_DIR", "/tmp/benchlim")


from benchmarks.imports import BODIES, HEADERS, rows  # noqa: E402


def _rows(count: int):
    """benchmarks/imports.py's rows, one meeting a day per body (50,000 rows end in 2017)."""
    return rows(count, days_apart=1)


def _csv(count: int) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(_rows(count))
    return out.getvalue().encode("utf-8")


def _short_csv(count: int) -> bytes:
    row = "全体会,,2025/02/03,,,,,,,,\r\n"
    return (",".join(HEADERS) + "\r\n" + row * count).encode("utf-8")


def _xlsx(count: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for row in _rows(count):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bomb() -> bytes:
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["x"])
    plain = io.BytesIO()
    book.save(plain)
    row = b'<row><c t="inlineStr"><is><t>\xe3\x81\x82</t></is></c><c><v>1</v></c></row>' * 300_000
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD3000000"/><sheetData>' + row + b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info.filename)
            target.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _timed(label: str, function):
    start = time.perf_counter()
    try:
        result = function()
    except Exception as error:  # a refusal is the expected result of some
        result = f"refused: {error}"
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| {label} | {seconds:.3f} | {rss:.0f} | {str(result)[:90]} |", flush=True)


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from council.models import BodyKind, Council
    from council.services import body_create
    from spreadsheets.tables import run_import, screen

    call_command("migrate", verbosity=0)
    slug = f"bench-limits-{time.time_ns()}"
    council = Council.objects.create(name=f"上限計測市協議会 {slug}", slug=slug, municipality="計測市")
    for name in BODIES:
        body_create(council=council, name=name, kind=BodyKind.SUBCOMMITTEE, from_fiscal_year=1990)

    print("| step | time (s) | peak RSS so far (MB) | result |")
    print("| --- | --- | --- | --- |")
    bomb = _bomb()
    _timed(f"zip bomb ({len(bomb) // 1024} KB): screen", lambda: screen(bomb, "bomb.xlsx"))
    huge = _short_csv(200_000)
    _timed(f"200,000-row CSV ({len(huge) // 1024} KB): screen", lambda: screen(huge, "huge.csv"))
    for fmt, data in (("CSV", _csv(50_000)), ("XLSX", _xlsx(50_000))):
        name = f"m.{fmt.lower()}"
        _timed(f"50,000-row {fmt} ({len(data) // 1024} KB): screen", lambda d=data, n=name: screen(d, n))

        def preview(d=data, n=name):
            report = run_import(resource_name="meetings", council=council, data=d, filename=n, dry_run=True)
            return f"errors {len(report.errors)}, new {report.totals['new']} {report.errors[:1]}"

        _timed(f"50,000-row {fmt}: preview (dry run)", preview)


if __name__ == "__main__":
    main()
