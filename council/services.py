"""Writes to the council structure. Views, the admin, imports and commands all call these."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction

from council.access import forget_roles
from council.concurrency import check_unchanged
from council.models import (
    Body,
    BodyName,
    BodyStatus,
    BodyStatusKind,
    Council,
    Membership,
    Organization,
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

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class RowEdit(Generic[M]):
    """One row of a table typed together with its parent (the admin's inlines): the stored row
    (None for a new one), the values typed, or ``delete`` to remove it. The parent's service
    writes the rows, so a record and its rows are saved by one rule."""

    row: M | None
    values: dict[str, Any] = field(default_factory=dict)
    delete: bool = False

    @property
    def stored(self) -> M:
        """The stored row of an edit that deletes one."""
        if self.row is None:
            raise ValueError("a row that was never saved cannot be deleted")
        return self.row


def save_fields(instance: M, fields: dict[str, Any], allowed: frozenset[str]) -> M:
    """Set ``fields`` on ``instance``, validate it and save it (a stored row: those fields only).

    The small services below call this; a name outside ``allowed`` is a programming error.
    """
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{type(instance).__name__} cannot set {sorted(unknown)} here")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    if instance.pk is None:
        instance.save()
    else:
        stamps = [f.name for f in instance._meta.fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*fields, *stamps])
    return instance


# --- The council itself -------------------------------------------------------------------------

COUNCIL_FIELDS = frozenset(
    {
        "name",
        "slug",
        "municipality",
        "level",
        "parent",
        "require_two_factor",
        "steering_label",
        "member_label",
    }
)


@transaction.atomic
def council_save(*, council: Council | None = None, **fields) -> Council:
    """Create a council (the site operator) or change its name, 自治体名, 2FA setting or the words
    its documents use."""
    return save_fields(council or Council(), fields, COUNCIL_FIELDS)


@transaction.atomic
def council_delete(*, council: Council) -> None:
    """Remove a council with everything it holds (the site operator only)."""
    council.delete()


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


BODY_FIELDS = frozenset(
    {
        "council",
        "name",
        "kind",
        "parent",
        "predecessor",
        "sort_order",
        "target_meetings_per_year",
        "description",
    }
)


@transaction.atomic
def body_save(
    *,
    body: Body | None = None,
    fiscal_year: int,
    statuses: Iterable[RowEdit[BodyStatus]] = (),
    names: Iterable[RowEdit[BodyName]] = (),
    memberships: Iterable[RowEdit[Membership]] = (),
    **fields,
) -> Body:
    """Create or change a body with its rows (状態・名称の履歴・構成員), as typed in one form.

    A changed name is a rename from ``fiscal_year`` on (``body_rename``): earlier years' reports
    keep the old name. A body without name or status rows gets its first ones for ``fiscal_year``.
    """
    if body is None or body.pk is None:
        body = save_fields(body or Body(), fields, BODY_FIELDS)
    else:
        stored_name = Body.objects.filter(pk=body.pk).values_list("name", flat=True).get()
        new_name = fields.pop("name", stored_name)
        body.name = stored_name
        save_fields(body, fields, BODY_FIELDS)
        if new_name != stored_name:
            body_rename(body=body, fiscal_year=fiscal_year, name=new_name)
    for edit in statuses:
        if edit.delete:
            body_status_delete(body_status=edit.stored)
        else:
            body_status_save(body_status=edit.row, **{**edit.values, "body": body})
    for name_edit in names:
        if name_edit.delete:
            body_name_delete(body_name=name_edit.stored)
        else:
            body_name_save(body_name=name_edit.row, **{**name_edit.values, "body": body})
    _save_memberships(memberships, body=body)
    body_ensure_history(body=body, fiscal_year=fiscal_year)
    return body


@transaction.atomic
def body_delete(*, body: Body) -> None:
    """Remove a body (its name and status rows and memberships go with it)."""
    body.delete()


BODY_NAME_FIELDS = frozenset({"body", "from_fiscal_year", "name"})


@transaction.atomic
def body_name_save(*, body_name: BodyName | None = None, **fields) -> BodyName:
    """Add or correct one row of a body's name history (名称の履歴)."""
    return save_fields(body_name or BodyName(), fields, BODY_NAME_FIELDS)


@transaction.atomic
def body_name_delete(*, body_name: BodyName) -> None:
    body_name.delete()


BODY_STATUS_FIELDS = frozenset({"body", "fiscal_year", "status", "note", "background", "proposal"})


@transaction.atomic
def body_status_save(*, body_status: BodyStatus | None = None, **fields) -> BodyStatus:
    """Add or correct one row of a body's status history (休止・終了はその年度から適用)."""
    return save_fields(body_status or BodyStatus(), fields, BODY_STATUS_FIELDS)


@transaction.atomic
def body_status_delete(*, body_status: BodyStatus) -> None:
    body_status.delete()


# --- 関係機関 and people --------------------------------------------------------------------------

ORGANIZATION_FIELDS = frozenset({"council", "name", "kind", "consultation_layer"})


@transaction.atomic
def organization_save(*, organization: Organization | None = None, **fields) -> Organization:
    """Create or change a 関係機関 (spreadsheet imports write through their resources)."""
    return save_fields(organization or Organization(), fields, ORGANIZATION_FIELDS)


@transaction.atomic
def organization_delete(*, organization: Organization) -> None:
    organization.delete()


PERSON_FIELDS = frozenset({"council", "name", "name_kana", "organization", "position_title", "email", "user"})


@transaction.atomic
def person_save(
    *, person: Person | None = None, memberships: Iterable[RowEdit[Membership]] = (), **fields
) -> Person:
    """Create or change a person, with the bodies they sit in (memberships) typed with them.

    An e-mail address is one person's within a council: a second person with it is refused."""
    person = person or Person()
    email = fields.get("email")
    council_id = fields["council"].pk if fields.get("council") is not None else person.council_id
    if email and council_id is not None:
        other = (
            Person.objects.filter(council_id=council_id, email__iexact=email.strip())
            .exclude(pk=person.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "email": f"{email} は、この協議会の別の人物（{other}）に登録されています。"
                    "同じメールアドレスは一人にしか登録できません。"
                }
            )
    person = save_fields(person, fields, PERSON_FIELDS)
    _save_memberships(memberships, person=person)
    return person


def person_version(person: Person) -> int:
    """The stamp of a person's page form (``council.concurrency``): Person has no ``updated_at``,
    so the stored values themselves are compared — a save over values changed since the form
    was opened is refused."""
    values = (
        person.name,
        person.name_kana,
        str(person.organization_id or ""),
        person.position_title,
        person.email,
        str(person.user_id or ""),
    )
    return zlib.crc32("\x1f".join(values).encode("utf-8"))


@transaction.atomic
def person_enter(
    *,
    council: Council,
    person: Person | None = None,
    new_organization_name: str = "",
    expected_version: str | None = None,
    **fields,
) -> Person:
    """The people page's save: a person whose 所属機関 is chosen or, typed by name, created (an
    existing one of the same name is used). Nothing is kept when the person is refused.

    ``expected_version``: the ``person_version`` the edit form was opened with (None: not checked)."""
    if person is not None and person.pk is not None:
        person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        check_unchanged(stored=person_version(person), loaded=expected_version, what="人物の登録内容")
    if new_organization_name:
        organization = Organization.objects.filter(council=council, name=new_organization_name).first()
        fields["organization"] = organization or organization_save(
            council=council, name=new_organization_name
        )
    if person is None:
        fields["council"] = council
    elif person.council_id != council.pk:
        raise ValidationError("この協議会の人物ではありません。")
    return person_save(person=person, **fields)


@transaction.atomic
def membership_end(*, membership: Membership, on: dt.date) -> Membership:
    """End a membership on ``on``, the last day of its term (任期の終了)."""
    if on < membership.term_start:
        raise ValidationError(
            {"term_end": "任期の終了日は任期開始日より後の日付にしてください（同じ日は選べます）。"}
        )
    return save_fields(membership, {"term_end": on}, MEMBERSHIP_FIELDS)


@transaction.atomic
def person_delete(*, person: Person) -> None:
    person.delete()


MEMBERSHIP_FIELDS = frozenset({"body", "person", "role", "is_secretariat", "term_start", "term_end"})


@transaction.atomic
def membership_save(*, membership: Membership | None = None, **fields) -> Membership:
    """Add a membership (``membership_add``) or change a stored one (role, 事務局, term)."""
    if membership is None or membership.pk is None:
        return membership_add(**fields)
    return save_fields(membership, fields, MEMBERSHIP_FIELDS)


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    membership.delete()


def _save_memberships(edits: Iterable[RowEdit[Membership]], **parent) -> None:
    for edit in edits:
        if edit.delete:
            membership_delete(membership=edit.stored)
        else:
            membership_save(membership=edit.row, **{**edit.values, **parent})


@transaction.atomic
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


ROLE_FIELDS = frozenset({"user", "council", "kind", "body"})


@transaction.atomic
def role_save(*, role: Role | None = None, **fields) -> Role:
    """Give or change a role. A secretariat role also lets the user into the admin (``role_grant``)."""
    previous_user = role.user if role is not None and role.pk is not None else None
    role = save_fields(role or Role(), fields, ROLE_FIELDS)
    if previous_user is not None and previous_user.pk != role.user_id:
        forget_roles(previous_user)
    if role.kind == RoleKind.SECRETARIAT:
        role_grant(user=role.user, council=role.council, kind=role.kind, body=role.body)
    else:
        forget_roles(role.user)
    return role


@transaction.atomic
def role_revoke(*, role: Role) -> None:
    """Take a role away; the user's cached roles are forgotten at once."""
    user = role.user
    role.delete()
    forget_roles(user)
