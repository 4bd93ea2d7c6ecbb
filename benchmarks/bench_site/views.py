"""Baselines: what any page costs before it does its own work.

* ``minimal``: signed in, one indexed 50-row query, a small template of its own.
* ``frame``: a council page as every page starts (the council through the access layer, the menu's
  roles in ``council_context``), extending ``base.html`` with the menu, and one 50-row query.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from council.access import for_user, get_council_for_user
from council.models import Person
from council.pages import council_context


@login_required
def minimal(request):
    rows = list(for_user(Person.objects.order_by("pk"), request.user).values_list("pk", "name")[:50])
    return render(request, "bench/minimal.html", {"rows": rows})


@login_required
def frame(request, slug):
    council = get_council_for_user(request.user, slug)
    people = for_user(Person.objects.filter(council=council).order_by("pk"), request.user)
    rows = list(people.values_list("pk", "name")[:50])
    return render(request, "bench/frame.html", council_context(request, council, rows=rows))
