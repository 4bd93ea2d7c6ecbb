"""Access follows the member list: a person's memberships of today give their account its bodies.

Tried on かわせみ町 (its 調整会議, ended こども部会 and successor 療育部会, two 佐藤 花子): people whose
accounts hold no granted role at all read the bodies they sit in, a 会長・部会長 edits theirs, a
term not begun or ended gives nothing, and nothing of another council opens.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from council.access import (
    can_edit_body,
    can_read_body,
    can_read_council,
    can_see_body,
    get_council_for_user,
    roles_of,
)
from council.models import MembershipRole, Role, RoleKind
from council.services import membership_add, person_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _account_for(person):
    """A fresh account linked to ``person``, holding no granted role."""
    user = UserFactory(username=f"acc-{person.pk}")
    person_save(person=person, user=user)
    assert not Role.objects.filter(user=user).exists()
    return type(user).objects.get(pk=user.pk)


def test_a_member_reads_the_bodies_they_sit_in_and_no_other(kawasemi):
    user = _account_for(kawasemi.people["yamasaki"])  # 委員 of 就労部会 and of 地域移行協議の場準備会
    assert can_read_council(user, kawasemi.council.pk)
    assert can_read_body(user, kawasemi.shuro)
    assert can_read_body(user, kawasemi.forum)
    assert not can_see_body(user, kawasemi.soudan)
    assert not can_see_body(user, kawasemi.case_conference)
    assert not can_edit_body(user, kawasemi.shuro)


def test_a_chair_membership_edits_its_body_only(kawasemi):
    user = _account_for(kawasemi.people["sato_ichiro"])  # 部会長 of 就労部会, 委員 of 全体会議
    assert can_edit_body(user, kawasemi.shuro)
    assert not can_edit_body(user, kawasemi.plenary)
    assert can_read_body(user, kawasemi.plenary)
    # a chair reads the council's other bodies, never a case conference it does not sit in
    assert can_read_body(user, kawasemi.soudan)
    assert not can_see_body(user, kawasemi.case_conference)


def test_a_vice_chair_reads_but_does_not_edit(kawasemi):
    user = _account_for(kawasemi.people["sato_hanako_center"])  # 副部会長 of 相談支援部会
    assert can_read_body(user, kawasemi.soudan)
    assert not can_edit_body(user, kawasemi.soudan)
    assert can_edit_body(user, kawasemi.steering)  # and 議長 of the 調整会議


def test_an_ended_term_gives_nothing_and_the_successor_term_does(kawasemi):
    user = _account_for(kawasemi.people["takahashi"])  # こども部会 until R4, 療育部会 from R5
    assert can_edit_body(user, kawasemi.ryoiku)
    assert not can_edit_body(user, kawasemi.kodomo)
    kinds = {(role.body, role.kind) for role in roles_of(user)}
    assert kinds == {(kawasemi.ryoiku, RoleKind.CHAIR)}
    assert roles_of(user)[0].via.body == kawasemi.ryoiku


def test_a_term_that_has_not_begun_or_has_just_ended_gives_nothing(kawasemi):
    today = timezone.localdate()
    person = person_save(council=kawasemi.council, name="新井 朋子", name_kana="あらい ともこ")
    membership_add(
        body=kawasemi.forum,
        person=person,
        role=MembershipRole.MEMBER,
        term_start=today + dt.timedelta(days=1),
    )
    user = _account_for(person)
    assert not can_read_council(user, kawasemi.council.pk)
    with pytest.raises(Http404):
        get_council_for_user(user, kawasemi.council.slug)

    ended = person_save(council=kawasemi.council, name="新井 健", name_kana="あらい けん")
    membership_add(
        body=kawasemi.forum,
        person=ended,
        role=MembershipRole.MEMBER,
        term_start=today - dt.timedelta(days=400),
        term_end=today - dt.timedelta(days=1),
    )
    assert not can_read_council(_account_for(ended), kawasemi.council.pk)

    last_day = person_save(council=kawasemi.council, name="新井 修", name_kana="あらい おさむ")
    membership_add(
        body=kawasemi.forum, person=last_day, role=MembershipRole.MEMBER, term_start=today, term_end=today
    )
    assert can_read_body(_account_for(last_day), kawasemi.forum)


def test_a_case_conference_member_still_needs_the_pledge(kawasemi):
    person = person_save(council=kawasemi.council, name="相談員 一", name_kana="そうだんいん はじめ")
    membership_add(
        body=kawasemi.case_conference,
        person=person,
        role=MembershipRole.MEMBER,
        term_start=dt.date(2024, 4, 1),
    )
    user = _account_for(person)
    assert can_see_body(user, kawasemi.case_conference)
    assert not can_read_body(user, kawasemi.case_conference)  # not yet pledged


def test_memberships_open_no_other_council(kawasemi, council, subcommittee):
    user = _account_for(kawasemi.people["yamasaki"])
    assert not can_read_council(user, council.pk)
    assert not can_see_body(user, subcommittee)
    with pytest.raises(Http404):
        get_council_for_user(user, council.slug)


def test_the_pages_follow_the_member_list(client, kawasemi):
    user = _account_for(kawasemi.people["yamasaki"])
    client.force_login(user)
    assert client.get(reverse("council_home", args=[kawasemi.council.slug])).status_code == 200
    forum = client.get(reverse("body_detail", args=[kawasemi.council.slug, kawasemi.forum.pk]))
    assert forum.status_code == 200
    assert "地域移行協議の場準備会" in forum.content.decode()
    soudan = client.get(reverse("body_detail", args=[kawasemi.council.slug, kawasemi.soudan.pk]))
    assert soudan.status_code == 404
