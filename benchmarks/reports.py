"""Benchmark of the yearly documents' PDFs (reports.rendering) on the demo council.

Run from the project root:

    KYOGIKAI_VAR_DIR=/tmp/benchvar DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/reports.py

It uses the SQLite database under KYOGIKAI_VAR_DIR (migrated and loaded with the demo when
missing; never point it at a real one). Times are warm (one untimed run first), median of
REPEAT runs. Peak memory: the process's maximum RSS after each step (resource.getrusage) and the
Python-level peak of one separate run under tracemalloc (which slows rendering, so it is not
timed). "WeasyPrint alone" renders the same pre-rendered HTML: ours / alone is our overhead.
The section "年次報告書のPDF (reports)" of docs/benchmarks.md is rewritten with the numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KYOGIKAI_VAR_DIR", "/tmp/benchvar")

import django  # noqa: E402
import weasyprint  # noqa: E402
from pypdf import PdfReader  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from council.models import Council  # noqa: E402
from reports.rendering import html_to_pdf, render_html, render_pdf  # noqa: E402
from subcommittees.models import Evaluation  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## 年次報告書のPDF (reports)"
REPEAT = 3


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn) -> float:
    fn()  # warm: fonts, templates, imports
    runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def traced_peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


def main() -> None:
    if not Council.objects.filter(slug="demo").exists():
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
    council = Council.objects.get(slug="demo")
    latest = Evaluation.objects.filter(body__council=council).order_by("-fiscal_year", "body__sort_order").first()
    fiscal_year, body = latest.fiscal_year, latest.body

    def body_set():
        return [render_pdf(k, council=council, fiscal_year=fiscal_year, body=body) for k in ("progress-report", "evaluation", "policy")]

    def council_doc(kind):
        return lambda: render_pdf(kind, council=council, fiscal_year=fiscal_year)

    steps = [("one body's three documents", body_set), ("schedule (全体スケジュール)", council_doc("schedule")),
             ("summary (活動の概要)", council_doc("summary")), ("book (年次報告書)", council_doc("book"))]
    rows = []
    for label, fn in steps:
        seconds = timed(fn)
        rows.append((label, seconds, maxrss_mb(), traced_peak_mb(fn)))

    # Our overhead: the whole path against WeasyPrint alone on the same HTML.
    overhead = []
    for label, kind in (("one body's three documents", None), ("book", "book")):
        if kind is None:
            htmls = [render_html(k, council=council, fiscal_year=fiscal_year, body=body) for k in ("progress-report", "evaluation", "policy")]
            ours = timed(body_set)
        else:
            htmls = [render_html(kind, council=council, fiscal_year=fiscal_year)]
            ours = timed(council_doc(kind))
        alone = timed(lambda htmls=htmls: [html_to_pdf(h) for h in htmls])
        overhead.append((label, ours, alone, ours / alone))

    pages = len(PdfReader(io.BytesIO(render_pdf("book", council=council, fiscal_year=fiscal_year))).pages)
    write_section(rows, overhead, fiscal_year, body.name, pages)
    for row in rows:
        print(f"{row[0]}: {row[1]:.3f} s, maxrss {row[2]:.0f} MB, python peak {row[3]:.1f} MB")
    for row in overhead:
        print(f"overhead {row[0]}: ours {row[1]:.3f} s / weasyprint {row[2]:.3f} s = {row[3]:.2f}x")


def write_section(rows, overhead, fiscal_year, body_name, pages) -> None:
    targets = {"one body's three documents": 1.5, "book (年次報告書)": 10.0}
    lines = [
        HEADING,
        "",
        f"Date: {dt.datetime.now(dt.UTC).date().isoformat()}. Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, {connection.vendor}. "
        "Run: `KYOGIKAI_VAR_DIR=/tmp/benchvar DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/reports.py`.",
        "",
        f"Demo council (`load_demo`), 年度 {fiscal_year}, body 「{body_name}」; the book has {pages} pages. "
        f"Warm times, median of {REPEAT}. maxrss is the process's peak RSS so far (it only grows); "
        "the Python peak is one run under tracemalloc (C allocations of Pango/cairo are not in it).",
        "",
        "| document | time (s) | target | maxrss (MB) | Python peak (MB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, seconds, rss, peak in rows:
        target = targets.get(label)
        verdict = f"≤ {target} s {'✓' if seconds <= target else '✗'}" if target else ""
        lines.append(f"| {label} | {seconds:.3f} | {verdict} | {rss:.0f} | {peak:.1f} |")
    lines += ["", "Our overhead (selectors + templates + URL fetcher) against WeasyPrint alone on the same HTML, target ≤ 1.2×:", "",
              "| document | ours (s) | WeasyPrint alone (s) | ratio |", "| --- | --- | --- | --- |"]
    for label, ours, alone, ratio in overhead:
        lines.append(f"| {label} | {ours:.3f} | {alone:.3f} | {ratio:.2f}× {'✓' if ratio <= 1.2 else '✗'} |")
    section = "\n".join(lines) + "\n"

    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if HEADING in text:
        start = text.index(HEADING)
        rest = text[start + len(HEADING):]
        end = rest.find("\n## ")
        text = text[:start] + section + ("" if end < 0 else rest[end + 1:])
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
