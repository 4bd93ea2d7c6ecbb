"""Pages of the reports: ask for a document, follow its job, download it, preview it as HTML.

Who may ask: the secretariat for council-wide documents; the body's chair or the secretariat for
a body's documents; the reviewer (福祉課) for both. Everyone of the council may follow the jobs of
bodies they may read; people of other councils get 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from council.access import (
    can_edit_body,
    check_body,
    for_user,
    get_council_for_user,
    is_reviewer_of,
    is_secretariat_of,
    readable_bodies,
)
from council.models import Body, Council
from council.pages import council_context, selected_fiscal_year
from council.wareki import format_fiscal_year, is_page_fiscal_year
from meetings.forms import fiscal_year_choices
from reports.models import BODY_DOCUMENTS, DocumentKind, JobStatus, ReportJob
from reports.rendering import DocumentRequestError, check_request, render_html
from reports.selectors import data_fiscal_years
from reports.services import (
    ReportCancelRefused,
    ReportRetryRefused,
    report_cancel,
    report_request,
    report_retry,
)

PAGE_SIZE = 20
PENDING = (JobStatus.QUEUED, JobStatus.RUNNING)


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label="帳票", choices=DocumentKind.choices, widget=forms.RadioSelect)
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    body = forms.ModelChoiceField(
        label="会議体",
        queryset=Body.objects.none(),
        required=False,
        empty_label="（協議会全体の帳票では選びません）",
        help_text="検討状況報告書・振り返り・評価シート・活動方針は、会議体を選んでください。",
    )

    def __init__(
        self, *args, bodies: QuerySet[Body], fiscal_year: int, data_years: Iterable[int] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        # Every 年度 with data, however old, besides the usual range around this year.
        self.fields["fiscal_year"].choices = fiscal_year_choices(fiscal_year, *data_years)
        self.fields["fiscal_year"].initial = fiscal_year
        self.fields["kind"].error_messages["required"] = "帳票の種類を選んでください。"

    def clean(self):
        cleaned = super().clean()
        if "kind" in cleaned and "body" in cleaned:
            try:
                check_request(cleaned["kind"], cleaned["body"])
            except DocumentRequestError as error:
                self.add_error("body", str(error))
        return cleaned


def may_request(user, council: Council, kind: str, body: Body | None) -> bool:
    if is_reviewer_of(user, council.pk):
        return True
    if kind in BODY_DOCUMENTS:
        return body is not None and can_edit_body(user, body)
    return is_secretariat_of(user, council.pk)


def _jobs(user, council: Council) -> QuerySet[ReportJob]:
    """The council's jobs of council documents and of bodies the user may read."""
    readable = readable_bodies(user, council)
    return for_user(ReportJob.objects.filter(council=council), user).filter(
        Q(body__isnull=True) | Q(body__in=readable)
    )


def _job_for_user(request: HttpRequest, slug: str, pk: int) -> tuple[Council, ReportJob]:
    """A job of a page: 404, or the pledge first for a case conference's job (council.access.check_body)."""
    council = get_council_for_user(request.user, slug)
    job = (
        for_user(ReportJob.objects.filter(council=council), request.user)
        .select_related("body", "council", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise Http404
    if job.body is not None:
        check_body(request.user, job.body, reading=job)
    return council, job


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    bodies = readable_bodies(request.user, council).order_by("sort_order", "pk")
    fiscal_year = selected_fiscal_year(request)
    form = ReportRequestForm(
        request.POST or None, bodies=bodies, fiscal_year=fiscal_year, data_years=data_fiscal_years(council)
    )
    if request.method == "POST" and form.is_valid():
        kind, body, year = (
            form.cleaned_data["kind"],
            form.cleaned_data["body"],
            form.cleaned_data["fiscal_year"],
        )
        if not may_request(request.user, council, kind, body):
            raise PermissionDenied("この帳票を作成する権限がありません。")
        job = report_request(user=request.user, council=council, kind=kind, fiscal_year=year, body=body)
        return redirect("report_job", council.slug, job.pk)
    page = Paginator(
        _jobs(request.user, council).select_related("body", "requested_by").order_by("-created_at", "-id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = council_context(
        request,
        council,
        fiscal_year=fiscal_year,
        form=form,
        page=page,
        # The spreadsheet export (spreadsheets.views.export) is the secretariat's: nobody else
        # is shown a link that would answer 403.
        can_export=is_secretariat_of(request.user, council.pk),
    )
    return render(request, "reports/pages/report_list.html", context, status=400 if form.errors else 200)


def _status_payload(council: Council, job: ReportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "error": job.error,
        "pending": job.status in PENDING,
        "file_url": job.file.url if job.status == JobStatus.DONE and job.file else "",
        "retry_url": reverse("report_job_retry", args=[council.slug, job.pk])
        if job.status == JobStatus.FAILED
        else "",
    }


def may_cancel(user, council: Council, job: ReportJob) -> bool:
    """Who asked for the job, or the secretariat."""
    return (job.requested_by_id is not None and job.requested_by_id == user.pk) or is_secretariat_of(
        user, council.pk
    )


@login_required
@require_safe
def report_job(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, job = _job_for_user(request, slug, pk)
    context = council_context(
        request,
        council,
        job=job,
        pending=job.status in PENDING,
        can_retry=job.status == JobStatus.FAILED and may_request(request.user, council, job.kind, job.body),
        can_cancel=job.status in PENDING and may_cancel(request.user, council, job),
        fiscal_year_label=format_fiscal_year(job.fiscal_year),
    )
    return render(request, "reports/pages/report_job.html", context)


@login_required
@require_safe
def report_job_status(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    council, job = _job_for_user(request, slug, pk)
    response = JsonResponse(_status_payload(council, job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def report_job_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, job = _job_for_user(request, slug, pk)
    if not may_request(request.user, council, job.kind, job.body):
        raise PermissionDenied("この帳票を作成する権限がありません。")
    try:
        report_retry(job=job)
    except ReportRetryRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "もう一度作成を始めました。")
    return redirect("report_job", council.slug, job.pk)


def _kind_label(kind: str) -> str:
    return DocumentKind(kind).label if kind in DocumentKind.values else kind


@login_required
@require_POST
def report_job_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, job = _job_for_user(request, slug, pk)
    if not may_cancel(request.user, council, job):
        raise PermissionDenied("この帳票の作成を取り消せるのは、依頼した人と事務局です。")
    try:
        report_cancel(job=job)
    except ReportCancelRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "帳票の作成を取り消しました。")
    return redirect("report_job", council.slug, job.pk)


@login_required
@require_safe
def report_preview(request: HttpRequest, slug: str, kind: str, year: int) -> HttpResponse:
    """The document as HTML in the browser (the same HTML the PDF is made from)."""
    council = get_council_for_user(request.user, slug)
    if not is_page_fiscal_year(year):
        raise Http404
    body = None
    raw_body = request.GET.get("body", "")
    if raw_body:
        if not raw_body.isdigit():
            raise Http404
        body = Body.objects.filter(council=council, pk=int(raw_body)).first()
        if body is None:
            raise Http404
        check_body(
            request.user, body, reading=f"帳票のプレビュー「{_kind_label(kind)}」{format_fiscal_year(year)}"
        )
    try:
        html = render_html(kind, council=council, fiscal_year=year, body=body)
    except DocumentRequestError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(html)
