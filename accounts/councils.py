"""Starting a council (the site operator): the council, its first secretariat account, the invitation.

One service for the command (``manage.py create_council``) and the operator's page
(「協議会を始める」): nothing is saved when any part is refused (a slug in use, an unknown parent,
an address that already has an account), and the refusal is one Japanese message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.selectors import InvitationRefused
from accounts.services import IssuedInvitation, invitation_create
from council.models import Council, CouncilLevel, RoleKind
from council.services import council_save


class CouncilStartRefused(Exception):
    """Why the council was not started (Japanese, for the page and the command alike)."""


def refusal_messages(error: ValidationError) -> list[str]:
    """「識別子: …」: each message with the label of its field."""
    if not hasattr(error, "message_dict"):
        return list(error.messages)
    labels = {f.name: str(f.verbose_name) for f in Council._meta.fields}
    return [
        f"{labels[field]}: {message}" if field in labels else message
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def council_start(
    *,
    slug: str,
    name: str,
    secretariat_email: str,
    parent: Council | str | None = None,
    municipality: str = "",
    level: str = CouncilLevel.MUNICIPAL,
    by=None,
) -> IssuedInvitation:
    """Create the council and invite its first secretariat member; all or nothing."""
    if Council.objects.filter(slug=slug).exists():
        raise CouncilStartRefused(f"識別子「{slug}」の協議会はすでにあります。別の識別子を指定してください。")
    if isinstance(parent, str):
        found = Council.objects.filter(slug=parent).first() if parent else None
        if parent and found is None:
            raise CouncilStartRefused(f"上位の協議会「{parent}」が見つかりません。識別子を確認してください。")
        parent = found
    try:
        with transaction.atomic():
            council = council_save(
                name=name.strip(), slug=slug, parent=parent, municipality=municipality.strip(), level=level
            )
            return invitation_create(
                council=council, email=secretariat_email, kind=RoleKind.SECRETARIAT, by=by
            )
    except ValidationError as error:
        raise CouncilStartRefused(" ".join(refusal_messages(error))) from None
    except InvitationRefused as refused:
        raise CouncilStartRefused(f"{refused}（協議会は作成していません。）") from None
