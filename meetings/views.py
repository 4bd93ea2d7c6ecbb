"""Meeting pages: log a meeting, report it once held (開催報告), read it, hand out files.

Chairs edit their own body's meetings, the secretariat every body's (council.access); others who
may read the body see the record; people of other councils get 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from council.access import can_edit_body, get_body_for_user, get_council_for_user
from council.models import Body, Council
from council.pages import council_context, selected_fiscal_year
from council.submit_once import submit_once
from meetings import numbering, services
from meetings.forms import (
    AttendanceForm,
    GuestFormSet,
    HandoutForm,
    ItemFormSet,
    MeetingForm,
    attendee_choices,
)
from meetings.models import Attendance, GuestAttendance, Meeting
from meetings.selectors import get_meeting_for_user


@dataclass
class MeetingForms:
    """The four forms of the meeting page, validated and saved together."""

    meeting: MeetingForm
    attendance: AttendanceForm
    guests: GuestFormSet
    items: ItemFormSet

    def is_valid(self) -> bool:
        # Every form validates (no short-circuit), so all errors show at once.
        return all([form.is_valid() for form in (self.meeting, self.attendance, self.guests, self.items)])

    def guest_rows(self) -> list[GuestAttendance]:
        return [
            GuestAttendance(
                organization_name=form.cleaned_data["organization_name"].strip(),
                people=form.cleaned_data["people"],
                note=form.cleaned_data["note"].strip(),
            )
            for form in self.guests
            if not form.is_blank
        ]

    def save_attendance(self, meeting: Meeting) -> None:
        services.meeting_record_attendance(
            meeting=meeting,
            people=self.attendance.cleaned_data["people"],
            guests=self.guest_rows(),
            agencies_count=self.meeting.cleaned_data["agencies_count"],
            people_count=self.meeting.cleaned_data["people_count"],
        )

    @property
    def has_errors(self) -> bool:
        return any(
            [
                self.meeting.errors,
                self.attendance.errors,
                self.guests.total_error_count(),
                self.items.total_error_count(),
            ]
        )


def _meeting_forms(
    request: HttpRequest, *, body: Body, fiscal_year: int, meeting: Meeting | None = None
) -> MeetingForms:
    data = request.POST if request.method == "POST" else None
    if meeting is None:
        item_initial, guest_initial, people_initial = [], [], []
    else:
        item_initial = [{"text": item.text} for item in meeting.items.all()]
        guest_initial = [
            {
                "organization_name": guest.organization_name
                or (guest.organization.name if guest.organization_id else ""),
                "people": guest.people,
                "note": guest.note,
            }
            for guest in meeting.guests.all()
        ]
        people_initial = [row.person_id for row in meeting.attendances.all()]
    items = ItemFormSet(data, initial=item_initial, prefix="items")
    guests = GuestFormSet(data, initial=guest_initial, prefix="guests")
    if meeting is None:
        # A new meeting starts with more empty rows; an edit adds a few below what is recorded.
        items.extra, guests.extra = 5, 3
    return MeetingForms(
        meeting=MeetingForm(data, instance=meeting, fiscal_year=fiscal_year),
        attendance=AttendanceForm(
            data,
            people=attendee_choices(body=body, fiscal_year=fiscal_year, meeting=meeting),
            initial={"people": people_initial},
        ),
        guests=guests,
        items=items,
    )


def _render_form(
    request: HttpRequest,
    council: Council,
    *,
    body: Body,
    fiscal_year: int,
    forms: MeetingForms,
    meeting: Meeting | None = None,
) -> HttpResponse:
    context = council_context(
        request, council, fiscal_year=fiscal_year, body=body, meeting=meeting, forms=forms
    )
    return render(request, "meetings/meeting_form.html", context, status=400 if forms.has_errors else 200)


def _add_service_error(forms: MeetingForms, error: ValidationError) -> None:
    # The forms already check what the services check; this only shows a rule broken meanwhile
    # (e.g. by someone else saving) instead of a server error. Renumbering held meetings is the
    # one refusal the form cannot see coming: it asks for the confirmation box.
    if isinstance(error, numbering.RenumberHeld):
        forms.meeting.ask_renumber_confirmation(error)
    else:
        forms.meeting.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def meeting_create(request: HttpRequest, slug: str, body_pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    body = get_body_for_user(request.user, council, body_pk, write=True)
    fiscal_year = selected_fiscal_year(request)
    forms = _meeting_forms(request, body=body, fiscal_year=fiscal_year)
    if request.method == "POST" and forms.is_valid():
        cleaned = forms.meeting.cleaned_data
        try:
            with transaction.atomic():
                meeting = services.meeting_create(
                    body=body,
                    date=cleaned["date"],
                    fiscal_year=None if cleaned["date"] else cleaned["fiscal_year"],
                    items=forms.items.texts(),
                    confirm_held=forms.meeting.confirmed_held,
                    **forms.meeting.record_fields,
                )
                forms.save_attendance(meeting)
        except ValidationError as error:
            _add_service_error(forms, error)
        else:
            messages.success(
                request, f"{body.name}の{meeting.fiscal_year_label}{meeting.sequence_label}を登録しました。"
            )
            return redirect("meeting_detail", council.slug, meeting.pk)
    return _render_form(request, council, body=body, fiscal_year=fiscal_year, forms=forms)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    meeting = get_meeting_for_user(request.user, council, pk, write=True)
    prefetch_related_objects(
        [meeting],
        "items",
        "attendances",
        Prefetch("guests", GuestAttendance.objects.select_related("organization")),
    )
    stored_year, stored_sequence = meeting.fiscal_year, meeting.sequence
    forms = _meeting_forms(request, body=meeting.body, fiscal_year=meeting.fiscal_year, meeting=meeting)
    if request.method == "POST" and forms.is_valid():
        cleaned = forms.meeting.cleaned_data
        try:
            with transaction.atomic():
                services.meeting_update(
                    meeting=meeting,
                    date=cleaned["date"],
                    fiscal_year=cleaned["fiscal_year"],
                    loaded_version=cleaned.get("loaded_version", ""),
                    confirm_held=forms.meeting.confirmed_held,
                    **forms.meeting.record_fields,
                )
                services.meeting_set_items(meeting=meeting, texts=forms.items.texts())
                forms.save_attendance(meeting)
        except ValidationError as error:
            _add_service_error(forms, error)
            meeting.fiscal_year, meeting.sequence = stored_year, stored_sequence
            # The next save is a deliberate one, made after seeing the message: carry the current version.
            current = Meeting.objects.values_list("updated_at", flat=True).get(pk=meeting.pk)
            forms.meeting.data = forms.meeting.data.copy()
            forms.meeting.data["loaded_version"] = current.isoformat()
        else:
            if meeting.fiscal_year != stored_year:
                messages.success(
                    request,
                    f"記録を保存しました。{meeting.fiscal_year_label}の会議になったため、"
                    f"回次は{meeting.fiscal_year_label}の{meeting.sequence_label}になりました。",
                )
            else:
                messages.success(request, f"{meeting.sequence_label}の記録を保存しました。")
            return redirect("meeting_detail", council.slug, meeting.pk)
    return _render_form(
        request, council, body=meeting.body, fiscal_year=stored_year, forms=forms, meeting=meeting
    )


def _render_detail(
    request: HttpRequest,
    council: Council,
    meeting: Meeting,
    *,
    handout_form: HandoutForm | None = None,
    status: int = 200,
) -> HttpResponse:
    prefetch_related_objects(
        [meeting],
        "body__names",
        "items",
        Prefetch(
            "attendances",
            Attendance.objects.select_related("person__organization").order_by(
                "person__name_kana", "person__name"
            ),
        ),
        Prefetch("guests", GuestAttendance.objects.select_related("organization").order_by("pk")),
        "handouts",
    )
    can_edit = can_edit_body(request.user, meeting.body)
    context = council_context(
        request,
        council,
        meeting=meeting,
        body=meeting.body,
        body_name=meeting.body.name_in(meeting.fiscal_year),
        can_edit=can_edit,
        handout_form=(handout_form or HandoutForm()) if can_edit else None,
    )
    return render(request, "meetings/meeting_detail.html", context, status=status)


@login_required
@require_safe
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    meeting = get_meeting_for_user(request.user, council, pk)
    return _render_detail(request, council, meeting)


@login_required
@require_POST
def handout_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = get_council_for_user(request.user, slug)
    meeting = get_meeting_for_user(request.user, council, pk, write=True)
    form = HandoutForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            handout = services.handout_add(
                meeting=meeting,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                uploaded_by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(request, f"資料「{handout.title}」を登録しました。")
            return redirect("meeting_detail", council.slug, meeting.pk)
    messages.error(request, "資料を登録できませんでした。下の「資料の登録」の内容を確認してください。")
    return _render_detail(request, council, meeting, handout_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def handout_delete(request: HttpRequest, slug: str, pk: int, handout_pk: int) -> HttpResponse:
    """GET asks first (a deleted file cannot be brought back); POST deletes."""
    council = get_council_for_user(request.user, slug)
    meeting = get_meeting_for_user(request.user, council, pk, write=True)
    handout = get_object_or_404(meeting.handouts, pk=handout_pk)
    if request.method == "GET":
        context = council_context(request, council, meeting=meeting, handout=handout)
        return render(request, "meetings/handout_confirm_delete.html", context)
    title = handout.title
    services.handout_delete(handout=handout)
    messages.success(request, f"資料「{title}」を削除しました。")
    return redirect("meeting_detail", council.slug, meeting.pk)
