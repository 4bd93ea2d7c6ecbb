"""Calendar feeds: the カレンダー連携 page, and the ICS file calendar apps fetch with a secret token.

Decision tested here: a feed whose user no longer has any role in the council (or lost the
feed's body, or was deactivated) answers 404, exactly like a revoked or unknown token.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from council.models import Role, RoleKind
from council.services import role_grant
from meetings.feeds import (
    MAX_ACTIVE_FEEDS,
    build_ics,
    calendar_feed_create,
    calendar_feed_revoke,
    event_summary,
    feed_meetings,
)
from meetings.models import CalendarFeed, CalendarFeedScope, MeetingFormat, MeetingStatus
from tests.factories import MeetingFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def _soon(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def meetings(plenary, steering, subcommittee, other_subcommittee, case_conference, liaison):
    """Meetings around today: the feed window is computed from the real date."""
    return {
        "sub1": MeetingFactory(
            body=subcommittee,
            date=_soon(-20),
            start_time=dt.time(13, 30),
            end_time=dt.time(15, 0),
            place="総合福祉センター 研修室",
            status=MeetingStatus.HELD,
            agenda="Aさんの支援について",
        ),
        "sub2": MeetingFactory(body=subcommittee, date=_soon(20), start_time=dt.time(10, 0)),
        "written": MeetingFactory(body=steering, date=_soon(10), format=MeetingFormat.WRITTEN, place=""),
        "cancelled": MeetingFactory(body=other_subcommittee, date=_soon(30), status=MeetingStatus.CANCELLED),
        "case": MeetingFactory(
            body=case_conference,
            date=_soon(5),
            title="個別支援会議（北部地区）",
            start_time=dt.time(10, 0),
            end_time=dt.time(11, 0),
        ),
        "liaison": MeetingFactory(body=liaison, date=_soon(40)),
        "undated": MeetingFactory(body=plenary, fiscal_year=timezone.localdate().year + 1),
        "old": MeetingFactory(body=plenary, date=_soon(-3 * 366)),
    }


def _fetch(client, feed_or_token, method="get"):
    token = getattr(feed_or_token, "token", feed_or_token)
    return getattr(client, method)(reverse("ical_feed", args=[token]))


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(cal) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def _uid(meeting) -> str:
    return f"meeting-{meeting.pk}@kyogikai"


# --- the ICS file -------------------------------------------------------------------------------


def test_council_feed_lists_dated_meetings_with_names_and_times(client, secretariat, council, meetings):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)

    cal = _calendar(_fetch(client, feed))

    assert str(cal["version"]) == "2.0" and "kyogikai" in str(cal["prodid"])
    assert str(cal["x-wr-calname"]) == "みどり市地域自立支援協議会 全体"
    events = _events(cal)
    expected = {"sub1", "sub2", "written", "cancelled", "case", "liaison"}  # not undated, not old
    assert set(events) == {_uid(meetings[k]) for k in expected}

    sub1 = events[_uid(meetings["sub1"])]
    assert str(sub1["summary"]) == "相談支援部会 第1回"
    assert sub1.start == dt.datetime.combine(meetings["sub1"].date, dt.time(13, 30), tzinfo=TOKYO)
    assert sub1.end == dt.datetime.combine(meetings["sub1"].date, dt.time(15, 0), tzinfo=TOKYO)
    assert str(sub1["location"]) == "総合福祉センター 研修室"
    assert reverse("meeting_detail", args=[council.slug, meetings["sub1"].pk]) in str(sub1["url"])
    assert str(events[_uid(meetings["sub2"])]["summary"]) == "相談支援部会 第2回"

    written = events[_uid(meetings["written"])]
    assert str(written["summary"]) == "運営会議 第1回（書面会議）"
    assert written.start == meetings["written"].date  # all day: a DATE, not a time
    assert written.end == meetings["written"].date + dt.timedelta(days=1)

    cancelled = events[_uid(meetings["cancelled"])]
    assert str(cancelled["status"]) == "CANCELLED" and str(cancelled["summary"]).startswith("【中止】")
    assert str(events[_uid(meetings["case"])]["summary"]) == "個別支援会議 第1回（北部地区）"
    assert "Asia/Tokyo" in {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}


def test_calendar_headers_for_the_apps(client, secretariat, council, meetings):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    response = _fetch(client, feed)
    text = response.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in text and "X-PUBLISHED-TTL:PT6H" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo" in text
    assert response["Cache-Control"] == "private, no-store"


def test_feed_carries_no_agenda_or_minutes(client, secretariat, council, meetings):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    text = _fetch(client, feed).content.decode()
    assert "Aさん" not in text


def test_uid_is_stable_across_fetches_and_edits(client, secretariat, council, meetings):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    first = _events(_calendar(_fetch(client, feed)))
    meeting = meetings["sub2"]
    meeting.place = "市役所 会議室2"
    meeting.save(update_fields=["place", "updated_at"])

    second = _events(_calendar(_fetch(client, feed)))

    assert set(first) == set(second)
    assert str(second[_uid(meeting)]["location"]) == "市役所 会議室2"


def test_body_feed_shows_that_body_only(client, chair, council, subcommittee, meetings):
    feed = calendar_feed_create(user=chair, council=council, scope=CalendarFeedScope.BODY, body=subcommittee)
    cal = _calendar(_fetch(client, feed))
    assert set(_events(cal)) == {_uid(meetings["sub1"]), _uid(meetings["sub2"])}
    assert str(cal["x-wr-calname"]) == "みどり市地域自立支援協議会 相談支援部会"


def test_member_council_feed_is_limited_to_what_they_read(client, member, council, meetings):
    feed = calendar_feed_create(user=member, council=council, scope=CalendarFeedScope.COUNCIL)
    assert set(_events(_calendar(_fetch(client, feed)))) == {_uid(meetings["sub1"]), _uid(meetings["sub2"])}


def test_case_conference_never_reaches_a_reviewer(client, reviewer, council, case_conference, meetings):
    feed = calendar_feed_create(user=reviewer, council=council, scope=CalendarFeedScope.COUNCIL)
    events = _events(_calendar(_fetch(client, feed)))
    assert _uid(meetings["case"]) not in events
    assert _uid(meetings["sub1"]) in events
    with pytest.raises(ValidationError):
        calendar_feed_create(
            user=reviewer, council=council, scope=CalendarFeedScope.BODY, body=case_conference
        )


def test_mine_feed_has_the_bodies_of_roles_and_current_memberships(client, chair, council, liaison, meetings):
    person = PersonFactory(council=council, user=chair)
    MembershipFactory(body=liaison, person=person, term_start=dt.date(2020, 4, 1))
    feed = calendar_feed_create(user=chair, council=council, scope=CalendarFeedScope.MINE)

    events = _events(_calendar(_fetch(client, feed)))

    assert set(events) == {_uid(meetings["sub1"]), _uid(meetings["sub2"]), _uid(meetings["liaison"])}


def test_feed_meetings_window_and_query_count(secretariat, council, meetings, django_assert_num_queries):
    feed = CalendarFeed.objects.select_related("council", "user", "body").get(
        pk=calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL).pk
    )
    with django_assert_num_queries(
        5
    ):  # roles (granted, from memberships), pledge confirmations, meetings, body names
        rows = feed_meetings(feed=feed, today=timezone.localdate())
        build_ics(feed=feed, meetings=rows)
    assert meetings["old"].pk not in {m.pk for m in rows}


def test_head_request_and_last_used(client, secretariat, council, meetings):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    assert feed.last_used_at is None
    assert _fetch(client, feed, "head").status_code == 200
    feed.refresh_from_db()
    assert feed.last_used_at is not None
    assert _fetch(client, feed, "post").status_code == 405


# --- the token is the credential ----------------------------------------------------------------


def test_token_is_long_random_and_unique(secretariat, council, plenary):
    tokens = {
        calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL).token
        for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(t) >= 43 for t in tokens)  # 32 random bytes, URL-safe base64


def test_revoked_token_is_404(client, secretariat, council, meetings):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    assert calendar_feed_revoke(feed=feed) is True
    assert calendar_feed_revoke(feed=feed) is False  # already stopped
    assert _fetch(client, feed).status_code == 404


def test_unknown_token_is_404(client, secretariat, council, meetings):
    calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    assert _fetch(client, "x" * 43).status_code == 404


def test_feed_of_a_user_who_lost_their_role_is_404(client, member, council, meetings):
    feed = calendar_feed_create(user=member, council=council, scope=CalendarFeedScope.COUNCIL)
    assert _fetch(client, feed).status_code == 200

    Role.objects.filter(user=member, council=council).delete()

    assert _fetch(client, feed).status_code == 404


def test_body_feed_stops_when_the_body_role_goes(client, member, council, subcommittee, plenary, meetings):
    feed = calendar_feed_create(user=member, council=council, scope=CalendarFeedScope.BODY, body=subcommittee)
    role_grant(user=member, council=council, kind=RoleKind.MEMBER, body=plenary)  # still in the council
    Role.objects.filter(user=member, body=subcommittee).delete()

    assert _fetch(client, feed).status_code == 404


def test_deactivated_user_feed_is_404(client, secretariat, council, meetings):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    secretariat.is_active = False
    secretariat.save(update_fields=["is_active"])
    assert _fetch(client, feed).status_code == 404


def test_create_refuses_other_councils_and_too_many(
    secretariat, council, other_council_subcommittee, plenary
):
    with pytest.raises(ValidationError):
        calendar_feed_create(
            user=secretariat, council=council, scope=CalendarFeedScope.BODY, body=other_council_subcommittee
        )
    for _ in range(MAX_ACTIVE_FEEDS):
        calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    with pytest.raises(ValidationError):
        calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)


def test_summary_markers():
    from meetings.models import Meeting

    meeting = Meeting(
        sequence=3, title="臨時会議", format=MeetingFormat.WRITTEN, status=MeetingStatus.CANCELLED
    )
    assert event_summary(meeting, "全体会") == "【中止】全体会 第3回 臨時会議（書面会議）"


# --- the カレンダー連携 page ----------------------------------------------------------------------


def _page(council) -> str:
    return reverse("calendars", args=[council.slug])


def test_page_lists_own_feeds_with_absolute_urls(client, secretariat, chair, council, plenary):
    mine = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    theirs = calendar_feed_create(user=chair, council=council, scope=CalendarFeedScope.COUNCIL)
    client.force_login(secretariat)

    html = client.get(_page(council)).content.decode()

    assert f"http://testserver/ical/{mine.token}.ics" in html
    assert theirs.token not in html
    assert "URLで追加" in html and "Outlook" in html and "Google カレンダー" in html


def test_create_from_the_page(client, member, council, subcommittee):
    client.force_login(member)
    response = client.post(_page(council), {"scope": "body", "body": subcommittee.pk})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=member)
    assert (feed.scope, feed.body, feed.council) == ("body", subcommittee, council)


def test_create_refuses_a_body_the_user_cannot_read(client, member, council, other_subcommittee):
    client.force_login(member)
    response = client.post(_page(council), {"scope": "body", "body": other_subcommittee.pk})
    assert response.status_code == 200
    assert not CalendarFeed.objects.exists()


def test_body_scope_needs_a_body(client, member, council, subcommittee):
    client.force_login(member)
    response = client.post(_page(council), {"scope": "body", "body": ""})
    assert response.status_code == 200 and "会議体を選んでください" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_revoke_from_the_page(client, secretariat, council, plenary):
    feed = calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    client.force_login(secretariat)
    url = reverse("calendar_revoke", args=[council.slug, feed.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert feed.token not in client.get(_page(council)).content.decode()
    assert client.post(url).status_code == 404  # already stopped


def test_cannot_revoke_someone_elses_feed(client, secretariat, chair, council, plenary):
    feed = calendar_feed_create(user=chair, council=council, scope=CalendarFeedScope.COUNCIL)
    client.force_login(secretariat)
    assert client.post(reverse("calendar_revoke", args=[council.slug, feed.pk])).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_outsider_and_anonymous(client, outsider, council, plenary):
    response = client.get(_page(council))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(outsider)
    assert client.get(_page(council)).status_code == 404
    assert client.post(_page(council), {"scope": "council"}).status_code == 404


def test_page_query_count_is_constant(client, secretariat, council, plenary, django_assert_num_queries):
    client.force_login(secretariat)
    calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.COUNCIL)
    # session, user, council, roles, pledge confirmations, the form's bodies and their statuses,
    # the feeds
    with django_assert_num_queries(9) as small:
        client.get(_page(council))
    for _ in range(4):
        calendar_feed_create(user=secretariat, council=council, scope=CalendarFeedScope.BODY, body=plenary)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(_page(council))
