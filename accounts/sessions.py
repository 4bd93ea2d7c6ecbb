"""Idle time, not time since sign-in, ends a session, in every mode; pages warn before it ends.

A session's end in the database is set each time it is saved (now + SESSION_COOKIE_AGE). Saving
it on every request (SESSION_SAVE_EVERY_REQUEST) costs one UPDATE a request; here a request saves
it only when the last renewal is more than ``RENEW_EVERY`` seconds old, so a session ends after
SESSION_COOKIE_AGE without a request, give or take those seconds, for one write every few minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_KEY
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_kyogikai_renewed"
RENEW_EVERY = 300
# The page offers to extend the session this long before it ends.
WARN_BEFORE = 5 * 60


def renew(session) -> None:
    session[RENEWED_KEY] = int(time.time())


def renew_at_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the session's clock starts at sign-in."""
    renew(request.session)


class SessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        renewal_due = session is not None and USER_KEY in session
        if renewal_due and time.time() - session.get(RENEWED_KEY, 0) > RENEW_EVERY:
            renew(session)
        return self.get_response(request)


def session_timer(request: HttpRequest) -> dict:
    """Context processor: seconds until a signed-in session ends, for the warning of base.html."""
    session = getattr(request, "session", None)
    if session is None or USER_KEY not in session:
        return {}
    ends_in = int(session.get(RENEWED_KEY, time.time()) + settings.SESSION_COOKIE_AGE - time.time())
    return {"session_ends_in": max(ends_in, 0), "session_warn_before": WARN_BEFORE}
