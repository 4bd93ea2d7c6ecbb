"""The 全体スケジュール: rows = bodies of the year in tree order, columns = 4月 … 3月, cells = dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.models import BodyKind, BodyStatusKind
from council.services import body_create, body_rename, body_set_status, body_succeed
from council.tree import tree_order
from council.wareki import FISCAL_MONTHS
from meetings.models import MeetingFormat, MeetingStatus
from meetings.schedule import build_schedule, schedule_for
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

YEAR = 2021  # 令和3年度: 2021-04-01 … 2022-03-31


def _url(council, year=YEAR) -> str:
    return reverse("schedule", args=[council.slug]) + f"?year={year}"


def _row(schedule, name):
    rows = [r for r in schedule.rows + schedule.liaison_rows if r.name == name]
    assert len(rows) == 1, [r.name for r in schedule.rows + schedule.liaison_rows]
    return rows[0]


def _names(schedule) -> list[str]:
    return [r.name for r in schedule.rows]


@pytest.fixture
def tree(plenary, steering, subcommittee, other_subcommittee, case_conference, liaison):
    return {
        "plenary": plenary,
        "steering": steering,
        "subcommittee": subcommittee,
        "other_subcommittee": other_subcommittee,
        "case_conference": case_conference,
        "liaison": liaison,
    }


# --- the grid ---------------------------------------------------------------------------------


def test_rows_in_tree_order_with_depth_and_liaison_apart(tree, secretariat, council):
    schedule = schedule_for(user=secretariat, council=council, fiscal_year=YEAR)

    assert [(r.name, r.depth) for r in schedule.rows] == [
        ("全体会", 0),
        ("運営会議", 1),
        ("相談支援部会", 2),
        ("個別支援会議", 3),
        ("就労部会", 2),
    ]
    assert [(r.name, r.depth) for r in schedule.liaison_rows] == [("連絡会議", 0)]
    assert schedule.month_labels == [
        "4月",
        "5月",
        "6月",
        "7月",
        "8月",
        "9月",
        "10月",
        "11月",
        "12月",
        "1月",
        "2月",
        "3月",
    ]


def test_siblings_follow_sort_order_not_creation_order(tree, secretariat, council, steering):
    body_create(
        council=council,
        name="こども部会",
        kind=BodyKind.SUBCOMMITTEE,
        parent=steering,
        from_fiscal_year=2019,
        sort_order=1,
    )  # created last, listed first among 運営会議's children

    names = _names(schedule_for(user=secretariat, council=council, fiscal_year=YEAR))

    assert names.index("こども部会") < names.index("相談支援部会") < names.index("就労部会")
    assert names.index("運営会議") < names.index("こども部会")


def test_cells_hold_the_meeting_dates_of_their_month(tree, secretariat, council, subcommittee):
    june = MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 10))
    MeetingFactory(body=subcommittee, date=dt.date(2021, 6, 24))
    january = MeetingFactory(body=subcommittee, date=dt.date(2022, 1, 13))

    row = _row(schedule_for(user=secretariat, council=council, fiscal_year=YEAR), "相談支援部会")

    june_cell = row.months[FISCAL_MONTHS.index(6)]
    assert [e.day_label for e in june_cell] == ["10日", "24日"]
    assert june_cell[0].meeting_id == june.pk and june_cell[0].weekday == "木"
    assert [e.meeting_id for e in row.months[FISCAL_MONTHS.index(1)]] == [january.pk]
    assert sum(len(cell) for cell in row.months) == 3


def test_status_marks_and_held_count(tree, secretariat, council, subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2021, 5, 6), status=MeetingStatus.HELD)
    MeetingFactory(
        body=subcommittee, date=dt.date(2021, 8, 5), status=MeetingStatus.HELD, format=MeetingFormat.WRITTEN
    )
    MeetingFactory(body=subcommittee, date=dt.date(2021, 11, 4), status=MeetingStatus.CANCELLED)
    MeetingFactory(body=subcommittee, date=dt.date(2022, 2, 3))  # 予定
    undated = MeetingFactory(body=subcommittee, fiscal_year=YEAR)  # 日程未定

    row = _row(schedule_for(user=secretariat, council=council, fiscal_year=YEAR), "相談支援部会")
    entries = {e.date.month: e for cell in row.months for e in cell}

    assert entries[5].is_held and not entries[5].is_written
    assert entries[8].is_held and entries[8].is_written
    assert entries[11].is_cancelled and "中止" in entries[11].description
    assert entries[2].is_planned and "予定" in entries[2].description
    assert [e.meeting_id for e in row.undated] == [undated.pk]
    assert (row.held_count, row.planned_count) == (2, 2)


def test_meeting_of_the_previous_year_stays_out(tree, secretariat, council, subcommittee):
    # 令和2年度's last meeting (March 2021) is not a meeting of 令和3年度, though it is close by.
    earlier = MeetingFactory(body=subcommittee, date=dt.date(2021, 3, 25), status=MeetingStatus.HELD)
    this_year = MeetingFactory(body=subcommittee, date=dt.date(2021, 4, 22), status=MeetingStatus.HELD)

    row = _row(schedule_for(user=secretariat, council=council, fiscal_year=YEAR), "相談支援部会")
    shown = [e.meeting_id for cell in row.months for e in cell]
    assert shown == [this_year.pk]
    assert row.held_count == 1
    # Its own year shows it, in the March column.
    previous = _row(schedule_for(user=secretariat, council=council, fiscal_year=YEAR - 1), "相談支援部会")
    assert [e.meeting_id for e in previous.months[FISCAL_MONTHS.index(3)]] == [earlier.pk]


def test_builder_drops_meetings_of_another_year_even_if_passed_in(tree, council, subcommittee):
    earlier = MeetingFactory(body=subcommittee, date=dt.date(2021, 3, 25))
    bodies = list(council.bodies.prefetch_related("names", "statuses"))

    schedule = build_schedule(fiscal_year=YEAR, bodies=bodies, meetings=[earlier])

    assert _row(schedule, "相談支援部会").is_empty


def test_paused_body_is_marked_in_its_row(tree, secretariat, council, other_subcommittee):
    body_set_status(
        body=other_subcommittee, fiscal_year=YEAR, status=BodyStatusKind.PAUSED, note="今年度は休止"
    )

    row = _row(schedule_for(user=secretariat, council=council, fiscal_year=YEAR), "就労部会")
    assert row.status == BodyStatusKind.PAUSED and row.status_label == "休止中"
    assert row.status_note == "今年度は休止" and row.is_empty
    assert (
        _row(schedule_for(user=secretariat, council=council, fiscal_year=YEAR - 1), "就労部会").status_label
        == ""
    )

    html = _get(secretariat, council).content.decode()
    assert "休止中" in html


def test_bodies_not_yet_created_or_ended_before_are_left_out(
    tree, secretariat, council, steering, other_subcommittee
):
    body_create(
        council=council,
        name="権利擁護部会",
        kind=BodyKind.SUBCOMMITTEE,
        parent=steering,
        from_fiscal_year=YEAR + 1,
    )
    successor = body_succeed(old=other_subcommittee, name="就労支援部会", from_fiscal_year=YEAR)

    this_year = schedule_for(user=secretariat, council=council, fiscal_year=YEAR)
    assert "権利擁護部会" not in _names(this_year)
    ended = _row(this_year, "就労部会")  # ended in this year: shown, marked
    assert ended.status_label == "終了" and "就労支援部会" in ended.status_note
    assert "就労支援部会" in _names(this_year)

    next_year = schedule_for(user=secretariat, council=council, fiscal_year=YEAR + 1)
    assert "就労部会" not in _names(next_year)  # ended before
    assert {"権利擁護部会", "就労支援部会"} <= set(_names(next_year))
    assert successor.pk in {r.body.pk for r in next_year.rows}


def test_rows_use_the_name_of_that_year(tree, secretariat, council, subcommittee):
    body_rename(body=subcommittee, fiscal_year=YEAR + 1, name="相談支援体制部会")

    assert "相談支援部会" in _names(schedule_for(user=secretariat, council=council, fiscal_year=YEAR))
    assert "相談支援体制部会" in _names(schedule_for(user=secretariat, council=council, fiscal_year=YEAR + 1))


def test_tree_order_puts_orphans_at_the_top_level(tree):
    # A member who reads 相談支援部会 only: its parent is not in the list.
    ordered = tree_order([tree["subcommittee"], tree["case_conference"]])
    assert [(b.name, depth) for b, depth in ordered] == [("相談支援部会", 0), ("個別支援会議", 1)]


# --- who sees which rows ----------------------------------------------------------------------


def _get(user, council, client=None, year=YEAR):
    from django.test import Client

    client = client or Client()
    client.force_login(user)
    return client.get(_url(council, year))


def test_outsider_gets_404(tree, outsider, council):
    assert _get(outsider, council).status_code == 404


def test_anonymous_is_sent_to_login(tree, client, council):
    response = client.get(_url(council))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_member_sees_only_their_bodies(tree, member, council, subcommittee):
    schedule = schedule_for(user=member, council=council, fiscal_year=YEAR)
    assert _names(schedule) == ["相談支援部会"]
    assert schedule.liaison_rows == []


def test_case_conference_rows_hidden_from_reviewer_and_chair(tree, reviewer, chair, council, case_conference):
    MeetingFactory(body=case_conference, date=dt.date(2021, 7, 1))
    for user in (reviewer, chair):
        schedule = schedule_for(user=user, council=council, fiscal_year=YEAR)
        assert "個別支援会議" not in _names(schedule)
        assert "相談支援部会" in _names(schedule)
    html = _get(reviewer, council).content.decode()
    assert "個別支援会議" not in html


def test_page_renders_grid_with_links_and_liaison_section(tree, secretariat, council, subcommittee, liaison):
    held = MeetingFactory(body=subcommittee, date=dt.date(2021, 8, 6), status=MeetingStatus.HELD)
    written = MeetingFactory(body=liaison, date=dt.date(2021, 12, 16), format=MeetingFormat.WRITTEN)

    response = _get(secretariat, council)

    assert response.status_code == 200
    html = response.content.decode()
    assert "令和3年度" in html and "全体スケジュール" in html
    assert reverse("meeting_detail", args=[council.slug, held.pk]) in html
    assert reverse("meeting_detail", args=[council.slug, written.pk]) in html
    assert "【その他の会議】" in html
    assert html.index("就労部会") < html.index("【その他の会議】") < html.index("連絡会議")
    assert "書面" in html and "6日" in html


def test_year_comes_from_the_query_string(tree, secretariat, council, subcommittee):
    MeetingFactory(body=subcommittee, date=dt.date(2020, 8, 6))
    response = _get(secretariat, council, year="R2")
    assert response.context["fiscal_year"] == 2020
    assert "令和2年度" in response.content.decode()


def test_print_stylesheet_is_a4_portrait_and_landscape_only_for_the_schedule():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text(encoding="utf-8")
    print_part = css[css.index("==== Planning pages") :]
    assert "@page { size: A4 portrait" in print_part
    assert "@page schedule { size: A4 landscape" in print_part
    assert ".schedule-print-page { page: schedule; }" in print_part
    template = Path(settings.BASE_DIR) / "meetings" / "templates" / "meetings" / "schedule.html"
    assert '<div class="schedule-print-page">' in template.read_text(encoding="utf-8")
    assert ".app-header" in print_part


# --- query counts -----------------------------------------------------------------------------


def _seed(council, steering, n: int) -> None:
    for i in range(n):
        body = body_create(
            council=council,
            name=f"部会{n}-{i}",  # distinct names: a council refuses duplicates
            kind=BodyKind.SUBCOMMITTEE,
            parent=steering,
            from_fiscal_year=2019,
            sort_order=10 + i,
        )
        body_rename(body=body, fiscal_year=YEAR, name=f"部会{n}-{i}（新）")
        for month in (5, 9, 1):
            year = YEAR if month >= 4 else YEAR + 1
            MeetingFactory(body=body, date=dt.date(year, month, 10), status=MeetingStatus.HELD)


def _count_queries(user, council) -> int:
    from django.test import Client

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(council)).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(
    tree, secretariat, member, council, steering, django_assert_num_queries
):
    _seed(council, steering, 1)
    small = _count_queries(secretariat, council)
    _seed(council, steering, 6)
    large = _count_queries(secretariat, council)

    # session, user, council, roles, pledge confirmations, bodies, their names, their statuses,
    # the year's meetings
    assert small == large == 10
    from django.test import Client

    client = Client()
    client.force_login(member)
    with django_assert_num_queries(10):  # as the secretariat's: the member's own bodies only
        client.get(_url(council))


def test_selector_queries(tree, secretariat, council, steering, django_assert_num_queries):
    _seed(council, steering, 3)
    user = type(secretariat).objects.get(pk=secretariat.pk)
    with django_assert_num_queries(
        7
    ):  # roles (granted, from memberships), pledge confirmations, bodies, names, statuses, meetings
        schedule = schedule_for(user=user, council=council, fiscal_year=YEAR)
    assert len(schedule.rows) == 8
