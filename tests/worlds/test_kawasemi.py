"""かわせみ町 is what its docstring says, and every page of every 年度 opens for its secretariat.

The world is a fixture for other tests; these tests keep it honest (a world that silently lost its
renamed body or its shared names would make every test built on it weaker) and walk its pages year
by year, the way a council that brought ten years of records in would use them."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.urls import reverse

from council.models import BodyStatusKind, Person
from council.tree import exists_in
from issues.models import IssueStatus, MoveKind
from meetings.models import MeetingStatus
from tests.cast import module_world
from tests.worlds.kawasemi import ENDED_IN, FIRST_YEAR, FORUM_FROM, PAUSED_IN, RENAMED_IN, build_kawasemi

pytestmark = pytest.mark.django_db

YEARS = range(FIRST_YEAR, 2027)


@pytest.fixture(scope="module")
def built_kawasemi(django_db_setup, django_db_blocker):
    """The world written once for this module's read-only tests, rolled back after it."""
    with module_world(django_db_blocker):
        yield build_kawasemi()


@pytest.fixture
def kawasemi(built_kawasemi):
    return copy.deepcopy(built_kawasemi)


def test_the_world_differs_from_the_demo_where_it_says(kawasemi):
    w = kawasemi
    assert w.steering.name == "調整会議"
    assert w.plenary.name == "全体会議"
    assert w.council.parent is None
    # the rename: the old name for the years before it, the new one after
    assert w.shuro.name_in(RENAMED_IN - 1) == "就労支援部会"
    assert w.shuro.name_in(RENAMED_IN) == "就労部会"
    # paused, then ended, then replaced
    assert w.kodomo.status_in(PAUSED_IN - 1) == BodyStatusKind.ACTIVE
    assert w.kodomo.status_in(PAUSED_IN) == BodyStatusKind.PAUSED
    assert w.kodomo.status_in(ENDED_IN) == BodyStatusKind.ENDED
    assert w.ryoiku.predecessor == w.kodomo
    assert not exists_in(w.ryoiku, ENDED_IN - 1)
    assert exists_in(w.ryoiku, ENDED_IN)
    assert not exists_in(w.forum, FORUM_FROM - 1)
    # two different people with one name, in different agencies
    hanakos = Person.objects.filter(council=w.council, name="佐藤 花子")
    assert hanakos.count() == 2
    assert len({p.organization_id for p in hanakos}) == 2
    assert Person.objects.filter(council=w.council, name__startswith="佐藤").count() == 3
    # names outside CP932 are kept as typed
    assert Person.objects.filter(council=w.council, name="𠮷田 花子").exists()
    # plenary meetings with titles, one of them a 臨時会議, numbered in their 年度
    plenary_r5 = list(w.plenary.meetings.filter(fiscal_year=2023).order_by("sequence"))
    assert [(m.sequence, m.title) for m in plenary_r5] == [(1, "総会"), (2, "臨時会議"), (3, "総会")]
    assert w.meetings["soudan_r2_3"].status == MeetingStatus.CANCELLED


def test_the_lineage_carries_its_own_dates(kawasemi):
    lineage = kawasemi.issues["lineage"]
    lineage.refresh_from_db()
    assert lineage.status == IssueStatus.RESOLVED
    assert lineage.raised_on == dt.date(2020, 7, 16)
    moves = list(lineage.moves.order_by("at"))
    assert [m.kind for m in moves] == [
        MoveKind.RAISE,
        MoveKind.ESCALATE,
        MoveKind.SEND_DOWN,
        MoveKind.ESCALATE,
        MoveKind.RESOLVE,
    ]
    assert [m.at.year for m in moves] == [2020, 2021, 2022, 2023, 2024]
    assert [m.to_body for m in moves] == [
        kawasemi.kodomo,
        kawasemi.steering,
        kawasemi.soudan,
        kawasemi.steering,
        kawasemi.steering,
    ]
    # the orphan is still held by the ended body
    orphan = kawasemi.issues["orphan"]
    assert orphan.body == kawasemi.kodomo
    assert orphan.status == IssueStatus.RAISED


@pytest.mark.parametrize("year", YEARS)
def test_the_council_home_shows_the_tree_of_each_year(client, kawasemi, year):
    client.force_login(kawasemi.secretariat)
    page = client.get(reverse("council_home", args=[kawasemi.council.slug]), {"year": year})
    assert page.status_code == 200
    text = page.content.decode()
    shuro = "就労部会" if year >= RENAMED_IN else "就労支援部会"
    assert shuro in text
    assert ("療育部会" in text) == (year >= ENDED_IN)
    assert ("地域移行協議の場準備会" in text) == (year >= FORUM_FROM)
    kodomo_link = reverse("body_detail", args=[kawasemi.council.slug, kawasemi.kodomo.pk])
    assert (kodomo_link in text) == exists_in(kawasemi.kodomo, year)


@pytest.mark.parametrize("year", [FIRST_YEAR, PAUSED_IN, ENDED_IN, 2026])
def test_every_body_page_of_a_year_opens(client, kawasemi, year):
    client.force_login(kawasemi.secretariat)
    for body in kawasemi.bodies:
        page = client.get(reverse("body_detail", args=[kawasemi.council.slug, body.pk]), {"year": year})
        assert page.status_code == 200, (body.name, year)


def test_the_member_opens_only_their_council(client, kawasemi, cast):
    """No user of かわせみ町 sees the standing cast's council, nor the other way round."""
    client.force_login(kawasemi.member)
    assert client.get(reverse("council_home", args=[cast.council.slug])).status_code == 404
    client.force_login(cast.secretariat)
    assert client.get(reverse("council_home", args=[kawasemi.council.slug])).status_code == 404
