"""Writes to the council structure. Views, the admin, imports and commands all call these."""

from __future__ import annotations

import datetime as dt
import unicodedata
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
    BodyKind,
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
from council.tree import exists_in
from council.wareki import EARLIEST_RECORD_YEAR, current_fiscal_year, fiscal_year_of, format_fiscal_year

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


def _name_key(name: str) -> str:
    """A name as compared for duplicates: full-width and half-width alike, spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def check_body_names(*, council: Council, body: Body | None = None) -> None:
    """Refuse two bodies of one council carrying the same name in the same 年度.

    Called after a write, inside its transaction, on the stored rows: a refusal rolls it all back.
    A name may come back once the body that carried it has ended (no year in common). ``body`` is
    the body just written: the message is about its name; without it every pair is checked.
    """
    bodies = list(Body.objects.filter(council=council).prefetch_related("names", "statuses"))

    def keys(b: Body) -> set[str]:
        return {_name_key(b.name), *(_name_key(row.name) for row in b.names.all())}

    wanted = {b.pk for b in bodies} if body is None else {body.pk}
    for candidate in (b for b in bodies if b.pk in wanted):
        own = keys(candidate)
        rivals = [b for b in bodies if b.pk != candidate.pk and keys(b) & own]
        if not rivals:
            continue
        rows = [candidate, *rivals]
        years = [r.fiscal_year for b in rows for r in b.statuses.all()]
        years += [r.from_fiscal_year for b in rows for r in b.names.all()]
        first = max(min(years, default=EARLIEST_FISCAL_YEAR), EARLIEST_FISCAL_YEAR)
        last = max([*years, current_fiscal_year()]) + 1  # nothing changes after the last row
        for year in range(first, last + 1):
            if not exists_in(candidate, year):
                continue
            name = candidate.name_in(year)
            for rival in rivals:
                if exists_in(rival, year) and _name_key(rival.name_in(year)) == _name_key(name):
                    raise ValidationError(
                        {
                            "name": f"この協議会には、{format_fiscal_year(year)}に「{name}」という会議体が"
                            "すでにあります。同じ年度に同じ名前の会議体は登録できません。"
                            "別の名前にしてください。"
                        }
                    )


def default_started_on(from_fiscal_year: int, today: dt.date | None = None) -> dt.date | None:
    """The 活動開始日 of a body created today: today when it starts in this 年度 (its yearly target
    then counts from this month), none for a body entered for a past or a coming 年度 (from April)."""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    return today if from_fiscal_year == fiscal_year_of(today) else None


def _check_started_on(started_on: dt.date | None, from_fiscal_year: int) -> None:
    if started_on is not None and fiscal_year_of(started_on) != from_fiscal_year:
        raise ValidationError(
            {
                "started_on": f"活動開始日は、開始年度（{format_fiscal_year(from_fiscal_year)}）の日付にしてください。"
            }
        )


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
    started_on: dt.date | None = None,
    description: str = "",
) -> Body:
    """Create a body, active from ``from_fiscal_year``, with its first name on record.

    Refused: a parent or predecessor of another council, a name another body of the council
    carries in the same years, a 活動開始日 outside the first 年度."""
    _check_started_on(started_on, from_fiscal_year)
    body = Body(
        council=council,
        name=name,
        kind=kind,
        parent=parent,
        predecessor=predecessor,
        sort_order=sort_order,
        target_meetings_per_year=target_meetings_per_year,
        started_on=started_on,
        description=description,
    )
    body.full_clean()
    body.save()
    body_ensure_history(body=body, fiscal_year=from_fiscal_year)
    check_body_names(council=council, body=body)
    return body


def body_ensure_history(*, body: Body, fiscal_year: int) -> None:
    """Give a body created elsewhere (the admin) its first name and status rows, if it has none."""
    if not body.names.exists():
        BodyName.objects.create(body=body, from_fiscal_year=fiscal_year, name=body.name)
    if not body.statuses.exists():
        BodyStatus.objects.create(body=body, fiscal_year=fiscal_year, status=BodyStatusKind.ACTIVE)


def first_year_of(body: Body) -> int | None:
    """The first 年度 of a body (its earliest status row), None for one without any."""
    return BodyStatus.objects.filter(body=body).aggregate(first=models.Min("fiscal_year"))["first"]


@transaction.atomic
def body_set_status(*, body: Body, fiscal_year: int, status: str, note: str = "") -> BodyStatus:
    """Record that from ``fiscal_year`` on the body is active, paused (休止) or ended (終了)."""
    if status not in BodyStatusKind.values:
        raise ValidationError({"status": "状態は「活動中」「休止」「終了」から選んでください。"})
    first = first_year_of(body)
    if first is not None and fiscal_year < first:
        raise ValidationError(
            {
                "fiscal_year": f"{format_fiscal_year(fiscal_year)}には、この会議体はまだありません"
                f"（{format_fiscal_year(first)}から）。{format_fiscal_year(first)}以降の年度を選んでください。"
            }
        )
    row, _ = BodyStatus.objects.update_or_create(
        body=body, fiscal_year=fiscal_year, defaults={"status": status, "note": note}
    )
    check_body_names(council=body.council, body=body)  # a body resumed may meet its name's new holder
    return row


@transaction.atomic
def body_rename(*, body: Body, fiscal_year: int, name: str) -> Body:
    """Rename a body from ``fiscal_year`` on; earlier years keep the old name in reports."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "新しい名称を入力してください。"})
    if not body.names.filter(from_fiscal_year__lt=fiscal_year).exists():
        # The old name has no row of its own yet: it stays the name of every earlier year.
        BodyName.objects.create(body=body, from_fiscal_year=EARLIEST_FISCAL_YEAR, name=body.name)
    BodyName.objects.update_or_create(body=body, from_fiscal_year=fiscal_year, defaults={"name": name})
    # The current name is the name of the latest row (a rename from a past 年度 under a later one
    # does not change what the body is called today).
    latest = body.names.order_by("-from_fiscal_year").values_list("name", flat=True).first()
    body.name = latest or name
    body.full_clean()
    body.save(update_fields=["name"])
    check_body_names(council=body.council, body=body)
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


@transaction.atomic
def body_link_successor(*, old: Body, successor: Body, from_fiscal_year: int, end_old: bool = True) -> Body:
    """Name an existing body as the successor of ``old`` (it takes over from ``from_fiscal_year``);
    ``old`` ends from that 年度 unless ``end_old`` is false. Refused: a body of another council,
    the body itself, or one of its own predecessors (a loop of successions)."""
    if successor.council_id != old.council_id:
        raise ValidationError({"successor": "後継の会議体は同じ協議会の会議体から選んでください。"})
    if successor.pk == old.pk:
        raise ValidationError({"successor": "会議体を自分自身の後継にはできません。"})
    node: Body | None = old
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.pk == successor.pk:
            raise ValidationError(
                {"successor": f"「{successor.name}」は「{old.name}」の前身です。前身を後継にはできません。"}
            )
        seen.add(node.pk)
        node = node.predecessor
    successor.predecessor = old
    successor.full_clean()
    successor.save(update_fields=["predecessor"])
    if end_old:
        body_set_status(
            body=old,
            fiscal_year=from_fiscal_year,
            status=BodyStatusKind.ENDED,
            note=f"「{successor.name_in(from_fiscal_year)}」へ引き継ぎ",
        )
    return successor


def _siblings(body: Body) -> list[Body]:
    return list(
        Body.objects.filter(council_id=body.council_id, parent_id=body.parent_id)
        .prefetch_related("statuses")
        .order_by("sort_order", "id")
    )


@transaction.atomic
def body_move(*, body: Body, up: bool, fiscal_year: int) -> bool:
    """Move a body one place up or down among its siblings shown in ``fiscal_year`` (表示順).

    The siblings keep the 表示順 numbers they had between them, only in the new order; a body
    already first (or last) stays where it is (returns False)."""
    siblings = [b for b in _siblings(body) if exists_in(b, fiscal_year) or b.pk == body.pk]
    index = next(n for n, b in enumerate(siblings) if b.pk == body.pk)
    other = index - 1 if up else index + 1
    if other < 0 or other >= len(siblings):
        return False
    numbers = sorted(b.sort_order for b in siblings)
    for n in range(1, len(numbers)):  # equal numbers would leave the order to the id: make them distinct
        numbers[n] = max(numbers[n], numbers[n - 1] + 1)
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for sibling, number in zip(siblings, numbers, strict=True):
        if sibling.sort_order != number:
            sibling.sort_order = number
            sibling.save(update_fields=["sort_order"])
    return True


BODY_FIELDS = frozenset(
    {
        "council",
        "name",
        "kind",
        "parent",
        "predecessor",
        "sort_order",
        "target_meetings_per_year",
        "started_on",
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
    if fields.get("started_on"):
        first = first_year_of(body) if body is not None and body.pk is not None else None
        _check_started_on(fields["started_on"], first or fiscal_year)
    if body is None or body.pk is None:
        body = save_fields(body or Body(), fields, BODY_FIELDS)
    else:
        stored_kind = Body.objects.filter(pk=body.pk).values_list("kind", flat=True).get()
        if stored_kind == BodyKind.CASE_CONFERENCE and fields.get("kind", stored_kind) != stored_kind:
            # Its records hold personal data, read only after the pledge: they must not open up.
            raise ValidationError(
                {
                    "kind": "個別支援会議の種別は変えられません（記録に個人情報が含まれるため）。"
                    "別の種別の会議体が必要なときは、新しく追加してください。"
                }
            )
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
    check_body_names(council=body.council, body=body)
    return body


@transaction.atomic
def body_delete(*, body: Body) -> None:
    """Remove a body (its name and status rows and memberships go with it)."""
    body.delete()


BODY_NAME_FIELDS = frozenset({"body", "from_fiscal_year", "name"})


@transaction.atomic
def body_name_save(*, body_name: BodyName | None = None, **fields) -> BodyName:
    """Add or correct one row of a body's name history (名称の履歴)."""
    row = save_fields(body_name or BodyName(), fields, BODY_NAME_FIELDS)
    check_body_names(council=row.body.council, body=row.body)
    return row


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
