"""Reads of the accounts app: an invitation by its link's token."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from accounts.models import Invitation, InvitationState
from council.access import for_admin, for_user
from council.models import Person
from council.wareki import format_wareki


class InvitationRefused(Exception):
    """A link that cannot be used. ``str(exc)`` is a Japanese message for the person; ``state``
    says why (``unknown`` for a link that matches no invitation)."""

    def __init__(self, message: str, state: str) -> None:
        super().__init__(message)
        self.state = state


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expiry_text(invitation: Invitation) -> str:
    """「令和8年12月10日 12時00分」: the expiry in 和暦, Japan time."""
    local = timezone.localtime(invitation.expires_at)
    return f"{format_wareki(local.date())} {local.hour}時{local.minute:02d}分"


def refusal(invitation: Invitation | None) -> InvitationRefused | None:
    """Why this invitation's link cannot be used now, or None when it can."""
    if invitation is None:
        return InvitationRefused(
            "このリンクは使えません。リンクが途中で切れていないかご確認ください。招待が再送された場合は、"
            "新しいメールのリンクをお使いください。",
            "unknown",
        )
    state = invitation.state_at(timezone.now())
    if state == InvitationState.ACCEPTED:
        return InvitationRefused(
            "この招待のリンクはすでに使われています。設定したパスワードでログインしてください。"
            "パスワードを忘れた場合は、ログイン画面の「パスワードをお忘れの方」から再設定できます。",
            state,
        )
    if state == InvitationState.REVOKED:
        return InvitationRefused(
            "この招待は取り消されています。ご不明な点は、協議会の事務局にお問い合わせください。", state
        )
    if state == InvitationState.EXPIRED:
        return InvitationRefused(
            f"この招待のリンクは有効期限（{expiry_text(invitation)}）を過ぎています。"
            "協議会の事務局に招待の再送を依頼してください。",
            state,
        )
    return None


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation a link's token opens; ``InvitationRefused`` when it cannot be used."""
    rows = Invitation.objects.select_related("council", "user")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(token_hash=token_hash(token)).first()
    refused = refusal(invitation)
    if refused is not None:
        raise refused
    assert invitation is not None
    return invitation


def invitations_of(council_id: int, user) -> list[Invitation]:
    """The council's invitations, newest first, for its secretariat's page (scoped by council.access)."""
    rows = for_user(Invitation.objects.filter(council_id=council_id), user)
    invitations = list(rows.select_related("person", "user", "created_by").order_by("-created_at", "-pk"))
    # A person who sits only in a case conference is not named to a secretariat who has not
    # confirmed the pledge (council.access.for_admin), here neither.
    person_ids = {i.person_id for i in invitations if i.person_id is not None}
    if person_ids:
        visible = set(for_admin(Person.objects.filter(pk__in=person_ids), user).values_list("pk", flat=True))
        for invitation in invitations:
            if invitation.person_id is not None and invitation.person_id not in visible:
                invitation.person = None
    return invitations
