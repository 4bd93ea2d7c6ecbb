"""Error reports (the DEBUG technical 500 page, the mails to ADMINS) without passwords in URLs.

Django's SafeExceptionReporterFilter hides settings whose *name* looks secret (API, TOKEN, KEY,
SECRET, PASS, SIGNATURE) but shows DATABASE_URL, REDIS_URL or CELERY_BROKER_URL as they are, and
the request's META (which under runserver holds the whole environment) likewise. This filter also
masks the password of every ``scheme://user:password@host`` it finds in settings, META and frame
variables: ``postgres://kyogikai:********@postgres:5432/kyogikai``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]*):(?P<password>[^@/\s]+)@", re.IGNORECASE)
MASK = "********"


def mask_url_passwords(text: str) -> str:
    return URL_PASSWORD.sub(lambda m: f"{m['head']}:{MASK}@", text)


class UrlPasswordReporterFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        return mask_url_passwords(cleansed) if type(cleansed) is str else cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        return [
            (name, mask_url_passwords(value) if type(value) is str else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class UrlPasswordExceptionReporter(ExceptionReporter):
    """The report as a whole, masked once more: an exception's message may quote a URL too."""

    def get_traceback_html(self) -> str:
        return mask_url_passwords(super().get_traceback_html())

    def get_traceback_text(self) -> str:
        return mask_url_passwords(super().get_traceback_text())


class UrlPasswordFormatter(logging.Formatter):
    """Log lines, tracebacks included, with URL passwords masked (LOGGING in config/settings.py)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_url_passwords(super().format(record))
