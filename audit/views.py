from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.forms import AuditSearchForm, ReadLogSearchForm
from audit.selectors import (
    audit_available,
    audit_rows,
    events_for_council,
    events_for_keys,
    page_keys,
    read_records_for_council,
)
from council.access import get_council_for_secretariat, require_pledge
from council.models import Body, BodyKind
from council.pages import council_context
from council.wareki import format_wareki

PAGE_SIZE = 50


@login_required
def audit_search(request: HttpRequest, slug: str) -> HttpResponse:
    """変更履歴: who created, changed or deleted which record of the council, and what changed."""
    council = get_council_for_secretariat(request.user, slug, page="変更履歴")
    # The history holds every record, case conferences (個別支援会議) included: 守秘義務 first.
    require_pledge(request.user, council)
    form = AuditSearchForm(request.GET or None)
    context = council_context(request, council, form=form, available=audit_available(), page=None, rows=[])
    if context["available"] and (not form.is_bound or form.is_valid()):
        query = form.to_query() if form.is_bound else None
        keys = page_keys(events_for_council(council_id=council.pk, query=query))
        page = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, rows=audit_rows(events_for_keys(list(page.object_list))))
        querystring = request.GET.copy()
        querystring.pop("page", None)
        context["query"] = querystring.urlencode()
    return render(request, "audit/audit_search.html", context)


@login_required
@require_safe
def read_log(request: HttpRequest, slug: str) -> HttpResponse:
    """閲覧記録: who opened which case-conference content (個別支援会議) when; ?format=csv downloads it."""
    council = get_council_for_secretariat(request.user, slug, page="閲覧記録")
    # The records name case conferences and their meetings: 守秘義務 first, as for the history.
    require_pledge(request.user, council)
    bodies = list(
        Body.objects.filter(council=council, kind=BodyKind.CASE_CONFERENCE)
        .order_by("sort_order", "pk")
        .values_list("pk", "name")
    )
    params = request.GET.copy()
    wants_csv = params.pop("format", [""])[-1] == "csv"
    params.pop("page", None)
    form = ReadLogSearchForm(params or None, bodies=bodies)
    context = council_context(
        request,
        council,
        form=form,
        page=None,
        query=params.urlencode(),
        retention_years=settings.READ_LOG_RETENTION_YEARS,
    )
    if form.is_bound and not form.is_valid():
        return render(request, "audit/read_log.html", context)
    records = read_records_for_council(
        council_id=council.pk, query=form.to_query() if form.is_bound else None
    )
    if wants_csv:
        return _read_log_csv(council.slug, records)
    context["page"] = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/read_log.html", context)


def _read_log_csv(slug: str, records) -> HttpResponse:
    """UTF-8 with BOM (Excel opens it ungarbled), one row a read, times in 和暦 and ISO 8601."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "閲覧日時",
            "閲覧日時（ISO 8601）",
            "閲覧した人",
            "個別支援会議",
            "閲覧した内容",
            "記録の種類",
            "記録の番号",
        ]
    )
    for record in records.iterator():
        at = timezone.localtime(record.read_at)
        writer.writerow(
            [
                f"{format_wareki(at.date())} {at:%H:%M:%S}",
                at.isoformat(),
                _text(record.user_name),
                _text(record.body_name),
                _text(record.subject_label),
                record.subject_kind,
                "" if record.subject_id is None else record.subject_id,
            ]
        )
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{slug}-read-log-{stamp}.csv"
    return response


def _text(value: str) -> str:
    """Text that Excel would take for a formula stays text (a leading apostrophe)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
