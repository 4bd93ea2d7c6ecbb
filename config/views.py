"""Error pages in Japanese with a way back (templates/400.html … 500.html, 403_csrf.html).

Django's own handlers render 400 and 500 (no context: nothing here may touch the database). The 403,
404 and CSRF-failure views add ``back_url``, the page the user came from, when it is on this site.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def _back_url(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: shows the reason the view gave to PermissionDenied (``exception``)."""
    context = {"exception": str(exception), "back_url": _back_url(request)}
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: never shows the exception (it may name URL patterns or query details)."""
    return HttpResponseNotFound(
        loader.render_to_string("404.html", {"back_url": _back_url(request)}, request)
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an expired or foreign form, explained in Japanese (``reason`` is for logs)."""
    return HttpResponseForbidden(
        loader.render_to_string("403_csrf.html", {"back_url": _back_url(request)}, request)
    )
