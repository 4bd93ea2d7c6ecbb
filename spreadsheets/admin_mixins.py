"""取り込み・書き出し in the admin: django-import-export's admin mixin, run through our own path.

The buttons, URL names (``admin:<app>_<model>_import`` / ``_process_import`` / ``_export``) and
permission hooks are django-import-export's (``ImportExportMixin``); what happens behind them is
the same as on the secretariat's page (``spreadsheets.views``): the file is read by
``spreadsheets.tables`` (CP932 detected, 和暦 dates), checked by a dry run of the SAME resource,
shown with every error as 「5行目「開催日」: …」, and imported only when the user confirms, in one
transaction, all or nothing. Files above ``LARGE_IMPORT_ROWS`` go to the Celery task and its
progress page, as on the secretariat's page.

Every import and export is bound to ONE council chosen in the form, and the choice lists only
the councils the user is secretariat of (a superuser: all). Another council's id in the POST is
an invalid choice; a confirmation token is bound to the user and the council it was made for.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin

from council.access import secretariat_council_ids
from council.models import Council
from spreadsheets.tables import (
    RESOURCE_LABELS,
    XLSX_CONTENT_TYPE,
    ImportReport,
    export_bytes,
    run_import,
    template_bytes,
)
from spreadsheets.views import (
    PREVIEW_ROW_LIMIT,
    UploadForm,
    _download,
    _drop_upload,
    _load_upload,
    _missing_message,
    _posted_choices,
    check_upload,
)


def admin_councils(request: HttpRequest) -> list[Council]:
    """The councils whose records this admin user may import into and export from.

    Kept on the request: the change list asks twice (for each button).
    """
    cached = getattr(request, "_spreadsheet_councils", None)
    if cached is None:
        councils = Council.objects.order_by("name")
        if not request.user.is_superuser:
            councils = councils.filter(pk__in=secretariat_council_ids(request.user))
        cached = request._spreadsheet_councils = list(councils)
    return cached


class CouncilChoiceForm(forms.Form):
    council = forms.TypedChoiceField(label="協議会", coerce=int)

    def __init__(self, *args, councils: list[Council], **kwargs):
        super().__init__(*args, **kwargs)
        self.councils = {c.pk: c for c in councils}
        self.fields["council"].choices = [(c.pk, c.name) for c in councils]
        if len(councils) == 1:
            self.fields["council"].initial = councils[0].pk

    @property
    def chosen(self) -> Council:
        return self.councils[self.cleaned_data["council"]]


class AdminImportForm(CouncilChoiceForm, UploadForm):
    field_order = ["council", "file"]


class AdminConfirmForm(CouncilChoiceForm):
    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{20,64}$", widget=forms.HiddenInput)


class AdminExportForm(CouncilChoiceForm):
    format = forms.ChoiceField(
        label="形式",
        choices=[("xlsx", "Excel（.xlsx）"), ("csv", "CSV（UTF-8・BOM付き）")],
        initial="xlsx",
    )


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export of ``spreadsheet_resource`` (a key of ``spreadsheets.tables.RESOURCE_LABELS``)."""

    spreadsheet_resource = ""
    import_export_change_list_template = "spreadsheets/import_admin_change_list.html"
    import_template_name = "spreadsheets/import_admin.html"
    export_template_name = "spreadsheets/import_admin_export.html"
    skip_admin_log = True  # the import is recorded by the database history (pghistory), not per row

    # -- permissions: secretariats of at least one council, with the admin's own model permissions

    def has_import_permission(self, request: HttpRequest) -> bool:
        return (
            bool(admin_councils(request))
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(admin_councils(request)) and self.has_view_permission(request)

    # -- the pages

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "resource_label": RESOURCE_LABELS[self.spreadsheet_resource],
            "resource": self.spreadsheet_resource,
            "title": f"{RESOURCE_LABELS[self.spreadsheet_resource]}の{extra.pop('verb', '取り込み')}",
            **extra,
        }

    def _render(self, request: HttpRequest, template: str, status: int = 200, **extra) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, self._context(request, **extra), status=status)

    def _preview(
        self,
        request: HttpRequest,
        report: ImportReport,
        *,
        council: Council,
        token: str,
        filename: str,
        status=200,
        decision_errors: list[str] | None = None,
    ) -> TemplateResponse:
        confirm = (
            AdminConfirmForm(councils=[council], initial={"council": council.pk, "token": token})
            if token
            else None
        )
        return self._render(
            request,
            self.import_template_name,
            status=status,
            report=report,
            council=council,
            confirm_form=confirm,
            decision_errors=decision_errors or [],
            filename=filename,
            rows=report.rows[:PREVIEW_ROW_LIMIT],
            rows_hidden=max(0, len(report.rows) - PREVIEW_ROW_LIMIT),
        )

    def import_action(self, request: HttpRequest, **kwargs) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        councils = admin_councils(request)
        if request.method != "POST":
            return self._render(request, self.import_template_name, form=AdminImportForm(councils=councils))
        form = AdminImportForm(request.POST, request.FILES, councils=councils)
        if not form.is_valid():
            return self._render(request, self.import_template_name, status=400, form=form)
        council, upload = form.chosen, form.cleaned_data["file"]
        checked = check_upload(
            user=request.user, council=council, resource=self.spreadsheet_resource, upload=upload
        )
        if (
            checked.job_url
        ):  # a large file: the Celery task and its progress page, as on the secretariat's page
            return HttpResponseRedirect(checked.job_url)
        return self._preview(
            request, checked.report, council=council, token=checked.token, filename=upload.name
        )

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs) -> HttpResponse:
        return _process_import(self, request)

    def export_action(self, request: HttpRequest) -> HttpResponse:
        if not self.has_export_permission(request):
            raise PermissionDenied
        councils = admin_councils(request)
        form = AdminExportForm(request.POST or None, councils=councils)
        if request.method == "POST" and form.is_valid():
            council, fmt = form.chosen, form.cleaned_data["format"]
            data = export_bytes(self.spreadsheet_resource, council=council, user=request.user, fmt=fmt)
            content_type = XLSX_CONTENT_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
            return _download(data, f"{council.slug}-{self.spreadsheet_resource}.{fmt}", content_type)
        status = 400 if request.method == "POST" else 200
        return self._render(request, self.export_template_name, status=status, form=form, verb="書き出し")

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        extra = [
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.template_action),
                name=f"{app_label}_{model_name}_import_template",
            )
        ]
        return extra + super().get_urls()

    def template_action(self, request: HttpRequest) -> HttpResponse:
        """The empty form (列名 and one example row) to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        data = template_bytes(self.spreadsheet_resource, council=admin_councils(request)[0])
        return _download(data, f"template-{self.spreadsheet_resource}.xlsx", XLSX_CONTENT_TYPE)


def _process_import(admin, request: HttpRequest) -> HttpResponse:
    """「取り込む」: the stored file of this user and council, imported in one transaction."""
    if not admin.has_import_permission(request):
        raise PermissionDenied
    form = AdminConfirmForm(request.POST, councils=admin_councils(request))
    changelist = reverse(f"admin:{admin.model._meta.app_label}_{admin.model._meta.model_name}_changelist")
    if not form.is_valid():
        messages.error(request, "取り込むファイルが見つかりません。もう一度ファイルを選んでください。")
        return HttpResponseRedirect(changelist)
    council = form.chosen
    meta, data = _load_upload(form.cleaned_data["token"], user_id=request.user.pk, council_id=council.pk)
    if meta.get("resource") != admin.spreadsheet_resource or meta.get("large"):
        raise PermissionDenied
    choices = _posted_choices(request)
    report = run_import(
        resource_name=meta["resource"],
        council=council,
        data=data,
        filename=meta["filename"],
        user=request.user,
        dry_run=False,
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
            choices=choices,
        )
        if not preview.has_errors:
            return admin._preview(
                request,
                preview,
                council=council,
                token=form.cleaned_data["token"],
                filename=meta["filename"],
                status=400,
                decision_errors=[_missing_message(report.missing_decisions)],
            )
    if report.has_errors:
        # Something changed since the preview (another edit): nothing was written; show why.
        return admin._preview(
            request, report, council=council, token="", filename=meta["filename"], status=409
        )
    _drop_upload(form.cleaned_data["token"])
    totals = report.totals
    messages.success(
        request,
        f"{council.name}の{RESOURCE_LABELS[meta['resource']]}を取り込みました（新規 {totals['new']}件、"
        f"変更 {totals['update']}件、変更なし {totals['skip']}件）。",
    )
    return HttpResponseRedirect(changelist)
