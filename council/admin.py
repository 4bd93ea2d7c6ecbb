from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from council.access import council_ids_for, for_admin
from council.admin_base import (
    HiddenFromIndexMixin,
    RelatedOnly,
    ScopedAdmin,
    ScopedTabularInline,
    ServiceAdminMixin,
    form_values,
    formset_rows,
    wareki,
)
from council.display import person_name
from council.models import (
    Body,
    BodyName,
    BodyStatus,
    BodyStatusKind,
    Council,
    Membership,
    Organization,
    Person,
    Role,
)
from council.services import (
    body_delete,
    body_name_delete,
    body_name_save,
    body_save,
    body_status_delete,
    body_status_save,
    council_delete,
    council_save,
    default_started_on,
    membership_delete,
    membership_save,
    organization_delete,
    organization_save,
    person_delete,
    person_save,
    role_revoke,
    role_save,
)
from council.wareki import current_fiscal_year, fiscal_year_bounds, format_fiscal_year


def body_tree_html(bodies: list[Body], fiscal_year: int) -> str:
    """The council's bodies as a nested list (全体会 → 運営会議 → 部会 …), liaison meetings apart.

    Takes all bodies of one council (with ``statuses`` prefetched) and builds the tree in memory.
    """
    children: dict[int | None, list[Body]] = {}
    for body in bodies:
        children.setdefault(body.parent_id, []).append(body)

    def render(parent_id: int | None) -> str:
        rows = children.get(parent_id, [])
        if not rows:
            return ""
        items = []
        for body in rows:
            url = reverse("admin:council_body_change", args=[body.pk])
            status = body.status_in(fiscal_year)
            badge = "" if status in (None, BodyStatusKind.ACTIVE) else f"（{BodyStatusKind(status).label}）"
            items.append(
                format_html(
                    '<li><a href="{}">{}</a> <small>{}{}</small>{}</li>',
                    url,
                    body.name,
                    body.get_kind_display(),
                    badge,
                    mark_safe(render(body.pk)),  # noqa: S308 — built from format_html parts only
                )
            )
        return "<ul>" + "".join(items) + "</ul>"

    return render(None) or "会議体はまだ登録されていません。"


class FieldsServiceAdmin(ServiceAdminMixin, ScopedAdmin):
    """An admin whose service takes the row (``<save_keyword>=``, None when new) and the typed fields."""

    save_keyword = ""

    def save_arguments(self, request, form, formsets, change):
        return {self.save_keyword: form.instance if change else None, **form_values(form)}


@admin.register(Council)
class CouncilAdmin(FieldsServiceAdmin):
    save_service = staticmethod(council_save)
    save_keyword = "council"
    delete_service = staticmethod(council_delete)  # the site operator only (no permission otherwise)
    delete_keyword = "council"
    list_display = ["name", "slug", "municipality", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "slug", "municipality"]
    list_select_related = ["parent"]
    readonly_fields = ["body_tree"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "municipality", "level", "parent"]}),
        ("ログインの安全", {"fields": ["require_two_factor"]}),
        ("帳票での呼び方", {"fields": ["steering_label", "member_label"]}),
        ("会議体の構成", {"fields": ["body_tree"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Where issues are reported up, and the council's identity, are set by the operator; the
            # parent council is outside the secretariat's scope and could not even be offered.
            fields += ["slug", "level", "parent"]
        return fields

    def get_object(self, request, object_id, from_field=None):
        council = super().get_object(request, object_id, from_field)
        if council is not None:
            council._admin_user = request.user  # body_tree shows what this user may read
        return council

    @admin.display(description="会議体の構成（今年度）")
    def body_tree(self, obj: Council) -> str:
        if obj.pk is None:
            return "保存すると表示されます。"
        fy = current_fiscal_year()
        # Case conferences only after the pledge, as in every admin list (council.access.for_admin).
        visible = for_admin(obj.bodies.all(), getattr(obj, "_admin_user", None) or AnonymousUser())
        bodies = list(visible.prefetch_related("statuses").order_by("sort_order", "id"))
        return format_html("<div class='body-tree'>{}</div>", mark_safe(body_tree_html(bodies, fy)))  # noqa: S308


class BodyStatusInline(ScopedTabularInline):
    model = BodyStatus
    fields = ["fiscal_year", "status", "note", "background", "proposal"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}}
    verbose_name = "状態の変更（年度ごと）"
    verbose_name_plural = "状態の変更（年度ごと）: 休止・終了はその年度から適用されます"


class BodyNameInline(ScopedTabularInline):
    model = BodyName
    fields = ["from_fiscal_year", "name"]
    verbose_name_plural = "名称の履歴（改称は年度ごとに記録されます）"


class MembershipInline(ScopedTabularInline):
    model = Membership
    fields = ["person", "role", "is_secretariat", "term_start", "term_end"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person__organization")


class ChildBodyInline(ScopedTabularInline):
    model = Body
    fk_name = "parent"
    fields = ["name", "kind", "sort_order"]
    readonly_fields = ["name", "kind", "sort_order"]
    show_change_link = True
    can_delete = False
    verbose_name = "下位の会議体"
    verbose_name_plural = "下位の会議体"

    def has_add_permission(self, request, obj=None):
        return False


class BodyStatusThisYearFilter(admin.SimpleListFilter):
    title = "今年度の状態"
    parameter_name = "status_now"

    def lookups(self, request, model_admin):
        return BodyStatusKind.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        fy = current_fiscal_year()
        ids = [b.pk for b in queryset.prefetch_related("statuses") if b.status_in(fy) == self.value()]
        return queryset.filter(pk__in=ids)


def _rows(formsets, model) -> list:
    return [row for formset in formsets if formset.model is model for row in formset_rows(formset)]


class BodyAdminForm(forms.ModelForm):
    """The body form with the 年度 a new body starts (its first name and 状態 rows)."""

    from_fiscal_year = forms.TypedChoiceField(
        label="開始年度",
        coerce=int,
        required=False,
        help_text="この年度から会議体の一覧・日程・帳票に載ります（下の「状態の変更」に行を入力した場合は、"
        "その最初の年度からです）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "from_fiscal_year" in self.fields:
            now = current_fiscal_year()
            self.fields["from_fiscal_year"].choices = [
                (y, format_fiscal_year(y)) for y in range(now + 3, now - 16, -1)
            ]
            self.fields["from_fiscal_year"].initial = now


@admin.register(Body)
class BodyAdmin(ServiceAdminMixin, ScopedAdmin):
    form = BodyAdminForm
    save_service = staticmethod(body_save)
    delete_service = staticmethod(body_delete)
    delete_keyword = "body"
    list_display = ["indented_name", "kind", "parent", "status_now", "target_meetings_per_year", "council"]
    list_display_links = ["indented_name"]
    list_filter = [("council", RelatedOnly), "kind", BodyStatusThisYearFilter]
    search_fields = ["name", "names__name"]
    list_select_related = ["council", "parent__parent__parent"]
    ordering = ["council", "sort_order", "id"]
    autocomplete_fields = ["parent", "predecessor"]
    inlines = [BodyStatusInline, BodyNameInline, MembershipInline, ChildBodyInline]
    readonly_fields = ["ancestry", "successor_links"]
    fieldsets = [
        (None, {"fields": ["council", "name", "kind", "parent", "ancestry"]}),
        ("運営", {"fields": ["sort_order", "target_meetings_per_year", "started_on", "description"]}),
        ("再編", {"fields": ["predecessor", "successor_links"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("statuses")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        # A new body: when does it start? (without it, it would exist from the current 年度 only)
        first_name, first_options = fieldsets[0]
        fields = [*first_options["fields"], "from_fiscal_year"]
        return [(first_name, {**first_options, "fields": fields}), *fieldsets[1:]]

    @admin.display(description="名称", ordering="sort_order")
    def indented_name(self, obj: Body) -> str:
        depth, node = 0, obj.parent
        while node is not None and depth < 4:
            depth, node = depth + 1, node.parent
        return format_html("{}{}", "　" * depth + ("└ " if depth else ""), obj.name)

    @admin.display(description="今年度の状態")
    def status_now(self, obj: Body) -> str:
        status = obj.status_in(current_fiscal_year())
        return BodyStatusKind(status).label if status else "－"

    @admin.display(description="位置（上位の会議体）")
    def ancestry(self, obj: Body) -> str:
        chain, node = [], obj.parent
        while node is not None:
            chain.append(node.name)
            node = node.parent
        return (
            " ← ".join([obj.name or "（この会議体）", *chain])
            if chain
            else "最上位（または組織図の外の会議）"
        )

    @admin.display(description="後継の会議体")
    def successor_links(self, obj: Body) -> str:
        if obj.pk is None:
            return "－"
        rows = [(reverse("admin:council_body_change", args=[b.pk]), b.name) for b in obj.successors.all()]
        return format_html_join("、", '<a href="{}">{}</a>', rows) or "－"

    def save_arguments(self, request, form, formsets, change):
        # A rename is kept from this 年度 on: earlier years' reports still print the old name.
        statuses = _rows(formsets, BodyStatus)
        values = form_values(form)
        fiscal_year = current_fiscal_year()
        if not change:
            # A new body exists from the 年度 chosen (or its first 状態 row), not only from this one;
            # one started in this 年度 counts its yearly target from today's month (活動開始日).
            fiscal_year = form.cleaned_data.get("from_fiscal_year") or fiscal_year
            typed = [edit.values.get("fiscal_year") for edit in statuses if not edit.delete]
            first = min([y for y in typed if y], default=fiscal_year)
            if not values.get("started_on"):
                values["started_on"] = default_started_on(first)
            fiscal_year = first
        return {
            "body": form.instance if change else None,
            "fiscal_year": fiscal_year,
            "statuses": statuses,
            "names": _rows(formsets, BodyName),
            "memberships": _rows(formsets, Membership),
            **values,
        }


@admin.register(BodyName)
class BodyNameAdmin(HiddenFromIndexMixin, FieldsServiceAdmin):
    save_service = staticmethod(body_name_save)
    save_keyword = "body_name"
    delete_service = staticmethod(body_name_delete)
    delete_keyword = "body_name"
    list_display = ["name", "body", "from_fiscal_year"]
    list_select_related = ["body"]
    list_filter = [("body__council", RelatedOnly)]


@admin.register(BodyStatus)
class BodyStatusAdmin(HiddenFromIndexMixin, FieldsServiceAdmin):
    save_service = staticmethod(body_status_save)
    save_keyword = "body_status"
    delete_service = staticmethod(body_status_delete)
    delete_keyword = "body_status"
    list_display = ["body", "fiscal_year_label", "status", "note"]
    list_select_related = ["body"]
    list_filter = [("body__council", RelatedOnly), "status"]

    @admin.display(description="適用開始年度", ordering="fiscal_year")
    def fiscal_year_label(self, obj: BodyStatus) -> str:
        return format_fiscal_year(obj.fiscal_year)


@admin.register(Organization)
class OrganizationAdmin(FieldsServiceAdmin):
    # 取り込み・書き出し buttons: added by spreadsheets.admin (an app above this one).
    save_service = staticmethod(organization_save)
    save_keyword = "organization"
    delete_service = staticmethod(organization_delete)
    delete_keyword = "organization"
    list_display = ["name", "kind", "consultation_layer", "people_count", "council"]
    list_filter = [("council", RelatedOnly), "kind", "consultation_layer"]
    search_fields = ["name"]
    list_select_related = ["council"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_people=Count("people"))

    @admin.display(description="登録人数", ordering="_people")
    def people_count(self, obj: Organization) -> int:
        return obj._people


class PersonMembershipInline(MembershipInline):
    fields = ["body", "role", "is_secretariat", "term_start", "term_end"]
    autocomplete_fields = ["body"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("body")


@admin.register(Person)
class PersonAdmin(ServiceAdminMixin, ScopedAdmin):
    # 取り込み・書き出し buttons: added by spreadsheets.admin (an app above this one).
    save_service = staticmethod(person_save)
    delete_service = staticmethod(person_delete)
    delete_keyword = "person"
    list_display = ["name", "name_kana", "organization", "position_title", "council"]
    list_filter = [("council", RelatedOnly), "organization__kind"]
    search_fields = ["name", "name_kana", "organization__name"]
    list_select_related = ["organization", "council"]
    autocomplete_fields = ["organization"]
    inlines = [PersonMembershipInline]
    fields = ["council", "name", "name_kana", "organization", "position_title", "email", "user"]

    def save_arguments(self, request, form, formsets, change):
        return {
            "person": form.instance if change else None,
            "memberships": _rows(formsets, Membership),
            **form_values(form),
        }


class InTermFilter(admin.SimpleListFilter):
    title = "任期"
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [("current", "今年度に在任"), ("ended", "任期終了")]

    def queryset(self, request, queryset):
        start, end = fiscal_year_bounds(current_fiscal_year())
        in_term = Q(term_start__lte=end) & (Q(term_end__isnull=True) | Q(term_end__gte=start))
        if self.value() == "current":
            return queryset.filter(in_term)
        if self.value() == "ended":
            return queryset.filter(term_end__lt=timezone.localdate())
        return queryset


@admin.register(Membership)
class MembershipAdmin(FieldsServiceAdmin):
    save_service = staticmethod(membership_save)
    save_keyword = "membership"
    delete_service = staticmethod(membership_delete)
    delete_keyword = "membership"
    list_display = ["person_name", "organization", "body", "role", "is_secretariat", "term"]
    list_filter = [
        ("body__council", RelatedOnly),
        ("body", RelatedOnly),
        "role",
        "is_secretariat",
        InTermFilter,
    ]
    search_fields = ["person__name", "person__name_kana", "person__organization__name", "body__name"]
    list_select_related = ["person__organization", "body"]
    autocomplete_fields = ["person", "body"]

    @admin.display(description="氏名", ordering="person__name_kana")
    def person_name(self, obj: Membership) -> str:
        return obj.person.name

    @admin.display(description="所属機関")
    def organization(self, obj: Membership) -> str:
        return obj.person.organization.name if obj.person.organization_id else "－"

    @admin.display(description="任期", ordering="term_start")
    def term(self, obj: Membership) -> str:
        return f"{wareki(obj.term_start)} 〜 {wareki(obj.term_end) if obj.term_end else ''}"


@admin.register(Role)
class RoleAdmin(FieldsServiceAdmin):
    # A secretariat role also lets the colleague into the admin (staff flag and permission group).
    save_service = staticmethod(role_save)
    save_keyword = "role"
    delete_service = staticmethod(role_revoke)
    delete_keyword = "role"
    list_display = ["user", "user_full_name", "kind", "body", "council"]
    list_filter = [("council", RelatedOnly), "kind"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "body__name"]
    list_select_related = ["user", "body", "council"]
    autocomplete_fields = ["body"]

    @admin.display(description="氏名")
    def user_full_name(self, obj: Role) -> str:
        return person_name(obj.user)  # 「姓 名」 (Django's get_full_name puts the given name first)


class CouncilNamingAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, naming each body's council for a user who works in several.

    Two councils both have a 「全体会」: a superuser or a secretariat of two councils choosing a
    parent or predecessor saw 「全体会」「全体会」. A user of one council sees the names alone.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.select_related("council") if queryset.model is Body else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Body) and self._several_councils():
            result["text"] = f"{obj.name}（{obj.council.name}）"
        return result

    def _several_councils(self) -> bool:
        if not hasattr(self, "_several"):
            user = self.request.user
            self._several = (
                Council.objects.count() > 1 if user.is_superuser else len(council_ids_for(user)) > 1
            )
        return self._several


def _autocomplete_view(request):
    return CouncilNamingAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# AdminSite.get_urls wires ``self.autocomplete_view``; the URLconf is read after the admin modules.
admin.site.autocomplete_view = _autocomplete_view  # type: ignore[method-assign]
