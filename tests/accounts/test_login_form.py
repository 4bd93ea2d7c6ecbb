"""The sign-in form refuses an over-long user name in Japanese instead of failing in django-axes."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [151, 300])
def test_an_over_long_user_name_is_refused_with_a_message(client, secretariat, length):
    response = client.post(reverse("login"), {"username": "あ" * length, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ユーザー名が長すぎます（150文字以内です）" in html
    assert "あ" * length in html  # what was typed stays in the field
    assert not AccessAttempt.objects.exists()  # nothing reached axes (it holds 255 characters)


def test_a_name_of_the_longest_allowed_length_is_still_checked(client, secretariat):
    response = client.post(reverse("login"), {"username": "a" * 150, "password": "wrong"})
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    assert AccessAttempt.objects.count() == 1


def test_the_right_user_still_signs_in(client, secretariat):
    secretariat.set_password("a-long-enough-password-1")
    secretariat.save()
    response = client.post(
        reverse("login"), {"username": secretariat.username, "password": "a-long-enough-password-1"}
    )
    assert response.status_code == 302
