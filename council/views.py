from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from council.access import (
    can_see_body,
    council_access,
    council_ids_for,
    edits_by_role,
    get_council_for_secretariat,
    roles_of,
)
from council.display import person_name
from council.models import Body, BodyKind, Council, Person, Role
from council.pages import council_context
from council.selectors import ENDING_NOTICE_DAYS, accesses_ending
from council.wareki import format_wareki


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The councils the user works in; straight to the council when there is only one."""
    councils = Council.objects.order_by("name")
    if not request.user.is_superuser:
        councils = councils.filter(pk__in=council_ids_for(request.user))
    councils = list(councils)
    if len(councils) == 1 and not request.user.is_superuser:  # the operator's links are on this page
        return redirect("council_home", councils[0].slug)
    return render(request, "council/home.html", {"councils": councils})


ACCESS_PAGE = "「権限の一覧」"


@dataclass
class AccessRow:
    """One account on 「権限の一覧」: what it reads and edits today, and why."""

    user: Any
    people: list[Person]
    reads: list[str]
    edits: list[str]
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        """An account of no person: its name as Japanese write it (family name first)."""
        return person_name(self.user)


def _summary(bodies: list[Body], chosen: list[Body]) -> list[str]:
    """Body names, or 「すべての会議体」 / 「個別支援会議以外のすべて」 when that is what they are."""
    if not chosen:
        return []
    if len(chosen) == len(bodies):
        return ["すべての会議体"]
    others = [b for b in bodies if b.kind != BodyKind.CASE_CONFERENCE]
    if others and all(b in chosen for b in others):
        return ["個別支援会議以外のすべて", *(b.name for b in chosen if b.kind == BodyKind.CASE_CONFERENCE)]
    return [b.name for b in chosen]


def _reason(role: Role) -> str:
    via = getattr(role, "via", None)
    if via is not None:
        term = f"{format_wareki(via.term_start)}から" + (
            f"{format_wareki(via.term_end)}まで" if via.term_end else ""
        )
        return f"{via.body.name}の{via.get_role_display()}（任期 {term}）"
    target = f"（{role.body.name}）" if role.body is not None else ""
    return f"{role.get_kind_display()}{target}：権限として付与"


def access_rows(council: Council) -> list[AccessRow]:
    """Everyone who opens the council today, read through the access layer's own rules."""
    bodies = list(Body.objects.filter(council=council).order_by("sort_order", "pk"))
    users = council_access(council)
    people: dict[int, list[Person]] = {}
    for person in Person.objects.filter(council=council, user__in=users).select_related("organization"):
        if person.user_id is not None:
            people.setdefault(person.user_id, []).append(person)
    rows = []
    for user in users:
        roles = roles_of(user)
        row = AccessRow(
            user=user,
            people=people.get(user.pk, []),
            reads=_summary(bodies, [b for b in bodies if can_see_body(user, b)]),
            edits=_summary(bodies, [b for b in bodies if edits_by_role(user, b)]),
            reasons=[_reason(role) for role in roles],
        )
        sitting = {role.body_id for role in roles if getattr(role, "via", None) is not None}
        for role in roles:
            if role.pk and role.body is not None and role.body_id not in sitting:
                row.warnings.append(
                    f"{role.body.name}の構成員名簿にありませんが、{role.get_kind_display()}の権限が付与されています。"
                )
        rows.append(row)
    rows.sort(key=lambda r: (r.people[0].name_kana if r.people else "", r.user.get_username()))
    return rows


@login_required
def access_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """「権限の一覧」 (事務局): who can read and edit what in the council today, and why."""
    council = get_council_for_secretariat(request.user, slug, page=ACCESS_PAGE)
    return render(
        request,
        "council/access_overview.html",
        council_context(
            request,
            council,
            rows=access_rows(council),
            ending=accesses_ending(council),
            ending_days=ENDING_NOTICE_DAYS,
        ),
    )
