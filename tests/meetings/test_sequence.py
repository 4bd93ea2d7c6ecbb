"""第N回 numbering, the fiscal year of a meeting, its 取組・検討内容 and its attendance counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.models import GuestAttendance, Meeting, MeetingStatus
from meetings.numbering import RenumberHeld
from meetings.services import (
    meeting_create,
    meeting_delete,
    meeting_record_held,
    meeting_save_numbered,
    meeting_set_attendance,
    meeting_set_items,
    meeting_update,
)
from tests.factories import MeetingFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _sequences(body, fiscal_year) -> list[tuple[dt.date | None, int]]:
    return list(
        Meeting.objects.filter(body=body, fiscal_year=fiscal_year)
        .order_by("sequence")
        .values_list("date", "sequence")
    )


# --- 第N回 ---------------------------------------------------------------------------


def test_sequence_counts_per_body_and_fiscal_year(subcommittee, other_subcommittee):
    first = MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 20))
    second = MeetingFactory(body=subcommittee, date=dt.date(2021, 7, 15))
    other = MeetingFactory(body=other_subcommittee, date=dt.date(2021, 6, 1))

    assert (first.sequence, second.sequence) == (1, 2)
    assert other.sequence == 1
    assert second.sequence_label == "第2回"


def test_sequence_starts_at_one_in_each_fiscal_year(subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2020, 6, 1))
    MeetingFactory(body=subcommittee, date=dt.date(2020, 11, 1))
    march = MeetingFactory(body=subcommittee, date=dt.date(2021, 3, 31))
    april = MeetingFactory(body=subcommittee, date=dt.date(2021, 4, 1))

    assert (march.fiscal_year, march.sequence) == (2020, 3)
    assert (april.fiscal_year, april.sequence) == (2021, 1)


def test_sequence_follows_the_dates_not_the_order_of_entry(subcommittee):
    # The case: a meeting planned for 1月20日 entered after one on 2月4日 is 第4回 of five.
    dates = [dt.date(2021, 5, 1), dt.date(2021, 7, 1), dt.date(2021, 10, 1), dt.date(2022, 2, 4)]
    for date in dates:
        MeetingFactory(body=subcommittee, date=date)
    january = MeetingFactory(body=subcommittee, date=dt.date(2022, 1, 20))

    assert Meeting.objects.get(pk=january.pk).sequence == 4
    assert _sequences(subcommittee, 2021) == [
        (dt.date(2021, 5, 1), 1),
        (dt.date(2021, 7, 1), 2),
        (dt.date(2021, 10, 1), 3),
        (dt.date(2022, 1, 20), 4),
        (dt.date(2022, 2, 4), 5),
    ]


def test_undated_plans_are_numbered_in_their_fiscal_year(subcommittee):
    plan = MeetingFactory(body=subcommittee, fiscal_year=2021)
    dated = MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1))

    assert plan.date is None
    assert (Meeting.objects.get(pk=dated.pk).sequence, Meeting.objects.get(pk=plan.pk).sequence) == (1, 2)


def test_inserting_a_plan_renumbers_only_the_later_plans(subcommittee):
    held = [
        MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1), status=MeetingStatus.HELD),
        MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1), status=MeetingStatus.HELD),
    ]
    later = MeetingFactory(body=subcommittee, date=dt.date(2021, 11, 1))

    inserted = MeetingFactory(body=subcommittee, date=dt.date(2021, 9, 1))

    assert [Meeting.objects.get(pk=m.pk).sequence for m in held] == [1, 2]
    assert Meeting.objects.get(pk=inserted.pk).sequence == 3
    assert Meeting.objects.get(pk=later.pk).sequence == 4


def test_a_change_that_renumbers_a_held_meeting_asks_first(subcommittee):
    held = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1), status=MeetingStatus.HELD)

    with pytest.raises(RenumberHeld) as excinfo:
        meeting_create(body=subcommittee, date=dt.date(2021, 5, 1), status=MeetingStatus.HELD)

    assert "第1回（令和3年6月1日）→ 第2回" in excinfo.value.messages[0]
    assert "開催済の会議の回次を変更する" in excinfo.value.messages[0]
    assert Meeting.objects.count() == 1  # nothing written
    assert Meeting.objects.get(pk=held.pk).sequence == 1

    earlier = meeting_create(
        body=subcommittee, date=dt.date(2021, 5, 1), status=MeetingStatus.HELD, confirm_held=True
    )

    assert Meeting.objects.get(pk=earlier.pk).sequence == 1
    assert Meeting.objects.get(pk=held.pk).sequence == 2


def test_moving_a_held_meetings_date_past_another_asks_first(subcommittee):
    first = MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1), status=MeetingStatus.HELD)
    MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1), status=MeetingStatus.HELD)

    with pytest.raises(RenumberHeld):
        meeting_update(meeting=first, date=dt.date(2021, 7, 1), loaded_version=None)
    first = Meeting.objects.get(pk=first.pk)
    assert (first.date, first.sequence) == (dt.date(2021, 5, 1), 1)

    meeting_update(meeting=first, date=dt.date(2021, 5, 2), loaded_version=None)  # same order: no question
    assert Meeting.objects.get(pk=first.pk).sequence == 1


def test_a_future_meeting_cannot_be_held(subcommittee):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        meeting_create(body=subcommittee, date=tomorrow, status=MeetingStatus.HELD)

    assert "まだ来ていないため、「開催済」にはできません" in excinfo.value.message_dict["status"][0]
    assert not Meeting.objects.exists()
    plan = meeting_create(body=subcommittee, date=tomorrow)
    with pytest.raises(ValidationError):
        meeting_record_held(meeting=plan)
    assert Meeting.objects.get(pk=plan.pk).status == MeetingStatus.PLANNED


def test_deleting_a_plan_moves_the_later_plans_up(subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1), status=MeetingStatus.HELD)
    second = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))
    MeetingFactory(body=subcommittee, date=dt.date(2021, 7, 1))

    meeting_delete(meeting=second)

    assert _sequences(subcommittee, 2021) == [(dt.date(2021, 5, 1), 1), (dt.date(2021, 7, 1), 2)]


def test_deleting_an_earlier_held_meeting_keeps_the_held_numbers(subcommittee):
    first = MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1), status=MeetingStatus.HELD)
    MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1), status=MeetingStatus.HELD)
    MeetingFactory(body=subcommittee, date=dt.date(2021, 7, 1))

    meeting_delete(meeting=first)

    assert _sequences(subcommittee, 2021) == [(dt.date(2021, 6, 1), 2), (dt.date(2021, 7, 1), 3)]


def test_a_cancelled_meeting_keeps_its_number_and_place(subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1), status=MeetingStatus.HELD)
    cancelled = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))
    later = MeetingFactory(body=subcommittee, date=dt.date(2021, 7, 1))
    assert Meeting.objects.get(pk=later.pk).sequence == 3

    meeting_update(
        meeting=cancelled, date=cancelled.date, status=MeetingStatus.CANCELLED, loaded_version=None
    )

    assert Meeting.objects.get(pk=cancelled.pk).sequence == 2  # its notice said 第2回
    assert Meeting.objects.get(pk=later.pk).sequence == 3


def test_a_meeting_of_the_year_before_attached_to_a_report_starts_its_numbers(subcommittee):
    # A 準備会 that first met in March (令和元年度) and six times in 令和2年度: 第1回 … 第7回.
    first = MeetingFactory(body=subcommittee, date=dt.date(2020, 3, 19), status=MeetingStatus.HELD)
    later = [
        MeetingFactory(body=subcommittee, date=dt.date(2020, month, 10), status=MeetingStatus.HELD)
        for month in (7, 8, 9, 10, 11, 12)
    ]
    assert Meeting.objects.get(pk=later[0].pk).sequence == 1

    meeting_update(
        meeting=first, date=first.date, attached_fiscal_year=2020, loaded_version=None, confirm_held=True
    )

    assert Meeting.objects.get(pk=first.pk).sequence == 1
    assert [Meeting.objects.get(pk=m.pk).sequence for m in later] == [2, 3, 4, 5, 6, 7]


def test_a_meeting_can_be_attached_only_to_a_later_year(subcommittee):
    meeting = MeetingFactory(body=subcommittee, date=dt.date(2020, 3, 19))

    with pytest.raises(ValidationError) as excinfo:
        meeting_update(meeting=meeting, date=meeting.date, attached_fiscal_year=2019, loaded_version=None)

    assert "後の年度" in str(excinfo.value)


def test_sequence_given_by_the_caller_is_ignored(subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1))

    meeting = meeting_create(body=subcommittee, date=dt.date(2021, 6, 1), sequence=7)

    assert Meeting.objects.get(pk=meeting.pk).sequence == 2


def test_moving_a_meeting_to_another_fiscal_year_renumbers_it_there(subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2022, 5, 1))
    meeting = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))

    meeting.date = dt.date(2022, 6, 1)
    meeting_save_numbered(meeting=meeting)

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.fiscal_year, stored.sequence) == (2022, 2)


def test_saving_again_keeps_the_number(subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1))
    meeting = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))

    meeting.place = "オンライン"
    meeting_save_numbered(meeting=meeting)

    assert Meeting.objects.get(pk=meeting.pk).sequence == 2


# --- fiscal year ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "fiscal_year"),
    [
        (dt.date(2021, 3, 31), 2020),
        (dt.date(2021, 4, 1), 2021),
        (dt.date(2019, 4, 30), 2019),  # 平成31年度 = 令和元年度
        (dt.date(2022, 1, 10), 2021),
    ],
)
def test_fiscal_year_comes_from_the_date(subcommittee, date, fiscal_year):
    meeting = meeting_create(body=subcommittee, date=date)

    assert meeting.fiscal_year == fiscal_year


def test_date_outside_the_given_fiscal_year_is_refused(subcommittee):
    with pytest.raises(ValidationError) as excinfo:
        meeting_create(body=subcommittee, date=dt.date(2021, 4, 1), fiscal_year=2020)

    assert "date" in excinfo.value.message_dict
    assert not Meeting.objects.exists()


def test_date_inside_the_given_fiscal_year_is_accepted(subcommittee):
    meeting = meeting_create(body=subcommittee, date=dt.date(2021, 3, 31), fiscal_year=2020)

    assert meeting.fiscal_year == 2020


def test_neither_date_nor_fiscal_year_is_refused(subcommittee):
    with pytest.raises(ValidationError) as excinfo:
        meeting_create(body=subcommittee)

    assert "fiscal_year" in excinfo.value.message_dict
    assert not Meeting.objects.exists()


def test_held_meeting_without_date_is_refused(subcommittee):
    with pytest.raises(ValidationError):
        meeting_create(body=subcommittee, fiscal_year=2021, status=MeetingStatus.HELD)

    assert not Meeting.objects.exists()


def test_recording_held_needs_a_date(subcommittee):
    plan = MeetingFactory(body=subcommittee, fiscal_year=2021)

    with pytest.raises(ValidationError):
        meeting_record_held(meeting=plan)
    assert Meeting.objects.get(pk=plan.pk).status == MeetingStatus.PLANNED

    meeting_record_held(meeting=plan, date=dt.date(2021, 10, 5))
    stored = Meeting.objects.get(pk=plan.pk)
    assert (stored.status, stored.date, stored.sequence) == (MeetingStatus.HELD, dt.date(2021, 10, 5), 1)


def test_recording_held_refuses_a_date_outside_the_fiscal_year(subcommittee):
    plan = MeetingFactory(body=subcommittee, fiscal_year=2021)

    with pytest.raises(ValidationError):
        meeting_record_held(meeting=plan, date=dt.date(2022, 5, 1))


# --- 取組・検討内容 ---------------------------------------------------------------------


def test_items_keep_their_order_and_drop_blanks(subcommittee):
    meeting = MeetingFactory(
        body=subcommittee,
        items=[
            "  今年度の活動方針を確認した。 ",
            "",
            "   ",
            "グループホームの見学会を企画した。",
            None,
            "次回の日程を決めた。",
        ],
    )

    assert list(meeting.items.values_list("position", "text")) == [
        (1, "今年度の活動方針を確認した。"),
        (2, "グループホームの見学会を企画した。"),
        (3, "次回の日程を決めた。"),
    ]


def test_setting_items_replaces_them(subcommittee):
    meeting = MeetingFactory(body=subcommittee, items=["一", "二", "三"])

    meeting_set_items(meeting=meeting, texts=["三", "一"])

    assert list(meeting.items.values_list("text", flat=True)) == ["三", "一"]


# --- attendance ------------------------------------------------------------------------


def test_two_people_of_one_organization_count_as_one_agency(subcommittee):
    office = OrganizationFactory(council=subcommittee.council, name="みどり相談支援センター")
    people = PersonFactory.create_batch(2, council=subcommittee.council, organization=office)
    meeting = MeetingFactory(body=subcommittee)

    meeting_set_attendance(meeting=meeting, people=people)

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.agencies_count, stored.people_count) == (1, 2)


def test_attendance_counts_agencies_and_people(subcommittee):
    council = subcommittee.council
    office = OrganizationFactory(council=council, name="みどり相談支援センター")
    school = OrganizationFactory(council=council, name="みどり特別支援学校")
    members = [
        PersonFactory(council=council, organization=office),
        PersonFactory(council=council, organization=office),
        PersonFactory(council=council, organization=school),
        PersonFactory(council=council, organization=None),  # a citizen member: an agency of one
    ]
    guests = [
        GuestAttendance(organization_name="区役所", people=2),
        GuestAttendance(organization=office, people=1),  # same agency as two members
        GuestAttendance(organization_name="ハローワーク", people=1),
    ]
    meeting = MeetingFactory(body=subcommittee)

    meeting_set_attendance(meeting=meeting, people=members, guests=guests)

    stored = Meeting.objects.get(pk=meeting.pk)
    # office, school, the citizen, 区役所, ハローワーク
    assert stored.agencies_count == 5
    # 4 members + 2 + 1 + 1 guests
    assert stored.people_count == 8
    assert stored.attendances.count() == 4
    assert stored.guests.count() == 3


def test_setting_attendance_again_replaces_it(subcommittee):
    council = subcommittee.council
    meeting = MeetingFactory(body=subcommittee)
    meeting_set_attendance(
        meeting=meeting,
        people=PersonFactory.create_batch(3, council=council),
        guests=[GuestAttendance(organization_name="区役所", people=2)],
    )

    meeting_set_attendance(meeting=meeting, people=[PersonFactory(council=council)])

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.agencies_count, stored.people_count) == (1, 1)
    assert stored.guests.count() == 0


def test_no_attendance_counts_zero(subcommittee):
    meeting = MeetingFactory(body=subcommittee)

    meeting_set_attendance(meeting=meeting, people=[])

    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.agencies_count, stored.people_count) == (0, 0)
