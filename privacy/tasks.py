"""Periodic work of the privacy app (Celery beat, config.settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from privacy.services import read_records_purge


@shared_task(name="privacy.purge_read_records", ignore_result=True)
def purge_read_records() -> int:
    """Remove read records past their retention period (READ_LOG_RETENTION_YEARS)."""
    return read_records_purge()
