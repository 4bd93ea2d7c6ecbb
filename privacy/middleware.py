"""The one place a missing pledge becomes a redirect (the rule itself: council.access)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from council.access import PledgeRequired
from privacy.views import pledge_url


class PledgeRequiredMiddleware:
    """Turns ``PledgeRequired`` raised anywhere in a view into the pledge page, which comes back after.

    A GET comes back where it was; a form sent meanwhile goes to the body's page (the form's data
    cannot be replayed by a redirect).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PledgeRequired):
            return None
        body, council = exception.body, exception.council
        if request.method in ("GET", "HEAD"):
            back = request.get_full_path()
        elif body is not None:
            back = reverse("body_detail", args=[council.slug, body.pk])
        else:
            back = request.META.get("HTTP_REFERER", "") or reverse("council_home", args=[council.slug])
        return redirect(pledge_url(council, back))
