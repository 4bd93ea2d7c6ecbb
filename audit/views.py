from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from audit.forms import AuditSearchForm
from audit.selectors import audit_available, audit_rows, events_for_council, events_for_keys, page_keys
from council.access import get_council_for_user, has_confirmed_pledge, is_secretariat_of
from council.pages import council_context
from privacy.views import pledge_url

PAGE_SIZE = 50


@login_required
def audit_search(request: HttpRequest, slug: str) -> HttpResponse:
    """変更履歴: who created, changed or deleted which record of the council, and what changed."""
    council = get_council_for_user(request.user, slug)
    if not is_secretariat_of(request.user, council.pk):
        raise PermissionDenied("変更履歴は事務局の方だけが見られます。")
    if not has_confirmed_pledge(request.user, council.pk):
        # The history holds every record, case conferences (個別支援会議) included: 守秘義務 first.
        return redirect(pledge_url(council, request.get_full_path()))
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
