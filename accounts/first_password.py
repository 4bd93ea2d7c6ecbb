"""The first password of a printed letter must be replaced at the first sign-in.

At sign-in (``user_logged_in``) the account's open letter, if any, is looked up once and the
answer written into the session; ``accounts.middleware.FirstPasswordMiddleware`` then reads only
the session, so users who owe nothing cost no query per page.
"""

from __future__ import annotations

from typing import Any

from accounts.models import FirstPasswordLetter

SESSION_KEY = "accounts_first_password_due"


def first_password_due(user: Any) -> bool:
    """True while the account still has the first password of a letter."""
    if not user.is_authenticated:
        return False
    return FirstPasswordLetter.objects.filter(user_id=user.pk, changed_at__isnull=True).exists()


def remember_first_password_due(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if first_password_due(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)
