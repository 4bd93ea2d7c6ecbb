"""The lockout message says how long to wait, from settings.AXES_COOLOFF_TIME (not a fixed 30分)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.templatetags.signin import japanese_duration

pytestmark = pytest.mark.django_db


def _lock_out(client) -> str:
    for _ in range(10):
        response = client.post(
            reverse("login"), {"username": "secretariat", "password": "wrong"}, REMOTE_ADDR="192.0.2.30"
        )
    assert response.status_code == 429
    return response.content.decode()


@pytest.mark.parametrize(
    ("cooloff", "shown"),
    [
        (dt.timedelta(minutes=30), "30分ほど"),
        (dt.timedelta(minutes=5), "5分ほど"),
        (dt.timedelta(hours=2), "2時間ほど"),
    ],
)
def test_lockout_message_follows_the_setting(client, settings, secretariat, cooloff, shown):
    settings.AXES_COOLOFF_TIME = cooloff
    html = _lock_out(client)
    assert f"しばらくログインできません。{shown}待ってから、もう一度お試しください。" in html
    if shown != "30分ほど":
        assert "30分" not in html


def test_lockout_without_cooloff_asks_for_an_unlock(client, settings, secretariat):
    settings.AXES_COOLOFF_TIME = None  # locked until someone resets it
    html = _lock_out(client)
    assert "ロックの解除を依頼してください" in html


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.timedelta(minutes=30), "30分"),
        (dt.timedelta(minutes=90), "1時間30分"),
        (dt.timedelta(hours=1), "1時間"),
        (dt.timedelta(seconds=20), "1分"),
        (None, ""),
    ],
)
def test_japanese_duration(value, text):
    assert japanese_duration(value) == text
