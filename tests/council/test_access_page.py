"""「権限の一覧」: who can read and edit what in the council today, and why (secretariat only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import MembershipRole, RoleKind
from council.services import membership_add, person_save, role_grant
from council.wareki import format_wareki
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _url(council):
    return reverse("access_overview", args=[council.slug])


def _row(html: str, login: str) -> str:
    """The table row of the account ``login``."""
    at = html.index(f"ログイン名：{login}")
    return html[html.rindex("<tr>", 0, at) : html.index("</tr>", at)]


def test_each_account_shows_its_bodies_and_the_reason(client, kawasemi):
    ichiro = UserFactory(username="sato-ichiro")
    person_save(person=kawasemi.people["sato_ichiro"], user=ichiro)  # 部会長 of 就労部会, 委員 of 全体会議
    client.force_login(kawasemi.secretariat)
    html = client.get(_url(kawasemi.council)).content.decode()

    row = _row(html, "sato-ichiro")
    assert "佐藤 一郎" in row
    assert "個別支援会議以外のすべて" in row  # a chair reads the council's bodies but case conferences
    assert "就労部会の会長・部会長（任期 令和2年4月1日から）" in row
    assert "全体会議の委員（任期 令和2年4月1日から）" in row

    secretariat = _row(html, kawasemi.secretariat.username)
    assert "すべての会議体" in secretariat
    assert "事務局：権限として付与" in secretariat
    assert "かわせみ町役場 福祉課" in secretariat  # which 佐藤 花子 it is

    reviewer = _row(html, kawasemi.reviewer.username)
    assert "福祉課（評価担当）：権限として付与" in reviewer


def test_a_granted_body_role_outside_the_member_list_is_pointed_out(client, kawasemi):
    stray = UserFactory(username="stray")
    role_grant(user=stray, council=kawasemi.council, kind=RoleKind.MEMBER, body=kawasemi.soudan)
    client.force_login(kawasemi.secretariat)
    row = _row(client.get(_url(kawasemi.council)).content.decode(), "stray")
    assert "相談支援部会の構成員名簿にありませんが、構成員の権限が付与されています。" in row
    # kawasemi's own member sits in 就労部会 and holds the same role there: no warning for them
    member = _row(client.get(_url(kawasemi.council)).content.decode(), kawasemi.member.username)
    assert "構成員名簿にありません" not in member


def test_an_ended_term_drops_the_account_from_the_list(client, kawasemi):
    takahashi = UserFactory(username="takahashi")
    person_save(person=kawasemi.people["takahashi"], user=takahashi)
    client.force_login(kawasemi.secretariat)
    row = _row(client.get(_url(kawasemi.council)).content.decode(), "takahashi")
    assert "療育部会の会長・部会長" in row
    assert "こども部会の" not in row  # that term ended in 令和5年3月


def test_other_councils_accounts_are_not_listed(client, kawasemi, council, member):
    client.force_login(kawasemi.secretariat)
    html = client.get(_url(kawasemi.council)).content.decode()
    assert f"ログイン名：{member.username}" not in html


def test_query_count_does_not_grow_with_the_people(client, kawasemi, django_assert_max_num_queries):
    client.force_login(kawasemi.secretariat)
    with django_assert_max_num_queries(20) as small:
        assert client.get(_url(kawasemi.council)).status_code == 200
    for n in range(12):
        person = person_save(council=kawasemi.council, name=f"追加 {n}", name_kana=f"ついか {n}")
        membership_add(
            body=kawasemi.forum, person=person, role=MembershipRole.MEMBER, term_start=dt.date(2024, 4, 1)
        )
        person_save(person=person, user=UserFactory(username=f"extra-{n}"))
    with django_assert_max_num_queries(len(small)) as large:
        assert client.get(_url(kawasemi.council)).status_code == 200
    assert len(large) == len(small)


def test_the_pledge_list_includes_members_who_open_the_council_by_membership(client, kawasemi):
    ichiro = UserFactory(username="sato-ichiro", last_name="佐藤", first_name="一郎")
    person_save(person=kawasemi.people["sato_ichiro"], user=ichiro)
    client.force_login(kawasemi.secretariat)
    html = client.get(reverse("pledge_status", args=[kawasemi.council.slug])).content.decode()
    assert "佐藤 一郎" in html or "佐藤一郎" in html
    assert "会議体の長・担当（就労部会）" in html


def test_accounts_whose_last_term_ends_soon_are_announced(client, kawasemi):
    today = timezone.localdate()
    leaving = person_save(council=kawasemi.council, name="髙橋 退任", name_kana="たかはし たいにん")
    membership_add(
        body=kawasemi.forum,
        person=leaving,
        role=MembershipRole.MEMBER,
        term_start=today - dt.timedelta(days=300),
        term_end=today + dt.timedelta(days=20),
    )
    person_save(person=leaving, user=UserFactory(username="leaving"))
    staying = person_save(council=kawasemi.council, name="髙橋 再任", name_kana="たかはし さいにん")
    for start, end in (
        (today - dt.timedelta(days=300), today + dt.timedelta(days=20)),
        (today + dt.timedelta(days=21), None),
    ):
        membership_add(
            body=kawasemi.forum, person=staying, role=MembershipRole.MEMBER, term_start=start, term_end=end
        )
    person_save(person=staying, user=UserFactory(username="staying"))
    later = person_save(council=kawasemi.council, name="髙橋 後任", name_kana="たかはし こうにん")
    membership_add(
        body=kawasemi.forum,
        person=later,
        role=MembershipRole.MEMBER,
        term_start=today - dt.timedelta(days=300),
        term_end=today + dt.timedelta(days=200),
    )
    person_save(person=later, user=UserFactory(username="later"))

    client.force_login(kawasemi.secretariat)
    html = client.get(_url(kawasemi.council)).content.decode()
    section = html[html.index("任期が60日以内に終わる方") : html.index("アカウントごとの権限")]
    assert "任期が60日以内に終わる方（1人）" in section
    assert (
        f"髙橋 退任：{format_wareki(today + dt.timedelta(days=20))}まで（地域移行協議の場準備会）" in section
    )
    assert "髙橋 再任" not in section and "髙橋 後任" not in section
    dashboard = client.get(reverse("dashboard", args=[kawasemi.council.slug])).content.decode()
    assert "この協議会を開けなくなる方が1人います" in dashboard
