"""Celery tasks of the reports app. A task takes an id, claims its row, and calls the renderer."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.utils import timezone

from reports.models import JobStatus, ReportJob
from reports.rendering import fingerprint, html_to_pdf, render_html
from reports.services import report_sweep, stale_running

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "帳票を作成できませんでした。時間をおいてもう一度お試しください。続く場合は事務局（システム担当）にお知らせください。"


def _file_name(job: ReportJob) -> str:
    target = f"body{job.body_id}" if job.body_id else f"council{job.council_id}"
    return f"{job.kind}-{job.fiscal_year}-{target}-{job.input_hash[:16]}.pdf"


@shared_task(name="reports.render_report", ignore_result=True, bind=True)
def render_report(self, job_id: int) -> None:
    """Render one ReportJob. Safe to run twice: only the run that claims the row renders.

    A message redelivered because the worker running it died (acks_late, reject on worker lost)
    carries the same task id as the claim on the RUNNING row, and takes it over at once; another
    message finds the row RUNNING and leaves it to the live worker, until the row is stale.
    """
    task_id = self.request.id or ""
    mine = Q(status=JobStatus.RUNNING, task_id=task_id) if task_id else Q(pk__in=[])
    claimed = (
        ReportJob.objects.filter(pk=job_id)
        .filter(Q(status=JobStatus.QUEUED) | stale_running() | mine)
        .update(
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            error="",
            task_id=task_id,
        )
    )
    if claimed != 1:
        logger.info("report job %s not claimed (done, running elsewhere, or gone)", job_id)
        return
    job = ReportJob.objects.select_related("council", "body").get(pk=job_id)
    try:
        html = render_html(job.kind, council=job.council, fiscal_year=job.fiscal_year, body=job.body)
        if _cancelled(job_id):
            return
        # The data may have changed since the request: the hash names what was really rendered.
        job.input_hash = fingerprint(html)
        pdf = html_to_pdf(html)
        if _cancelled(job_id):
            return
        job.file.save(_file_name(job), ContentFile(pdf), save=False)
    except Exception:
        logger.exception("report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now()
        )
        return
    # Conditional: a job cancelled while its PDF was stored stays cancelled, and the file goes.
    finished = ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        file=job.file.name, input_hash=job.input_hash, status=JobStatus.DONE, finished_at=timezone.now()
    )
    if finished != 1:
        job.file.delete(save=False)
        logger.info("report job %s cancelled while its file was stored", job_id)


def _cancelled(job_id: int) -> bool:
    """Checked between the steps of a render: the job was cancelled (or taken from this run)."""
    if ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).exists():
        return False
    logger.info("report job %s cancelled during its render", job_id)
    return True


@shared_task(name="reports.sweep_jobs", ignore_result=True)
def sweep_jobs() -> dict[str, int]:
    return report_sweep()
