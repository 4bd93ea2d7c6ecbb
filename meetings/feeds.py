"""Calendar feeds: a secret URL per user that Outlook or Google カレンダー subscribe to (ICS).

Calendar apps fetch the URL without signing in, so the token *is* the credential:

* it is ``secrets.token_urlsafe(32)`` (256 random bits), shown only to its owner;
* it can be revoked, and a revoked or unknown token answers 404, like a page that never existed;
* every fetch re-checks what the feed's user may read *now* (``council.access``). A user who lost
  every role in the council, was deactivated, or lost access to the feed's body gets 404: the
  feed is dead, the calendar app stops updating, and nothing says the council exists. A user who
  still has a role but lost some bodies keeps the feed, without those bodies' meetings.

The events carry no personal data: body name, 第N回, date, time and place, and a link to the
meeting page (which asks for a login). Agendas, minutes and 取組・検討内容 never go into a feed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import icalendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from council.access import can_read_body, can_read_council, readable_bodies, roles_of
from council.models import Body, Council, Membership
from council.wareki import fiscal_year_bounds, fiscal_year_of
from meetings.models import CalendarFeed, CalendarFeedScope, Meeting, MeetingFormat, MeetingStatus
from meetings.schedule import meeting_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

TOKEN_BYTES = 32
# Enough for a council-wide feed, one per body and "mine", on a couple of devices; a cap keeps a
# confused script from minting thousands of live credentials.
MAX_ACTIVE_FEEDS = 20
TZ = ZoneInfo("Asia/Tokyo")
PRODID = "-//kyogikai//地域自立支援協議会 事務局システム//JA"
UID_DOMAIN = "kyogikai"
# Calendar apps poll on their own schedule; this is the hint for those that read it.
REFRESH = dt.timedelta(hours=6)
# A fetch updates last_used_at at most this often (apps poll every few minutes to hours).
TOUCH_EVERY = dt.timedelta(hours=1)


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(
    *, user: AbstractBaseUser, council: Council, scope: str, body: Body | None = None
) -> CalendarFeed:
    """Give ``user`` a new secret calendar URL for the council, one body, or their own meetings."""
    if not can_read_council(user, council.pk):
        raise ValidationError("この協議会のカレンダーを作成する権限がありません。")
    if scope not in CalendarFeedScope.values:
        raise ValidationError({"scope": "対象を選んでください。"})
    if scope == CalendarFeedScope.BODY:
        if body is None:
            raise ValidationError({"body": "会議体を選んでください。"})
        if body.council_id != council.pk or not can_read_body(user, body):
            raise ValidationError({"body": "この会議体のカレンダーは作成できません。"})
    else:
        body = None
    active = CalendarFeed.objects.filter(user=user, council=council, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_FEEDS:
        raise ValidationError(
            f"有効なカレンダーURLは{MAX_ACTIVE_FEEDS}件までです。使っていないものを停止してください。"
        )
    feed = CalendarFeed(
        council=council, user=user, scope=scope, body=body, token=secrets.token_urlsafe(TOKEN_BYTES)
    )
    feed.full_clean()
    feed.save()
    return feed


def calendar_feed_revoke(*, feed: CalendarFeed, now: dt.datetime | None = None) -> bool:
    """Stop a feed for good. True when this call stopped it (False: it was already stopped)."""
    now = now or timezone.now()
    stopped = CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=now)
    if stopped:
        feed.revoked_at = now
    return bool(stopped)


def calendar_feed_touch(*, feed: CalendarFeed, now: dt.datetime | None = None) -> None:
    """Record that a calendar app fetched the feed (shown to the owner: 「最終取得」).

    One conditional UPDATE, and only once an hour: polling apps should not write on every fetch.
    """
    now = now or timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)


# --- reads --------------------------------------------------------------------------------------


def feeds_of(*, user: AbstractBaseUser, council: Council) -> list[CalendarFeed]:
    """The user's live feeds in the council, newest first (one query)."""
    feeds = list(
        CalendarFeed.objects.filter(user=user, council=council, revoked_at__isnull=True)
        .select_related("body")
        .order_by("-created_at", "-pk")
    )
    for feed in feeds:
        feed.council = council  # known already: no query per feed for its name
    return feeds


def get_own_feed(*, user: AbstractBaseUser, council: Council, pk: int) -> CalendarFeed:
    """A live feed of the user's own, or 404 (other people's feeds do not exist for them)."""
    feed = CalendarFeed.objects.filter(pk=pk, user=user, council=council, revoked_at__isnull=True).first()
    if feed is None:
        raise Http404
    return feed


def feed_for_token(token: str) -> CalendarFeed:
    """The live feed of a token whose user may still read what it shows, or 404."""
    feed = (
        CalendarFeed.objects.select_related("council", "user", "body")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active or not can_read_council(feed.user, feed.council_id):
        raise Http404
    if feed.scope == CalendarFeedScope.BODY and not can_read_body(feed.user, feed.body):
        raise Http404
    return feed


def feed_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a feed covers: from the start of last 年度 to the end of the 年度 two years ahead."""
    current = fiscal_year_of(today)
    return fiscal_year_bounds(current - 1)[0], fiscal_year_bounds(current + 2)[1]


def feed_bodies(*, feed: CalendarFeed, today: dt.date) -> QuerySet[Body]:
    """The bodies whose meetings the feed shows, always within what its user may read today."""
    bodies = readable_bodies(feed.user, feed.council)
    if feed.scope == CalendarFeedScope.BODY:
        return bodies.filter(pk=feed.body_id)
    if feed.scope == CalendarFeedScope.MINE:
        # 自分の会議: the bodies of the user's chair/member roles, and those their person record
        # sits in today (a secretariat member of 運営会議 has no body role, but it is their meeting).
        role_bodies = [
            role.body_id
            for role in roles_of(feed.user)
            if role.council_id == feed.council_id and role.body_id
        ]
        sitting = Membership.objects.filter(
            person__user=feed.user, body__council=feed.council, term_start__lte=today
        ).filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        return bodies.filter(Q(pk__in=role_bodies) | Q(pk__in=sitting.values("body_id")))
    return bodies


def feed_meetings(*, feed: CalendarFeed, today: dt.date) -> list[Meeting]:
    """The dated meetings of the feed in its window: three queries (roles, meetings, names)."""
    start, end = feed_window(today)
    return list(
        Meeting.objects.filter(body__in=feed_bodies(feed=feed, today=today), date__range=(start, end))
        .select_related("body")
        .prefetch_related("body__names")
        .order_by("date", "start_time", "pk")
    )


# --- ICS ----------------------------------------------------------------------------------------


def calendar_name(feed: CalendarFeed) -> str:
    """The calendar's name in the app: 「みどり野市地域自立支援協議会 全体」."""
    if feed.scope == CalendarFeedScope.BODY and feed.body is not None:
        target = feed.body.name
    elif feed.scope == CalendarFeedScope.MINE:
        target = "自分の会議"
    else:
        target = "全体"
    return f"{feed.council.name} {target}"


def event_summary(meeting: Meeting, body_name: str) -> str:
    """「相談支援部会 第2回」, with the markers people need at a glance in a calendar."""
    text = meeting_label(meeting, body_name)
    if meeting.is_written:
        text += "（書面会議）"
    if meeting.status == MeetingStatus.CANCELLED:
        text = f"【中止】{text}"
    return text


def _tokyo_timezone() -> icalendar.Timezone:
    """VTIMEZONE for Asia/Tokyo: one observance, JST (+09:00), no daylight saving since 1951.

    Written out rather than generated (``add_missing_timezones``), whose version claims to stop
    working in 2038: Japan's offset does not change, so one STANDARD block is right for all dates.
    """
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))  # noqa: DTZ001 - VTIMEZONE onsets are local time by definition
    standard.add("tzoffsetfrom", dt.timedelta(hours=9))
    standard.add("tzoffsetto", dt.timedelta(hours=9))
    standard.add("tzname", "JST")
    timezone_ = icalendar.Timezone()
    timezone_.add("tzid", "Asia/Tokyo")
    timezone_.add_component(standard)
    return timezone_


def _event(meeting: Meeting, *, council: Council, url: str | None) -> icalendar.Event:
    body_name = meeting.body.name_in(meeting.fiscal_year)
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("summary", event_summary(meeting, body_name))
    if meeting.start_time is not None:
        start = dt.datetime.combine(meeting.date, meeting.start_time, tzinfo=TZ)
        event.add("dtstart", start)
        if meeting.end_time is not None:
            event.add("dtend", dt.datetime.combine(meeting.date, meeting.end_time, tzinfo=TZ))
        # No end time: the event has no duration (RFC 5545 §3.6.1); we do not invent one.
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + dt.timedelta(days=1))
    if meeting.place and not meeting.is_written:
        event.add("location", meeting.place)
    lines = [
        council.name,
        f"{body_name} {meeting.sequence_label}（{meeting.get_format_display()}・{meeting.get_status_display()}）",
    ]
    if url:
        lines.append(f"会議の記録（要ログイン）: {url}")
        event.add("url", url)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    if meeting.format == MeetingFormat.WRITTEN or meeting.status == MeetingStatus.CANCELLED:
        event.add("transp", "TRANSPARENT")  # nobody has to be anywhere: do not block the day
    return event


def build_ics(
    *, feed: CalendarFeed, meetings: Iterable[Meeting], meeting_url: Callable[[Meeting], str] | None = None
) -> bytes:
    """The VCALENDAR of the feed: one VEVENT per dated meeting (cancelled ones as CANCELLED, so
    calendars that already show them strike them out). Times are in Asia/Tokyo with its VTIMEZONE."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = calendar_name(feed)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    cal.add_component(_tokyo_timezone())
    for meeting in meetings:
        if meeting.date is None:
            continue
        cal.add_component(
            _event(meeting, council=feed.council, url=meeting_url(meeting) if meeting_url else None)
        )
    return cal.to_ical()
