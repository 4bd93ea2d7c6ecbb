"""Forms that create something are sent once: a double click or a resubmit from 戻る shows the
record the first submission created instead of creating another.

The form carries a one-time token (``{% submit_token %}`` of ``council/templatetags/submit_once``);
the view is wrapped in ``submit_once``. A request with a token takes a transaction lock on it,
looks for an earlier submission of it, and otherwise runs the view and, if the view redirects (it
created something), records the token with that address, in the same transaction. A second
request with the same token waits on the lock until the first commits, then finds the record and
is redirected to what the first made. A submission that created nothing (the form had errors)
leaves no record, so the corrected form can be sent with the same token.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect

from council.models import Council, FormSubmission

TOKEN_FIELD = "submit_token"
ALREADY_SENT = (
    "この内容はすでに送信され、登録されています。二度押しや「戻る」からの再送信では、"
    "二重に登録しません。登録された内容を表示しています。"
)


def new_token() -> str:
    return str(uuid.uuid4())


def _posted_token(request: HttpRequest) -> uuid.UUID | None:
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
    except ValueError:
        return None


def _earlier(request: HttpRequest, token: uuid.UUID) -> HttpResponse | None:
    earlier = FormSubmission.objects.filter(token=token, user=request.user).first()
    if earlier is None or not earlier.result_url:
        return None
    messages.info(request, ALREADY_SENT)
    return redirect(earlier.result_url)


def _serialise(token: uuid.UUID) -> None:
    """Requests with the same token run one after the other (PostgreSQL: a lock held until the
    transaction ends; SQLite already runs one writing transaction at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [token.int & (2**63 - 1)])


def submit_once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view whose successful POST creates something and redirects to it. The view's URL
    has the council's ``slug``; a POST without a token (an old page) works as before. Nothing is
    written for a request that does not succeed (refused, or a form with errors)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = _posted_token(request)
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            _serialise(token)
            seen = _earlier(request, token)
            if seen is not None:
                return seen
            response = view(request, *args, **kwargs)
            council_id = Council.objects.filter(slug=kwargs.get("slug")).values_list("pk", flat=True).first()
            if isinstance(response, HttpResponseRedirect) and council_id is not None:
                try:
                    with transaction.atomic():
                        FormSubmission.objects.create(
                            council_id=council_id,
                            user=request.user,
                            token=token,
                            result_url=response["Location"],
                        )
                except IntegrityError:
                    pass  # a token someone else sent (a tampered form): nothing to remember
            return response

    return wrapper
