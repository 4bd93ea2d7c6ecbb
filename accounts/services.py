"""Writes of the accounts app: invitations (create, re-send, revoke, accept) and accounts made
with a printed first-password letter.

An invitation makes the account at once — inactive, without a usable password, its user name the
e-mail address — so that roles and the person can be linked before the person signs in. Accepting
sets the password and activates the account. Revoking an invitation not yet accepted removes that
account again (it was never used), so the address can be invited anew.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.mail import mail_send
from accounts.models import INVITATION_VALID_FOR, FirstPasswordLetter, Invitation, InvitationState
from accounts.selectors import InvitationRefused, expiry_text, invitation_for_token, token_hash
from council.display import person_name
from council.models import Body, Council, Person, RoleKind
from council.services import person_save, role_grant

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

User = get_user_model()


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and its one-time link (known only now: the database keeps its hash)."""

    invitation: Invitation
    link: str


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})


def _normalise_email(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvitationRefused(
            "メールアドレスの形式が正しくありません（例: tanaka@example.jp）。", "invalid"
        ) from None
    return email.lower()


def _refuse_duplicate(email: str, now: dt.datetime) -> None:
    open_invitation = (
        Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .order_by("-expires_at")
        .first()
    )
    if open_invitation is not None and open_invitation.user_id is not None:
        if open_invitation.state_at(now) == InvitationState.EXPIRED:
            raise InvitationRefused(
                f"{email} への招待（{open_invitation.council}）は有効期限が切れています。"
                "招待の一覧から再送してください。",
                "duplicate",
            )
        raise InvitationRefused(
            f"{email} にはすでに招待を送っています（{open_invitation.council}、有効期限 "
            f"{expiry_text(open_invitation)}）。再送するか、取り消してから招待し直してください。",
            "duplicate",
        )
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        raise InvitationRefused(
            f"{email} のアカウントはすでにあります。同じメールアドレスで二つ目のアカウントは作れません。"
            "パスワードを忘れた場合は、ログイン画面の「パスワードをお忘れの方」から再設定できます。",
            "duplicate",
        )


def _send(invitation: Invitation, link: str, by: AuthUser | None) -> None:
    mail_send(
        to=invitation.email,
        name="invitation",
        context={
            "council_name": invitation.council.name,
            "name": invitation.person.name if invitation.person is not None else "",
            "inviter": person_name(by) if by is not None else "",
            "username": invitation.user.get_username() if invitation.user is not None else invitation.email,
            "link": link,
            "expires": expiry_text(invitation),
        },
    )


@transaction.atomic
def invitation_create(
    *,
    council: Council,
    email: str,
    by: AuthUser | None = None,
    person: Person | None = None,
    kind: str | None = None,
    body: Body | None = None,
) -> IssuedInvitation:
    """Invite ``email`` to ``council``: make the account (with role ``kind`` when given, linked to
    ``person`` when given) and mail the one-time link, valid for 7 days."""
    email = _normalise_email(email)
    now = timezone.now()
    if person is not None:
        if person.council_id != council.pk:
            raise InvitationRefused("同じ協議会の人物を選んでください。", "invalid")
        if person.user_id is not None:
            raise InvitationRefused(f"{person.name} さんにはすでにアカウントがあります。", "duplicate")
    if kind is not None and kind not in RoleKind.values:
        raise InvitationRefused("権限の種類が正しくありません。", "invalid")
    if kind in (RoleKind.CHAIR, RoleKind.MEMBER) and (body is None or body.council_id != council.pk):
        raise InvitationRefused(
            "会議体の長・担当と構成員の権限には、この協議会の会議体を選んでください。", "invalid"
        )
    if kind in (RoleKind.SECRETARIAT, RoleKind.REVIEWER, None):
        body = None  # council-wide roles name no body
    _refuse_duplicate(email, now)
    try:
        with transaction.atomic():  # another request inviting the same address at the same time
            user = User.objects.create_user(username=email, email=email, password=None, is_active=False)
    except IntegrityError:
        raise InvitationRefused(f"{email} のアカウントはすでにあります。", "duplicate") from None
    if kind is not None:
        role_grant(user=user, council=council, kind=kind, body=body)
    if person is not None:
        if person.email:
            person_save(person=person, user=user)
        else:  # the address the person is invited at becomes theirs on the list
            person_save(person=person, user=user, email=email)
    token, hashed = _new_token()
    invitation = Invitation(
        council=council,
        person=person,
        user=user,
        email=email,
        token_hash=hashed,
        created_by=by,
        created_at=now,
        sent_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    link = invitation_link(token)
    _send(invitation, link, by)
    return IssuedInvitation(invitation=invitation, link=link)


def _lock(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("council", "user", "person")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: AuthUser | None = None) -> IssuedInvitation:
    """Send a new link (the old one stops working) valid for 7 days from now; expired ones too."""
    invitation = _lock(invitation)
    now = timezone.now()
    state = invitation.state_at(now)
    if state == InvitationState.ACCEPTED:
        raise InvitationRefused("この招待はすでに受け付けられています。再送はできません。", state)
    if state == InvitationState.REVOKED or invitation.user_id is None:
        raise InvitationRefused(
            "取り消した招待は再送できません。招待し直してください。", InvitationState.REVOKED
        )
    token, invitation.token_hash = _new_token()
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.full_clean()
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    link = invitation_link(token)
    _send(invitation, link, by)
    return IssuedInvitation(invitation=invitation, link=link)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: AuthUser | None = None) -> Invitation:
    """Stop the link working. The account made for it, never used, is removed with its roles."""
    invitation = _lock(invitation)
    if invitation.accepted_at is not None:
        raise InvitationRefused(
            "この招待はすでに受け付けられています。アカウントを止める場合は、権限を外してください。",
            InvitationState.ACCEPTED,
        )
    if invitation.revoked_at is not None:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    user = invitation.user
    if user is not None and not user.is_active and not user.has_usable_password() and user.last_login is None:
        user.delete()  # Invitation.user and Person.user are set to NULL, its roles go with it
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> Invitation:
    """The person sets their password with the link: the account becomes active, the link is used.

    ``InvitationRefused`` for an unknown, expired, revoked or already used link; Django's
    ``ValidationError`` for a password the validators refuse."""
    invitation = invitation_for_token(token, for_update=True)
    user = invitation.user
    if user is None:  # the account was removed by the site operator meanwhile
        raise InvitationRefused(
            "この招待のアカウントは削除されています。協議会の事務局にお問い合わせください。",
            InvitationState.REVOKED,
        )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return invitation


# --- Accounts with a printed first password (初回パスワード通知書) ------------------------------------

# Letters and digits that cannot be mistaken for one another on paper (no 0/o, 1/l/i).
FIRST_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
FIRST_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class IssuedLetter:
    """A letter's account and its first password (known only now: the database keeps its hash)."""

    letter: FirstPasswordLetter
    username: str
    password: str


def first_password() -> str:
    """12 characters, letters and digits both, none that look alike when printed."""
    while True:
        password = "".join(secrets.choice(FIRST_PASSWORD_ALPHABET) for _ in range(FIRST_PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _letter_username(council: Council) -> str:
    """「<slug>-4821」: short, typed from paper; an address is not available for these people."""
    for _ in range(50):
        candidate = f"{council.slug}-{secrets.randbelow(9000) + 1000}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise ValidationError("ユーザー名を決められませんでした。もう一度お試しください。")


def _split_name(name: str) -> tuple[str, str]:
    family, _, given = name.replace("\u3000", " ").strip().partition(" ")
    return family[:150], given.strip()[:150]


@transaction.atomic
def first_password_letter_create(
    *, council: Council, person: Person, by: AuthUser | None = None, kind: str | None = None
) -> IssuedLetter:
    """Make ``person``'s account with a random first password, for a printed letter.

    The account is active at once; the first sign-in leads to 「パスワードの変更」 until a new
    password is set (``first_password_change``). ``kind``: an extra council-wide role (事務局,
    福祉課); reading their bodies comes from the person's memberships."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.council_id != council.pk:
        raise ValidationError("同じ協議会の人物を選んでください。")
    if person.user_id is not None:
        raise ValidationError(
            f"{person.name} さんにはすでにアカウントがあります。通知書は、アカウントのない方にだけ発行できます。"
        )
    if kind is not None and kind not in (RoleKind.SECRETARIAT, RoleKind.REVIEWER):
        raise ValidationError("追加の権限は、事務局か福祉課（評価担当）から選んでください。")
    password = first_password()
    username = _letter_username(council)
    family, given = _split_name(person.name)
    email = person.email.strip().lower()
    if email and (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        email = ""  # one address, one account: the address stays on the person only
    user = User.objects.create_user(
        username=username, email=email, password=password, last_name=family, first_name=given
    )
    if kind is not None:
        role_grant(user=user, council=council, kind=kind)
    person_save(person=person, user=user)
    letter = FirstPasswordLetter.objects.create(
        council=council, person=person, user=user, created_by=by, created_at=timezone.now()
    )
    return IssuedLetter(letter=letter, username=username, password=password)


@transaction.atomic
def first_password_letter_reissue(
    *, council: Council, person: Person, by: AuthUser | None = None
) -> IssuedLetter:
    """A new first password for a letter lost before its first use (the old one stops working)."""
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    user = person.user
    open_letter = (
        FirstPasswordLetter.objects.filter(council=council, user=user, changed_at__isnull=True).first()
        if user is not None
        else None
    )
    if user is None or open_letter is None or person.council_id != council.pk:
        raise ValidationError(
            "この方の通知書は再発行できません。再発行できるのは、通知書のパスワードをまだ変更していない"
            "アカウントだけです。"
        )
    password = first_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    letter = FirstPasswordLetter.objects.create(
        council=council, person=person, user=user, created_by=by, created_at=timezone.now()
    )
    return IssuedLetter(letter=letter, username=user.get_username(), password=password)


@transaction.atomic
def first_password_change(*, user: AuthUser, password: str) -> None:
    """Replace the letter's first password: the account's open letters are closed.

    Django's ``ValidationError`` for a password the validators refuse (or the letter's own)."""
    if user.check_password(password):
        raise ValidationError("通知書のパスワードとは別のパスワードにしてください。")
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    FirstPasswordLetter.objects.filter(user=user, changed_at__isnull=True).update(changed_at=timezone.now())
