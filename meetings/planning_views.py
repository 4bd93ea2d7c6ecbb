"""The planning pages: 全体スケジュール, 事務局ダッシュボード, カレンダー連携 and the ICS feed itself.

Views stay thin: access helper → selector or service → template. The grid and the dashboard are
built in ``meetings.schedule``, the feeds in ``meetings.feeds``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from council.access import (
    get_council_for_user,
    readable_bodies,
)
from council.models import Body, Council
from council.pages import council_context, selected_fiscal_year
from council.tree import exists_in
from council.wareki import current_fiscal_year
from meetings.feeds import (
    build_ics,
    calendar_feed_create,
    calendar_feed_revoke,
    calendar_feed_touch,
    calendar_name,
    feed_for_token,
    feed_meetings,
    feeds_of,
    get_own_feed,
)
from meetings.models import CalendarFeedScope, Meeting
from meetings.schedule import schedule_for, tree_order


@login_required
@require_safe
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    fiscal_year = selected_fiscal_year(request)
    grid = schedule_for(user=request.user, council=council, fiscal_year=fiscal_year)
    return render(
        request,
        "meetings/schedule.html",
        council_context(request, council, fiscal_year=fiscal_year, schedule=grid),
    )


# --- calendars ----------------------------------------------------------------------------------


class CalendarFeedForm(forms.Form):
    """Which meetings a new calendar URL shows. (Kept here: the page's only form.)"""

    scope = forms.ChoiceField(
        label="カレンダーに表示する会議",
        widget=forms.RadioSelect,
        choices=[
            (CalendarFeedScope.COUNCIL, "協議会全体（閲覧できるすべての会議体の会議）"),
            (CalendarFeedScope.MINE, "自分の会議（自分が担当・所属している会議体の会議）"),
            (CalendarFeedScope.BODY, "会議体を1つ選ぶ"),
        ],
        initial=CalendarFeedScope.COUNCIL,
    )
    body = forms.ModelChoiceField(
        label="会議体",
        queryset=Body.objects.none(),
        required=False,
        empty_label="（選んでください）",
        help_text="「会議体を1つ選ぶ」のときに選びます。",
    )

    def __init__(self, *args, bodies: list[Body], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["body"]
        field.queryset = Body.objects.filter(pk__in=[b.pk for b in bodies])
        labels = {b.pk: "　" * depth + b.name for b, depth in tree_order(bodies)}
        field.choices = [("", field.empty_label)] + [(pk, label) for pk, label in labels.items()]

    def clean(self):
        data = super().clean()
        if data.get("scope") == CalendarFeedScope.BODY and not data.get("body"):
            self.add_error("body", "会議体を選んでください。")
        return data


def _feed_form_bodies(request: HttpRequest, council: Council) -> list[Body]:
    """The bodies one may subscribe to: readable, and existing this 年度 (one ending this year too)."""
    year = current_fiscal_year()
    bodies = readable_bodies(request.user, council).prefetch_related("statuses")
    return [b for b in bodies if exists_in(b, year)]


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("ical_feed", args=[token]))


@login_required
def calendars(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    bodies = _feed_form_bodies(request, council)
    if request.method == "POST":
        form = CalendarFeedForm(request.POST, bodies=bodies)
        if form.is_valid():
            try:
                feed = calendar_feed_create(
                    user=request.user,
                    council=council,
                    scope=form.cleaned_data["scope"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"カレンダーURL「{calendar_name(feed)}」を作成しました。下のURLをカレンダーに登録してください。",
                )
                return redirect("calendars", slug=council.slug)
    elif request.method in ("GET", "HEAD"):
        form = CalendarFeedForm(bodies=bodies)
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    feeds = [
        {"feed": feed, "name": calendar_name(feed), "url": _feed_url(request, feed.token)}
        for feed in feeds_of(user=request.user, council=council)
    ]
    return render(
        request, "meetings/calendars.html", council_context(request, council, form=form, feeds=feeds)
    )


@login_required
@require_POST
def calendar_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    feed = get_own_feed(user=request.user, council=council, pk=pk)
    calendar_feed_revoke(feed=feed)
    messages.success(
        request,
        f"カレンダーURL「{calendar_name(feed)}」を停止しました。このURLではもう予定を取得できません。",
    )
    return redirect("calendars", slug=council.slug)


@require_safe
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS file. No login: the token is the credential (see ``meetings.feeds``)."""
    feed = feed_for_token(token)
    meetings = feed_meetings(feed=feed, today=timezone.localdate())
    slug = feed.council.slug

    def meeting_url(meeting: Meeting) -> str:
        return request.build_absolute_uri(reverse("meeting_detail", args=[slug, meeting.pk]))

    content = build_ics(feed=feed, meetings=meetings, meeting_url=meeting_url)
    calendar_feed_touch(feed=feed)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kyogikai.ics"'
    # The URL is a credential: keep copies out of shared caches and search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
