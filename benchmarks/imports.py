"""Benchmark of spreadsheet imports (council.spreadsheets.run_import): 10,000 meeting rows.

Run from the project root (scratch databases only: each run adds a council with 10,000 meetings):

    KYOGIKAI_VAR_DIR=/tmp/benchimp .venv/bin/python benchmarks/imports.py
    createdb -h 127.0.0.1 -U postgres -T template0 kyogikai_bench_imp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kyogikai_bench_imp .venv/bin/python benchmarks/imports.py
    dropdb -h 127.0.0.1 -U postgres kyogikai_bench_imp

Each format (CSV in CP932, XLSX) runs in a child process of its own, so its peak RSS
(resource.getrusage ru_maxrss) is that import's: a dry run (the preview: read, validate, roll
back), then the real import (one transaction), timed once each (minutes of work, not noise).
The numbers are printed and appended to docs/benchmarks.md under 「表計算ファイルの取り込み」.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KYOGIKAI_VAR_DIR", "/tmp/benchimp")

ROWS = 10_000
BODIES = ("全体会", "相談支援部会", "地域移行部会", "こども部会", "就労支援部会")
HEADERS = ["会議体", "年度", "開催日", "開始時刻", "終了時刻", "開催形式", "会場", "状態", "参加機関数", "参加人数", "取組・検討内容"]
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## 表計算ファイルの取り込み (council.spreadsheets)"


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rows():
    start = dt.date(1990, 4, 1)
    for i in range(ROWS):
        date = start + dt.timedelta(days=i // len(BODIES) * 2)
        yield [BODIES[i % len(BODIES)], "", date.strftime("%Y/%m/%d"), "14:00", "16:00", "対面", "市役所 第1会議室",
               "開催済", str(5 + i % 20), str(10 + i % 30), "・事例検討（地域移行）\n・部会の年間計画"]


def make_file(fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(rows())
        return out.getvalue().encode("cp932")
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for row in rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def child(fmt: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from council.models import BodyKind, Council
    from council.services import body_create
    from council.spreadsheets import count_data_rows, run_import
    from meetings.models import Meeting

    call_command("migrate", verbosity=0)
    # A new council each run (scratch database only; meetings are protected, so nothing is deleted).
    slug = f"bench-imports-{fmt}-{int(time.time())}"
    council = Council.objects.create(name=f"取り込み計測市協議会 {slug}", slug=slug, municipality="計測市")
    for name in BODIES:
        body_create(council=council, name=name, kind=BodyKind.SUBCOMMITTEE, from_fiscal_year=1990)
    data = make_file(fmt)
    base = maxrss_mb()
    result = {"fmt": fmt, "db": connection.vendor, "bytes": len(data), "base_mb": base, "rows": count_data_rows(data)}
    for label, dry in (("dry", True), ("real", False)):
        start = time.perf_counter()
        report = run_import(resource_name="meetings", council=council, data=data, filename=f"m.{fmt}", dry_run=dry)
        seconds = time.perf_counter() - start
        assert not report.errors, report.errors[:5]
        assert report.totals["new"] == ROWS, report.totals
        result[label] = {"seconds": seconds, "rows_per_s": ROWS / seconds, "maxrss_mb": maxrss_mb()}
    assert Meeting.objects.filter(body__council=council).count() == ROWS
    print(json.dumps(result))


def main() -> None:
    results = []
    for fmt in ("csv", "xlsx"):
        out = subprocess.run([sys.executable, __file__, fmt], check=True, capture_output=True, text=True, env=os.environ)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(results[-1])
    append_section(results)


def append_section(results) -> None:
    db = results[0]["db"]
    lines = [
        "" if db == "sqlite" else "",
        f"### {db}",
        "",
        f"Date: {dt.datetime.now(dt.UTC).date().isoformat()}. Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {db}. Run: see the docstring of `benchmarks/imports.py`.",
        f"{ROWS:,} meeting rows (5 bodies, one 取組・検討内容 cell of 2 bullets each), all new. One run each; "
        "peak RSS is the child process's maximum (Django loaded and the file built first = base).",
        "",
        "| format | file (KB) | run | time (s) | rows/s | peak RSS (MB) | base RSS (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        name = "CSV (CP932)" if r["fmt"] == "csv" else "XLSX"
        for label, title in (("dry", "dry run (preview)"), ("real", "import")):
            m = r[label]
            lines.append(f"| {name} | {r['bytes'] / 1024:.0f} | {title} | {m['seconds']:.1f} | {m['rows_per_s']:.0f} | "
                         f"{m['maxrss_mb']:.0f} | {r['base_mb']:.0f} |")
    text = DOC.read_text(encoding="utf-8")
    if HEADING not in text:
        text = text.rstrip("\n") + "\n\n" + HEADING + "\n\n" + (
            "Files above `LARGE_IMPORT_ROWS` (2,000 data rows) are previewed and imported by the Celery task "
            "`council.import_spreadsheet` (progress page refreshed by `<meta http-equiv=\"refresh\">`); the same "
            "`run_import` runs, one transaction.\n"
        )
    DOC.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        child(sys.argv[1])
    else:
        main()
