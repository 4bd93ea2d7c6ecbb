"""The set-up checklist on the secretariat's dashboard: shown while a council moves in, gone after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from council.models import BodyKind, MembershipRole, RoleKind
from council.services import body_create, council_save, membership_add, person_save, role_grant
from dashboard.setup import setup_steps
from meetings.services import meeting_create
from privacy.services import pledge_publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_council():
    """A council the operator has just started: its secretariat account and nothing else."""
    council = council_save(name="しらさぎ市地域自立支援協議会", slug="shirasagi")
    user = UserFactory(username="shirasagi-office")
    role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
    return council, user


def _states(council):
    return [step.done for step in setup_steps(council)]


def test_a_new_council_sees_every_step_to_do(client, new_council):
    council, user = new_council
    client.force_login(user)
    html = client.get(reverse("dashboard", args=[council.slug])).content.decode()
    assert "はじめの設定（5項目中 0項目が済んでいます）" in html
    assert "会議体を登録する" in html and "最初の会議を記録する" in html
    assert _states(council) == [False] * 5


def test_each_step_is_marked_as_the_council_moves_in(client, new_council):
    council, user = new_council
    plenary = body_create(council=council, name="全体会議", kind=BodyKind.PLENARY, from_fiscal_year=2026)
    steering = body_create(
        council=council, name="連絡調整会議", kind=BodyKind.STEERING, parent=plenary, from_fiscal_year=2026
    )
    assert _states(council) == [True, False, False, False, False]

    person = person_save(council=council, name="白鷺 太郎", name_kana="しらさぎ たろう")
    membership_add(body=steering, person=person, role=MembershipRole.CHAIR, term_start=dt.date(2026, 4, 1))
    assert _states(council)[:2] == [True, True]

    person_save(person=person, user=UserFactory(username="shirasagi-taro"))
    assert _states(council)[2] is True

    pledge_publish(council=council, title="守秘義務に関する確認", text="漏らしません。", by=user)
    meeting_create(body=steering, date=dt.date(2026, 5, 20))
    assert _states(council) == [True] * 5
    client.force_login(user)
    html = client.get(reverse("dashboard", args=[council.slug])).content.decode()
    assert "はじめの設定" not in html


def test_the_demo_like_council_of_the_tests_shows_no_checklist(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    steps = setup_steps(kawasemi.council)
    # かわせみ町 has bodies, members, accounts and meetings; its pledge is the seeded text only.
    assert [s.done for s in steps] == [True, True, True, False, True]
    html = client.get(reverse("dashboard", args=[kawasemi.council.slug])).content.decode()
    assert "はじめの設定（5項目中 4項目が済んでいます）" in html
    assert "守秘義務の誓約文を確かめる" in html


def test_the_checklist_is_read_in_one_query(new_council, django_assert_num_queries):
    council, _ = new_council
    with django_assert_num_queries(1):
        setup_steps(council)
