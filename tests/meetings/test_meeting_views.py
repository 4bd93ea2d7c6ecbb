"""The meeting pages: create, edit (開催報告), detail, handout upload and delete."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from council.wareki import fiscal_year_of
from meetings.models import GuestAttendance, Handout, Meeting, MeetingFormat, MeetingStatus
from meetings.services import handout_add, meeting_set_attendance
from tests.factories import MeetingFactory, MembershipFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- helpers ---------------------------------------------------------------------------


def create_url(body, year: int | None = 2021) -> str:
    url = reverse("meeting_create", args=[body.council.slug, body.pk])
    return f"{url}?year={year}" if year else url


def detail_url(meeting) -> str:
    return reverse("meeting_detail", args=[meeting.body.council.slug, meeting.pk])


def edit_url(meeting) -> str:
    return reverse("meeting_edit", args=[meeting.body.council.slug, meeting.pk])


def edit_post(client, meeting, data: dict, **kwargs):
    """POST the edit form as a browser does: with the stamp of the record the page showed
    (a POST without it is refused as a change made meanwhile, council.concurrency)."""
    data = {"loaded_version": Meeting.objects.get(pk=meeting.pk).updated_at.isoformat(), **data}
    return client.post(edit_url(meeting), data, **kwargs)


def upload_url(meeting) -> str:
    return reverse("handout_upload", args=[meeting.body.council.slug, meeting.pk])


def delete_url(handout) -> str:
    meeting = handout.meeting
    return reverse("handout_delete", args=[meeting.body.council.slug, meeting.pk, handout.pk])


def form_data(
    *, items=(), guests=(), people=(), initial_items: int = 0, initial_guests: int = 0, **fields
) -> dict:
    """A full POST of the meeting form. ``items`` are (順番, text) or (順番, text, delete) rows."""
    data = {
        "fiscal_year": "2021",
        "date": "",
        "start_time": "",
        "end_time": "",
        "format": MeetingFormat.IN_PERSON,
        "place": "",
        "status": MeetingStatus.PLANNED,
        "title": "",
        "agenda": "",
        "minutes": "",
        "notes_for_steering": "",
        "attendance_note": "",
        "agencies_count": "",
        "people_count": "",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(initial_items),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "guests-TOTAL_FORMS": str(len(guests)),
        "guests-INITIAL_FORMS": str(initial_guests),
        "guests-MIN_NUM_FORMS": "0",
        "guests-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(items):
        order, text, *rest = row
        data[f"items-{i}-ORDER"] = "" if order is None else str(order)
        data[f"items-{i}-text"] = text
        if rest and rest[0]:
            data[f"items-{i}-DELETE"] = "on"
    for i, (name, count, note) in enumerate(guests):
        data[f"guests-{i}-organization_name"] = name
        data[f"guests-{i}-people"] = "" if count is None else str(count)
        data[f"guests-{i}-note"] = note
    data["people"] = [str(p.pk) for p in people]
    data.update({key: str(value) for key, value in fields.items()})
    return data


def members_of(body, n: int, *, organization=None):
    council = body.council
    rows = []
    for _ in range(n):
        person = PersonFactory(
            council=council, organization=organization or OrganizationFactory(council=council)
        )
        rows.append(MembershipFactory(body=body, person=person, term_start=dt.date(2021, 4, 1)).person)
    return rows


def is_checked(content: str, person) -> bool:
    box = re.search(rf'<input type="checkbox"[^>]*name="people" value="{person.pk}"[^>]*>', content)
    assert box, f"no checkbox for {person.name}"
    return " checked" in box.group(0)


def texts(meeting) -> list[str]:
    return list(Meeting.objects.get(pk=meeting.pk).items.order_by("position").values_list("text", flat=True))


# --- create ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_create_form_opens_for_editors(client, request, subcommittee, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(create_url(subcommittee))

    assert response.status_code == 200
    content = response.content.decode()
    assert "相談支援部会 会議の登録" in content
    assert "令和3年度" in content  # ?year=2021 preselected
    assert 'value="2021" selected' in content


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_create_a_planned_meeting(client, request, subcommittee, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        create_url(subcommittee),
        form_data(place="市役所 3階会議室", agenda="今年度の活動計画", items=[(None, "日程を決めた。")]),
        follow=True,
    )

    meeting = Meeting.objects.get(body=subcommittee)
    assert response.redirect_chain[-1][0] == detail_url(meeting)
    assert (meeting.fiscal_year, meeting.sequence, meeting.date, meeting.status) == (
        2021,
        1,
        None,
        MeetingStatus.PLANNED,
    )
    assert meeting.place == "市役所 3階会議室"
    assert texts(meeting) == ["日程を決めた。"]
    assert "相談支援部会の令和3年度第1回を登録しました。" in response.content.decode()


def test_create_with_a_wareki_date_takes_its_fiscal_year(client, chair, subcommittee):
    client.force_login(chair)

    client.post(
        create_url(subcommittee), form_data(date="Ｒ３．６．１０", start_time="14:00", end_time="15:30")
    )

    meeting = Meeting.objects.get(body=subcommittee)
    assert (meeting.date, meeting.fiscal_year) == (dt.date(2021, 6, 10), 2021)
    assert (meeting.start_time, meeting.end_time) == (dt.time(14), dt.time(15, 30))


def test_date_outside_the_year_asks_for_confirmation_then_saves(client, chair, subcommittee):
    client.force_login(chair)
    data = form_data(date="令和4年5月1日", place="市役所")

    response = client.post(create_url(subcommittee, 2021), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert "年度外の日付で登録する" in content
    assert "令和4年度の会議になります" in content
    assert not Meeting.objects.exists()

    response = client.post(create_url(subcommittee, 2021), {**data, "confirm_other_year": "on"})

    assert response.status_code == 302
    meeting = Meeting.objects.get(body=subcommittee)
    assert (meeting.fiscal_year, meeting.sequence, meeting.date) == (2022, 1, dt.date(2022, 5, 1))


def test_a_meeting_that_renumbers_a_held_one_asks_first_then_saves(client, chair, subcommittee):
    held = MeetingFactory(body=subcommittee, date=dt.date(2021, 9, 1), status=MeetingStatus.HELD)
    client.force_login(chair)
    data = form_data(date="令和3年7月1日", place="市役所 第2会議室", status=MeetingStatus.HELD)

    response = client.post(create_url(subcommittee, 2021), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert "開催済の会議の回次を変更する" in content
    assert "第1回（令和3年9月1日）→ 第2回" in content
    assert "市役所 第2会議室" in content  # what was typed is kept
    assert Meeting.objects.count() == 1

    response = client.post(create_url(subcommittee, 2021), {**data, "confirm_held": "on"})

    assert response.status_code == 302
    assert Meeting.objects.get(pk=held.pk).sequence == 2
    assert Meeting.objects.get(date=dt.date(2021, 7, 1)).sequence == 1


def test_a_future_meeting_cannot_be_reported_held(client, chair, subcommittee):
    client.force_login(chair)
    future = timezone.localdate() + dt.timedelta(days=30)

    response = client.post(
        create_url(subcommittee, None),
        form_data(
            fiscal_year=str(fiscal_year_of(future)), date=future.isoformat(), status=MeetingStatus.HELD
        ),
    )

    assert response.status_code == 400
    assert "まだ来ていないため、「開催済」にはできません。" in response.content.decode()
    assert not Meeting.objects.exists()


def test_held_meeting_without_date_is_refused(client, chair, subcommittee):
    client.force_login(chair)

    response = client.post(create_url(subcommittee), form_data(status=MeetingStatus.HELD))

    assert response.status_code == 400
    assert "開催済の会議には開催日を入力してください。" in response.content.decode()
    assert not Meeting.objects.exists()


def test_negative_counts_are_refused(client, chair, subcommittee):
    client.force_login(chair)

    response = client.post(create_url(subcommittee), form_data(agencies_count=-1, people_count=-3))

    assert response.status_code == 400
    errors = response.context["forms"].meeting.errors
    assert errors["agencies_count"] == errors["people_count"] == ["0以上の数で入力してください。"]
    assert "0以上の数で入力してください。" in response.content.decode()
    assert not Meeting.objects.exists()


def test_end_before_start_is_refused(client, chair, subcommittee):
    client.force_login(chair)

    response = client.post(create_url(subcommittee), form_data(start_time="15:00", end_time="14:00"))

    assert response.status_code == 400
    assert "終了時刻は開始時刻より後にしてください。" in response.content.decode()


def test_what_was_typed_is_kept_on_error(client, chair, subcommittee):
    client.force_login(chair)
    people = members_of(subcommittee, 2)

    response = client.post(
        create_url(subcommittee),
        form_data(
            date="令和3年13月1日",
            place="みどり市福祉センター",
            agenda="就労パスポートの検討",
            items=[(1, "見学会を企画した。"), (None, "次回までに案を作る。")],
            guests=[("みどり区役所", 2, "障害福祉課")],
            people=[people[1]],
        ),
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "を日付として読めません" in content
    assert 'value="令和3年13月1日"' in content
    assert 'value="みどり市福祉センター"' in content
    assert "就労パスポートの検討" in content
    assert "見学会を企画した。" in content and "次回までに案を作る。" in content
    assert 'value="みどり区役所"' in content
    assert is_checked(content, people[1]) and not is_checked(content, people[0])
    assert not Meeting.objects.exists()


def test_guest_row_needs_a_name_and_a_count(client, chair, subcommittee):
    client.force_login(chair)

    response = client.post(create_url(subcommittee), form_data(guests=[("", 2, ""), ("区役所", None, "")]))

    assert response.status_code == 400
    content = response.content.decode()
    assert "所属（機関名）を入力してください。" in content
    assert "人数を入力してください。" in content


def test_typed_counts_are_kept_when_nobody_is_recorded(client, chair, subcommittee):
    client.force_login(chair)

    client.post(
        create_url(subcommittee),
        form_data(date="令和3年6月10日", status=MeetingStatus.HELD, agencies_count=19, people_count=25),
    )

    meeting = Meeting.objects.get(body=subcommittee)
    assert (meeting.agencies_count, meeting.people_count) == (19, 25)


# --- the report of a held meeting --------------------------------------------------------


def test_plan_then_report_it_held_with_attendance_and_items(client, chair, council, subcommittee):
    client.force_login(chair)
    office = OrganizationFactory(council=council, name="みどり相談支援センター")
    two_of_office = members_of(subcommittee, 2, organization=office)
    school = members_of(subcommittee, 1)
    absent = members_of(subcommittee, 1)
    client.post(create_url(subcommittee), form_data(place="市役所"))
    meeting = Meeting.objects.get(body=subcommittee)

    response = client.get(edit_url(meeting))
    assert response.status_code == 200
    assert absent[0].name in response.content.decode()  # members of the year are offered

    response = edit_post(
        client,
        meeting,
        form_data(
            date="令和3年7月15日",
            status=MeetingStatus.HELD,
            place="市役所",
            attendance_note="区役所職員2名を含む",
            people=[*two_of_office, *school],
            guests=[("みどり区役所", 2, "障害福祉課"), ("", None, "")],
            items=[
                (None, "今年度の活動方針を確認した。"),
                (None, "グループホームの見学会を企画した。"),
                (None, "次回の日程を決めた。"),
                (None, ""),
            ],
            notes_for_steering="見学会の予算について相談したい。",
        ),
        follow=True,
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.date, meeting.sequence) == (MeetingStatus.HELD, dt.date(2021, 7, 15), 1)
    # agencies: the office (2 people), the school member's agency, 区役所 → 3; people: 3 + 2
    assert (meeting.agencies_count, meeting.people_count) == (3, 5)
    assert texts(meeting) == [
        "今年度の活動方針を確認した。",
        "グループホームの見学会を企画した。",
        "次回の日程を決めた。",
    ]
    content = response.content.decode()
    assert "第1回の記録を保存しました。" in content
    assert "3機関 5名参加（区役所職員2名を含む）" in content
    assert (
        content.index("今年度の活動方針")
        < content.index("グループホームの見学会")
        < content.index("次回の日程")
    )
    assert "令和3年7月15日(木)" in content
    assert "見学会の予算について相談したい。" in content


def test_edit_keeps_the_sequence(client, secretariat, subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1))
    meeting = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))
    client.force_login(secretariat)

    edit_post(client, meeting, form_data(date="2021/6/3", place="オンライン", format=MeetingFormat.ONLINE))

    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.date, meeting.format) == (2, dt.date(2021, 6, 3), MeetingFormat.ONLINE)


def test_an_edit_sent_without_its_stamp_is_refused_and_keeps_what_was_typed(
    client, secretariat, subcommittee
):
    """A crafted POST (or a stale tab) without loaded_version cannot write over the record."""
    meeting = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1), place="会議室A")
    client.force_login(secretariat)

    response = client.post(edit_url(meeting), form_data(date="2021/6/1", place="会議室Z"))

    assert response.status_code == 400
    text = response.content.decode()
    assert "画面を開いた後に他の方が更新しました" in text and "会議室Z" in text
    meeting.refresh_from_db()
    assert meeting.place == "会議室A"


def test_edit_moving_the_date_to_another_year_confirms_and_renumbers(client, secretariat, subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2022, 5, 1))
    meeting = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))
    client.force_login(secretariat)
    data = form_data(date="令和4年6月1日")

    assert edit_post(client, meeting, data).status_code == 400
    meeting.refresh_from_db()
    assert (meeting.fiscal_year, meeting.sequence) == (2021, 1)

    response = edit_post(client, meeting, {**data, "confirm_other_year": "on"}, follow=True)

    meeting.refresh_from_db()
    assert (meeting.fiscal_year, meeting.sequence) == (2022, 2)
    assert "回次は令和4年度の第2回になりました。" in response.content.decode()


def test_undated_plan_moved_to_another_year_is_renumbered_there(client, chair, subcommittee):
    MeetingFactory(body=subcommittee, fiscal_year=2022)
    plan = MeetingFactory(body=subcommittee, fiscal_year=2021)
    client.force_login(chair)

    edit_post(client, plan, form_data(fiscal_year=2022))

    plan.refresh_from_db()
    assert (plan.fiscal_year, plan.sequence, plan.date) == (2022, 2, None)


def test_a_guest_agency_known_to_the_council_counts_once(client, chair, council, subcommittee):
    office = OrganizationFactory(council=council, name="みどり相談支援センター")
    person = members_of(subcommittee, 1, organization=office)[0]
    meeting = MeetingFactory(body=subcommittee)
    client.force_login(chair)

    edit_post(
        client,
        meeting,
        form_data(date="2021/6/10", people=[person], guests=[("みどり相談支援センター", 1, "実習生")]),
    )

    meeting.refresh_from_db()
    assert (meeting.agencies_count, meeting.people_count) == (1, 2)
    assert meeting.guests.get().organization == office


def test_reorder_insert_and_delete_items(client, chair, subcommittee):
    meeting = MeetingFactory(body=subcommittee, items=["一", "二", "三"])
    client.force_login(chair)

    edit_post(
        client,
        meeting,
        form_data(
            date="2021/6/10",
            initial_items=3,
            items=[(3, "一"), (1, "二", True), (2, "三"), (1.5, "新しい項目"), (None, "")],
        ),
    )

    assert texts(meeting) == ["新しい項目", "三", "一"]
    positions = list(meeting.items.order_by("position").values_list("position", flat=True))
    assert positions == [1, 2, 3]


def test_emptying_an_item_removes_it(client, chair, subcommittee):
    meeting = MeetingFactory(body=subcommittee, items=["一", "二"])
    client.force_login(chair)

    edit_post(client, meeting, form_data(date="2021/6/10", initial_items=2, items=[(1, ""), (2, "二")]))

    assert texts(meeting) == ["二"]


def test_edit_form_shows_what_is_recorded(client, chair, council, subcommittee):
    people = members_of(subcommittee, 2)
    meeting = MeetingFactory(body=subcommittee, items=["見学会を企画した。"], title="臨時会議")
    meeting_set_attendance(
        meeting=meeting, people=people[:1], guests=[GuestAttendance(organization_name="区役所", people=2)]
    )
    client.force_login(chair)

    content = client.get(edit_url(meeting)).content.decode()

    assert "相談支援部会 第1回の記録" in content
    assert 'value="令和3年6月10日"' in content
    assert "見学会を企画した。" in content
    assert 'value="区役所"' in content
    assert is_checked(content, people[0]) and not is_checked(content, people[1])


# --- detail ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "chair", "member", "reviewer", "other_chair"])
def test_detail_is_readable_by_the_council(client, request, subcommittee, who):
    meeting = MeetingFactory(body=subcommittee, format=MeetingFormat.WRITTEN, items=["方針を確認した。"])
    client.force_login(request.getfixturevalue(who))

    response = client.get(detail_url(meeting))

    assert response.status_code == 200
    content = response.content.decode()
    assert "第1回" in content and "令和3年6月10日(木)" in content
    assert "書面会議" in content
    assert "方針を確認した。" in content
    assert reverse("body_detail", args=[subcommittee.council.slug, subcommittee.pk]) in content
    has_edit = edit_url(meeting) in content
    assert has_edit == (who in {"secretariat", "chair"})
    assert (upload_url(meeting) in content) == has_edit


def test_case_conference_meetings_are_hidden_from_other_chairs(client, chair, secretariat, case_conference):
    meeting = MeetingFactory(body=case_conference)
    client.force_login(chair)
    assert client.get(detail_url(meeting)).status_code == 404
    client.force_login(secretariat)
    assert client.get(detail_url(meeting)).status_code == 200


# --- access: readers, outsiders, anonymous, methods ----------------------------------------


@pytest.fixture
def meeting(subcommittee):
    return MeetingFactory(body=subcommittee)


@pytest.fixture
def stored_handout(meeting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return handout_add(meeting=meeting, file=SimpleUploadedFile("shiryo.pdf", PDF), title="資料1")


@pytest.mark.parametrize("who", ["member", "reviewer", "other_chair"])
def test_readers_may_not_write(client, request, subcommittee, meeting, stored_handout, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(create_url(subcommittee)).status_code == 403
    assert client.post(create_url(subcommittee), form_data()).status_code == 403
    assert client.get(edit_url(meeting)).status_code == 403
    assert edit_post(client, meeting, form_data(date="2021/6/10", place="変更")).status_code == 403
    upload = {"title": "x", "file": SimpleUploadedFile("a.pdf", PDF)}
    assert client.post(upload_url(meeting), upload).status_code == 403
    assert client.post(delete_url(stored_handout)).status_code == 403
    assert Meeting.objects.count() == 1 and Meeting.objects.get().place == "市役所 会議室"
    assert Handout.objects.count() == 1


def test_outsider_gets_404_everywhere(client, outsider, subcommittee, meeting, stored_handout):
    client.force_login(outsider)

    for url in (create_url(subcommittee), detail_url(meeting), edit_url(meeting)):
        assert client.get(url).status_code == 404
    assert client.post(create_url(subcommittee), form_data()).status_code == 404
    assert edit_post(client, meeting, form_data()).status_code == 404
    assert client.post(upload_url(meeting), {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 404
    assert client.post(delete_url(stored_handout)).status_code == 404
    assert Handout.objects.count() == 1


def test_outsider_cannot_reach_it_through_their_own_council(client, outsider, other_council, meeting):
    client.force_login(outsider)

    url = reverse("meeting_detail", args=[other_council.slug, meeting.pk])

    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, subcommittee, meeting, stored_handout):
    for url in (create_url(subcommittee), detail_url(meeting), edit_url(meeting)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    for url in (upload_url(meeting), delete_url(stored_handout)):
        response = client.post(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_wrong_methods_get_405(client, secretariat, subcommittee, meeting, stored_handout):
    client.force_login(secretariat)

    assert client.get(upload_url(meeting)).status_code == 405
    assert client.put(delete_url(stored_handout)).status_code == 405  # GET asks, POST deletes
    assert client.post(detail_url(meeting)).status_code == 405
    assert client.put(create_url(subcommittee)).status_code == 405
    assert client.delete(edit_url(meeting)).status_code == 405
    assert Handout.objects.count() == 1


def test_handout_of_another_meeting_is_404(client, secretariat, subcommittee, stored_handout):
    other = MeetingFactory(body=subcommittee, date=dt.date(2021, 7, 1))
    client.force_login(secretariat)

    url = reverse("handout_delete", args=[subcommittee.council.slug, other.pk, stored_handout.pk])

    assert client.post(url).status_code == 404
    assert Handout.objects.count() == 1


# --- handouts ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_upload_a_pdf_and_download_it(client, request, settings, tmp_path, meeting, who):
    settings.MEDIA_ROOT = tmp_path
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.post(
        upload_url(meeting),
        {"title": "資料1 活動計画（案）", "file": SimpleUploadedFile("keikaku.pdf", PDF)},
        follow=True,
    )

    handout = Handout.objects.get(meeting=meeting)
    assert (handout.title, handout.content_type, handout.size, handout.uploaded_by) == (
        "資料1 活動計画（案）",
        "application/pdf",
        len(PDF),
        user,
    )
    content = response.content.decode()
    assert "資料「資料1 活動計画（案）」を登録しました。" in content
    assert handout.file.url in content

    download = client.get(handout.file.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_chair_downloads_a_handout_uploaded_by_the_secretariat(client, chair, stored_handout):
    client.force_login(chair)

    response = client.get(stored_handout.file.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_upload_without_title_uses_the_file_name(client, chair, settings, tmp_path, meeting):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(chair)

    client.post(
        upload_url(meeting),
        {"title": "", "file": SimpleUploadedFile("名簿.csv", "氏名,所属\n".encode("cp932"))},
    )

    handout = Handout.objects.get()
    assert (handout.title, handout.content_type) == ("名簿", "text/csv")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03", "この種類のファイルは登録できません"),
        ("shiryo.pdf", b"<html><script>alert(1)</script>", "ファイルの中身が拡張子（.pdf）と一致しません"),
        ("shiryo.docx", PDF, "ファイルの中身が拡張子（.docx）と一致しません"),
        ("table.csv", b"\x00\x01\x02binary", "ファイルの中身が拡張子（.csv）と一致しません"),
        ("empty.pdf", b"", "ファイルが空です"),
    ],
)
def test_wrong_files_are_refused(client, chair, settings, tmp_path, meeting, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(chair)

    response = client.post(upload_url(meeting), {"title": "資料X", "file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'value="資料X"' in body  # the title typed is kept
    assert not Handout.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_files_past_the_limit_are_refused(client, chair, settings, tmp_path, meeting):
    settings.MEDIA_ROOT = tmp_path
    settings.HANDOUT_MAX_BYTES = 1024
    client.force_login(chair)

    response = client.post(upload_url(meeting), {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * 1024)})

    assert response.status_code == 400
    assert "ファイルが大きすぎます" in response.content.decode()
    assert not Handout.objects.exists()


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("a.docx", b"PK\x03\x04"),
        ("a.xlsx", b"PK\x03\x04"),
        ("a.pptx", b"PK\x03\x04"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        ("a.XLS", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        ("a.png", b"\x89PNG\r\n\x1a\n"),
        ("a.jpg", b"\xff\xd8\xff\xe0"),
        ("a.txt", "議事録メモ".encode()),
    ],
)
def test_allowed_types_are_accepted(client, chair, settings, tmp_path, meeting, name, head):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(chair)

    response = client.post(upload_url(meeting), {"file": SimpleUploadedFile(name, head + b"rest")})

    assert response.status_code == 302
    assert Handout.objects.filter(meeting=meeting).count() == 1


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_delete_a_handout(client, request, stored_handout, who, django_capture_on_commit_callbacks):
    client.force_login(request.getfixturevalue(who))
    path = stored_handout.file.path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(stored_handout), follow=True)

    assert not Handout.objects.exists()
    assert "資料「資料1」を削除しました。" in response.content.decode()
    assert not __import__("os").path.exists(path)


# --- query counts ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def _fill(meeting, *, n: int, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    body = meeting.body
    people = members_of(body, n)
    meeting_set_attendance(
        meeting=meeting,
        people=people,
        guests=[GuestAttendance(organization_name=f"機関{i}", people=i + 1) for i in range(n)],
    )
    from meetings.services import meeting_set_items

    meeting_set_items(meeting=meeting, texts=[f"項目{i}" for i in range(n)])
    for i in range(n):
        handout_add(meeting=meeting, file=SimpleUploadedFile(f"s{i}.pdf", PDF), title=f"資料{i}")


def test_detail_runs_a_constant_number_of_queries(
    client, chair, subcommittee, settings, tmp_path, django_assert_num_queries
):
    small = MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1))
    big = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))
    _fill(small, n=1, settings=settings, tmp_path=tmp_path)
    _fill(big, n=6, settings=settings, tmp_path=tmp_path)
    client.force_login(chair)

    expected = _queries(client, detail_url(small))

    with django_assert_num_queries(expected):
        client.get(detail_url(big))
    # session, user, council, roles, meeting, body names, items, attendances, guests, handouts
    assert expected == 11


def test_edit_form_runs_a_constant_number_of_queries(
    client, chair, subcommittee, settings, tmp_path, django_assert_num_queries
):
    small = MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 1))
    big = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1))
    _fill(small, n=1, settings=settings, tmp_path=tmp_path)
    _fill(big, n=6, settings=settings, tmp_path=tmp_path)
    client.force_login(chair)

    expected = _queries(client, edit_url(small))

    with django_assert_num_queries(expected):
        client.get(edit_url(big))
    # session, user, council, roles, meeting, items, attendances, guests, people to tick
    assert expected == 10


def test_create_form_runs_a_constant_number_of_queries(
    client, chair, subcommittee, django_assert_num_queries
):
    client.force_login(chair)
    expected = _queries(client, create_url(subcommittee))
    members_of(subcommittee, 6)

    with django_assert_num_queries(expected):
        client.get(create_url(subcommittee))


def test_concurrent_edit_is_refused_and_keeps_what_was_typed(client, secretariat, chair, subcommittee):
    """Two people edit the same meeting: the second save does not silently overwrite the first."""
    meeting = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 1), place="会議室A")
    client.force_login(secretariat)
    opened = client.get(edit_url(meeting)).context["forms"].meeting["loaded_version"].value()

    # Meanwhile the chair saves a change.
    other = type(client)()
    other.force_login(chair)
    edit_post(other, meeting, form_data(date="2021/6/1", place="会議室B", loaded_version=opened))
    meeting.refresh_from_db()
    assert meeting.place == "会議室B"

    # The secretariat's save, made on the old version, is refused; what they typed is still there.
    response = edit_post(client, meeting, form_data(date="2021/6/1", place="会議室C", loaded_version=opened))
    text = response.content.decode()
    assert "他の方が更新しました" in text and "会議室C" in text
    meeting.refresh_from_db()
    assert meeting.place == "会議室B"

    # Saving again from the re-shown form is a deliberate overwrite and goes through.
    current = response.context["forms"].meeting["loaded_version"].value()
    assert current != opened
    edit_post(client, meeting, form_data(date="2021/6/1", place="会議室C", loaded_version=current))
    meeting.refresh_from_db()
    assert meeting.place == "会議室C"


def test_deleting_a_handout_asks_first(client, chair, stored_handout):
    client.force_login(chair)
    meeting_page = client.get(
        reverse("meeting_detail", args=[stored_handout.meeting.body.council.slug, stored_handout.meeting.pk])
    ).content.decode()
    assert f'href="{delete_url(stored_handout)}"' in meeting_page  # a link to the question, not a form

    page = client.get(delete_url(stored_handout))

    assert page.status_code == 200
    text = page.content.decode()
    assert "資料「資料1」" in text and "元に戻せません" in text and 'method="post"' in text
    assert Handout.objects.count() == 1


def test_create_with_a_date_without_year_completes_it_in_the_chosen_fiscal_year(client, chair, subcommittee):
    client.force_login(chair)

    client.post(create_url(subcommittee), form_data(date="７月１５日", fiscal_year="2021"))
    client.post(create_url(subcommittee), form_data(date="2/3", fiscal_year="2021"))

    meetings = Meeting.objects.filter(body=subcommittee).order_by("date")
    assert [(m.date, m.fiscal_year) for m in meetings] == [
        (dt.date(2021, 7, 15), 2021),
        (dt.date(2022, 2, 3), 2021),
    ]
    # Shown completed, in 和暦, when the meeting is opened again.
    response = client.get(edit_url(meetings[0]))
    assert 'value="令和3年7月15日"' in response.content.decode()
