"""The council's overview pages (see dashboard.selectors) and the protected file downloads."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from council.access import (
    can_edit_body,
    check_body,
    for_user,
    get_body_for_user,
    get_council_for_secretariat,
    get_council_for_user,
)
from council.pages import council_context, selected_fiscal_year
from council.wareki import format_wareki
from dashboard.selectors import body_page, council_tree, dashboard_for
from meetings.models import Handout
from reports.models import ReportJob


@login_required
def council_home(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    fiscal_year = selected_fiscal_year(request)
    rows = council_tree(council=council, user=request.user, fiscal_year=fiscal_year)
    context = council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        tree=[row for row in rows if row.body.kind != "liaison"],
        liaison=[row for row in rows if row.body.kind == "liaison"],
    )
    return render(request, "dashboard/council_home.html", context)


@login_required
def body_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    body = get_body_for_user(request.user, council, pk)
    fiscal_year = selected_fiscal_year(request)
    context = council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        can_edit=can_edit_body(request.user, body),
        **body_page(body=body, fiscal_year=fiscal_year),
    )
    return render(request, "dashboard/body_detail.html", context)


@login_required
def protected_file(request: HttpRequest, name: str) -> HttpResponse:
    """Serve an uploaded handout or a generated report to the people who may read its body.

    A handout follows its meeting's body; a body document (報告書・評価シート) its body; a
    council-wide document (schedule, summary, book — which leave case conferences out) anyone of
    the council. Anything else — another council's file, a case conference's file for someone not
    in it, a guessed path, a file no record points to — is 404, so the answer does not tell whether
    the file exists.
    """
    handout = (
        for_user(Handout.objects.filter(file=name), request.user).select_related("meeting__body").first()
    )
    if handout is not None:
        record, body = handout, handout.meeting.body
    else:
        record = for_user(ReportJob.objects.filter(file=name), request.user).select_related("body").first()
        body = record.body if record is not None else None
    if record is None or not record.file:
        raise Http404
    if body is not None:
        check_body(
            request.user, body, reading=record
        )  # 404, or the pledge first for a case conference's file
    content_type = (
        getattr(record, "content_type", "") or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response = FileResponse(record.file.open("rb"), as_attachment=True, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_safe
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_secretariat(request.user, slug, page="事務局ダッシュボード")
    data = dashboard_for(council=council, user=request.user, today=timezone.localdate())
    return render(
        request,
        "dashboard/dashboard.html",
        council_context(
            request,
            council,
            fiscal_year=data.fiscal_year,
            dashboard=data,
            today_label=format_wareki(data.today, weekday=True),
        ),
    )
