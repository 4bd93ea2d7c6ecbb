"""The two ways to run: embedded default (SQLite, eager tasks) and services (PostgreSQL, Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config.celery import app

ROOT = Path(settings.BASE_DIR)


def _settings_in_subprocess(env: dict[str, str], expr: str) -> str:
    code = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); from django.conf import settings; print(repr(({expr})))"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_embedded_default_needs_no_configuration(tmp_path):
    out = _settings_in_subprocess(
        {"KYOGIKAI_VAR_DIR": str(tmp_path)},
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL",
    )
    assert out == "('django.db.backends.sqlite3', True, 'memory://')"


def test_services_mode_from_the_environment():
    out = _settings_in_subprocess(
        {"DATABASE_URL": "postgres://u@db.example:5432/k", "REDIS_URL": "redis://cache.example:6379/0"},
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL, "
        "'pghistory.middleware.HistoryMiddleware' in settings.MIDDLEWARE",
    )
    assert out == "('django.db.backends.postgresql', False, 'redis://cache.example:6379/0', True)"


def test_this_run_reaches_its_broker():
    """Under scripts/test (REDIS_URL set) the Celery app talks to the real Redis."""
    if not settings.REDIS_URL:
        assert settings.CELERY_TASK_ALWAYS_EAGER
        return
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected
