"""会議体の設定 (council.body_views): the secretariat builds and changes its body tree from the pages.

Tried on the standing cast (みどり市) and on かわせみ町, whose tree was renamed, paused and ended
over the years. Every refusal is shown in Japanese and leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from council.models import Body, BodyKind, BodyStatusKind
from council.services import body_create
from council.tree import exists_in
from council.wareki import current_fiscal_year
from tests.factories import BodyFactory
from tests.worlds.kawasemi import ENDED_IN, FIRST_YEAR, FORUM_FROM, PAUSED_IN, RENAMED_IN

pytestmark = pytest.mark.django_db


def settings_url(council, year=None) -> str:
    url = reverse("body_settings", args=[council.slug])
    return f"{url}?year={year}" if year else url


def detail_url(council, body, year=None) -> str:
    url = reverse("body_settings_detail", args=[council.slug, body.pk])
    return f"{url}?year={year}" if year else url


def add_url(council, parent=None, year=None) -> str:
    url = reverse("body_settings_add", args=[council.slug])
    query = []
    if parent is not None:
        query.append(f"parent={parent.pk}")
    if year:
        query.append(f"year={year}")
    return f"{url}?{'&'.join(query)}" if query else url


def text(response) -> str:
    return response.content.decode()


def snapshot(council) -> list[tuple]:
    """Everything the pages may write, to show a refusal wrote nothing."""
    bodies = Body.objects.filter(council=council).order_by("pk")
    return [
        (
            b.pk,
            b.name,
            b.kind,
            b.parent_id,
            b.predecessor_id,
            b.sort_order,
            b.target_meetings_per_year,
            b.started_on,
            sorted(b.names.values_list("from_fiscal_year", "name")),
            sorted(b.statuses.values_list("fiscal_year", "status")),
        )
        for b in bodies
    ]


@pytest.fixture
def tree(plenary, steering, subcommittee, other_subcommittee, case_conference, liaison):
    return [plenary, steering, subcommittee, other_subcommittee, case_conference, liaison]


@pytest.fixture
def kawasemi_client(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    return client


# --- who may open the pages ------------------------------------------------------------------------


def test_secretariat_sees_the_tree_with_its_actions(client, tree, secretariat, council, subcommittee):
    client.force_login(secretariat)
    response = client.get(settings_url(council, 2021))
    assert response.status_code == 200
    page = text(response)
    for name in ("全体会", "運営会議", "相談支援部会", "就労部会", "個別支援会議", "連絡会議"):
        assert name in page
    assert "この下に会議体を追加" in page
    assert add_url(council, subcommittee, 2021).replace("&", "&amp;") in page
    assert detail_url(council, subcommittee, 2021) in page
    assert reverse("body_settings_move", args=[council.slug, subcommittee.pk]) in page


@pytest.mark.parametrize("who", ["member", "chair", "other_chair", "reviewer"])
def test_other_roles_of_the_council_get_403(client, tree, council, subcommittee, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in (settings_url(council), add_url(council), detail_url(council, subcommittee)):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "会議体の設定は事務局の方だけが使えます。" in text(response)
    move = reverse("body_settings_move", args=[council.slug, subcommittee.pk])
    assert client.post(move, {"direction": "up"}).status_code == 403


def test_outsiders_get_404(client, tree, council, subcommittee, outsider, other_council_plenary):
    client.force_login(outsider)  # 事務局 of あおば市
    assert client.get(settings_url(council)).status_code == 404
    assert client.get(detail_url(council, subcommittee)).status_code == 404
    # …and their own council's pages do not open another council's body either.
    assert client.get(detail_url(outsider.council_roles.first().council, subcommittee)).status_code == 404
    assert client.get(settings_url(other_council_plenary.council)).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, council):
    response = client.get(settings_url(council))
    assert response.status_code == 302 and "login" in response["Location"]


def test_kawasemi_secretariat_opens_its_own_and_not_the_standing_council(
    kawasemi_client, kawasemi, tree, council
):
    assert kawasemi_client.get(settings_url(kawasemi.council)).status_code == 200
    assert kawasemi_client.get(settings_url(council)).status_code == 404


# --- the tree as it was ----------------------------------------------------------------------------


def test_kawasemi_tree_of_each_year_shows_the_names_and_states_of_that_year(kawasemi_client, kawasemi):
    council = kawasemi.council

    response = kawasemi_client.get(settings_url(council, RENAMED_IN - 1))
    rows = {row.name: row for row in response.context["tree"].rows}
    assert "就労支援部会" in rows and "就労部会" not in rows
    assert "こども部会" in rows and "療育部会" not in rows  # 療育部会 starts in R5
    assert rows["こども部会"].successor_names == []  # not yet
    later_names = [name for _b, name, _y in response.context["tree"].later]
    assert later_names == ["療育部会", "地域移行協議の場準備会"]
    assert "この年度より後に始まる会議体" in text(response)

    paused = kawasemi_client.get(settings_url(council, PAUSED_IN))
    rows = {row.name: row for row in paused.context["tree"].rows}
    assert "就労部会" in rows and "就労支援部会" not in rows
    assert rows["こども部会"].status == BodyStatusKind.PAUSED
    assert "休止" in text(paused)

    ended = kawasemi_client.get(settings_url(council, ENDED_IN))
    rows = {row.name: row for row in ended.context["tree"].rows}
    assert rows["こども部会"].status == BodyStatusKind.ENDED
    assert rows["こども部会"].successor_names == ["療育部会"]
    assert rows["療育部会"].predecessor_name == "こども部会"
    assert "後継: 療育部会" in text(ended) and "前身: こども部会" in text(ended)

    later = kawasemi_client.get(settings_url(council, FORUM_FROM))
    rows = {row.name for row in later.context["tree"].rows}
    assert "こども部会" not in rows and "地域移行協議の場準備会" in rows
    assert [name for _b, name, _y in later.context["tree"].ended_before] == ["こども部会"]
    assert "この年度より前に終了した会議体" in text(later)


def test_kawasemi_tree_is_ordered_with_depths(kawasemi_client, kawasemi):
    response = kawasemi_client.get(settings_url(kawasemi.council, FORUM_FROM))
    rows = [(row.name, row.depth) for row in response.context["tree"].rows]
    assert rows == [
        ("全体会議", 0),
        ("調整会議", 1),
        ("相談支援部会", 2),
        ("個別支援会議", 3),
        ("就労部会", 2),
        ("療育部会", 2),
        ("地域移行協議の場準備会", 2),
    ]


def test_tree_query_count_is_bounded_and_does_not_grow_with_bodies(
    client, tree, secretariat, council, steering, django_assert_max_num_queries
):
    client.force_login(secretariat)
    url = settings_url(council, 2021)
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(12):
        body = BodyFactory(
            council=council, name=f"追加の部会{n}", parent=steering, target_meetings_per_year=4
        )
        BodyFactory(council=council, name=f"追加のWG{n}", parent=body, kind=BodyKind.WORKING_GROUP)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["tree"].rows) == 6 + 24
    assert len(many) == len(few)


# --- adding a body ---------------------------------------------------------------------------------


def test_add_a_body_under_a_body_from_a_past_year(client, tree, secretariat, council, subcommittee):
    client.force_login(secretariat)
    form = client.get(add_url(council, subcommittee, 2021))
    assert form.status_code == 200
    assert form.context["form"]["parent"].value() == subcommittee.pk
    assert form.context["form"]["kind"].value() == BodyKind.WORKING_GROUP
    response = client.post(
        add_url(council, subcommittee, 2021),
        {
            "name": "住まいＷＧ",
            "kind": BodyKind.WORKING_GROUP,
            "parent": subcommittee.pk,
            "from_fiscal_year": "2020",
            "target_meetings_per_year": "３",  # full-width digits
        },
    )
    assert response.status_code == 302
    body = Body.objects.get(council=council, name="住まいＷＧ")
    assert response["Location"].endswith(f"?year=2020#body-{body.pk}")
    assert body.parent == subcommittee and body.target_meetings_per_year == 3
    assert exists_in(body, 2020) and not exists_in(body, 2019)  # from the year given, not this one
    assert body.started_on is None  # a past year: its target counts from April
    page = text(client.get(settings_url(council, 2020)))
    assert "住まいＷＧ" in page


def test_a_body_started_in_this_year_counts_from_today(client, tree, secretariat, council, steering):
    client.force_login(secretariat)
    year = current_fiscal_year()
    response = client.post(
        add_url(council, steering, year),
        {
            "name": "こども部会",
            "kind": BodyKind.SUBCOMMITTEE,
            "parent": steering.pk,
            "from_fiscal_year": year,
        },
    )
    assert response.status_code == 302
    body = Body.objects.get(council=council, name="こども部会")
    assert body.started_on == timezone.localdate()


def test_started_on_is_read_in_wareki_and_must_fall_in_the_first_year(client, tree, secretariat, council):
    client.force_login(secretariat)
    before = snapshot(council)
    data = {
        "name": "新しい部会",
        "kind": BodyKind.SUBCOMMITTEE,
        "from_fiscal_year": "2021",
        "started_on": "R2.11.1",
    }
    response = client.post(add_url(council, year=2021), data)
    assert response.status_code == 200
    assert "活動開始日は、開始年度（令和3年度）の日付にしてください。" in text(response)
    assert snapshot(council) == before
    data["started_on"] = "令和3年11月1日"
    assert client.post(add_url(council, year=2021), data).status_code == 302
    assert Body.objects.get(council=council, name="新しい部会").started_on == dt.date(2021, 11, 1)


def test_a_double_submit_adds_one_body(client, tree, secretariat, council):
    client.force_login(secretariat)
    assert 'name="submit_token"' in text(client.get(add_url(council, year=2021)))
    token = "8d3f5f0e-7c1c-4e55-9c8e-2f0a8a9b1c01"
    data = {
        "name": "二度押し部会",
        "kind": BodyKind.SUBCOMMITTEE,
        "from_fiscal_year": "2021",
        "submit_token": token,
    }
    first = client.post(add_url(council, year=2021), data)
    second = client.post(add_url(council, year=2021), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Body.objects.filter(council=council, name="二度押し部会").count() == 1


def test_a_duplicate_name_is_refused_and_the_form_keeps_what_was_typed(client, tree, secretariat, council):
    client.force_login(secretariat)
    before = snapshot(council)
    response = client.post(
        add_url(council, year=2021),
        {
            "name": "相談支援部会",
            "kind": BodyKind.SUBCOMMITTEE,
            "from_fiscal_year": "2021",
            "target_meetings_per_year": "4",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "という会議体がすでにあります" in page and "「相談支援部会」" in page
    assert "登録できませんでした" in page  # the error summary
    assert response.context["form"]["target_meetings_per_year"].value() == "4"
    assert snapshot(council) == before


def test_kawasemi_a_name_ended_may_come_back_but_not_in_its_years(kawasemi_client, kawasemi):
    council = kawasemi.council
    data = {"name": "こども部会", "kind": BodyKind.SUBCOMMITTEE, "parent": kawasemi.steering.pk}
    refused = kawasemi_client.post(add_url(council, year=ENDED_IN), {**data, "from_fiscal_year": ENDED_IN})
    assert refused.status_code == 200  # こども部会 is listed (終了) in its last year
    assert "令和5年度に「こども部会」という会議体がすでにあります" in text(refused)
    # From the year after it ended, the name is free again.
    accepted = kawasemi_client.post(
        add_url(council, year=FORUM_FROM), {**data, "from_fiscal_year": FORUM_FROM}
    )
    assert accepted.status_code == 302
    # The old name of 就労部会 is taken in its years only.
    old_name = {"name": "就労支援部会", "kind": BodyKind.SUBCOMMITTEE, "from_fiscal_year": FIRST_YEAR}
    assert "すでにあります" in text(kawasemi_client.post(add_url(council, year=FIRST_YEAR), old_name))


# --- renaming, pausing, ending, successors ---------------------------------------------------------


def test_rename_from_a_year_keeps_the_old_name_in_earlier_trees(
    client, tree, secretariat, council, other_subcommittee
):
    client.force_login(secretariat)
    response = client.post(
        detail_url(council, other_subcommittee, 2021),
        {"form": "rename", "name": "就労支援部会", "from_fiscal_year": "2022"},
    )
    assert response.status_code == 302
    other_subcommittee.refresh_from_db()
    assert other_subcommittee.name == "就労支援部会"
    old = {row.name for row in client.get(settings_url(council, 2021)).context["tree"].rows}
    new = {row.name for row in client.get(settings_url(council, 2022)).context["tree"].rows}
    assert "就労部会" in old and "就労支援部会" not in old
    assert "就労支援部会" in new and "就労部会" not in new


def test_rename_to_a_name_in_use_is_refused(client, tree, secretariat, council, other_subcommittee):
    client.force_login(secretariat)
    before = snapshot(council)
    response = client.post(
        detail_url(council, other_subcommittee, 2021),
        {"form": "rename", "name": "相談支援部会", "from_fiscal_year": "2021"},
    )
    assert response.status_code == 200
    assert "という会議体がすでにあります" in text(response)
    assert response.context["forms"]["rename"]["name"].value() == "相談支援部会"
    assert snapshot(council) == before


def test_pause_end_and_resume_from_a_year(client, tree, secretariat, council, other_subcommittee):
    client.force_login(secretariat)
    url = detail_url(council, other_subcommittee, 2021)
    for year, status in ((2021, "paused"), (2022, "ended"), (2024, "active")):
        response = client.post(
            url, {"form": "status", "status": status, "from_fiscal_year": year, "note": ""}
        )
        assert response.status_code == 302
    body = Body.objects.prefetch_related("statuses").get(pk=other_subcommittee.pk)
    assert [body.status_in(y) for y in (2020, 2021, 2022, 2023, 2024)] == [
        "active",
        "paused",
        "ended",
        "ended",
        "active",
    ]
    assert not exists_in(body, 2023) and exists_in(body, 2024)
    assert "休止" in text(client.get(settings_url(council, 2021)))


def test_status_before_the_body_existed_is_refused(kawasemi_client, kawasemi):
    before = snapshot(kawasemi.council)
    response = kawasemi_client.post(
        detail_url(kawasemi.council, kawasemi.forum, FORUM_FROM),
        {"form": "status", "status": "paused", "from_fiscal_year": FIRST_YEAR},
    )
    assert response.status_code == 200
    assert "この会議体はまだありません" in text(response)
    assert snapshot(kawasemi.council) == before


def test_a_new_successor_ends_the_old_body(client, tree, secretariat, council, other_subcommittee):
    client.force_login(secretariat)
    response = client.post(
        detail_url(council, other_subcommittee, 2021),
        {"form": "successor", "from_fiscal_year": "2022", "new_name": "しごと部会", "end_old": "on"},
    )
    assert response.status_code == 302
    new = Body.objects.prefetch_related("statuses").get(council=council, name="しごと部会")
    old = Body.objects.prefetch_related("statuses").get(pk=other_subcommittee.pk)
    assert new.predecessor == old and new.parent_id == old.parent_id
    assert old.status_in(2022) == BodyStatusKind.ENDED and exists_in(new, 2022) and not exists_in(new, 2021)


def test_an_existing_body_named_successor(kawasemi_client, kawasemi):
    council = kawasemi.council
    response = kawasemi_client.post(
        detail_url(council, kawasemi.shuro, FORUM_FROM),
        {"form": "successor", "from_fiscal_year": FORUM_FROM + 1, "successor": kawasemi.forum.pk},
    )
    assert response.status_code == 302
    kawasemi.forum.refresh_from_db()
    assert kawasemi.forum.predecessor_id == kawasemi.shuro.pk
    shuro = Body.objects.prefetch_related("statuses").get(pk=kawasemi.shuro.pk)
    assert shuro.status_in(FORUM_FROM + 1) == BodyStatusKind.ACTIVE  # 「終了にする」 left unticked


def test_a_successor_of_another_council_is_refused(
    client, tree, secretariat, council, other_subcommittee, other_council_subcommittee
):
    client.force_login(secretariat)
    before = snapshot(council)
    response = client.post(
        detail_url(council, other_subcommittee, 2021),
        {
            "form": "successor",
            "from_fiscal_year": "2022",
            "successor": other_council_subcommittee.pk,
            "end_old": "on",
        },
    )
    assert response.status_code == 200
    assert "正しく選択してください" in text(response)  # not even offered
    assert snapshot(council) == before


def test_a_predecessor_named_successor_is_refused(kawasemi_client, kawasemi):
    before = snapshot(kawasemi.council)
    response = kawasemi_client.post(
        detail_url(kawasemi.council, kawasemi.ryoiku, ENDED_IN),
        {
            "form": "successor",
            "from_fiscal_year": FORUM_FROM,
            "successor": kawasemi.kodomo.pk,
            "end_old": "on",
        },
    )
    assert response.status_code == 200
    assert "前身を後継にはできません" in text(response)
    assert snapshot(kawasemi.council) == before


def test_successor_form_needs_one_of_name_or_body(client, tree, secretariat, council, other_subcommittee):
    client.force_login(secretariat)
    response = client.post(
        detail_url(council, other_subcommittee, 2021), {"form": "successor", "from_fiscal_year": "2022"}
    )
    assert response.status_code == 200
    assert "どちらか一方です" in text(response)


# --- parent, target, order -------------------------------------------------------------------------


def test_basic_settings_change_parent_target_and_start(
    client, tree, secretariat, council, other_subcommittee, plenary
):
    client.force_login(secretariat)
    response = client.post(
        detail_url(council, other_subcommittee, 2021),
        {
            "form": "basic",
            "kind": BodyKind.SUBCOMMITTEE,
            "parent": plenary.pk,
            "target_meetings_per_year": "６",
        },
    )
    assert response.status_code == 302
    other_subcommittee.refresh_from_db()
    assert other_subcommittee.parent == plenary and other_subcommittee.target_meetings_per_year == 6


def test_a_body_made_its_own_ancestor_is_refused(
    client, tree, secretariat, council, steering, case_conference
):
    client.force_login(secretariat)
    before = snapshot(council)
    response = client.post(
        detail_url(council, steering, 2021),
        {
            "form": "basic",
            "kind": BodyKind.STEERING,
            "parent": case_conference.pk,
        },  # 運営会議 under its own grandchild
    )
    assert response.status_code == 200
    assert "上位・下位の関係が循環してしまうため、この会議体は選べません。" in text(response)
    assert snapshot(council) == before


def test_a_parent_of_another_council_is_refused(
    client, tree, secretariat, council, steering, other_council_plenary
):
    client.force_login(secretariat)
    before = snapshot(council)
    response = client.post(
        detail_url(council, steering, 2021),
        {"form": "basic", "kind": BodyKind.STEERING, "parent": other_council_plenary.pk},
    )
    assert response.status_code == 200 and "正しく選択してください" in text(response)
    assert snapshot(council) == before


def test_kawasemi_move_siblings_up_and_down(kawasemi_client, kawasemi):
    council = kawasemi.council
    move = reverse("body_settings_move", args=[council.slug, kawasemi.forum.pk])

    def order():
        response = kawasemi_client.get(settings_url(council, FORUM_FROM))
        return [row.name for row in response.context["tree"].rows if row.depth == 2]

    assert order() == ["相談支援部会", "就労部会", "療育部会", "地域移行協議の場準備会"]
    response = kawasemi_client.post(f"{move}?year={FORUM_FROM}", {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#body-{kawasemi.forum.pk}")
    assert order() == ["相談支援部会", "就労部会", "地域移行協議の場準備会", "療育部会"]
    kawasemi_client.post(f"{move}?year={FORUM_FROM}", {"direction": "up"})
    kawasemi_client.post(f"{move}?year={FORUM_FROM}", {"direction": "up"})
    kawasemi_client.post(f"{move}?year={FORUM_FROM}", {"direction": "up"})  # already first: stays
    assert order() == ["地域移行協議の場準備会", "相談支援部会", "就労部会", "療育部会"]
    kawasemi_client.post(f"{move}?year={FORUM_FROM}", {"direction": "down"})
    assert order() == ["相談支援部会", "地域移行協議の場準備会", "就労部会", "療育部会"]


def test_move_is_post_only(client, tree, secretariat, council, subcommittee):
    client.force_login(secretariat)
    assert client.get(reverse("body_settings_move", args=[council.slug, subcommittee.pk])).status_code == 405


def test_the_detail_page_shows_the_history(kawasemi_client, kawasemi):
    page = text(kawasemi_client.get(detail_url(kawasemi.council, kawasemi.kodomo, PAUSED_IN)))
    assert "こども部会の設定" in page
    assert "令和4年度〜 休止（部会長の退任のため休止）" in page
    assert "令和5年度〜 終了" in page
    assert "療育部会" in page


def test_a_body_created_from_the_service_without_a_year_exists_in_the_year_given(council):
    body = body_create(council=council, name="過去の部会", kind=BodyKind.SUBCOMMITTEE, from_fiscal_year=2020)
    body = Body.objects.prefetch_related("statuses").get(pk=body.pk)
    assert exists_in(body, 2020) and exists_in(body, current_fiscal_year())
