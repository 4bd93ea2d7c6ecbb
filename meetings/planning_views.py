# TEMPORARY placeholders so base.html's menu resolves while the planning pages are being written.
from django.http import Http404


def schedule(request, slug):
    raise Http404


def dashboard(request, slug):
    raise Http404


def calendars(request, slug):
    raise Http404
