from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import urlencode

from accounts.first_password import SESSION_KEY as FIRST_PASSWORD_KEY
from accounts.two_factor import ENFORCED_ROLES, SESSION_KEY, SETUP, VERIFY, confirmed_device
from council.access import roles_of

ADMIN_PREFIX = "/admin/"

# Pages a user between password and code may still open: the two steps themselves, signing out,
# and the calendar feeds (which authenticate by their token, not by the session).
ALLOWED_URL_NAMES = frozenset({"logout", "login", "ical_feed"})


class SecondFactorMiddleware:
    """Until the code is entered, every page (the admin included) leads to the setup or code page.

    Goes after ``django_otp.middleware.OTPMiddleware``. Costs nothing for users who owe no second
    factor: the decision was written into the session at sign-in (``accounts.two_factor``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        due = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if not due and hasattr(request, "session"):
            due = self._required_since_sign_in(request)
        if due and request.user.is_authenticated and not request.user.is_verified():
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            target = "two_factor_setup" if due == SETUP else "two_factor_verify"
            if name not in ALLOWED_URL_NAMES and name != target:
                url = redirect(target).url
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _required_since_sign_in(request: HttpRequest) -> str | None:
        """A council that turned 2FA on, or a 事務局 role given, while the user was signed in.

        Read from the user's roles, which every page reads anyway (``roles_of`` keeps them on the
        user object for the request), so a live session is held to the rule from its next page
        without a query of its own; the device is looked up only for a user who now owes a code.
        """
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not any(
            role.kind in ENFORCED_ROLES and role.council.require_two_factor and role.pk
            for role in roles_of(user)
        ):
            return None
        due = VERIFY if confirmed_device(user) is not None else SETUP
        request.session[SESSION_KEY] = due
        return due


# Pages a user with a letter's first password may still open besides the change page itself.
FIRST_PASSWORD_ALLOWED = frozenset(
    {"logout", "login", "ical_feed", "first_password_change", "session_extend"}
)


class FirstPasswordMiddleware:
    """Until the first password of a printed letter is replaced, every page (the admin included)
    leads to 「パスワードの変更」 (``accounts.views.first_password_change``).

    Goes after the second factor's middleware (a user owing both enters the code first). Reads the
    session only: the letter was looked up at sign-in (``accounts.first_password``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        due = request.session.get(FIRST_PASSWORD_KEY) if hasattr(request, "session") else None
        if due and request.user.is_authenticated:
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in FIRST_PASSWORD_ALLOWED:
                url = redirect("first_password_change").url
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus inline styles on the admin's pages only.

    Our pages allow styles from our own files only. The admin's select2 autocomplete widgets (and
    django-import-export's pages) write ``style=""`` attributes that the browser would refuse, so
    under /admin/ — and nowhere else — style-src also allows 'unsafe-inline'. Scripts stay strict
    everywhere.
    """

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX) and not report_only:
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), "'unsafe-inline'"]
            parts.update = update
        return parts
