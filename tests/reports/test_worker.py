"""One job through a real Celery worker and the Redis broker (skipped without REDIS_URL)."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from config.celery import app
from reports.models import JobStatus, ReportJob
from reports.services import report_request
from tests.reports.conftest import FY

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="REDIS_URL が未設定のため、実際の Celery ワーカーの試験は行いません（scripts/test で実行されます）。",
    ),
]


@pytest.fixture
def real_queue():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def test_real_worker_renders_a_requested_job(real_queue, secretariat, council, year_data):
    if connection.vendor == "sqlite":
        pytest.skip("a worker thread cannot share the in-memory SQLite test database; run with DATABASE_URL")
    app.control.purge()  # leftovers of an earlier, interrupted run on this Redis database
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        job = report_request(
            user=secretariat, council=council, kind="evaluation", fiscal_year=FY, body=year_data["body"]
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.2)
    assert job.status == JobStatus.DONE, (job.status, job.error)
    assert job.attempts == 1
    data = job.file.read()
    assert data.startswith(b"%PDF") and ReportJob.objects.count() == 1
    from tests.reports.conftest import pdf_text, squash

    assert "開催回数6回" in squash(pdf_text(data))
