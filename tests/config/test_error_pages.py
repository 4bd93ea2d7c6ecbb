"""Error pages in Japanese, with a way back, as users see them when DEBUG is off."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import include, path, reverse

pytestmark = [pytest.mark.django_db]


def _boom(request):
    raise RuntimeError("postgres://kyogikai:s3cret@db/kyogikai")


def _deny(request):
    raise PermissionDenied("この会議の議事録を編集できるのは事務局だけです。")


urlpatterns = [
    path("boom/", _boom),
    path("deny/", _deny),
    path("", include("config.urls")),
]
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"


def _page(response) -> str:
    text = response.content.decode()
    assert '<html lang="ja">' in text
    assert f'href="{reverse("home")}">トップへ</a>' in text
    return text


@override_settings(DEBUG=False)
def test_403_shows_the_reason_a_real_view_gave(client, member, council):
    client.force_login(member)
    response = client.get(reverse("issue_create", args=[council.slug]))
    assert response.status_code == 403
    text = _page(response)
    assert "このページは開けません" in text
    assert "地域課題を提起できるのは、事務局と会議体の長です。" in text
    assert "403 Forbidden" not in text


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_403_without_a_reason_says_so_in_japanese_and_links_back_to_a_page_of_ours(client):
    response = client.get("/deny/", HTTP_REFERER="http://testserver/c/demo/issues/")
    assert response.status_code == 403
    text = _page(response)
    assert "この会議の議事録を編集できるのは事務局だけです。" in text
    assert 'href="http://testserver/c/demo/issues/">前のページへ</a>' in text


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_the_way_back_never_leads_off_the_site(client):
    response = client.get("/deny/", HTTP_REFERER="https://evil.example/phish")
    text = _page(response)
    assert "evil.example" not in text
    assert "前のページへは、ブラウザの「戻る」で戻れます。" in text


@override_settings(DEBUG=False)
def test_404_is_japanese_and_lists_no_url_patterns(client, secretariat):
    client.force_login(secretariat)
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/")
    assert response.status_code == 404
    text = _page(response)
    assert "ページが見つかりません" in text
    assert "admin/" not in text and "urlpatterns" not in text.lower()
    assert 'href="http://testserver/">前のページへ</a>' in text


@override_settings(DEBUG=False)
def test_404_of_a_view_hides_the_exception_text(client, secretariat, council):
    client.force_login(secretariat)
    response = client.get(reverse("issue_detail", args=[council.slug, 999_999]))
    assert response.status_code == 404
    text = _page(response)
    assert "No " not in text and "matches the given query" not in text


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_is_japanese_and_shows_nothing_of_the_error(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert response.status_code == 500
    text = _page(response)
    assert "エラーが発生しました" in text
    assert "s3cret" not in text and "RuntimeError" not in text and "Traceback" not in text


@override_settings(DEBUG=False)
def test_400_is_japanese(client):
    response = client.get("/", HTTP_HOST="not-allowed.example")  # DisallowedHost → 400
    assert response.status_code == 400
    text = _page(response)
    assert "リクエストを処理できませんでした" in text
    assert "not-allowed.example" not in text


@override_settings(DEBUG=False)
def test_csrf_failure_explains_in_japanese_and_leads_back_to_the_form(secretariat):
    client = Client(enforce_csrf_checks=True)
    login = reverse("login")
    response = client.post(
        login, {"username": "x", "password": "y"}, HTTP_REFERER=f"http://testserver{login}"
    )
    assert response.status_code == 403
    text = _page(response)
    assert "ページの有効期限が切れたか、別の画面から送信されました。もう一度やり直してください。" in text
    assert f'href="http://testserver{login}">前のページへ</a>' in text
    assert "CSRF" not in text
