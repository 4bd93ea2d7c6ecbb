"""Writes of the reports app: asking for a document, and asking again after a failure."""

from __future__ import annotations

import datetime as dt
import logging

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


# A QUEUED job whose message may have been lost (or never sent) is sent again after this. A
# second message is harmless: only the run that claims the row renders.
RESEND_AFTER = dt.timedelta(minutes=10)

DISPATCH_FAILED_MESSAGE = (
    "処理の受付に失敗しました（作成を受け付ける仕組みに一時的につながりません）。"
    "しばらくすると自動で作成を再開しますので、この画面のままお待ちください。"
)
WORKER_LOST_MESSAGE = (
    "作成の途中で処理が止まりました。「もう一度作成する」を押してください。"
    "続く場合は事務局（システム担当）にお知らせください。"
)

logger = logging.getLogger(__name__)


CANCELLED_MESSAGE = (
    "この帳票の作成は取り消されました。必要になったら、帳票の画面からもう一度作成してください。"
)


class ReportRetryRefused(ValueError):
    """The job is neither failed nor stuck; the message is for users."""


class ReportCancelRefused(ValueError):
    """The job has already ended; the message is for users."""


def _dispatch(job_id: int) -> None:
    # After commit: a worker that picks the id up must find the row.
    transaction.on_commit(lambda: report_send(job_id))


def report_send(job_id: int) -> bool:
    """Hand the job to the queue. A broker that cannot be reached leaves the job QUEUED with a
    Japanese note for its page; ``reports.sweep_jobs`` sends it again (and the next request for
    the same document tries at once)."""
    from reports.tasks import render_report

    try:
        render_report.delay(job_id)
    except Exception:  # kombu's OperationalError, a refused connection, a DNS failure ...
        logger.exception("report job %s could not be queued", job_id)
        ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(error=DISPATCH_FAILED_MESSAGE)
        return False
    ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED, error=DISPATCH_FAILED_MESSAGE).update(
        error=""
    )
    return True


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
    # A job left RUNNING by a dead worker is failed, never handed out again.
    same.filter(stale_running()).update(
        status=JobStatus.FAILED, error=WORKER_LOST_MESSAGE, finished_at=timezone.now()
    )
    pending = same.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("-id").first()
    if pending is not None:
        if pending.status == JobStatus.QUEUED and pending.error:
            _dispatch(pending.pk)  # it never reached the queue: try again now
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


def report_sweep() -> dict[str, int]:
    """Every minute (Celery beat): no job stays pending for good.

    A RUNNING job past ``STALE_AFTER`` is failed (its page offers a retry); a QUEUED job that never
    reached the queue, or waited past ``RESEND_AFTER``, is sent again."""
    now = timezone.now()
    failed = ReportJob.objects.filter(stale_running()).update(
        status=JobStatus.FAILED, error=WORKER_LOST_MESSAGE, finished_at=now
    )
    waiting = ReportJob.objects.filter(status=JobStatus.QUEUED).filter(
        Q(error=DISPATCH_FAILED_MESSAGE) | Q(created_at__lt=now - RESEND_AFTER)
    )
    sent = sum(report_send(pk) for pk in waiting.values_list("pk", flat=True))
    return {"failed": failed, "resent": sent}


def report_cancel(*, job: ReportJob) -> ReportJob:
    """Cancel a job that is waiting or being made. A worker rendering it checks between the HTML
    and the PDF and before it stores the file (``reports.tasks.render_report``), and never marks a
    cancelled job done."""
    cancelled = ReportJob.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED, error=CANCELLED_MESSAGE, finished_at=timezone.now()
    )
    if cancelled != 1:
        raise ReportCancelRefused("この帳票の作成はすでに終わっているため、取り消せません。")
    job.refresh_from_db()
    return job


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
