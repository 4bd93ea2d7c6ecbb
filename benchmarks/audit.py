"""Benchmark of the audit search page (audit.selectors, audit.views) on PostgreSQL.

Run on a scratch database (the history exists on PostgreSQL only):

    createdb -h 127.0.0.1 -U postgres -T template0 -l C.UTF-8 -E UTF8 kyogikai_bench_audit
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kyogikai_bench_audit
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo --scale 10
    .venv/bin/python benchmarks/audit.py

It times, for the demo council, the first page of the whole history and of one kind of record:
(a) fetching whole events ordered by time (what the page did first: PostgreSQL computes pgh_diff
over the entire history before it can cut a page) and (b) what the page does now: the page's keys,
then those events with their diffs (``page_keys`` + ``events_for_keys``); and the page itself
through the test client. Best of 3, in seconds. Prints a Markdown table to paste into
docs/benchmarks.md.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import pghistory.models  # noqa: E402
from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from audit.selectors import AuditQuery, events_for_council, events_for_keys, page_keys  # noqa: E402
from council.access import has_confirmed_pledge  # noqa: E402
from council.models import Council  # noqa: E402
from privacy.services import pledge_confirm  # noqa: E402

PAGE = 50


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    assert connection.vendor == "postgresql", "set DATABASE_URL: the history exists on PostgreSQL only"
    council = Council.objects.get(slug="demo")
    total = sum(m.objects.count() for m in apps.get_models() if issubclass(m, pghistory.models.Event))
    rows = []
    for label, query in (
        ("all records", AuditQuery()),
        ("地域課題 only", AuditQuery(model_label="issues.regionalissue")),
    ):
        events = events_for_council(council_id=council.pk, query=query)
        whole = best(lambda events=events: list(events.select_related("user")[:PAGE]), runs=1)
        keyed = best(lambda events=events: events_for_keys(list(page_keys(events)[:PAGE])))
        rows.append((label, events.count(), whole, keyed))
    user = get_user_model().objects.get(username="demo-secretariat")
    if not has_confirmed_pledge(user, council.pk):
        pledge_confirm(user=user, council=council)
    client = Client()
    client.force_login(user)
    page = best(lambda: client.get(f"/c/{council.slug}/audit/"))
    print(f"events in all tables: {total:,}")
    print("| search | events of the council | whole events, ordered (s) | keys, then the page (s) |")
    print("| --- | --- | --- | --- |")
    for label, count, whole, keyed in rows:
        print(f"| {label} | {count:,} | {whole:.2f} | {keyed:.2f} |")
    print(f"page /c/demo/audit/ through the test client: {page:.2f} s")


if __name__ == "__main__":
    main()
