"""Idle time, not time since sign-in, ends a session; the page warns before it ends."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.sessions import RENEW_EVERY, RENEWED_KEY

pytestmark = pytest.mark.django_db


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[RENEWED_KEY] = int(time.time()) - seconds
    session.save()


def test_an_active_user_is_renewed_and_a_quiet_minute_writes_nothing(client, secretariat, council):
    client.force_login(secretariat)
    page = f"/c/{council.slug}/"
    assert client.get(page).status_code == 200
    before = _expiry(client)
    with CaptureQueriesContext(connection) as queries:
        client.get(page)
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    # The last renewal is older than RENEW_EVERY: the next request starts the idle time again.
    _age_session(client, RENEW_EVERY + 60)
    # As the database has it after ten quiet minutes: the end is 110 minutes away.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 600)
    )
    client.get(page)
    renewed = _expiry(client)
    assert renewed >= before and renewed > timezone.now() + dt.timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 60
    )
    assert client.session[RENEWED_KEY] >= int(time.time()) - 5


def test_the_page_counts_down_to_the_end_and_offers_to_extend(client, secretariat, council):
    client.force_login(secretariat)
    _age_session(client, 100)
    text = client.get(f"/c/{council.slug}/").content.decode()
    assert 'id="session-warning"' in text and "ログインを延長する" in text
    ends_in = int(text.split('data-ends-in="')[1].split('"')[0])
    assert settings.SESSION_COOKIE_AGE - 110 <= ends_in <= settings.SESSION_COOKIE_AGE - 95
    response = client.post("/accounts/session/extend/", HTTP_ACCEPT="application/json")
    assert response.json() == {"ends_in": settings.SESSION_COOKIE_AGE}
    assert client.session[RENEWED_KEY] >= int(time.time()) - 5
    response = client.post("/accounts/session/extend/", HTTP_REFERER=f"http://testserver/c/{council.slug}/")
    assert response.status_code == 302 and response["Location"].endswith(f"/c/{council.slug}/")


def test_signed_out_pages_have_no_warning(client):
    text = client.get("/accounts/login/").content.decode()
    assert "session-warning" not in text
