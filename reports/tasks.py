"""Celery tasks of the reports app. A task takes an id, claims its row, and calls the renderer."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.utils import timezone

from reports.models import JobStatus, ReportJob
from reports.rendering import fingerprint, html_to_pdf, render_html
from reports.services import stale_running

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "帳票を作成できませんでした。時間をおいてもう一度お試しください。続く場合は事務局（システム担当）にお知らせください。"


def _file_name(job: ReportJob) -> str:
    target = f"body{job.body_id}" if job.body_id else f"council{job.council_id}"
    return f"{job.kind}-{job.fiscal_year}-{target}-{job.input_hash[:16]}.pdf"


@shared_task(name="reports.render_report", ignore_result=True)
def render_report(job_id: int) -> None:
    """Render one ReportJob. Safe to run twice: only the run that claims the row renders.

    A redelivered message (acks_late after a worker died) finds the row RUNNING; it may take it
    over only once the row is stale, so a slow but alive worker is never doubled.
    """
    claimed = (
        ReportJob.objects.filter(pk=job_id)
        .filter(Q(status=JobStatus.QUEUED) | stale_running())
        .update(status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error="")
    )
    if claimed != 1:
        logger.info("report job %s not claimed (done, running elsewhere, or gone)", job_id)
        return
    job = ReportJob.objects.select_related("council", "body").get(pk=job_id)
    try:
        html = render_html(job.kind, council=job.council, fiscal_year=job.fiscal_year, body=job.body)
        # The data may have changed since the request: the hash names what was really rendered.
        job.input_hash = fingerprint(html)
        pdf = html_to_pdf(html)
        job.file.save(_file_name(job), ContentFile(pdf), save=False)
    except Exception:
        logger.exception("report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now()
        )
        return
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "input_hash", "status", "finished_at"])
