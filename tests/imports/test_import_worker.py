"""A large import (2,500 meeting rows, CP932) through a real Celery worker and the Redis broker.

Not eager: the page queues the task on Redis, a worker thread (``start_worker``, as in
tests/reports/test_worker.py) takes it, and the test follows the progress the task records until
the preview, then confirms and follows the import to the end. Skipped without REDIS_URL
(scripts/test sets it) and on SQLite (a worker thread cannot share the in-memory test database).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from config.celery import app
from meetings.models import Meeting, MeetingItem
from spreadsheets import tables as spreadsheets
from spreadsheets.tasks import read_state

ROWS = 2500
FULL_WIDTH = str.maketrans("0123456789/", "０１２３４５６７８９／")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="REDIS_URL が未設定のため、実際の Celery ワーカーの試験は行いません（scripts/test で実行されます）。",
    ),
]


@pytest.fixture
def real_queue(settings, tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("a worker thread cannot share the in-memory SQLite test database; run with DATABASE_URL")
    settings.MEDIA_ROOT = tmp_path
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # leftovers of an earlier, interrupted run on this Redis database
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def _file() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "会議体",
            "年度",
            "開催日",
            "開始時刻",
            "終了時刻",
            "開催形式",
            "会場",
            "状態",
            "参加人数",
            "取組・検討内容",
        ]
    )
    start = dt.date(2000, 4, 3)
    for i in range(ROWS):
        day = start + dt.timedelta(days=i)
        # Dates as secretariats type them: 和暦 (平成), ISO, and full-width digits.
        if i % 3 == 0:
            text = f"平成{day.year - 1988}年{day.month}月{day.day}日"
        elif i % 3 == 1:
            text = day.isoformat()
        else:
            text = f"{day.year}/{day.month}/{day.day}".translate(FULL_WIDTH)
        body = "相談支援部会" if i % 2 else "全体会"
        writer.writerow(
            [
                body,
                "",
                text,
                "１４:００",
                "16:00",
                "対面",
                "市役所",
                "開催済",
                str(i % 30),
                "・検討A\n・検討B",
            ]
        )
    return out.getvalue().encode("cp932")


def _follow(token: str, phase: str, seen: list[tuple[int, int]], timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read_state(token) or {}
        if state.get("phase") == phase:
            seen.append((state.get("done") or 0, state.get("total") or 0))
            if state.get("status") in ("done", "failed"):
                return state
        time.sleep(0.2)
    raise AssertionError(f"{phase} did not finish in {timeout} s: {read_state(token)}")


def test_large_import_through_a_real_worker(real_queue, client, council, plenary, subcommittee, secretariat):
    data = _file()
    assert spreadsheets.count_data_rows(data) == ROWS > spreadsheets.LARGE_IMPORT_ROWS
    client.force_login(secretariat)
    url = reverse("imports", args=[council.slug])
    seen: list[tuple[int, int]] = []
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        response = client.post(
            url, {"resource": "meetings", "file": SimpleUploadedFile("meetings.csv", data)}
        )
        assert response.status_code == 302 and "?job=" in response["Location"]
        token = response["Location"].split("?job=")[1]

        state = _follow(token, "preview", seen)
        assert state["status"] == "done", state
        assert state["done"] == state["total"] == ROWS  # 100%
        assert not state["report"]["errors"], state["report"]["errors"][:5]
        assert state["report"]["dry_run"] and len(state["report"]["rows"]) == ROWS
        assert Meeting.objects.count() == 0  # the preview wrote nothing
        page = client.get(response["Location"])
        assert page.status_code == 200 and page.context["report"].totals["new"] == ROWS

        assert client.post(reverse("import_confirm", args=[council.slug, token])).status_code == 302
        state = _follow(token, "import", seen)
    assert state["status"] == "done", state
    assert state["done"] == state["total"] == ROWS
    assert not state["report"]["errors"] and state["report"]["rows"][-1]["kind"] == "new"
    assert Meeting.objects.filter(body__council=council).count() == ROWS
    assert MeetingItem.objects.filter(meeting__body__council=council).count() == 2 * ROWS
    assert Meeting.objects.filter(body=plenary, fiscal_year=2000).order_by("sequence").first().sequence == 1
    # Progress was reported out of the file's row count, and never beyond it.
    assert all(total in (0, ROWS) and 0 <= done <= ROWS for done, total in seen)
    # The finished import's page says so and forgets the upload.
    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"] == url
    assert f"会議を取り込みました（新規 {ROWS}件" in client.get(url).content.decode()
