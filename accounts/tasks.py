"""Mail goes out from the worker: a slow or unreachable SMTP server never holds up a page."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)

# Connection refused, a timeout, a name that does not resolve (OSError) or the server's own
# refusal (SMTPException: a 4xx answer, a dropped connection). Pauses of up to 5, 10, 20 … s (jittered),
# at most 10 min each: eight retries over up to ~20 minutes.
RETRY_ON = (smtplib.SMTPException, OSError)


@shared_task(
    name="accounts.send_mail",
    ignore_result=True,
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_mail(subject: str, body: str, to: list[str]) -> None:
    """Send one plain-text mail (already rendered by ``accounts.mail.mail_send``).

    The task takes the text rather than an id: an invitation's link holds a token that is stored
    only as a hash, so the text cannot be rendered again later.
    """
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.send(fail_silently=False)
    logger.info("mail %r sent to %d recipient(s)", subject, len(to))
