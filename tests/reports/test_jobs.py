"""report_request / render_report / report_retry: idempotence, claiming, failures, retries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports import tasks
from reports.models import JobStatus, ReportJob
from reports.rendering import DocumentRequestError
from reports.services import ReportRetryRefused, report_request, report_retry
from tests.factories import ReportJobFactory
from tests.reports.conftest import FY

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_calls(monkeypatch):
    calls = []
    original = tasks.html_to_pdf

    def counting(html, **kwargs):
        calls.append(1)
        return original(html, **kwargs)

    monkeypatch.setattr(tasks, "html_to_pdf", counting)
    return calls


def request(secretariat, council, body, kind="progress-report"):
    return report_request(user=secretariat, council=council, kind=kind, fiscal_year=FY, body=body)


def test_request_renders_on_commit_and_stores_the_file(
    secretariat, council, year_data, pdf_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = request(secretariat, council, year_data["body"])
        assert job.status == JobStatus.QUEUED and pdf_calls == []  # nothing before commit
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.finished_at and job.started_at
    assert job.file.read().startswith(b"%PDF")
    assert pdf_calls == [1]


def test_unchanged_data_is_not_rendered_again(
    secretariat, chair, council, year_data, pdf_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request(secretariat, council, year_data["body"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = request(chair, council, year_data["body"])
    assert callbacks == [] and pdf_calls == [1]
    first.refresh_from_db()
    assert second.pk != first.pk and second.status == JobStatus.DONE and second.requested_by == chair
    assert second.file.name == first.file.name and second.input_hash == first.input_hash


def test_changed_data_renders_again(
    secretariat, council, year_data, pdf_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request(secretariat, council, year_data["body"])
    year_data["meetings"][0].items.update(text="書き直した内容")
    with django_capture_on_commit_callbacks(execute=True):
        second = request(secretariat, council, year_data["body"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert pdf_calls == [1, 1]
    assert second.input_hash != first.input_hash and second.file.name != first.file.name


def test_bad_requests_are_refused(secretariat, council, subcommittee, other_council_subcommittee):
    with pytest.raises(DocumentRequestError, match="会議体を指定"):
        report_request(user=secretariat, council=council, kind="evaluation", fiscal_year=FY)
    with pytest.raises(DocumentRequestError, match="協議会全体"):
        report_request(user=secretariat, council=council, kind="book", fiscal_year=FY, body=subcommittee)
    with pytest.raises(DocumentRequestError, match="この協議会"):
        report_request(
            user=secretariat, council=council, kind="policy", fiscal_year=FY, body=other_council_subcommittee
        )
    assert not ReportJob.objects.exists()


def queued(council, body):
    return ReportJobFactory(council=council, body=body, kind="progress-report", fiscal_year=FY)


def test_a_job_claimed_twice_runs_once(council, year_data, pdf_calls):
    job = queued(council, year_data["body"])
    tasks.render_report(job.pk)
    tasks.render_report(job.pk)
    job.refresh_from_db()
    assert pdf_calls == [1] and job.attempts == 1 and job.status == JobStatus.DONE


def test_running_job_is_not_claimed_by_a_second_worker(council, year_data, pdf_calls):
    job = queued(council, year_data["body"])
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    tasks.render_report(job.pk)
    assert pdf_calls == []


def test_failure_is_recorded_in_japanese_and_can_be_retried(
    council, year_data, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    job = queued(council, year_data["body"])

    def broken(html, **kwargs):
        raise RuntimeError("cairo exploded")

    monkeypatch.setattr(tasks, "html_to_pdf", broken)
    tasks.render_report(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error.startswith("帳票を作成できませんでした。")
    assert "cairo exploded" not in job.error and "cairo exploded" in caplog.text
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.error == ""


def test_stale_running_job_can_be_retried_but_not_a_fresh_one(
    council, year_data, django_capture_on_commit_callbacks
):
    job = queued(council, year_data["body"])
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=1
    )
    with pytest.raises(ReportRetryRefused):
        report_retry(job=job)
    ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(minutes=16))
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_done_job_cannot_be_retried(council, year_data):
    job = queued(council, year_data["body"])
    tasks.render_report(job.pk)
    with pytest.raises(ReportRetryRefused):
        report_retry(job=ReportJob.objects.get(pk=job.pk))
