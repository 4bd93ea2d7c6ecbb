from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.forms import AuditSearchForm
from audit.selectors import audit_available, audit_rows, events_for_council, events_for_keys, page_keys
from council.access import get_council_for_secretariat, require_pledge
from council.pages import council_context

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
