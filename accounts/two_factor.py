"""Two-factor sign-in (2段階認証) with TOTP devices of django-otp.

A council may require it of its 事務局 and 福祉課 (``Council.require_two_factor``); anyone else may
turn it on for themselves. Whether a second factor is due is decided once, when the password has
been accepted (``user_logged_in``), and kept in the session: checking roles and devices on every
request would add queries to every page. ``SecondFactorMiddleware`` then sends the user to the
setup or the code page until ``django_otp.login`` has marked the session as verified.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from council.models import Role, RoleKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

# Session key: "setup" (must register an authenticator app first) or "verify" (must enter a code).
SESSION_KEY = "second_factor_due"
SETUP = "setup"
VERIFY = "verify"

ENFORCED_ROLES = (RoleKind.SECRETARIAT, RoleKind.REVIEWER)


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether a council the user is 事務局 or 福祉課 of requires two-factor sign-in."""
    return Role.objects.filter(user=user, kind__in=ENFORCED_ROLES, council__require_two_factor=True).exists()


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return next((d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)), None)


def second_factor_due(user: AbstractBaseUser) -> str | None:
    """SETUP, VERIFY or None for a user who has just given the right password."""
    if confirmed_device(user) is not None:
        return VERIFY
    if two_factor_required(user):
        return SETUP
    return None


def remember_second_factor_due(sender, request: HttpRequest | None, user: AbstractBaseUser, **kwargs) -> None:
    """``user_logged_in`` receiver: note in the session what the user still has to do."""
    if request is None or not hasattr(request, "session"):
        return
    due = second_factor_due(user)
    if due is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = due


def normalise_token(raw: str) -> str:
    """「１２３ ４５６」 → "123456": full-width digits and spaces as people type them on a phone."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-－ー")


def unconfirmed_device(user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up: reused until confirmed, so reloading the page keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=False)
    return device


def device_confirm(*, device: TOTPDevice) -> None:
    """Make ``device`` the user's only authenticator (an older one stops working)."""
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def devices_remove(*, user: AbstractBaseUser) -> int:
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted
