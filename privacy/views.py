"""Pages of the pledge (守秘義務の確認) and of personal-data requests (開示・削除の求め).

A reader who has not confirmed the council's current pledge is sent to the pledge page by
``privacy.middleware`` (council.access raises ``PledgeRequired``) and comes back after.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from council.access import get_council_for_secretariat, get_council_for_user, require_pledge
from council.models import Council, Person
from council.pages import council_context
from privacy import selectors, services
from privacy.forms import DataRequestForm, ErasureForm
from privacy.models import RequestKind


def pledge_url(council: Council, next_url: str = "") -> str:
    url = reverse("pledge", args=[council.slug])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _safe_next(request: HttpRequest, council: Council) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("council_home", args=[council.slug])


@login_required
@require_http_methods(["GET", "POST"])
def pledge(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    current = services.pledge_ensure(council=council)
    if request.method == "POST":
        services.pledge_confirm(user=request.user, council=council)
        messages.success(request, f"守秘義務の確認（第{current.version}版）を記録しました。")
        return redirect(_safe_next(request, council))
    confirmation = current.confirmations.filter(user=request.user).first()
    context = council_context(
        request, council, pledge=current, confirmation=confirmation, next=_safe_next(request, council)
    )
    return render(request, "privacy/pledge.html", context)


def _secretariat_council(request: HttpRequest, slug: str) -> Council:
    return get_council_for_secretariat(request.user, slug, page="守秘義務の確認状況と個人情報の求め")


@login_required
@require_http_methods(["GET"])
def pledge_status(request: HttpRequest, slug: str) -> HttpResponse:
    council = _secretariat_council(request, slug)
    current, rows = selectors.pledge_status(council=council)
    context = council_context(
        request,
        council,
        pledge=current,
        rows=rows,
        unconfirmed=sum(1 for row in rows if row.current is None),
    )
    return render(request, "privacy/pledge_status.html", context)


# --- personal-data requests ----------------------------------------------------------------------


def _person(request: HttpRequest, slug: str, pk: int) -> tuple[Council, Person]:
    council = _secretariat_council(request, slug)
    person = (
        Person.objects.select_related("council", "organization", "user")
        .filter(council=council, pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    # A disclosure carries the person's case-conference attendance: the pledge first.
    require_pledge(request.user, council)
    return council, person


def _person_context(request: HttpRequest, council: Council, person: Person, **extra) -> dict:
    return council_context(
        request,
        council,
        person=person,
        memberships=person.memberships.count(),
        attendances=person.attendances.count(),
        comments=person.evaluation_comments.count(),
        requests=person.data_requests.order_by("-handled_at"),
        **extra,
    )


@login_required
@require_http_methods(["GET"])
def person_privacy(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, person = _person(request, slug, pk)
    context = _person_context(request, council, person, form=DataRequestForm())
    return render(request, "privacy/person_privacy.html", context)


@login_required
@require_POST
def person_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, person = _person(request, slug, pk)
    form = DataRequestForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "privacy/person_privacy.html",
            _person_context(request, council, person, form=form),
            status=400,
        )
    services.personal_data_request_record(
        person=person,
        kind=RequestKind.DISCLOSURE,
        requested_by=form.cleaned_data["requested_by"],
        reason=form.cleaned_data["reason"],
        by=request.user,
    )
    data = services.person_export(person=person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, person = _person(request, slug, pk)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.person_erase(
            person=person,
            requested_by=form.cleaned_data["requested_by"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, f"人物ID {person.pk} の個人情報を削除（匿名化）しました。")
        return redirect("person_privacy", council.slug, person.pk)
    context = _person_context(request, council, person, form=form, placeholder=services.erased_label(person))
    return render(request, "privacy/person_erase.html", context, status=400 if form.errors else 200)
