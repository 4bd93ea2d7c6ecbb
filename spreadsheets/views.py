"""Pages of 取り込み・書き出し: upload → preview (nothing written) → 「取り込む」 → one transaction.

The upload is kept between the preview and the confirmation under MEDIA_ROOT/imports/, named by
a random token and bound to the user and the council that uploaded it (another user, or the
same user in another council, gets 404). It is deleted once imported. Secretariat only: other
roles of the council get 403, everyone else 404.

Large files (more than ``LARGE_IMPORT_ROWS`` data rows) are stored at once and previewed, then
imported, by the Celery task ``spreadsheets.tasks.import_spreadsheet``; the page ``?job=<token>``
shows the rows done while it runs (refreshed by <meta http-equiv="refresh">), then the same
preview, errors or result as the request path.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from council.access import get_council_for_secretariat
from council.models import Council
from council.pages import council_context
from council.wareki import (
    EARLIEST_RECORD_YEAR,
    PAGE_YEARS_AHEAD,
    current_fiscal_year,
    format_fiscal_year,
    is_page_fiscal_year,
)
from spreadsheets.tables import (
    LARGE_IMPORT_ROWS,
    MAX_UPLOAD_BYTES,
    RESOURCE_LABELS,
    XLSX_CONTENT_TYPE,
    ImportReport,
    LimitExceeded,
    export_bytes,
    run_import,
    screen,
    template_bytes,
)
from spreadsheets.tasks import (
    cancel_requested,
    claim,
    drop_state,
    import_cancel,
    import_queue,
    read_state,
    report_from_dict,
    upload_dir,
)

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Uploads nobody confirmed are removed after a day (checked whenever a new file is stored).
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60
# The preview lists at most this many rows (the counts above it cover every row).
PREVIEW_ROW_LIMIT = 2000
# Seconds between reloads of the progress page of a large import.
PROGRESS_REFRESH_SECONDS = 2


class UploadForm(forms.Form):
    """The file of an import, on the secretariat's page and in the admin alike."""

    file = forms.FileField(
        label="ファイル",
        help_text="Excel（.xlsx）または CSV（UTF-8・Shift_JIS のどちらでも）。1行目は列名にしてください。",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（10MBまで）。")
        return file


def _fiscal_year_choices() -> list[tuple[str, str]]:
    last = current_fiscal_year() + PAGE_YEARS_AHEAD
    return [("", "指定しない")] + [
        (str(year), format_fiscal_year(year)) for year in range(last, EARLIEST_RECORD_YEAR - 1, -1)
    ]


class ImportForm(UploadForm):
    # A callable: the apps register their resources after this module may have been imported.
    resource = forms.ChoiceField(label="取り込む内容", choices=lambda: list(RESOURCE_LABELS.items()))
    fiscal_year = forms.TypedChoiceField(
        label="年の書かれていない日付の年度",
        choices=_fiscal_year_choices,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="「7月15日」「7/15」のように年のない日付を、この年度の日付として読みます"
        "（4月〜12月は年度の始まりの年、1月〜3月は翌年）。「年度」の列がある行は、その年度で読みます。",
    )
    field_order = ["resource", "fiscal_year", "file"]


def _secretariat_council(request: HttpRequest, slug: str) -> Council:
    return get_council_for_secretariat(request.user, slug, page="取り込み・書き出し")


def _upload_dir() -> Path:
    return upload_dir()


def _store_upload(
    *,
    data: bytes,
    user_id: int,
    council_id: int,
    resource: str,
    filename: str,
    large: bool = False,
    fiscal_year: int | None = None,
) -> str:
    folder = _upload_dir()
    now = time.time()
    for old in [*folder.glob("*.json"), *folder.glob("*.claim")]:
        try:
            if now - old.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
                if old.name.count(".") == 1:
                    old.with_suffix(".bin").unlink(missing_ok=True)
                old.unlink(missing_ok=True)
        except OSError:
            continue
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(data)
    meta = {
        "user": user_id,
        "council": council_id,
        "resource": resource,
        "filename": filename,
        "large": large,
        "fiscal_year": fiscal_year,
    }
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _load_meta(token: str, *, user_id: int, council_id: int) -> dict:
    if not _TOKEN_RE.match(token):
        raise Http404
    try:
        meta = json.loads((_upload_dir() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user") != user_id or meta.get("council") != council_id:
        raise Http404
    return meta


def _load_upload(token: str, *, user_id: int, council_id: int) -> tuple[dict, bytes]:
    meta = _load_meta(token, user_id=user_id, council_id=council_id)
    try:
        data = (_upload_dir() / f"{token}.bin").read_bytes()
    except OSError:
        raise Http404 from None
    return meta, data


def _drop_upload(token: str) -> None:
    folder = _upload_dir()
    (folder / f"{token}.bin").unlink(missing_ok=True)
    (folder / f"{token}.json").unlink(missing_ok=True)
    drop_state(token)


def _preview(
    request: HttpRequest,
    council: Council,
    report: ImportReport,
    *,
    token: str,
    meta: dict,
    status: int = 200,
    decision_errors: list[str] | None = None,
) -> HttpResponse:
    context = council_context(
        request,
        council,
        report=report,
        decision_errors=decision_errors or [],
        token=token,
        filename=meta["filename"],
        resource_label=RESOURCE_LABELS[meta["resource"]],
        fiscal_year_label=format_fiscal_year(meta["fiscal_year"]) if meta.get("fiscal_year") else "",
        rows=report.rows[:PREVIEW_ROW_LIMIT],
        rows_hidden=max(0, len(report.rows) - PREVIEW_ROW_LIMIT),
        large=bool(meta.get("large")),
    )
    return render(request, "spreadsheets/import_preview.html", context, status=status)


def _imported(request: HttpRequest, report: ImportReport, resource: str) -> None:
    totals = report.totals
    messages.success(
        request,
        f"{RESOURCE_LABELS[resource]}を取り込みました（新規 {totals['new']}件、変更 {totals['update']}件、"
        f"変更なし {totals['skip']}件）。",
    )


def _job_url(council: Council, token: str) -> str:
    return f"{reverse('imports', args=[council.slug])}?job={token}"


@dataclass
class CheckedUpload:
    """What checking an uploaded file gave: the worker's progress page (a large file), or the dry
    run's report and, when it has no errors, the token that confirms the import."""

    job_url: str = ""
    report: ImportReport | None = None
    token: str = ""


def check_upload(
    *, user, council: Council, resource: str, upload, fiscal_year: int | None = None
) -> CheckedUpload:
    """The first step of every import (the page and the admin): dry-run the file, here or on the worker.

    The request reads the file's rows for a few seconds at most (``screen``): a file past a limit
    is refused here, a large one (or one not read to its end in that time) goes to the worker."""
    data = upload.read()
    try:
        screened = screen(data, upload.name)
    except LimitExceeded as refusal:
        return CheckedUpload(report=ImportReport(resource=resource, dry_run=True, errors=[str(refusal)]))
    if screened.large:
        token = _store_upload(
            data=data,
            user_id=user.pk,
            council_id=council.pk,
            resource=resource,
            filename=upload.name,
            large=True,
            fiscal_year=fiscal_year,
        )
        import_queue(token, "preview")
        return CheckedUpload(job_url=_job_url(council, token))
    report = run_import(
        resource_name=resource,
        council=council,
        data=data,
        filename=upload.name,
        user=user,
        dry_run=True,
        fiscal_year=fiscal_year,
    )
    token = ""
    if not report.has_errors:
        token = _store_upload(
            data=data,
            user_id=user.pk,
            council_id=council.pk,
            resource=resource,
            filename=upload.name,
            fiscal_year=fiscal_year,
        )
    return CheckedUpload(report=report, token=token)


def _job_page(request: HttpRequest, council: Council, token: str) -> HttpResponse:
    """A large import: its progress while the task runs, then the preview, the errors or the result."""
    meta = _load_meta(token, user_id=request.user.pk, council_id=council.pk)
    state = read_state(token)
    if state is None:
        raise Http404
    if state["status"] in ("queued", "running"):
        total, done = state.get("total") or 0, state.get("done") or 0
        cancelling = cancel_requested(token)
        context = council_context(
            request,
            council,
            state=state,
            filename=meta["filename"],
            resource_label=RESOURCE_LABELS[meta["resource"]],
            done=done,
            total=total,
            percent=int(done * 100 / total) if total else 0,
            refresh=PROGRESS_REFRESH_SECONDS,
            threshold=LARGE_IMPORT_ROWS,
            token=token,
            cancelling=cancelling,
        )
        return render(request, "spreadsheets/import_progress.html", context)
    if state["status"] in ("failed", "cancelled"):
        _drop_upload(token)
        context = council_context(
            request,
            council,
            state=state,
            filename=meta["filename"],
            resource_label=RESOURCE_LABELS[meta["resource"]],
            refresh=0,
            done=0,
            total=0,
            percent=0,
            threshold=LARGE_IMPORT_ROWS,
        )
        status = 500 if state["status"] == "failed" else 200
        return render(request, "spreadsheets/import_progress.html", context, status=status)
    report = report_from_dict(state["report"])
    if state["phase"] == "preview":
        if report.has_errors:
            _drop_upload(token)
            return _preview(request, council, report, token="", meta=meta)
        return _preview(request, council, report, token=token, meta=meta)
    _drop_upload(token)
    if report.has_errors:
        # Something changed since the preview (another edit): nothing was written; show why.
        return _preview(request, council, report, token="", meta=meta, status=409)
    _imported(request, report, meta["resource"])
    return redirect("imports", council.slug)


def _page(request: HttpRequest, council: Council, form: ImportForm, status: int = 200) -> HttpResponse:
    context = council_context(request, council, form=form, resources=list(RESOURCE_LABELS.items()))
    return render(request, "spreadsheets/import_start.html", context, status=status)


@login_required
def imports(request: HttpRequest, slug: str) -> HttpResponse:
    council = _secretariat_council(request, slug)
    if request.method != "POST" and request.GET.get("job"):
        return _job_page(request, council, request.GET["job"])
    if request.method != "POST":
        initial = {"resource": request.GET.get("resource", ""), "fiscal_year": request.GET.get("year", "")}
        return _page(request, council, ImportForm(initial=initial))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, council, form, status=400)
    upload, resource = form.cleaned_data["file"], form.cleaned_data["resource"]
    fiscal_year = form.cleaned_data["fiscal_year"]
    checked = check_upload(
        user=request.user, council=council, resource=resource, upload=upload, fiscal_year=fiscal_year
    )
    if checked.job_url:
        return redirect(checked.job_url)
    return _preview(
        request,
        council,
        checked.report,
        token=checked.token,
        meta={"filename": upload.name, "resource": resource, "fiscal_year": fiscal_year},
    )


_DECISION_RE = re.compile(r"^decision-([0-9]{1,7})$")
_CHOICE_RE = re.compile(r"^(new|person[0-9]{1,18}|row[0-9]{1,7})$")


def _posted_choices(request: HttpRequest) -> dict[str, str]:
    """The radios 「同じ人（所属を変更）」/「別の人として追加」 of the preview: spreadsheet row → value."""
    choices = {}
    for name, value in request.POST.items():
        match = _DECISION_RE.match(name)
        if match and _CHOICE_RE.match(value):
            choices[match[1]] = value
    return choices


def _missing_message(lines: list[int]) -> str:
    shown = "・".join(str(n) for n in lines[:10]) + ("ほか" if len(lines) > 10 else "")
    return (
        f"{shown}行目は、同じ人か別の人かがまだ選ばれていません。行ごとに「同じ人（所属を変更）」か"
        "「別の人として追加」を選んでから「取り込む」を押してください（何も保存していません）。"
    )


def _store_choices(token: str, meta: dict, choices: dict[str, str]) -> None:
    meta = {**meta, "choices": choices}
    (_upload_dir() / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")


@login_required
@require_POST
def import_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    council = _secretariat_council(request, slug)
    choices = _posted_choices(request)
    meta = _load_meta(token, user_id=request.user.pk, council_id=council.pk)
    if meta.get("large"):
        state = read_state(token)
        if state is None:
            raise Http404
        if state["phase"] == "preview":
            if state["status"] != "done" or (state.get("report") or {}).get("errors"):
                return redirect(_job_url(council, token))  # not previewed (yet): nothing to confirm
            preview = report_from_dict(state["report"])
            missing = [
                row.line
                for row in preview.decisions
                if choices.get(str(row.line)) not in {value for value, _ in row.options}
            ]
            if missing:
                for row in preview.decisions:
                    row.chosen = choices.get(str(row.line), "")
                return _preview(
                    request,
                    council,
                    preview,
                    token=token,
                    meta=meta,
                    status=400,
                    decision_errors=[_missing_message(missing)],
                )
            if claim(token, "confirm"):  # two clicks of 「取り込む」 queue one import
                _store_choices(token, meta, choices)
                import_queue(token, "import")
        return redirect(_job_url(council, token))  # sent twice: the running import's page
    meta, data = _load_upload(token, user_id=request.user.pk, council_id=council.pk)
    report = run_import(
        resource_name=meta["resource"],
        council=council,
        data=data,
        filename=meta["filename"],
        user=request.user,
        dry_run=False,
        fiscal_year=meta.get("fiscal_year"),
        choices=choices,
    )
    if report.only_decisions_missing:
        # Nothing was written: the preview again, the choices made kept, the missing ones named.
        preview = run_import(
            resource_name=meta["resource"],
            council=council,
            data=data,
            filename=meta["filename"],
            user=request.user,
            dry_run=True,
            fiscal_year=meta.get("fiscal_year"),
            choices=choices,
        )
        if not preview.has_errors:
            return _preview(
                request,
                council,
                preview,
                token=token,
                meta=meta,
                status=400,
                decision_errors=[_missing_message(report.missing_decisions)],
            )
    if report.has_errors:
        # Something changed since the preview (another edit): nothing was written; show why.
        return _preview(request, council, report, token="", meta=meta, status=409)
    _drop_upload(token)
    _imported(request, report, meta["resource"])
    return redirect("imports", council.slug)


@login_required
@require_POST
def import_cancel_view(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """「取り消す」 on the progress page of a large import (only its uploader sees the job)."""
    council = _secretariat_council(request, slug)
    _load_meta(token, user_id=request.user.pk, council_id=council.pk)
    if not import_cancel(token):
        messages.error(request, "この処理はすでに終わっているため、取り消せません。")
    return redirect(_job_url(council, token))


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def export(request: HttpRequest, slug: str, resource: str, fmt: str) -> HttpResponse:
    council = _secretariat_council(request, slug)
    if resource not in RESOURCE_LABELS or fmt not in ("xlsx", "csv"):
        raise Http404
    # ?year=2025: the meetings of one 年度 (the report page links it for the selected 年度).
    raw_year = request.GET.get("year", "")
    if raw_year and not (
        resource == "meetings" and raw_year.isdigit() and is_page_fiscal_year(int(raw_year))
    ):
        raise Http404
    fiscal_year = int(raw_year) if raw_year else None
    data = export_bytes(resource, council=council, user=request.user, fmt=fmt, fiscal_year=fiscal_year)
    content_type = XLSX_CONTENT_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    name = f"{council.slug}-{resource}" + (f"-{fiscal_year}" if fiscal_year else "")
    return _download(data, f"{name}.{fmt}", content_type)


@login_required
def import_template(request: HttpRequest, slug: str, resource: str) -> HttpResponse:
    council = _secretariat_council(request, slug)
    if resource not in RESOURCE_LABELS:
        raise Http404
    return _download(
        template_bytes(resource, council=council), f"template-{resource}.xlsx", XLSX_CONTENT_TYPE
    )
