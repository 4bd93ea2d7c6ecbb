from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from council.admin_base import (
    FiscalYearFilter,
    HiddenFromIndexMixin,
    RelatedOnly,
    ScopedAdmin,
    ScopedTabularInline,
    ServiceAdminMixin,
    count_of,
    form_values,
    formset_rows,
    wareki,
)
from council.wareki import current_fiscal_year, fiscal_year_of, format_fiscal_year
from meetings.models import Attendance, CalendarFeed, GuestAttendance, Handout, Meeting, MeetingItem
from meetings.services import (
    attendance_delete,
    attendance_save,
    calendar_feed_delete,
    guest_attendance_delete,
    guest_attendance_save,
    handout_check_file,
    handout_delete,
    handout_save,
    meeting_delete,
    meeting_item_delete,
    meeting_item_save,
    meeting_save,
)
from spreadsheets.admin_mixins import SpreadsheetAdminMixin


class MeetingItemForm(forms.ModelForm):
    position = forms.IntegerField(
        label="順番", required=False, min_value=0, widget=forms.NumberInput(attrs={"style": "width: 4em"})
    )

    class Meta:
        model = MeetingItem
        fields = ["position", "text"]


class MeetingItemInline(ScopedTabularInline):
    model = MeetingItem
    form = MeetingItemForm
    fields = ["position", "text"]
    extra = 3
    verbose_name = "取組・検討内容（1行に1項目）"
    verbose_name_plural = "取組・検討内容（順番の小さい順に並びます。順番が空欄の行は最後に加わります）"
    formfield_overrides = {
        # Bullets are short; a two-line box keeps the list readable.
        MeetingItem._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 80})
        },
    }


class AttendanceInline(ScopedTabularInline):
    model = Attendance
    fields = ["person"]
    autocomplete_fields = ["person"]
    verbose_name_plural = "出席者（構成員など）"


class GuestAttendanceInline(ScopedTabularInline):
    model = GuestAttendance
    fields = ["organization", "organization_name", "people", "note"]
    autocomplete_fields = ["organization"]


class HandoutAdminForm(forms.ModelForm):
    """A new file is checked by the page's own ``handout_check_file`` (size, extension, first bytes),
    so the admin refuses what the meeting page refuses, with the same message. A stored file is not
    replaced here: delete the handout and add the new file."""

    class Meta:
        model = Handout
        fields = ["meeting", "title", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "file" in self.fields:
            self.fields["file"].disabled = True
        if "meeting" in self.fields and self.instance.pk:
            self.fields["meeting"].disabled = True

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            self.instance.content_type = handout_check_file(upload)
            self.instance.size = upload.size
        return upload


def _handout_arguments(request, meeting: Meeting, form: HandoutAdminForm) -> dict:
    new = form.instance.pk is None
    return {
        "meeting": meeting,
        "title": form.cleaned_data["title"],
        "handout": None if new else form.instance,
        "file": form.cleaned_data.get("file") if new else None,
        "uploaded_by": request.user,
    }


class HandoutInline(ScopedTabularInline):
    """Written by ``MeetingAdmin.save_formset`` through the meetings services."""

    model = Handout
    form = HandoutAdminForm
    fields = ["title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


def fiscal_year_choices() -> list[tuple[str, str]]:
    now = current_fiscal_year()
    return [("", "（開催日から自動で決まります）")] + [
        (str(y), format_fiscal_year(y)) for y in range(now + 1, now - 8, -1)
    ]


class MeetingAdminForm(forms.ModelForm):
    fiscal_year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="開催日を入力すると自動で決まります。日程未定の予定だけ選んでください。",
    )
    attached_fiscal_year = forms.TypedChoiceField(
        label="報告に含める年度",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="前の年度に開いた会議（準備会の第1回など）を後の年度の報告書と回次に含めるときだけ選びます。",
    )
    confirm_held = forms.BooleanField(
        label="開催済の会議の回次を変更する",
        required=False,
        help_text="保存で開催済の会議の回次が変わる場合だけ、確認のうえチェックしてください。",
    )

    class Meta:
        model = Meeting
        fields = [
            "body",
            "title",
            "status",
            "date",
            "fiscal_year",
            "attached_fiscal_year",
            "start_time",
            "end_time",
            "format",
            "place",
            "agencies_count",
            "people_count",
            "attendance_note",
            "agenda",
            "minutes",
            "notes_for_steering",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = fiscal_year_choices()
        current = self.instance.fiscal_year if self.instance.pk else None
        if current and str(current) not in dict(choices):
            choices.append((str(current), format_fiscal_year(current)))
        self.fields["fiscal_year"].choices = choices
        attached = self.instance.attached_fiscal_year if self.instance.pk else None
        later = [c for c in choices if c[0]]
        if attached and str(attached) not in dict(later):
            later.append((str(attached), format_fiscal_year(attached)))
        self.fields["attached_fiscal_year"].choices = [("", "（会議の年度のまま）"), *later]

    def clean(self):
        data = super().clean()
        date, fiscal_year = data.get("date"), data.get("fiscal_year")
        if date is not None:
            derived = fiscal_year_of(date)
            if fiscal_year is not None and fiscal_year != derived:
                self.add_error(
                    "fiscal_year",
                    f"開催日は{format_fiscal_year(derived)}です。年度は空欄にするか{format_fiscal_year(derived)}を選んでください。",
                )
            data["fiscal_year"] = derived
            self.instance.fiscal_year = derived
        elif fiscal_year is None:
            self.add_error("fiscal_year", "開催日が未定の場合は年度を選んでください。")
        else:
            self.instance.fiscal_year = fiscal_year
        return data


@admin.register(Meeting)
class MeetingAdmin(SpreadsheetAdminMixin, ServiceAdminMixin, ScopedAdmin):
    """Saved by ``meeting_save`` (the page's ``meeting_update`` for a stored meeting: the same
    第N回 and 年度 rule and ``updated_at`` check) with its items and attendance; handouts by the
    handout services."""

    spreadsheet_resource = "meetings"
    save_service = staticmethod(meeting_save)
    delete_service = staticmethod(meeting_delete)
    delete_keyword = "meeting"
    form = MeetingAdminForm
    list_display = [
        "body",
        "sequence_label",
        "date_display",
        "format",
        "status",
        "attendance",
        "item_count",
        "fiscal_year_display",
    ]
    list_display_links = ["body", "sequence_label"]
    list_filter = [
        ("body__council", RelatedOnly),
        ("body", RelatedOnly),
        FiscalYearFilter,
        "status",
        "format",
    ]
    search_fields = ["body__name", "title", "place", "items__text"]
    list_select_related = ["body"]
    ordering = ["-fiscal_year", "body__sort_order", "sequence"]
    autocomplete_fields = ["body"]
    inlines = [MeetingItemInline, AttendanceInline, GuestAttendanceInline, HandoutInline]
    readonly_fields = ["sequence_display", "date_wareki_display"]
    fieldsets = [
        (None, {"fields": ["body", "sequence_display", "confirm_held", "title", "status"]}),
        (
            "日時・形式",
            {
                "fields": [
                    "date",
                    "date_wareki_display",
                    "fiscal_year",
                    "attached_fiscal_year",
                    "start_time",
                    "end_time",
                    "format",
                    "place",
                ]
            },
        ),
        (
            "参加者数",
            {
                "fields": ["agencies_count", "people_count", "attendance_note"],
                "description": "下の「出席者」「ゲスト」を入力すると、保存時に機関数・人数を数え直します。",
            },
        ),
        ("内容", {"fields": ["agenda", "minutes", "notes_for_steering"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_items=count_of(MeetingItem, "meeting"))

    @admin.display(description="回次", ordering="sequence")
    def sequence_label(self, obj: Meeting) -> str:
        return obj.sequence_label

    @admin.display(description="回次")
    def sequence_display(self, obj: Meeting) -> str:
        return obj.sequence_label if obj.pk else "保存時に自動で付きます"

    @admin.display(description="開催日", ordering="date")
    def date_display(self, obj: Meeting) -> str:
        return wareki(obj.date, weekday=True) if obj.date else "未定"

    @admin.display(description="開催日（和暦）")
    def date_wareki_display(self, obj: Meeting) -> str:
        return wareki(obj.date, weekday=True) if obj.date else "－"

    @admin.display(description="年度", ordering="fiscal_year")
    def fiscal_year_display(self, obj: Meeting) -> str:
        return format_fiscal_year(obj.fiscal_year)

    @admin.display(description="参加")
    def attendance(self, obj: Meeting) -> str:
        if obj.agencies_count is None and obj.people_count is None:
            return "－"
        return f"{obj.agencies_count or 0}機関 {obj.people_count or 0}名"

    @admin.display(description="取組・検討内容", ordering="_items")
    def item_count(self, obj: Meeting) -> str:
        return f"{obj._items}項目" if obj._items else "未入力"

    def save_arguments(self, request, form, formsets, change):
        rows: dict[type, list] = {MeetingItem: [], Attendance: [], GuestAttendance: []}
        for formset in formsets:
            if formset.model in rows:
                rows[formset.model] = formset_rows(formset)
            if formset.model is MeetingItem:
                # New bullets whose 順番 was left blank go after the existing ones, in the order typed.
                for n, edit in enumerate(rows[MeetingItem]):
                    if not edit.delete and edit.values.get("position") is None:
                        edit.values["position"] = 10_000 + n
        data = form.cleaned_data
        return {
            "meeting": form.instance if change else None,
            # A change form always carries the stamp; one posted without it is refused as stale.
            "loaded_version": data.get("loaded_version", ""),
            **form_values(form),
            "fiscal_year": data.get("fiscal_year"),
            "confirm_held": bool(data.get("confirm_held")),
            "items": rows[MeetingItem],
            "attendance": rows[Attendance],
            "guests": rows[GuestAttendance],
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.model is Handout:
                self._save_handouts(request, form.instance, formset)

    def _save_handouts(self, request, meeting: Meeting, formset) -> None:
        # What formset.save() would record, for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for handout_form in formset.initial_forms:
            if handout_form.instance.pk and formset._should_delete_form(handout_form):
                formset.deleted_objects.append(handout_form.instance)
                handout_delete(handout=handout_form.instance)
        for handout_form in formset.forms:
            if not handout_form.has_changed() or formset._should_delete_form(handout_form):
                continue
            new = handout_form.instance.pk is None
            handout = handout_save(**_handout_arguments(request, meeting, handout_form))
            if new:
                formset.new_objects.append(handout)
            else:
                formset.changed_objects.append((handout, handout_form.changed_data))


@admin.register(MeetingItem)
class MeetingItemAdmin(ServiceAdminMixin, ScopedAdmin):
    """Searching every meeting's 取組・検討内容 at once (e.g. all mentions of 就労パスポート)."""

    save_service = staticmethod(meeting_item_save)
    delete_service = staticmethod(meeting_item_delete)
    delete_keyword = "meeting_item"

    def save_arguments(self, request, form, formsets, change):
        return {"meeting_item": form.instance if change else None, **form_values(form)}

    list_display = ["text", "meeting", "meeting_date"]
    list_filter = [("meeting__body__council", RelatedOnly), ("meeting__body", RelatedOnly)]
    search_fields = ["text"]
    list_select_related = ["meeting__body"]
    autocomplete_fields = ["meeting"]

    @admin.display(description="開催日", ordering="meeting__date")
    def meeting_date(self, obj: MeetingItem) -> str:
        return wareki(obj.meeting.date)


@admin.register(Attendance)
class AttendanceAdmin(HiddenFromIndexMixin, ServiceAdminMixin, ScopedAdmin):
    save_service = staticmethod(attendance_save)
    delete_service = staticmethod(attendance_delete)
    delete_keyword = "attendance"

    def save_arguments(self, request, form, formsets, change):
        return {"attendance": form.instance if change else None, **form_values(form)}

    list_display = ["person", "meeting"]
    list_select_related = ["person__organization", "meeting__body"]
    autocomplete_fields = ["person", "meeting"]


@admin.register(GuestAttendance)
class GuestAttendanceAdmin(HiddenFromIndexMixin, ServiceAdminMixin, ScopedAdmin):
    save_service = staticmethod(guest_attendance_save)
    delete_service = staticmethod(guest_attendance_delete)
    delete_keyword = "guest"

    def save_arguments(self, request, form, formsets, change):
        return {"guest": form.instance if change else None, **form_values(form)}

    list_display = ["meeting", "organization", "organization_name", "people"]
    list_select_related = ["meeting__body", "organization"]
    autocomplete_fields = ["organization", "meeting"]


@admin.register(Handout)
class HandoutAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["title", "meeting", "size", "uploaded_at"]
    list_filter = [("meeting__body__council", RelatedOnly), ("meeting__body", RelatedOnly)]
    search_fields = ["title"]
    list_select_related = ["meeting__body"]
    autocomplete_fields = ["meeting"]
    form = HandoutAdminForm
    fields = ["meeting", "title", "file", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]
    save_service = staticmethod(handout_save)
    delete_service = staticmethod(handout_delete)
    delete_keyword = "handout"

    def save_arguments(self, request, form, formsets, change):
        return _handout_arguments(request, form.instance.meeting, form)


# --- Calendar feeds (カレンダー連携) --------------------------------------------------------------


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ServiceAdminMixin, ScopedAdmin):
    """The secretariat sees who subscribes to what, and can stop a feed (e.g. someone left).

    Feeds are created by their owners on the カレンダー連携 page; the token is a credential and is
    never shown here.
    """

    list_display = ["user", "council", "scope", "body", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("council", RelatedOnly), "scope", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "council", "body"]
    search_fields = ["user__username", "user__last_name", "body__name"]
    fields = ["council", "user", "scope", "body", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["council", "user", "scope", "body", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]

    # Nothing is edited: a feed is stopped by the revoke action (calendar_feed_revoke).
    save_service = None
    delete_service = staticmethod(calendar_feed_delete)
    delete_keyword = "feed"

    @admin.action(description="選択したカレンダーURLを停止する")
    def revoke_selected(self, request, queryset):
        from meetings.feeds import calendar_feed_revoke

        stopped = sum(calendar_feed_revoke(feed=feed) for feed in queryset.filter(revoked_at__isnull=True))
        self.message_user(request, f"{stopped}件のカレンダーURLを停止しました。")
