"""人物・構成員 (the secretariat): the council's people with their organisation, bodies and account;
add and edit a person; a person's page with every term in every body, adding and ending terms.

Reads go through ``council.access`` (``get_council_for_secretariat``: 404 for outsiders, 403 for
the council's other users; ``for_admin``: people who sit only in a case conference, and case
conferences themselves, stay hidden until the council's pledge is confirmed). Writes go through
``council.services``. The account buttons of the person page post to ``accounts`` (a layer above).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from council.access import for_admin, get_council_for_secretariat
from council.concurrency import CODE as CHANGED_MEANWHILE
from council.concurrency import stamp
from council.models import Council, Membership, Person, RoleKind
from council.pages import council_context
from council.people_forms import (
    MembershipEndForm,
    MembershipForm,
    PeopleFilterForm,
    PersonForm,
    normalise_kana,
)
from council.services import membership_add as add_membership
from council.services import membership_end as end_membership
from council.services import person_enter, person_version
from council.submit_once import submit_once
from council.wareki import format_wareki

PAGE = "人物・構成員"
PAGE_SIZE = 50


class AccountState:
    NONE = "なし"
    INVITED = "招待中"
    ACTIVE = "利用中"


def account_state(person: Person) -> str:
    """なし (no account), 招待中 (invited or a letter printed, never signed in), 利用中."""
    user = person.user
    if user is None:
        return AccountState.NONE
    if not user.is_active or user.last_login is None:
        return AccountState.INVITED
    return AccountState.ACTIVE


def _current(today: dt.date) -> Q:
    return Q(term_start__lte=today) & (Q(term_end__isnull=True) | Q(term_end__gte=today))


def _people(council: Council, user: Any) -> QuerySet[Person]:
    return for_admin(Person.objects.filter(council=council), user)


def people_of(council: Council, user: Any, *, query: str = "", today: dt.date) -> QuerySet[Person]:
    """The list's rows: organisation, account and current bodies in a fixed number of queries."""
    people = _people(council, user)
    if query:
        people = people.filter(
            Q(name__icontains=query)
            | Q(name__icontains=query.replace(" ", ""))
            | Q(name_kana__icontains=normalise_kana(query))
        )
    current = for_admin(Membership.objects.filter(_current(today)), user).select_related("body")
    namesakes = Person.objects.filter(council=council, name=OuterRef("name")).exclude(pk=OuterRef("pk"))
    return (
        people.select_related("organization", "user")
        .annotate(has_namesake=Exists(namesakes))
        .prefetch_related(
            Prefetch(
                "memberships", queryset=current.order_by("body__sort_order", "body__name"), to_attr="current"
            )
        )
        .order_by("name_kana", "name", "pk")
    )


@login_required
@require_safe
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    """「人物・構成員」: the council's people, filtered by name, 50 a page."""
    council = get_council_for_secretariat(request.user, slug, page=PAGE)
    form = PeopleFilterForm(request.GET or None)
    query = form.query()
    today = timezone.localdate()
    page = Paginator(people_of(council, request.user, query=query, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(person, account_state(person)) for person in page]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "council/people/people_list.html",
        council_context(
            request, council, form=form, page=page, rows=rows, query=query, params=params.urlencode()
        ),
    )


def _person_fields(form: PersonForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "name_kana": data["name_kana"],
        "organization": data["organization"],
        "new_organization_name": data["new_organization_name"],
        "position_title": data["position_title"],
        "email": data["email"],
    }


def _save_person(request: HttpRequest, council: Council, form: PersonForm, person: Person | None):
    version = form.cleaned_data["version"] if person is not None else None
    try:
        return person_enter(council=council, person=person, expected_version=version, **_person_fields(form))
    except ValidationError as error:
        if person is not None and getattr(error, "code", None) == CHANGED_MEANWHILE:
            # Shown again with what was typed under the stamp of the values stored now: sending
            # again is then a decision taken on them (the page below names the change).
            form.data = form.data.copy()
            form.data["version"] = stamp(person_version(Person.objects.get(pk=person.pk)))
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return None


@login_required
@submit_once
def person_create(request: HttpRequest, slug: str) -> HttpResponse:
    """「人物を追加する」."""
    council = get_council_for_secretariat(request.user, slug, page=PAGE)
    form = PersonForm(request.POST or None, council=council, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = _save_person(request, council, form, None)
        if person is not None:
            messages.success(
                request, f"{person.name} さんを登録しました。続けて会議体に加えることができます。"
            )
            return redirect("person_detail", council.slug, person.pk)
    return render(
        request,
        "council/people/person_form.html",
        council_context(request, council, form=form, person=None),
        status=400 if form.errors else 200,
    )


def _council_person(request: HttpRequest, slug: str, pk: int) -> tuple[Council, Person]:
    council = get_council_for_secretariat(request.user, slug, page=PAGE)
    person = get_object_or_404(_people(council, request.user).select_related("organization", "user"), pk=pk)
    return council, person


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """「人物の編集」."""
    council, person = _council_person(request, slug, pk)
    initial = {
        "name": person.name,
        "name_kana": person.name_kana,
        "organization": person.organization_id,
        "position_title": person.position_title,
        "email": person.email,
        "version": stamp(person_version(person)),
    }
    form = PersonForm(request.POST or None, initial=initial, council=council, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_person(request, council, form, person)
        if saved is not None:
            messages.success(request, f"{saved.name} さんの登録内容を保存しました。")
            return redirect("person_detail", council.slug, saved.pk)
    return render(
        request,
        "council/people/person_form.html",
        council_context(request, council, form=form, person=person),
        status=400 if form.errors else 200,
    )


def _term_rows(memberships: list[Membership], today: dt.date) -> dict[str, list[Membership]]:
    groups: dict[str, list[Membership]] = {"current": [], "upcoming": [], "past": []}
    for membership in memberships:
        if membership.term_start > today:
            groups["upcoming"].append(membership)
        elif membership.term_end is not None and membership.term_end < today:
            groups["past"].append(membership)
        else:
            groups["current"].append(membership)
    return groups


def _render_detail(
    request: HttpRequest,
    council: Council,
    person: Person,
    *,
    membership_form: MembershipForm | None = None,
    end_forms: dict[int, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    memberships = list(
        for_admin(Membership.objects.filter(person=person), request.user)
        .select_related("body")
        .order_by("-term_start", "body__sort_order", "pk")
    )
    groups = _term_rows(memberships, today)
    end_forms = end_forms or {}
    current = [
        (
            m,
            end_forms.get(m.pk)
            or MembershipEndForm(prefix=f"end{m.pk}", initial={"term_end": format_wareki(today)}),
        )
        for m in groups["current"]
    ]
    invitation = person.invitations.order_by("-created_at").first() if person.user_id else None  # type: ignore[attr-defined]
    letter = person.first_password_letters.order_by("-created_at").first() if person.user_id else None  # type: ignore[attr-defined]
    context = council_context(
        request,
        council,
        person=person,
        account=account_state(person),
        invitation=invitation,
        letter=letter,
        current=current,
        upcoming=groups["upcoming"],
        past=groups["past"],
        membership_form=membership_form or MembershipForm(council=council, user=request.user),
        role_choices=[
            ("", "なし（会議体の構成員として利用）"),
            (RoleKind.SECRETARIAT, "事務局"),
            (RoleKind.REVIEWER, "福祉課（評価担当）"),
        ],
    )
    return render(request, "council/people/person_detail.html", context, status=status)


@login_required
@require_safe
def person_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A person's page: every body and term (current, upcoming, past), adding and ending terms, the account."""
    council, person = _council_person(request, slug, pk)
    return _render_detail(request, council, person)


@login_required
@require_POST
@submit_once
def membership_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """「会議体に加える」 from the person page."""
    council, person = _council_person(request, slug, pk)
    form = MembershipForm(request.POST, council=council, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = add_membership(
                body=data["body"],
                person=person,
                role=data["role"],
                term_start=data["term_start"],
                term_end=data["term_end"],
                is_secretariat=data["is_secretariat"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                f"{person.name} さんを{membership.body.name}の{membership.get_role_display()}に加えました"
                f"（任期 {format_wareki(membership.term_start)}〜"
                f"{format_wareki(membership.term_end) if membership.term_end else '定めなし'}）。",
            )
            return redirect("person_detail", council.slug, person.pk)
    return _render_detail(request, council, person, membership_form=form, status=400)


@login_required
@require_POST
def membership_end_view(request: HttpRequest, slug: str, pk: int, membership_pk: int) -> HttpResponse:
    """「任期を終える」: the term ends on the date typed (today by default)."""
    council, person = _council_person(request, slug, pk)
    membership = get_object_or_404(
        for_admin(Membership.objects.filter(person=person), request.user).select_related("body"),
        pk=membership_pk,
    )
    form = MembershipEndForm(request.POST, prefix=f"end{membership.pk}")
    if form.is_valid():
        try:
            end_membership(membership=membership, on=form.cleaned_data["term_end"])
        except ValidationError as error:
            form.add_error("term_end", error.messages)
        else:
            messages.success(
                request,
                f"{membership.body.name}の任期を{format_wareki(membership.term_end)}で終了にしました。",  # type: ignore[arg-type]
            )
            return redirect("person_detail", council.slug, person.pk)
    return _render_detail(request, council, person, end_forms={membership.pk: form}, status=400)
