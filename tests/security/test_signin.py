"""Sign-in hardening: ten wrong passwords lock the user name from that address for 30 minutes."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-only"  # tests.factories.UserFactory
LOCKED = (
    "ログインに続けて失敗したため、しばらくログインできません。30分ほど待ってから、もう一度お試しください。"
)


def _sign_in(client, username: str, password: str, ip: str = "192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_ten_failures_lock_the_sign_in_even_with_the_right_password(client, secretariat):
    for _ in range(9):
        response = _sign_in(client, "secretariat", "wrong-password")
        assert response.status_code == 200
        assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    response = _sign_in(client, "secretariat", "wrong-password")  # the tenth
    assert response.status_code == 429
    assert LOCKED in response.content.decode()

    response = _sign_in(client, "secretariat", PASSWORD)  # the eleventh, right password
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session

    # Locked by user name and address together: the same user from elsewhere may still sign in.
    response = _sign_in(client, "secretariat", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(secretariat.pk)


def test_success_after_fewer_failures_works_and_resets_the_count(client, secretariat):
    for _ in range(9):
        _sign_in(client, "secretariat", "wrong-password")
    response = _sign_in(client, "secretariat", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(secretariat.pk)
    client.logout()
    for _ in range(9):
        assert _sign_in(client, "secretariat", "wrong-password").status_code == 200
    assert _sign_in(client, "secretariat", PASSWORD).status_code == 302


def test_test_client_login_and_force_login_still_work(client, secretariat, council):
    # The test client's login() calls authenticate() without a request, which AxesStandaloneBackend
    # refuses; django-axes' documented way is to hand it one.
    assert client.login(request=HttpRequest(), username="secretariat", password=PASSWORD)
    assert client.get(reverse("council_home", args=[council.slug])).status_code == 200
    client.logout()
    client.force_login(secretariat)
    assert client.get(reverse("council_home", args=[council.slug])).status_code == 200


def test_session_is_renewed_on_every_request_and_ends_with_the_browser(
    client, settings, secretariat, council
):
    settings.SESSION_SAVE_EVERY_REQUEST = True  # as in config.settings_production
    client.force_login(secretariat)
    response = client.get(reverse("council_home", args=[council.slug]))
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 2 * 60 * 60
