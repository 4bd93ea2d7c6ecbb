"""「パスワードをお忘れの方」: a Japanese mail over real SMTP whose link sets a new password."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/reset/\S+/)")


def test_the_login_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("password_reset")}">パスワードをお忘れの方</a>' in page


def test_the_reset_pages_are_the_sites_own_in_japanese(client):
    page = client.get(reverse("password_reset")).content.decode()
    assert "Django" not in page and "管理サイト" not in page
    assert "パスワードの再設定" in page
    assert '<label class="form-label" for="id_email">メールアドレス</label>' in page


def test_the_reset_mail_arrives_in_japanese_and_its_link_sets_the_password(client, smtp, sent):
    user = UserFactory(username="tanaka", email="Tanaka@Example.jp", last_name="田中", first_name="花子")
    with sent():
        response = client.post(reverse("password_reset"), {"email": "tanaka@example.jp"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(smtp.inbox.messages) == 1
    message = smtp.inbox.messages[0]
    # Python folds a long encoded subject onto the next line ("Subject: \\n =?utf-8?b?…"): strip it.
    assert message["Subject"].strip() == "【協議会 事務局システム】パスワードの再設定のご案内"
    assert message["To"] == "Tanaka@Example.jp"
    body = smtp.inbox.body()
    assert "田中 花子 様" in body and "ユーザー名: tanaka" in body and "24時間" in body

    path = LINK.search(body).group(1)
    response = client.get(path)  # Django moves the token into the session, then shows the form
    assert response.status_code == 302
    form_page = client.get(response["Location"])
    assert form_page.context["validlink"] is True
    html = form_page.content.decode()
    assert 'for="id_new_password1"' in html and 'aria-describedby="id_new_password1-help"' in html

    refused = client.post(response["Location"], {"new_password1": "abc", "new_password2": "abd"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert re.search(r'id="id_new_password2"[^>]*aria-describedby="id_new_password2-errors[ "]', html)
    assert 'id="id_new_password2-errors"' in html

    done = client.post(
        response["Location"], {"new_password1": "Sakura-Nagoya-2026", "new_password2": "Sakura-Nagoya-2026"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Sakura-Nagoya-2026")

    # The link works once.
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert "このリンクは使えません" in again.content.decode()


def test_an_unknown_address_gives_the_same_page_and_sends_nothing(client, smtp, sent):
    UserFactory(username="tanaka", email="tanaka@example.jp")
    inactive = UserFactory(username="gone", email="gone@example.jp", is_active=False)
    assert inactive.pk
    with sent():
        known = client.post(reverse("password_reset"), {"email": "tanaka@example.jp"}, follow=True)
    with sent():
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.jp"}, follow=True)
    with sent():
        closed = client.post(reverse("password_reset"), {"email": "gone@example.jp"}, follow=True)
    assert len(smtp.inbox.messages) == 1
    assert known.redirect_chain == unknown.redirect_chain == closed.redirect_chain
    assert known.content == unknown.content == closed.content
    assert get_user_model().objects.filter(email="nobody@example.jp").exists() is False


def test_a_wrong_address_is_refused_with_a_japanese_reason(client):
    page = client.post(reverse("password_reset"), {"email": "not-an-address"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "有効なメールアドレスを入力してください。" in html
    assert 'aria-describedby="id_email-errors"' in html


def test_reset_mails_are_limited_per_address_and_the_answer_does_not_change(client, smtp, sent, settings):
    settings.PASSWORD_RESET_MAILS_PER_ADDRESS = 3
    UserFactory(username="tanaka", email="tanaka@example.jp")
    answers = []
    for n in range(5):
        with sent():
            answers.append(
                client.post(
                    reverse("password_reset"),
                    {"email": "ＴＡＮＡＫＡ＠ｅｘａｍｐｌｅ．ｊｐ" if n else "tanaka@example.jp"},
                    follow=True,
                )
            )
    assert len(smtp.inbox.messages) == 3  # the 4th and 5th send nothing
    assert len({a.content for a in answers}) == 1  # and look exactly like the others
    assert all(a.redirect_chain == answers[0].redirect_chain for a in answers)


def test_one_client_trying_many_addresses_is_stopped(client, smtp, sent, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_CLIENT = 4
    for n in range(6):
        UserFactory(username=f"user{n}", email=f"user{n}@example.jp")
    for n in range(6):
        with sent():
            client.post(reverse("password_reset"), {"email": f"user{n}@example.jp"}, REMOTE_ADDR="192.0.2.7")
    assert len(smtp.inbox.messages) == 4
    with sent():  # another client is not held back
        client.post(reverse("password_reset"), {"email": "user5@example.jp"}, REMOTE_ADDR="192.0.2.8")
    assert len(smtp.inbox.messages) == 5
