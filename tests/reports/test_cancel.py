"""Cancelling a report job (「取り消す」): while it waits or while a worker renders it; the job ends
``cancelled`` with a Japanese message, no file is kept, and a worker never marks it done."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from reports import tasks
from reports.models import JobStatus
from reports.services import ReportCancelRefused, report_cancel
from tests.factories import ReportJobFactory
from tests.reports.conftest import FY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _job(council, body, user):
    return ReportJobFactory(
        council=council, body=body, kind="progress-report", fiscal_year=FY, requested_by=user
    )


def _pdfs(media_root) -> list:
    return list(media_root.rglob("*.pdf"))


def test_secretariat_cancels_a_queued_job_from_its_page(client, council, year_data, secretariat, media_root):
    job = _job(council, year_data["body"], secretariat)
    client.force_login(secretariat)
    page = client.get(reverse("report_job", args=[council.slug, job.pk])).content.decode()
    assert "取り消す</button>" in page
    response = client.post(reverse("report_job_cancel", args=[council.slug, job.pk]), follow=True)
    page = response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at
    assert "帳票の作成を取り消しました。" in page and "取り消し</strong>" in page
    assert "この帳票の作成は取り消されました。" in page and "取り消す</button>" not in page
    tasks.render_report(job.pk)  # its message arrives later: not claimed
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not job.file and _pdfs(media_root) == []


def test_cancelled_while_rendering_ends_cancelled_without_a_file(
    council, year_data, secretariat, monkeypatch, media_root
):
    job = _job(council, year_data["body"], secretariat)
    original = tasks.html_to_pdf

    def cancel_then_render(html, **kwargs):  # the user presses 「取り消す」 while the PDF is made
        report_cancel(job=job)
        return original(html, **kwargs)

    monkeypatch.setattr(tasks, "html_to_pdf", cancel_then_render)
    tasks.render_report(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.attempts == 1
    assert not job.file and _pdfs(media_root) == []


def test_requester_may_cancel_others_may_not(client, council, year_data, chair, member):
    job = _job(council, year_data["body"], chair)
    client.force_login(member)
    assert client.post(reverse("report_job_cancel", args=[council.slug, job.pk])).status_code in (403, 404)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    client.force_login(chair)
    client.post(reverse("report_job_cancel", args=[council.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_a_finished_job_cannot_be_cancelled(client, council, year_data, secretariat):
    job = _job(council, year_data["body"], secretariat)
    tasks.render_report(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and default_storage.exists(job.file.name)
    with pytest.raises(ReportCancelRefused):
        report_cancel(job=job)
    client.force_login(secretariat)
    page = client.get(reverse("report_job", args=[council.slug, job.pk])).content.decode()
    assert "取り消す</button>" not in page
    response = client.post(reverse("report_job_cancel", args=[council.slug, job.pk]), follow=True)
    assert "この帳票の作成はすでに終わっているため、取り消せません。" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
