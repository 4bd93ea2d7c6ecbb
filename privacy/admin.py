"""The secretariat's admin for the pledge: write a new version, read who confirmed, read requests.

Who may do what is decided by the council role (secretariat of the council), like the rest of
our admin: the rows and the list filters' choices are scoped through council.access.COUNCIL_PATHS
(``scope_for_admin``), so no filter lists another council's name.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from council.access import secretariat_council_ids
from council.admin_base import RelatedOnly, ServiceAdminMixin, scope_for_admin, wareki
from council.models import Council
from privacy.models import PersonalDataRequest, Pledge, PledgeConfirmation
from privacy.selectors import current_pledge
from privacy.services import pledge_delete, pledge_save


def _councils(request) -> set[int] | None:
    """The councils the user is secretariat of; None for the site operator (all)."""
    return None if request.user.is_superuser else secretariat_council_ids(request.user)


class PrivacyAdmin(admin.ModelAdmin):
    list_per_page = 50

    def _may(self, request) -> bool:
        councils = _councils(request)
        return request.user.is_active and request.user.is_staff and (councils is None or bool(councils))

    def get_queryset(self, request):
        return scope_for_admin(super().get_queryset(request), request)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(ServiceAdminMixin, PrivacyAdmin):
    """A new wording is a new version (``pledge_publish``); a version nobody confirmed yet may be
    corrected or removed; a confirmed one is read-only (the services refuse it too)."""

    save_service = staticmethod(pledge_save)
    delete_service = staticmethod(pledge_delete)
    delete_keyword = "pledge"
    list_display = ["title", "version", "council", "created_at_label", "confirmed_count"]
    list_filter = [("council", RelatedOnly)]
    fields = ["council", "title", "text", "version", "created_at", "created_by"]
    readonly_fields = ["version", "created_at", "created_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("council")
            .annotate(_confirmed=Count("confirmations"))
        )

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        # A version someone confirmed is never edited: a change of wording is a new version.
        return self._may(request) and (obj is None or not obj.confirmations.exists())

    def has_delete_permission(self, request, obj=None):
        return self._may(request) and obj is not None and not obj.confirmations.exists()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "council"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "council":
            councils = _councils(request)
            queryset = Council.objects.all()
            kwargs["queryset"] = queryset if councils is None else queryset.filter(pk__in=councils)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        councils = _councils(request) or set()
        if "council" not in initial and len(councils) == 1:
            council = Council.objects.get(pk=next(iter(councils)))
            initial["council"] = council.pk
            latest = current_pledge(council)
            if latest is not None:  # start the new version from the current wording
                initial.setdefault("title", latest.title)
                initial.setdefault("text", latest.text)
        return initial

    def save_arguments(self, request, form, formsets, change):
        return {
            "pledge": form.instance if change else None,
            "council": form.instance.council,
            "title": form.cleaned_data.get("title", ""),
            "text": form.cleaned_data.get("text", ""),
            "by": request.user,
        }

    @admin.display(description="作成日")
    def created_at_label(self, obj: Pledge) -> str:
        return wareki(obj.created_at.date())

    @admin.display(description="確認した人数", ordering="_confirmed")
    def confirmed_count(self, obj: Pledge) -> int:
        return obj._confirmed


@admin.register(PledgeConfirmation)
class PledgeConfirmationAdmin(PrivacyAdmin):
    list_display = ["user", "pledge", "confirmed_at"]
    list_filter = [("pledge__council", RelatedOnly), "pledge__version"]
    list_select_related = ["user", "pledge"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(PrivacyAdmin):
    list_display = ["handled_at", "kind", "person_label", "requested_by", "handled_by_name", "council"]
    list_filter = ["kind", ("council", RelatedOnly)]
    list_select_related = ["council"]
