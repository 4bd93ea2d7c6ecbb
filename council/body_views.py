"""会議体の設定 (the secretariat): the council's tree in any 年度, and adding, renaming, pausing,
ending, succeeding and reordering its bodies. Every write is a council.services call; every refusal
is shown on the form with the service's reason, and nothing is saved."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from council import services
from council.access import get_council_for_secretariat, visible_bodies
from council.body_forms import (
    BodyAddForm,
    BodyBasicForm,
    BodyRenameForm,
    BodyStatusForm,
    BodySuccessorForm,
)
from council.models import Body, BodyKind, Council
from council.pages import council_context, selected_fiscal_year
from council.selectors import body_settings_tree
from council.submit_once import submit_once
from council.wareki import format_fiscal_year

PAGE = "会議体の設定"


def _settings_url(council: Council, fiscal_year: int, body: Body | None = None) -> str:
    url = f"{reverse('body_settings', args=[council.slug])}?{urlencode({'year': fiscal_year})}"
    return f"{url}#body-{body.pk}" if body is not None else url


def _detail_url(council: Council, body: Body, fiscal_year: int) -> str:
    return (
        f"{reverse('body_settings_detail', args=[council.slug, body.pk])}?{urlencode({'year': fiscal_year})}"
    )


def _council_body(request: HttpRequest, council: Council, pk: int) -> Body:
    body = visible_bodies(request.user, council).select_related("council", "parent").filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def show_refusal(form: Form, error: ValidationError) -> None:
    """A service's refusal on the form: on the field it names when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "HEAD"])
def body_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The tree of the 年度 as it was then, with what the secretariat can do to each body."""
    council = get_council_for_secretariat(request.user, slug, page=PAGE)
    fiscal_year = selected_fiscal_year(request)
    tree = body_settings_tree(bodies=visible_bodies(request.user, council), fiscal_year=fiscal_year)
    return render(
        request,
        "council/bodies/settings.html",
        council_context(request, council, fiscal_year=fiscal_year, tree=tree),
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def body_add(request: HttpRequest, slug: str) -> HttpResponse:
    """「この下に会議体を追加」: a body under ``?parent=`` (or at the top), from a 年度 on."""
    council = get_council_for_secretariat(request.user, slug, page=PAGE)
    fiscal_year = selected_fiscal_year(request)
    parent = None
    raw_parent = request.GET.get("parent", "")
    if raw_parent.isdigit():
        parent = _council_body(request, council, int(raw_parent))
    initial: dict[str, object] = {"parent": parent.pk if parent else None}
    if parent is not None:
        initial["kind"] = _child_kind(parent)
    form = BodyAddForm(
        request.POST or None,
        bodies=visible_bodies(request.user, council),
        fiscal_year=fiscal_year,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year = data["from_fiscal_year"]
        try:
            body = services.body_create(
                council=council,
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                from_fiscal_year=year,
                started_on=data["started_on"] or services.default_started_on(year),
                target_meetings_per_year=data["target_meetings_per_year"],
                sort_order=_last_place(council, data["parent"]),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"「{body.name}」を{format_fiscal_year(year)}から登録しました。")
            return HttpResponseRedirect(_settings_url(council, year, body))
    return render(
        request,
        "council/bodies/add.html",
        council_context(request, council, fiscal_year=fiscal_year, form=form, parent=parent),
    )


def _child_kind(parent: Body) -> str:
    return {
        BodyKind.PLENARY: BodyKind.STEERING,
        BodyKind.STEERING: BodyKind.SUBCOMMITTEE,
        BodyKind.SUBCOMMITTEE: BodyKind.WORKING_GROUP,
    }.get(parent.kind, BodyKind.WORKING_GROUP)  # type: ignore[call-overload]


def _last_place(council: Council, parent: Body | None) -> int:
    """A new body goes after its siblings (表示順)."""
    orders = Body.objects.filter(council=council, parent=parent).values_list("sort_order", flat=True)
    return max(orders, default=0) + 1


FORMS = {
    "basic": "基本の設定を保存しました。",
    "rename": "名称を変更しました。",
    "status": "状態を変更しました。",
    "successor": "後継の会議体を登録しました。",
}


@login_required
@require_http_methods(["GET", "POST"])
def body_settings_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One body's settings: 基本 (kind, parent, target, start), rename, status, successor.

    Each form posts ``form=<which>``; the others are shown unbound."""
    council = get_council_for_secretariat(request.user, slug, page=PAGE)
    body = _council_body(request, council, pk)
    fiscal_year = selected_fiscal_year(request)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and which not in FORMS:
        which = ""
    data = request.POST if which else None
    bodies = visible_bodies(request.user, council)
    forms = {
        "basic": BodyBasicForm(
            data if which == "basic" else None, body=body, bodies=bodies, fiscal_year=fiscal_year
        ),
        "rename": BodyRenameForm(data if which == "rename" else None, fiscal_year=fiscal_year),
        "status": BodyStatusForm(
            data if which == "status" else None,
            fiscal_year=fiscal_year,
            initial={"status": body.status_in(fiscal_year)},
        ),
        "successor": BodySuccessorForm(
            data if which == "successor" else None, body=body, bodies=bodies, fiscal_year=fiscal_year
        ),
    }
    if which and forms[which].is_valid():
        form = forms[which]
        try:
            with transaction.atomic():
                year = _save(which, body=body, data=form.cleaned_data, fiscal_year=fiscal_year)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, FORMS[which])
            return HttpResponseRedirect(_detail_url(council, body, year))
    elif request.method == "POST" and not which:
        messages.error(request, "どの設定を保存するのか分かりませんでした。もう一度お試しください。")
        return HttpResponseRedirect(_detail_url(council, body, fiscal_year))
    body.refresh_from_db()  # a refused save may have touched the instance, not the database
    names = sorted(body.names.all(), key=lambda row: row.from_fiscal_year)
    statuses = sorted(body.statuses.all(), key=lambda row: row.fiscal_year)
    successors = list(body.successors.prefetch_related("names"))
    predecessor = body.predecessor
    return render(
        request,
        "council/bodies/detail.html",
        council_context(
            request,
            council,
            fiscal_year=fiscal_year,
            body=body,
            body_name=body.name_in(fiscal_year),
            status=body.status_in(fiscal_year),
            names=names,
            statuses=statuses,
            successors=[(s, s.name_in(fiscal_year)) for s in successors],
            predecessor=predecessor,
            forms=forms,
            bound=forms.get(which),
        ),
    )


def _save(which: str, *, body: Body, data: dict, fiscal_year: int) -> int:
    """Run the service for one form; the 年度 to show afterwards."""
    if which == "basic":
        services.body_save(
            body=body,
            fiscal_year=fiscal_year,
            kind=data["kind"],
            parent=data["parent"],
            target_meetings_per_year=data["target_meetings_per_year"],
            started_on=data["started_on"],
            description=data["description"],
        )
        return fiscal_year
    year = data["from_fiscal_year"]
    if which == "rename":
        services.body_rename(body=body, fiscal_year=year, name=data["name"])
    elif which == "status":
        services.body_set_status(body=body, fiscal_year=year, status=data["status"], note=data["note"])
    elif data["new_name"]:
        if not data["end_old"]:
            raise ValidationError(
                {"end_old": "新しく作る会議体に引き継ぐときは、この会議体はその年度から終了になります。"}
            )
        services.body_succeed(
            old=body,
            name=data["new_name"],
            from_fiscal_year=year,
            started_on=services.default_started_on(year),
        )
    else:
        services.body_link_successor(
            old=body, successor=data["successor"], from_fiscal_year=year, end_old=data["end_old"]
        )
    return year


@login_required
@require_POST
def body_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The ↑ / ↓ buttons: one place up or down among the siblings shown in the 年度."""
    council = get_council_for_secretariat(request.user, slug, page=PAGE)
    body = _council_body(request, council, pk)
    fiscal_year = selected_fiscal_year(request)
    up = request.POST.get("direction") == "up"
    if services.body_move(body=body, up=up, fiscal_year=fiscal_year):
        messages.success(request, f"「{body.name_in(fiscal_year)}」を{'上' if up else '下'}に移動しました。")
    return HttpResponseRedirect(_settings_url(council, fiscal_year, body))
