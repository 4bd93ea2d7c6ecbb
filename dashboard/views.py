"""The council's overview pages (see dashboard.selectors) and the protected file downloads."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from council.access import (
    can_edit_body,
    check_body,
    for_user,
    get_body_for_user,
    get_council_for_secretariat,
    get_council_for_user,
)
from council.forms import CouncilSettingsForm, PledgeTextForm
from council.pages import council_context, selected_fiscal_year
from council.selectors import ENDING_NOTICE_DAYS, accesses_ending
from council.services import council_save
from council.wareki import format_wareki
from dashboard.selectors import body_page, council_tree, dashboard_for
from dashboard.setup import setup_steps
from dashboard.work import my_work
from meetings.models import Handout
from privacy.services import pledge_ensure, pledge_publish
from reports.models import ReportJob


@login_required
def council_home(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    fiscal_year = selected_fiscal_year(request)
    rows = council_tree(council=council, user=request.user, fiscal_year=fiscal_year)
    context = council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        tree=[row for row in rows if row.body.kind != "liaison"],
        liaison=[row for row in rows if row.body.kind == "liaison"],
        work=my_work(council=council, user=request.user, today=timezone.localdate()),
    )
    return render(request, "dashboard/council_home.html", context)


@login_required
def body_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    body = get_body_for_user(request.user, council, pk)
    fiscal_year = selected_fiscal_year(request)
    context = council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        can_edit=can_edit_body(request.user, body),
        **body_page(body=body, fiscal_year=fiscal_year),
    )
    return render(request, "dashboard/body_detail.html", context)


@login_required
def protected_file(request: HttpRequest, name: str) -> HttpResponse:
    """Serve an uploaded handout or a generated report to the people who may read its body.

    A handout follows its meeting's body; a body document (報告書・評価シート) its body; a
    council-wide document (schedule, summary, book — which leave case conferences out) anyone of
    the council. Anything else — another council's file, a case conference's file for someone not
    in it, a guessed path, a file no record points to — is 404, so the answer does not tell whether
    the file exists.
    """
    handout = (
        for_user(Handout.objects.filter(file=name), request.user).select_related("meeting__body").first()
    )
    if handout is not None:
        record, body = handout, handout.meeting.body
    else:
        record = for_user(ReportJob.objects.filter(file=name), request.user).select_related("body").first()
        body = record.body if record is not None else None
    if record is None or not record.file:
        raise Http404
    if body is not None:
        check_body(
            request.user, body, reading=record
        )  # 404, or the pledge first for a case conference's file
    content_type = (
        getattr(record, "content_type", "") or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response = FileResponse(record.file.open("rb"), as_attachment=True, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_safe
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_secretariat(request.user, slug, page="事務局ダッシュボード")
    data = dashboard_for(council=council, user=request.user, today=timezone.localdate())
    steps = setup_steps(council)
    return render(
        request,
        "dashboard/dashboard.html",
        council_context(
            request,
            council,
            fiscal_year=data.fiscal_year,
            dashboard=data,
            setup_steps=steps if not all(step.done for step in steps) else None,
            setup_done=sum(step.done for step in steps),
            ending_accesses=len(accesses_ending(council)),
            ending_days=ENDING_NOTICE_DAYS,
            today_label=format_wareki(data.today, weekday=True),
        ),
    )


SETTINGS_PAGE = "「協議会の設定」"

# The secretariat's set-up pages, in the order a council moving in uses them: (url name, label, what for).
SETUP_PAGES = (
    ("body_settings", "会議体の設定", "全体会から個別支援会議までの構成を、年度ごとに登録・変更します。"),
    ("people_list", "人物・構成員", "人物と所属機関を登録し、会議体に任期と役割を付けて入れます。"),
    ("invitation_list", "アカウントの招待", "メールで招待し、本人にパスワードを設定してもらいます。"),
    ("access_overview", "権限の一覧", "だれがどの会議体を閲覧・編集できるか、その理由を確かめます。"),
    ("pledge_status", "守秘義務の確認状況", "誓約文を確認した方と、まだの方の一覧です。"),
    ("imports", "取り込み・書き出し", "これまでの記録を Excel・CSV からまとめて取り込みます。"),
)


def setup_links(council) -> list[dict[str, str]]:
    return [
        {"href": reverse(name, args=[council.slug]), "label": label, "text": text}
        for name, label, text in SETUP_PAGES
    ]


def _same_text(typed: str, stored: str) -> bool:
    """A textarea sends CRLF line ends; the stored text may keep LF and a final newline."""
    return typed.replace("\r\n", "\n").strip() == stored.replace("\r\n", "\n").strip()


@login_required
def council_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """「協議会の設定」 (事務局): the council's words and 2FA, its pledge text, and the set-up pages."""
    council = get_council_for_secretariat(request.user, slug, page=SETTINGS_PAGE)
    pledge = pledge_ensure(council=council)
    initial = {key: getattr(council, key) for key in CouncilSettingsForm.FIELDS}
    settings_form = CouncilSettingsForm(
        request.POST if request.POST.get("part") == "settings" else None, initial=initial
    )
    pledge_form = PledgeTextForm(
        request.POST if request.POST.get("part") == "pledge" else None,
        initial={"title": pledge.title, "text": pledge.text},
    )
    if request.method == "POST" and settings_form.is_bound and settings_form.is_valid():
        changed = {key: settings_form.cleaned_data[key] for key in CouncilSettingsForm.FIELDS}
        council_save(council=council, **changed)
        messages.success(request, "協議会の設定を保存しました。")
        return redirect("council_settings", council.slug)
    if request.method == "POST" and pledge_form.is_bound and pledge_form.is_valid():
        data = pledge_form.cleaned_data
        if _same_text(data["title"], pledge.title) and _same_text(data["text"], pledge.text):
            messages.info(request, "守秘義務の誓約文は変わっていないため、新しい版は作りませんでした。")
        else:
            published = pledge_publish(
                council=council, title=data["title"], text=data["text"], by=request.user
            )
            messages.success(
                request,
                f"守秘義務の誓約文を第{published.version}版にしました。個別支援会議の記録を開く前に、"
                "全員があらためて確認します。",
            )
        return redirect("council_settings", council.slug)
    return render(
        request,
        "dashboard/settings.html",
        council_context(
            request,
            council,
            settings_form=settings_form,
            pledge_form=pledge_form,
            pledge=pledge,
            setup_links=setup_links(council),
        ),
    )
