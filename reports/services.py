"""Writes of the reports app: asking for a document, and asking again after a failure."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from council.models import Body, Council
from reports.models import JobStatus, ReportJob
from reports.rendering import fingerprint, render_html

# A RUNNING job older than this was left by a worker that died mid-render (killed, out of memory):
# it may be queued again. Far above the longest render (the book: seconds), below a user's patience.
STALE_AFTER = dt.timedelta(minutes=15)


class ReportRetryRefused(ValueError):
    """The job is neither failed nor stuck; the message is for users."""


def _dispatch(job_id: int) -> None:
    from reports.tasks import render_report

    # After commit: a worker that picks the id up must find the row.
    transaction.on_commit(lambda: render_report.delay(job_id))


@transaction.atomic
def report_request(
    *, user: User | None, council: Council, kind: str, fiscal_year: int, body: Body | None = None
) -> ReportJob:
    """Ask for a document. Unchanged data is answered from the stored file without rendering.

    The input hash is the fingerprint of the document's HTML (plus stylesheet, template version
    and renderer version): the HTML holds every fact the PDF shows, and rendering it costs a few
    milliseconds against the PDF's hundreds. Same HTML, same PDF.
    """
    html = render_html(kind, council=council, fiscal_year=fiscal_year, body=body)  # validates kind/body
    input_hash = fingerprint(html)
    same = ReportJob.objects.filter(
        council=council, body=body, kind=kind, fiscal_year=fiscal_year, input_hash=input_hash
    )
    done = same.filter(status=JobStatus.DONE).exclude(file="").order_by("-finished_at", "-id").first()
    if done is not None and done.file.storage.exists(done.file.name):
        now = timezone.now()
        # A row of its own: who asked is recorded, and the file is shared, not copied.
        return ReportJob.objects.create(
            council=council,
            body=body,
            kind=kind,
            fiscal_year=fiscal_year,
            requested_by=user,
            status=JobStatus.DONE,
            input_hash=input_hash,
            file=done.file.name,
            started_at=now,
            finished_at=now,
        )
    pending = same.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("-id").first()
    if pending is not None:
        return pending  # the same document is being made already
    job = ReportJob.objects.create(
        council=council,
        body=body,
        kind=kind,
        fiscal_year=fiscal_year,
        requested_by=user,
        status=JobStatus.QUEUED,
        input_hash=input_hash,
    )
    _dispatch(job.pk)
    return job


def stale_running() -> Q:
    return Q(status=JobStatus.RUNNING, started_at__lt=timezone.now() - STALE_AFTER)


@transaction.atomic
def report_retry(*, job: ReportJob) -> ReportJob:
    """Queue a failed job, or one stuck in RUNNING past ``STALE_AFTER``, again."""
    claimed = (
        ReportJob.objects.filter(pk=job.pk)
        .filter(Q(status=JobStatus.FAILED) | stale_running())
        .update(status=JobStatus.QUEUED, error="", started_at=None, finished_at=None)
    )
    if claimed != 1:
        raise ReportRetryRefused("この帳票の作成は失敗しておらず、作成中でもないため、やり直せません。")
    _dispatch(job.pk)
    job.refresh_from_db()
    return job
