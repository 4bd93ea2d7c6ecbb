"""Mails of the site: Japanese subject and plain-text body from templates, sent by the worker.

``mail_send`` renders ``accounts/mail/<name>_subject.txt`` and ``<name>_body.txt`` and queues
``accounts.tasks.send_mail`` once the surrounding transaction commits (nothing is sent for a write
that is rolled back). In the embedded default the task runs at once and the mail is written to
var/mail/ (``mailbox_messages`` reads it back for the site operator's page).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone


def render_mail(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject (one line) and the body of mail ``name``."""
    # A header holds no line breaks.
    subject = " ".join(render_to_string(f"accounts/mail/{name}_subject.txt", context).split())
    body = render_to_string(f"accounts/mail/{name}_body.txt", context)
    return subject, body


def mail_send(*, to: str | list[str], name: str, context: dict[str, Any]) -> None:
    """Queue mail ``name`` to ``to`` after the current transaction commits."""
    from accounts.tasks import send_mail

    recipients = [to] if isinstance(to, str) else list(to)
    subject, body = render_mail(name, context)
    transaction.on_commit(lambda: send_mail.delay(subject, body, recipients))


# --- the mails written to var/mail/ (embedded default) -------------------------------------------

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"  # the embedded default (config.env)
# Django's file backend writes each message followed by a line of 79 dashes.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass(frozen=True)
class StoredMail:
    written_at: datetime
    subject: str
    to: str
    sender: str
    body: str
    file_name: str


def mail_to_files() -> bool:
    """True when mails are written to files (no SMTP server configured)."""
    return settings.EMAIL_BACKEND == FILE_BACKEND


def mailbox_messages(limit: int = 100) -> list[StoredMail]:
    """The mails in EMAIL_FILE_PATH, newest first (at most ``limit``)."""
    folder = Path(str(settings.EMAIL_FILE_PATH))
    if not folder.is_dir():
        return []
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix == ".log"),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
        reverse=True,
    )
    found: list[StoredMail] = []
    for path in files:
        written_at = timezone.localtime(datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC))
        chunks = [c for c in path.read_bytes().split(SEPARATOR) if c.strip()]
        for chunk in reversed(chunks):  # one connection may write several mails to one file
            message = email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            part = message.get_body(preferencelist=("plain",))
            found.append(
                StoredMail(
                    written_at=written_at,
                    subject=str(message.get("Subject", "")).strip(),
                    to=str(message.get("To", "")),
                    sender=str(message.get("From", "")),
                    body=part.get_content() if part is not None else "",
                    file_name=path.name,
                )
            )
            if len(found) >= limit:
                return found
    return found
