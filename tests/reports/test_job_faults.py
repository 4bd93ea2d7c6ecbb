"""Jobs that always end: a worker that died mid-render, a broker that cannot be reached."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from reports import tasks
from reports.models import JobStatus, ReportJob
from reports.services import (
    DISPATCH_FAILED_MESSAGE,
    WORKER_LOST_MESSAGE,
    report_request,
    report_sweep,
)
from tests.brokers import unreachable_broker
from tests.factories import ReportJobFactory
from tests.reports.conftest import FY


def _queued(council, body):
    return ReportJobFactory(council=council, body=body, kind="progress-report", fiscal_year=FY)


@pytest.mark.django_db
def test_redelivery_of_the_message_whose_worker_died_takes_the_row_over(council, year_data):
    job = _queued(council, year_data["body"])
    # What a killed worker child leaves: the row RUNNING, claimed by this message, seconds ago.
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=1, task_id="message-1"
    )
    tasks.render_report.apply(args=[job.pk], task_id="another-message")
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1, "a live worker's job is left alone"
    tasks.render_report.apply(args=[job.pk], task_id="message-1")  # the redelivery
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.file


@pytest.mark.django_db
def test_the_sweep_fails_a_stuck_job_and_a_new_request_never_gets_it(
    council, secretariat, year_data, django_capture_on_commit_callbacks
):
    body = year_data["body"]
    with django_capture_on_commit_callbacks(execute=False):
        stuck = report_request(
            user=secretariat, council=council, kind="progress-report", fiscal_year=FY, body=body
        )
    ReportJob.objects.filter(pk=stuck.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=20), task_id="gone"
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = report_request(
            user=secretariat, council=council, kind="progress-report", fiscal_year=FY, body=body
        )
    stuck.refresh_from_db()
    assert again.pk != stuck.pk
    assert stuck.status == JobStatus.FAILED and stuck.error == WORKER_LOST_MESSAGE
    again.refresh_from_db()
    assert again.status == JobStatus.DONE

    other = _queued(council, body)
    ReportJob.objects.filter(pk=other.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=20)
    )
    assert report_sweep() == {"failed": 1, "resent": 0}
    other.refresh_from_db()
    assert other.status == JobStatus.FAILED and "もう一度作成する" in other.error


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL が未設定のため、実際のブローカーでの試験は行いません。"
)
def test_broker_down_keeps_the_job_and_the_sweep_sends_it_when_it_is_back(
    council, secretariat, year_data, client
):
    if connection.vendor == "sqlite":
        pytest.skip("a worker thread cannot share the in-memory SQLite test database")
    body = year_data["body"]
    with unreachable_broker():
        started = time.monotonic()
        job = report_request(user=secretariat, council=council, kind="evaluation", fiscal_year=FY, body=body)
        assert time.monotonic() - started < 15, "the request gives up on the broker in seconds"
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.error == DISPATCH_FAILED_MESSAGE
        client.force_login(secretariat)
        page = client.get(f"/c/{council.slug}/reports/jobs/{job.pk}/")
        assert page.status_code == 200
        assert "処理の受付に失敗しました" in page.content.decode()
        # Asking again while the broker is still away returns the same job, not a second one.
        again = report_request(
            user=secretariat, council=council, kind="evaluation", fiscal_year=FY, body=body
        )
        assert again.pk == job.pk and ReportJob.objects.count() == 1

    app.control.purge()
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            assert report_sweep() == {"failed": 0, "resent": 1}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.status in (JobStatus.DONE, JobStatus.FAILED):
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = before
    assert job.status == JobStatus.DONE and job.error == "" and job.file
