"""The body services refuse what would break the tree, for the pages and the admin alike, and
leave nothing half-saved; the dashboard's 「遅れ」 counts from the month a body started."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from council.models import Body, BodyKind, BodyName, BodyStatus, BodyStatusKind
from council.services import (
    body_create,
    body_link_successor,
    body_move,
    body_name_save,
    body_rename,
    body_save,
    body_set_status,
    body_succeed,
    check_body_names,
    default_started_on,
)
from council.tree import exists_in
from council.wareki import current_fiscal_year
from dashboard.selectors import counting_from, dashboard_for, expected_by_now
from meetings.models import MeetingStatus
from tests.admin.test_concurrent_edit import _post_data
from tests.factories import MeetingFactory
from tests.worlds.kawasemi import ENDED_IN, FIRST_YEAR, FORUM_FROM

pytestmark = pytest.mark.django_db


def rows(council) -> tuple[int, int, int]:
    return (
        Body.objects.filter(council=council).count(),
        BodyName.objects.filter(body__council=council).count(),
        BodyStatus.objects.filter(body__council=council).count(),
    )


def messages_of(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


# --- duplicate names ---------------------------------------------------------------------------------


def test_a_duplicate_name_in_one_council_is_refused_and_nothing_is_saved(council, subcommittee, steering):
    before = rows(council)
    with pytest.raises(ValidationError) as refused:
        body_create(
            council=council,
            name="相談支援部会",
            kind=BodyKind.SUBCOMMITTEE,
            parent=steering,
            from_fiscal_year=2021,
        )
    assert "令和3年度に「相談支援部会」という会議体がすでにあります" in messages_of(refused)
    assert rows(council) == before


def test_full_width_and_spaces_do_not_make_a_new_name(council, steering):
    body_create(council=council, name="就労WG", kind=BodyKind.WORKING_GROUP, from_fiscal_year=2021)
    with pytest.raises(ValidationError):
        body_create(council=council, name="就労 ＷＧ", kind=BodyKind.WORKING_GROUP, from_fiscal_year=2021)


def test_the_same_name_in_another_council_is_fine(council, subcommittee, other_council_plenary):
    body = body_create(
        council=other_council_plenary.council,
        name="相談支援部会",
        kind=BodyKind.SUBCOMMITTEE,
        from_fiscal_year=2021,
    )
    assert body.pk


def test_a_name_is_free_once_its_body_has_ended(kawasemi):
    council = kawasemi.council
    with pytest.raises(ValidationError):
        body_create(council=council, name="こども部会", kind=BodyKind.SUBCOMMITTEE, from_fiscal_year=ENDED_IN)
    again = body_create(
        council=council, name="こども部会", kind=BodyKind.SUBCOMMITTEE, from_fiscal_year=FORUM_FROM
    )
    assert again.pk
    # …but the ended one cannot come back while the new one carries its name.
    before = list(BodyStatus.objects.filter(body=kawasemi.kodomo).values_list("fiscal_year", "status"))
    with pytest.raises(ValidationError):
        body_set_status(body=kawasemi.kodomo, fiscal_year=FORUM_FROM + 1, status=BodyStatusKind.ACTIVE)
    assert (
        list(BodyStatus.objects.filter(body=kawasemi.kodomo).values_list("fiscal_year", "status")) == before
    )


def test_a_rename_to_a_name_in_use_is_refused(kawasemi):
    with pytest.raises(ValidationError):
        body_rename(body=kawasemi.ryoiku, fiscal_year=FORUM_FROM, name="就労部会")
    kawasemi.ryoiku.refresh_from_db()
    assert kawasemi.ryoiku.name == "療育部会"
    assert list(kawasemi.ryoiku.names.values_list("name", flat=True)) == ["療育部会"]
    # The old name of 就労部会 (until R3) may be taken from R4 on, when nobody carries it.
    body_rename(body=kawasemi.ryoiku, fiscal_year=FORUM_FROM, name="就労支援部会")


def test_a_name_history_row_clashing_is_refused(kawasemi):
    with pytest.raises(ValidationError):
        body_name_save(body=kawasemi.ryoiku, from_fiscal_year=FORUM_FROM, name="相談支援部会")
    assert not BodyName.objects.filter(body=kawasemi.ryoiku, name="相談支援部会").exists()


def test_the_kawasemi_and_cast_worlds_have_no_duplicates(kawasemi, subcommittee, case_conference, liaison):
    check_body_names(council=kawasemi.council)
    check_body_names(council=subcommittee.council)


# --- parents and successors --------------------------------------------------------------------------


def test_a_body_made_its_own_ancestor_is_refused(council, steering, case_conference):
    with pytest.raises(ValidationError) as refused:
        body_save(body=steering, fiscal_year=2021, parent=case_conference)
    assert "循環" in messages_of(refused)
    steering.refresh_from_db()
    assert steering.parent_id != case_conference.pk


def test_a_parent_in_another_council_is_refused(council, steering, other_council_plenary):
    with pytest.raises(ValidationError) as refused:
        body_create(
            council=council,
            name="新部会",
            kind=BodyKind.SUBCOMMITTEE,
            parent=other_council_plenary,
            from_fiscal_year=2021,
        )
    assert "上位の会議体は同じ協議会の会議体から選んでください。" in messages_of(refused)
    assert not Body.objects.filter(name="新部会").exists()


def test_a_successor_in_another_council_is_refused(council, other_subcommittee, other_council_subcommittee):
    with pytest.raises(ValidationError) as refused:
        body_link_successor(
            old=other_subcommittee, successor=other_council_subcommittee, from_fiscal_year=2022
        )
    assert "後継の会議体は同じ協議会の会議体から選んでください。" in messages_of(refused)
    other_council_subcommittee.refresh_from_db()
    assert other_council_subcommittee.predecessor_id is None
    assert other_subcommittee.statuses.count() == 1  # not ended


def test_a_predecessor_in_another_council_is_refused_by_the_model(
    council, other_subcommittee, other_council_subcommittee
):
    with pytest.raises(ValidationError) as refused:
        body_save(body=other_council_subcommittee, fiscal_year=2022, predecessor=other_subcommittee)
    assert "前身・後継の会議体は同じ協議会の会議体から選んでください。" in messages_of(refused)


def test_successions_cannot_loop(kawasemi):
    with pytest.raises(ValidationError) as refused:
        body_link_successor(old=kawasemi.ryoiku, successor=kawasemi.kodomo, from_fiscal_year=FORUM_FROM)
    assert "前身を後継にはできません" in messages_of(refused)
    with pytest.raises(ValidationError):
        body_link_successor(old=kawasemi.ryoiku, successor=kawasemi.ryoiku, from_fiscal_year=FORUM_FROM)


def test_succeed_with_a_taken_name_leaves_the_old_body_active(council, subcommittee, other_subcommittee):
    with pytest.raises(ValidationError):
        body_succeed(old=other_subcommittee, name="相談支援部会", from_fiscal_year=2022)
    other = Body.objects.prefetch_related("statuses").get(pk=other_subcommittee.pk)
    assert other.status_in(2022) == BodyStatusKind.ACTIVE  # the 終了 row was rolled back


# --- statuses, start, order ----------------------------------------------------------------------------


def test_status_refuses_unknown_values_and_years_before_the_start(kawasemi):
    with pytest.raises(ValidationError):
        body_set_status(body=kawasemi.forum, fiscal_year=FORUM_FROM, status="gone")
    with pytest.raises(ValidationError) as refused:
        body_set_status(body=kawasemi.forum, fiscal_year=FIRST_YEAR, status=BodyStatusKind.PAUSED)
    assert "令和2年度には、この会議体はまだありません（令和6年度から）" in messages_of(refused)


def test_started_on_must_fall_in_the_first_year(council):
    with pytest.raises(ValidationError):
        body_create(
            council=council,
            name="部会",
            kind=BodyKind.SUBCOMMITTEE,
            from_fiscal_year=2021,
            started_on=dt.date(2021, 3, 1),
        )
    body = body_create(
        council=council,
        name="部会",
        kind=BodyKind.SUBCOMMITTEE,
        from_fiscal_year=2021,
        started_on=dt.date(2021, 11, 1),
    )
    with pytest.raises(ValidationError):
        body_save(body=body, fiscal_year=2022, started_on=dt.date(2022, 5, 1))


def test_default_started_on():
    assert default_started_on(2021, dt.date(2021, 11, 20)) == dt.date(2021, 11, 20)
    assert default_started_on(2020, dt.date(2021, 11, 20)) is None
    assert default_started_on(2022, dt.date(2021, 11, 20)) is None


def test_move_swaps_with_the_neighbour_shown_in_the_year(kawasemi):
    def order(year):
        bodies = (
            Body.objects.filter(parent=kawasemi.steering)
            .prefetch_related("statuses")
            .order_by("sort_order", "id")
        )
        return [b.name for b in bodies if exists_in(b, year)]

    # In R6 こども部会 (ended R5) is not shown: 療育部会 moves up past 就労部会 directly.
    assert body_move(body=kawasemi.ryoiku, up=True, fiscal_year=FORUM_FROM)
    assert order(FORUM_FROM) == ["相談支援部会", "療育部会", "就労部会", "地域移行協議の場準備会"]
    assert not body_move(body=kawasemi.soudan, up=True, fiscal_year=FORUM_FROM)


# --- the admin shows the same refusals ----------------------------------------------------------------


def test_the_admin_refuses_a_duplicate_name_with_the_reason(
    client, secretariat, council, steering, subcommittee
):
    client.force_login(secretariat)
    url = reverse("admin:council_body_add")
    data = _post_data(client.get(url))
    data.update(
        {
            "council": council.pk,
            "name": "相談支援部会",
            "kind": BodyKind.SUBCOMMITTEE,
            "parent": steering.pk,
            "sort_order": "0",
        }
    )
    before = rows(council)
    response = client.post(url, data, follow=True)
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    assert any("という会議体がすでにあります" in text for text in shown)
    assert rows(council) == before


def test_the_admin_refuses_a_cycle_with_the_reason(client, secretariat, council, steering, case_conference):
    client.force_login(secretariat)
    url = reverse("admin:council_body_change", args=[steering.pk])
    data = _post_data(client.get(url))
    data["parent"] = case_conference.pk
    response = client.post(url, data, follow=True)
    assert "循環" in response.content.decode()
    steering.refresh_from_db()
    assert steering.parent_id != case_conference.pk


def test_the_admin_creates_a_body_from_the_year_chosen(client, secretariat, council, steering):
    client.force_login(secretariat)
    url = reverse("admin:council_body_add")
    page = client.get(url)
    assert "開始年度" in page.content.decode()
    data = _post_data(page)
    data.update(
        {
            "council": council.pk,
            "name": "管理画面の部会",
            "kind": BodyKind.SUBCOMMITTEE,
            "parent": steering.pk,
            "sort_order": "0",
            "from_fiscal_year": "2020",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    body = Body.objects.prefetch_related("statuses").get(council=council, name="管理画面の部会")
    assert exists_in(body, 2020) and not exists_in(body, 2019)
    assert body.started_on is None


def test_the_admin_gives_a_body_started_this_year_its_start_day(client, secretariat, council, steering):
    client.force_login(secretariat)
    url = reverse("admin:council_body_add")
    data = _post_data(client.get(url))
    data.update(
        {"council": council.pk, "name": "今年の部会", "kind": BodyKind.SUBCOMMITTEE, "sort_order": "0"}
    )
    assert client.post(url, data).status_code == 302
    body = Body.objects.get(council=council, name="今年の部会")
    assert body.started_on is not None and body.statuses.get().fiscal_year == current_fiscal_year()


# --- the dashboard's 遅れ ------------------------------------------------------------------------------

TODAY = dt.date(2022, 1, 15)  # 令和3年度, nine whole months over


def test_expected_counts_from_the_month_the_body_started():
    assert expected_by_now(12, TODAY) == 9
    assert expected_by_now(12, TODAY, dt.date(2021, 11, 1)) == 2  # November, December
    assert expected_by_now(4, TODAY, dt.date(2021, 11, 1)) == 0
    assert expected_by_now(12, TODAY, dt.date(2021, 4, 1)) == 9
    assert expected_by_now(12, TODAY, dt.date(2020, 11, 1)) == 9  # started in an earlier 年度


def test_counting_from(council):
    body = Body(started_on=dt.date(2021, 11, 20))
    assert counting_from(body, 2021) == dt.date(2021, 11, 1)
    assert counting_from(body, 2022) == dt.date(2022, 4, 1)
    assert counting_from(Body(), 2021) == dt.date(2021, 4, 1)


def test_a_body_created_in_november_is_not_late_against_april(council, secretariat, steering):
    new = body_create(
        council=council,
        name="こども部会",
        kind=BodyKind.SUBCOMMITTEE,
        parent=steering,
        from_fiscal_year=2021,
        started_on=dt.date(2021, 11, 10),
        target_meetings_per_year=6,
    )
    old = body_create(
        council=council,
        name="就労部会",
        kind=BodyKind.SUBCOMMITTEE,
        parent=steering,
        from_fiscal_year=2021,
        target_meetings_per_year=6,
    )
    MeetingFactory(body=new, date=dt.date(2021, 12, 2), status=MeetingStatus.HELD, items=["検討した。"])
    MeetingFactory(body=old, date=dt.date(2021, 12, 2), status=MeetingStatus.HELD, items=["検討した。"])

    dashboard = dashboard_for(council=council, user=secretariat, today=TODAY)

    progress = {p.name: p for p in dashboard.progress}
    assert progress["こども部会"].expected == 1 and not progress["こども部会"].behind  # 6 × 2 / 12
    assert progress["就労部会"].expected == 4 and progress["就労部会"].behind  # counted from April
    assert "こども部会" not in {p.name for p in dashboard.behind}
    # Never silent before it has existed for the warning period, counted from its start day.
    assert "こども部会" not in {p.name for p in dashboard.silent}


def test_a_case_conference_keeps_its_kind(council, case_conference):
    with pytest.raises(ValidationError) as refused:
        body_save(body=case_conference, fiscal_year=2021, kind=BodyKind.SUBCOMMITTEE)
    assert "個別支援会議の種別は変えられません" in messages_of(refused)
    case_conference.refresh_from_db()
    assert case_conference.kind == BodyKind.CASE_CONFERENCE
