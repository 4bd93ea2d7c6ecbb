from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from council.access import council_ids_for
from council.models import Council


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The councils the user works in; straight to the council when there is only one."""
    councils = Council.objects.order_by("name")
    if not request.user.is_superuser:
        councils = councils.filter(pk__in=council_ids_for(request.user))
    councils = list(councils)
    if len(councils) == 1:
        return redirect("council_home", councils[0].slug)
    return render(request, "council/home.html", {"councils": councils})
