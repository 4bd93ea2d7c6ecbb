"""Reads of the pledge: has this user confirmed the council's current text, and who has not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery

from council.access import council_access, roles_of
from council.models import Council, Role
from privacy.models import Pledge, PledgeConfirmation

if TYPE_CHECKING:
    from council.access import AnyUser

_CACHE_ATTR = "_kyogikai_pledged"


def current_pledge(council: Council) -> Pledge | None:
    return Pledge.objects.filter(council=council).order_by("-version").first()


def pledged_council_ids(user: AnyUser) -> set[int]:
    """Councils whose *current* pledge version the user has confirmed (one query per user object).

    The rule that uses it lives in council.access (registered by privacy.apps); ask that module.
    """
    if not user.is_authenticated:
        return set()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        latest = (
            Pledge.objects.filter(council=OuterRef("pledge__council")).order_by("-version").values("pk")[:1]
        )
        cached = set(
            PledgeConfirmation.objects.filter(user_id=user.pk, pledge=Subquery(latest)).values_list(
                "pledge__council_id", flat=True
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_pledges(user: AnyUser) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


@dataclass
class PledgeStatusRow:
    user: object
    roles: list[Role] = field(default_factory=list)
    current: PledgeConfirmation | None = None  # confirmation of the current version
    latest: PledgeConfirmation | None = None  # the latest confirmation of any version


def pledge_status(*, council: Council) -> tuple[Pledge | None, list[PledgeStatusRow]]:
    """Everyone who opens the council today (a granted role or a current membership), their roles
    and their confirmations (four queries)."""
    pledge = current_pledge(council)
    rows: dict[int, PledgeStatusRow] = {}
    users = sorted(
        council_access(council),
        key=lambda u: (u.last_name, u.first_name, u.get_username()),
    )
    for user in users:
        roles = sorted(roles_of(user), key=lambda r: (r.kind, r.body.sort_order if r.body else -1))
        rows[user.pk] = PledgeStatusRow(user=user, roles=roles)
    confirmations = (
        PledgeConfirmation.objects.filter(pledge__council=council, user_id__in=rows.keys())
        .select_related("pledge")
        .order_by("confirmed_at", "id")
    )
    for confirmation in confirmations:
        row = rows[confirmation.user_id]
        row.latest = confirmation
        if pledge is not None and confirmation.pledge_id == pledge.pk:
            row.current = confirmation
    ordered = sorted(rows.values(), key=lambda r: (r.current is not None,))  # 未確認 first
    return pledge, ordered
