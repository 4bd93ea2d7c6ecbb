"""2段階認証 (TOTP, django-otp): required per council for 事務局 and 福祉課, optional for others."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TokenForm
from accounts.two_factor import normalise_token

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-only"  # tests.factories.UserFactory
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client, username: str):
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.20"
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


@pytest.fixture
def enforcing(council):
    council.require_two_factor = True
    council.save(update_fields=["require_two_factor"])
    return council


def test_required_secretariat_must_set_up_before_any_page_or_the_admin(client, enforcing, secretariat):
    home = reverse("council_home", args=[enforcing.slug])
    sign_in(client, "secretariat")
    for url in (home, reverse("admin:index"), reverse("issue_list", args=[enforcing.slug])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_setup")), url
    # The code page cannot be reached before an app is set up either.
    assert client.get(reverse("two_factor_verify"))["Location"].startswith(reverse("two_factor_setup"))

    page = client.get(reverse("two_factor_setup") + "?next=" + home)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "設定用QRコード" in html
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")

    wrong = client.post(reverse("two_factor_setup"), {"token": "000000", "next": home})
    assert wrong.status_code == 200
    assert "コードが正しくありません" in wrong.content.decode()
    assert client.get(home).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above started django-otp's back-off
    good = client.post(
        reverse("two_factor_setup"), {"token": code_for(device).translate(FULL_WIDTH), "next": home}
    )
    assert good.status_code == 302
    assert good["Location"] == home
    assert client.get(home).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    # Next sign-in: the code page, not the setup page.
    client.post(reverse("logout"))
    sign_in(client, "secretariat")
    response = client.get(home)
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # The setup page cannot be used to register another app without the code.
    assert client.get(reverse("two_factor_setup"))["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1
    response = client.post(
        reverse("two_factor_verify"), {"token": code_for(device, steps_ahead=1), "next": home}
    )
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_reviewer_is_required_too_but_not_a_chair_or_member(client, enforcing, reviewer, chair, member):
    home = reverse("council_home", args=[enforcing.slug])
    sign_in(client, "reviewer")
    assert client.get(home)["Location"].startswith(reverse("two_factor_setup"))
    for username in ("chair", "member"):
        client.post(reverse("logout"))
        sign_in(client, username)
        assert client.get(home).status_code == 200, username


def test_not_enforced_council_signs_in_with_the_password(client, council, secretariat):
    assert council.require_two_factor is False
    sign_in(client, "secretariat")
    assert client.get(reverse("council_home", args=[council.slug])).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_another_councils_setting_does_not_affect_the_user(client, enforcing, outsider, other_council):
    sign_in(client, "outsider")
    assert client.get(reverse("council_home", args=[other_council.slug])).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_wrong_codes_are_throttled(client, enforcing, secretariat):
    device = TOTPDevice.objects.create(user=secretariat, name="app", confirmed=True)
    sign_in(client, "secretariat")
    for _ in range(2):
        response = client.post(reverse("two_factor_verify"), {"token": "000000"})
        assert response.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    # Even the right code waits until the back-off has passed.
    response = client.post(reverse("two_factor_verify"), {"token": code_for(device)})
    assert response.status_code == 200
    assert "秒ほど待ってから入力してください" in response.content.decode()
    assert client.get(reverse("council_home", args=[enforcing.slug])).status_code == 302


def test_optional_two_factor_for_anyone_and_turning_it_off(client, council, member):
    home = reverse("council_home", args=[council.slug])
    sign_in(client, "member")
    settings_page = client.get(reverse("two_factor_settings"))
    assert "2段階認証は<strong>オフ</strong>です" in settings_page.content.decode()
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=member)
    assert client.post(reverse("two_factor_setup"), {"token": code_for(device)}).status_code == 302

    client.post(reverse("logout"))
    sign_in(client, "member")
    assert client.get(home)["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": code_for(device, steps_ahead=1)})
    assert client.get(home).status_code == 200

    response = client.post(reverse("two_factor_disable"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    client.post(reverse("logout"))
    sign_in(client, "member")
    assert client.get(home).status_code == 200


def test_cannot_turn_off_while_a_council_requires_it(client, enforcing, secretariat):
    device = TOTPDevice.objects.create(user=secretariat, name="app", confirmed=True)
    sign_in(client, "secretariat")
    client.post(reverse("two_factor_verify"), {"token": code_for(device)})
    response = client.post(reverse("two_factor_disable"), follow=True)
    assert "解除できません" in response.content.decode()
    assert TOTPDevice.objects.filter(user=secretariat).exists()


def test_the_admin_shows_nobody_the_secret_of_a_device(client, superuser, member):
    device = TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("123456", "123456"), ("１２３４５６", "123456"), ("123 456", "123456"), ("１２３　４５６", "123456")],
)
def test_full_width_and_spaced_codes_are_accepted(typed, expected):
    assert normalise_token(typed) == expected
    form = TokenForm({"token": typed})
    assert form.is_valid()
    assert form.cleaned_data["token"] == expected


@pytest.mark.parametrize("typed", ["12345", "abcdef", "1234567", "١٢٣٤٥٦"])
def test_malformed_codes_get_a_japanese_message(typed):
    form = TokenForm({"token": typed})
    assert not form.is_valid()
    assert form.errors["token"] == ["6桁の数字を入力してください。"]


def test_council_admin_offers_the_setting(client, council, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("admin:council_council_change", args=[council.pk]))
    assert "事務局・福祉課の2段階認証を必須にする" in page.content.decode()


def test_turning_it_on_holds_sessions_already_signed_in(client, council, secretariat, member):
    """A council that requires 2FA while its secretariat is signed in: the next page asks for it."""
    from council.services import council_save

    sign_in(client, secretariat.username)
    home = reverse("council_home", args=[council.slug])
    assert client.get(home).status_code == 200
    council_save(council=council, require_two_factor=True)
    assert client.get(home)["Location"].startswith(reverse("two_factor_setup"))
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))

    client.logout()
    sign_in(client, member.username)  # members are not held to it
    assert client.get(home).status_code == 200


def test_a_secretariat_role_given_during_a_session_asks_for_the_code(client, enforcing, member):
    from council.models import RoleKind
    from council.services import role_grant

    sign_in(client, member.username)  # a member: no second factor owed at sign-in
    home = reverse("council_home", args=[enforcing.slug])
    assert client.get(home).status_code == 200
    role_grant(user=member, council=enforcing, kind=RoleKind.SECRETARIAT)
    assert client.get(home)["Location"].startswith(reverse("two_factor_setup"))
