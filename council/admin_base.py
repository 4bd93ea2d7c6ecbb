"""What every admin page of ours shares: council scoping, Japanese filters, 和暦 columns.

The admin is the secretariat's workbench. A secretariat user sees and picks only records of the
councils they are secretariat of (``council.access.for_admin``) — in change lists, in change forms
(another council's id in the URL is "not found"), in foreign-key choices and in list filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect

from council.access import COUNCIL_PATHS, for_admin, secretariat_council_ids
from council.concurrency import ChangedMeanwhile, stamp
from council.forms import WarekiDateField
from council.services import RowEdit
from council.wareki import FIRST_DATE, LAST_DATE, fiscal_year_bounds, format_fiscal_year, format_wareki


def scope_for_admin(queryset, request):
    if queryset.model._meta.label_lower in COUNCIL_PATHS:
        return for_admin(queryset, request.user)
    if queryset.model is get_user_model() and not request.user.is_superuser:
        # Accounts that already work in one of the user's councils, and fresh accounts with no
        # role yet (so a secretariat can give a new colleague a role); never other councils' staff.
        councils = secretariat_council_ids(request.user)
        return queryset.filter(
            Q(council_roles__council_id__in=councils) | Q(council_roles__isnull=True)
        ).distinct()
    return queryset


FISCAL_YEAR_FIELDS = frozenset({"fiscal_year", "from_fiscal_year"})


class TolerantAutocompleteSelect(widgets.AutocompleteSelect):
    """Django's autocomplete widget, minus a server error: re-rendering a form whose posted value is
    not a key at all (a tampered request: ``organization=<script>``) made ``optgroups`` look it up
    and fail. Such a value now just selects nothing; the field itself reports it as invalid."""

    def optgroups(self, name, value, attr=None):
        field = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        valid = []
        for v in value:
            try:
                field.to_python(v)
            except ValidationError:
                continue
            valid.append(v)
        return super().optgroups(name, valid, attr)


class CouncilScopedAdminMixin:
    """Scope the change list, the objects reachable by URL and every choice list to the user's
    councils. Used by every ModelAdmin and inline of our apps. Date fields accept 和暦."""

    formfield_overrides = {
        models.DateField: {"form_class": WarekiDateField, "widget": widgets.AdminDateWidget},
    }

    def get_queryset(self, request):
        return scope_for_admin(super().get_queryset(request), request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A 年度 typed as a number must be one 和暦 can print (0 broke the change list: found by tests/fuzz).
        if db_field.name in FISCAL_YEAR_FIELDS and isinstance(db_field, models.IntegerField):
            kwargs.setdefault("min_value", FIRST_DATE.year)
            kwargs.setdefault("max_value", LAST_DATE.year)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope_for_admin(field.queryset, request)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope_for_admin(field.queryset, request)
        return field


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change someone else made after the form was opened.

    Used for models with an ``updated_at`` stamp: the stamp travels in a hidden field and is
    compared on save (see ScopedAdmin.get_form).
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        data = super().clean()
        loaded = data.get("loaded_version")
        if self.instance.pk:
            current = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if current is not None and stamp(current) != loaded:
                # Show the current stamp, so that saving again after checking is a deliberate overwrite.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = current.isoformat()
                raise ChangedMeanwhile("記録")
        return data


def _has_updated_at(model) -> bool:
    return any(f.name == "updated_at" for f in model._meta.fields)


class ScopedAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and _has_updated_at(self.model) and not issubclass(self.form, VersionedForm):
            # Mix the version check into whatever form the admin declared.
            kwargs["form"] = type(f"Versioned{self.form.__name__}", (VersionedForm, self.form), {})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not _has_updated_at(self.model):
            return fieldsets
        first_name, first_options = fieldsets[0]
        fields = list(first_options.get("fields", []))
        if "loaded_version" not in fields:
            fields.append("loaded_version")
        return [(first_name, {**first_options, "fields": fields}), *fieldsets[1:]]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        # The council column only helps people who serve more than one council.
        if (
            "council" in columns
            and len(secretariat_council_ids(request.user)) == 1
            and not request.user.is_superuser
        ):
            columns.remove("council")
        return columns

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # Most secretariats serve one council: fill it in for them.
        if "council" not in initial and any(f.name == "council" for f in self.model._meta.fields):
            councils = secretariat_council_ids(request.user)
            if len(councils) == 1:
                initial["council"] = next(iter(councils))
        return initial


class RowLabelledFormSet(BaseInlineFormSet):
    """A tabular inline's fields are labelled only by their column heading, which assistive
    technology does not tie to the field: each field is named 「2行目の年度」 (the new row's
    template 「新しい行の年度」)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f"{index + 1}行目" if index is not None else "新しい行"
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
            if name == "DELETE":
                widget.attrs["aria-label"] = f"{row}を削除"
            elif field.label:
                widget.attrs["aria-label"] = f"{row}の{field.label}"


class ScopedTabularInline(CouncilScopedAdminMixin, admin.TabularInline):
    extra = 0
    formset = RowLabelledFormSet


class ScopedStackedInline(CouncilScopedAdminMixin, admin.StackedInline):
    extra = 0


class ReadOnlyInlineMixin:
    """For history rows that only services write."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- How an admin writes --------------------------------------------------------------------
#
# Every ModelAdmin of ours either writes nothing (``ReadOnlyAdminMixin``, or its permissions say so)
# or names the services it writes through (``ServiceAdminMixin``). tests/admin/test_admin_write_paths.py
# enumerates the registered admins and fails for one that does neither.


class ReadOnlyAdminMixin:
    """Rows that services write elsewhere (history, confirmations, jobs): nobody edits them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceRefused(Exception):
    """A service refused the admin's save or delete; carries the Japanese reason(s)."""

    def __init__(self, messages_: list[str]) -> None:
        super().__init__(" ".join(messages_))
        self.messages = messages_


class ServiceAdminMixin:
    """Saves and deletes through the app's services, never through ModelAdmin's bare ``save()``.

    ``save_service`` and ``delete_service`` name the services (``staticmethod(progress_report_save)``);
    ``save_service = None`` refuses adding and changing, ``delete_service = None`` refuses deletion,
    else it is called as ``delete_service(<delete_keyword>=obj)``. A subclass says what to pass in
    ``save_arguments``. The service runs in ``save_related``, once the inlines are known, so a
    document and its rows are one service call; ``save_model`` writes nothing.

    The form's own checks (the ``updated_at`` stamp, the state) show their errors on the form as
    usual; if the service still refuses (someone saved in the same instant), the admin's
    transaction is rolled back and the change page shows the service's reason.
    """

    save_service: ClassVar[Callable[..., models.Model] | None]
    delete_service: ClassVar[Callable[..., object] | None] = None
    delete_keyword: ClassVar[str] = ""  # the service's keyword for the row: delete_service(document=obj)

    def save_arguments(self, request, form, formsets, change) -> dict[str, Any]:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        pass  # see save_related

    def save_related(self, request, form, formsets, change):
        try:
            saved = type(self).save_service(**self.save_arguments(request, form, formsets, change))
        except ValidationError as error:
            raise ServiceRefused(error.messages) from error
        # The admin goes on with form.instance (its log entry, the redirect): make it the saved row.
        for field in saved._meta.concrete_fields:
            setattr(form.instance, field.attname, getattr(saved, field.attname))
        form.instance._state.adding = False
        for formset in formsets:  # the service wrote the inline rows; the change message reads these
            for name in ("new_objects", "changed_objects", "deleted_objects"):
                if not hasattr(formset, name):
                    setattr(formset, name, [])

    def has_add_permission(self, request, *args):
        return type(self).save_service is not None and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return type(self).save_service is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return type(self).delete_service is not None and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        try:
            type(self).delete_service(**{self.delete_keyword: obj})
        except ValidationError as error:
            raise ServiceRefused(error.messages) from error

    def delete_queryset(self, request, queryset):
        # The change list's 「削除」 action: row by row through the service; refusals are reported.
        for obj in queryset:
            try:
                type(self).delete_service(**{self.delete_keyword: obj})
            except ValidationError as error:
                self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refusal:  # the admin's transaction has been rolled back
            for message in refusal.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refusal:
            for message in refusal.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def form_values(form, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the admin's form typed for the model's own fields (not the read-only ones, not the
    version stamp, not many-to-many fields), to pass to a service as keyword arguments."""
    names = {f.name for f in form._meta.model._meta.concrete_fields if not f.primary_key}
    return {name: value for name, value in form.cleaned_data.items() if name in names and name not in exclude}


def formset_rows(formset, *, keep_unchanged: bool = False) -> list[RowEdit]:
    """An inline's rows as the parent's service takes them: the rows to add, change or remove
    (``formset.save()`` would write the same ones). With ``keep_unchanged``, every row that stays
    (for services that replace the rows as a whole, in order)."""
    fk = getattr(formset, "fk", None)
    rows = []
    for form in formset.forms:
        stored = form.instance if form.instance.pk is not None else None
        if formset._should_delete_form(form):
            if stored is not None:
                rows.append(RowEdit(row=stored, delete=True))
            continue
        if not form.has_changed() and not (keep_unchanged and stored is not None):
            continue
        exclude = (fk.name,) if fk is not None else ()
        rows.append(RowEdit(row=stored, values=form_values(form, exclude=exclude)))
    return rows


class HiddenFromIndexMixin:
    """Registered (reachable by URL, loads in tests) but edited inline: keep the index short."""

    def get_model_perms(self, request):
        return {}


class FiscalYearFilter(admin.SimpleListFilter):
    """年度 as a secretariat says it (令和2年度), newest first."""

    title = "年度"
    parameter_name = "fiscal_year"
    field = "fiscal_year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by().values_list(self.field, flat=True).distinct()
        return [(str(y), format_fiscal_year(y)) for y in sorted({y for y in years if y}, reverse=True)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{self.field: int(self.value())})
        return queryset


class DateFiscalYearFilter(admin.SimpleListFilter):
    """年度 of a date field (e.g. the year an issue was raised)."""

    title = "年度"
    parameter_name = "fiscal_year"
    date_field = "date"

    def lookups(self, request, model_admin):
        dates = (
            model_admin.get_queryset(request).order_by().values_list(self.date_field, flat=True).distinct()
        )
        from council.wareki import fiscal_year_of

        years = {fiscal_year_of(d) for d in dates if d}
        return [(str(y), format_fiscal_year(y)) for y in sorted(years, reverse=True)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            start, end = fiscal_year_bounds(int(self.value()))
            return queryset.filter(**{f"{self.date_field}__range": (start, end)})
        return queryset


def wareki(value: dt.date | None, *, weekday: bool = False) -> str:
    return format_wareki(value, weekday=weekday) if value else "－"


class RelatedOnly(admin.RelatedOnlyFieldListFilter):
    """A filter on a relation lists only the related objects the user can already see.

    Django's filter finds them with a DISTINCT over the whole change list (every meeting of ten
    years, to list thirty bodies). For a related model of a council (a body, a council), the
    user's scope of that model is the same set, read from its own small table.
    """

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        if related._meta.label_lower not in COUNCIL_PATHS:
            return super().field_choices(field, request, model_admin)
        objects = scope_for_admin(related._default_manager.all(), request)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            objects = objects.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in objects]


def count_of(model: type[models.Model], fk: str) -> Coalesce:
    """How many ``model`` rows point at each row of the change list, as a correlated subquery.

    ``Count()`` would GROUP BY every selected column of the change list's table and its joins, and
    with ``distinct=True`` multiply rows before counting; the subquery counts on the index of ``fk``.
    """
    rows = (
        model._default_manager.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)
