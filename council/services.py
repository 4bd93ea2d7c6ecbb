"""Writes to the council structure. Views, the admin, imports and commands all call these."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from council.access import forget_roles
from council.models import (
    Body,
    BodyName,
    BodyStatus,
    BodyStatusKind,
    Council,
    Membership,
    Person,
    Role,
    RoleKind,
)
from council.wareki import EARLIEST_RECORD_YEAR

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

User = get_user_model()

# A name "from" the earliest record year means "from the beginning" (council.wareki).
EARLIEST_FISCAL_YEAR = EARLIEST_RECORD_YEAR


@transaction.atomic
def body_create(
    *,
    council: Council,
    name: str,
    kind: str,
    from_fiscal_year: int,
    parent: Body | None = None,
    predecessor: Body | None = None,
    sort_order: int = 0,
    target_meetings_per_year: int | None = None,
) -> Body:
    """Create a body, active from ``from_fiscal_year``, with its first name on record."""
    body = Body(
        council=council,
        name=name,
        kind=kind,
        parent=parent,
        predecessor=predecessor,
        sort_order=sort_order,
        target_meetings_per_year=target_meetings_per_year,
    )
    body.full_clean()
    body.save()
    body_ensure_history(body=body, fiscal_year=from_fiscal_year)
    return body


def body_ensure_history(*, body: Body, fiscal_year: int) -> None:
    """Give a body created elsewhere (the admin) its first name and status rows, if it has none."""
    if not body.names.exists():
        BodyName.objects.create(body=body, from_fiscal_year=fiscal_year, name=body.name)
    if not body.statuses.exists():
        BodyStatus.objects.create(body=body, fiscal_year=fiscal_year, status=BodyStatusKind.ACTIVE)


@transaction.atomic
def body_set_status(*, body: Body, fiscal_year: int, status: str, note: str = "") -> BodyStatus:
    """Record that from ``fiscal_year`` on the body is active, paused (休止) or ended (終了)."""
    row, _ = BodyStatus.objects.update_or_create(
        body=body, fiscal_year=fiscal_year, defaults={"status": status, "note": note}
    )
    return row


@transaction.atomic
def body_rename(*, body: Body, fiscal_year: int, name: str) -> Body:
    """Rename a body from ``fiscal_year`` on; earlier years keep the old name in reports."""
    if not body.names.filter(from_fiscal_year__lt=fiscal_year).exists():
        # The old name has no row of its own yet: it stays the name of every earlier year.
        BodyName.objects.create(body=body, from_fiscal_year=EARLIEST_FISCAL_YEAR, name=body.name)
    BodyName.objects.update_or_create(body=body, from_fiscal_year=fiscal_year, defaults={"name": name})
    body.name = name
    body.full_clean()
    body.save(update_fields=["name"])
    return body


@transaction.atomic
def body_succeed(*, old: Body, name: str, from_fiscal_year: int, **fields) -> Body:
    """Replace a body by a new one (部会の再編): the old ends, the new records its predecessor."""
    body_set_status(
        body=old, fiscal_year=from_fiscal_year, status=BodyStatusKind.ENDED, note=f"「{name}」へ再編"
    )
    fields.setdefault("kind", old.kind)
    fields.setdefault("parent", old.parent)
    fields.setdefault("sort_order", old.sort_order)
    return body_create(
        council=old.council, name=name, from_fiscal_year=from_fiscal_year, predecessor=old, **fields
    )


def membership_add(
    *,
    body: Body,
    person: Person,
    role: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
    is_secretariat: bool = False,
) -> Membership:
    membership = Membership(
        body=body,
        person=person,
        role=role,
        term_start=term_start,
        term_end=term_end,
        is_secretariat=is_secretariat,
    )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def role_grant(*, user: AuthUser, council: Council, kind: str, body: Body | None = None) -> Role:
    """Give a user a role in a council. Secretariat users may use the admin."""
    role, _ = Role.objects.get_or_create(user=user, council=council, kind=kind, body=body)
    forget_roles(user)
    if kind == RoleKind.SECRETARIAT:
        from council.permissions import secretariat_group

        user.groups.add(secretariat_group())
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return role
