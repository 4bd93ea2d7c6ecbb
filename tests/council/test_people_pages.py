"""人物・構成員: the secretariat enters people, their organisations and terms from the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import BodyKind, Membership, MembershipRole, Organization, Person, RoleKind
from council.services import membership_add, person_save, role_grant
from council.wareki import format_wareki
from tests.factories import BodyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpledged(council):
    """A secretariat of ``council`` who has not confirmed the pledge."""
    user = UserFactory(username="unpledged", last_name="新任", first_name="事務局")
    role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
    return user


def main(response) -> str:
    """The page's own content, without the header (which names the signed-in user)."""
    return response.content.decode().split("<main", 1)[1]


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _list(client, council, **params):
    return client.get(reverse("people_list", args=[council.slug]), params)


# --- who may open the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["chair", "member", "reviewer"])
def test_the_councils_other_users_get_403(request, client, council, who):
    person = Person.objects.create(council=council, name="山田 太郎")
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("people_list", args=[council.slug]),
        reverse("person_create", args=[council.slug]),
        reverse("person_detail", args=[council.slug, person.pk]),
        reverse("person_edit", args=[council.slug, person.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "人物・構成員は事務局の方だけが使えます。" in response.content.decode()


def test_another_councils_secretariat_gets_404_and_writes_nothing(client, council, outsider, subcommittee):
    person = Person.objects.create(council=council, name="山田 太郎")
    client.force_login(outsider)
    assert _list(client, council).status_code == 404
    assert client.get(reverse("person_detail", args=[council.slug, person.pk])).status_code == 404
    response = client.post(
        reverse("membership_create", args=[council.slug, person.pk]),
        {"body": subcommittee.pk, "role": "member", "term_start": "令和7年4月1日"},
    )
    assert response.status_code == 404
    assert not Membership.objects.exists()


def test_a_person_of_another_council_is_not_found_through_this_councils_url(
    client, council, other_council, secretariat
):
    stranger = Person.objects.create(council=other_council, name="隣市 一郎")
    client.force_login(secretariat)
    assert client.get(reverse("person_detail", args=[council.slug, stranger.pk])).status_code == 404
    assert client.get(reverse("person_edit", args=[council.slug, stranger.pk])).status_code == 404


# --- the list -----------------------------------------------------------------------------------


def test_kawasemi_namesakes_are_told_apart_by_their_organisation(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    response = _list(client, kawasemi.council, q="佐藤")
    assert response.status_code == 200
    html = response.content.decode()
    center = kawasemi.people["sato_hanako_center"]
    town = kawasemi.people["sato_hanako_town"]
    assert html.count("同姓同名あり") == 2  # the two 佐藤 花子, not 佐藤 一郎
    for person in (center, town, kawasemi.people["sato_ichiro"]):
        assert reverse("person_detail", args=[kawasemi.council.slug, person.pk]) in html
    assert "相談支援センターかわせみ" in html and "かわせみ町役場 福祉課" in html
    assert "𠮷田" not in html  # filtered out
    # The town's 佐藤 花子 signs in (the secretariat account): 利用中; the other has no account.
    rows = {row.split("</tr>")[0] for row in html.split("<tr>")[2:]}
    town_row = next(r for r in rows if f"/{town.pk}/" in r)
    center_row = next(r for r in rows if f"/{center.pk}/" in r)
    assert "利用中" in town_row and "なし" in center_row


def test_the_list_filters_by_kana_typed_in_katakana_and_full_width_spaces(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    html = main(_list(client, kawasemi.council, q="タカハシ"))
    assert "髙橋 健" in html and "佐藤" not in html
    html = _list(client, kawasemi.council, q="山﨑\u3000由美").content.decode()
    assert "山﨑 由美" in html and "1名" in html


def test_the_list_shows_current_bodies_only_with_the_secretariat_mark(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    html = _list(client, kawasemi.council, q="髙橋").content.decode()
    # 髙橋 chaired こども部会 until R5.3.31 and chairs 療育部会 since: only the latter is current.
    assert "療育部会（会長・部会長）" in html and "こども部会" not in html


def test_case_conference_only_people_stay_hidden_until_the_pledge(
    client, council, secretariat, unpledged, subcommittee
):
    case = BodyFactory(
        council=council, name="個別支援会議", kind=BodyKind.CASE_CONFERENCE, parent=subcommittee
    )
    hidden = Person.objects.create(council=council, name="支援 対象")
    membership_add(body=case, person=hidden, role=MembershipRole.MEMBER, term_start=dt.date(2024, 4, 1))
    both = Person.objects.create(council=council, name="相談 員")
    membership_add(body=case, person=both, role=MembershipRole.MEMBER, term_start=dt.date(2024, 4, 1))
    membership_add(body=subcommittee, person=both, role=MembershipRole.MEMBER, term_start=dt.date(2024, 4, 1))
    client.force_login(secretariat)
    assert "支援 対象" in _list(client, council).content.decode()  # pledged
    client.force_login(unpledged)
    html = _list(client, council).content.decode()
    assert "支援 対象" not in html and "相談 員" in html
    assert "個別支援会議" not in html  # the case-conference term of 相談 員 is not shown either
    assert client.get(reverse("person_detail", args=[council.slug, hidden.pk])).status_code == 404
    detail = client.get(reverse("person_detail", args=[council.slug, both.pk])).content.decode()
    assert "個別支援会議" not in detail and "相談支援部会" in detail


def test_the_list_is_paginated_and_its_queries_bounded(
    client, council, secretariat, subcommittee, django_assert_max_num_queries
):
    org = Organization.objects.create(council=council, name="相談支援センター")
    for n in range(60):
        person = Person.objects.create(
            council=council, name=f"人物 {n:02d}", name_kana=f"じんぶつ {n:02d}", organization=org
        )
        membership_add(
            body=subcommittee, person=person, role=MembershipRole.MEMBER, term_start=dt.date(2024, 4, 1)
        )
    client.force_login(secretariat)
    with django_assert_max_num_queries(12):
        first = _list(client, council)
    html = first.content.decode()
    assert "60名" in html and "人物 00" in html and "人物 50" not in html and "1 / 2" in html
    with django_assert_max_num_queries(12):
        second = _list(client, council, page=2).content.decode()
    assert "人物 59" in second and "人物 00" not in second


# --- adding and editing a person -------------------------------------------------------------------


def test_a_person_is_added_with_a_new_organisation_from_full_width_input(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    response = client.post(
        reverse("person_create", args=[kawasemi.council.slug]),
        {
            "name": "\u3000中村\u3000一郎 ",
            "name_kana": "ﾅｶﾑﾗ　イチロウ",
            "organization": "",
            "new_organization_name": "かわせみ福祉会",
            "position_title": "施設長",
            "email": "ｎａｋａｍｕｒａ＠ｅｘａｍｐｌｅ．ｊｐ",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(council=kawasemi.council, name="中村 一郎")
    assert (person.name_kana, person.email, person.position_title) == (
        "なかむら いちろう",
        "nakamura@example.jp",
        "施設長",
    )
    assert person.organization.name == "かわせみ福祉会" and person.organization.council == kawasemi.council
    assert response["Location"] == reverse("person_detail", args=[kawasemi.council.slug, person.pk])


def test_an_existing_organisation_typed_by_name_is_reused(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    before = Organization.objects.count()
    client.post(
        reverse("person_create", args=[kawasemi.council.slug]),
        {"name": "新人 花子", "new_organization_name": "相談支援センターかわせみ"},
    )
    assert Organization.objects.count() == before
    assert Person.objects.get(name="新人 花子").organization == kawasemi.organizations["center"]


def test_a_duplicate_email_in_the_council_is_refused_in_japanese(client, kawasemi):
    person_save(person=kawasemi.people["yoshida"], email="yoshida@example.jp")
    client.force_login(kawasemi.secretariat)
    before = (Person.objects.count(), Organization.objects.count())
    response = client.post(
        reverse("person_create", args=[kawasemi.council.slug]),
        {"name": "別人 花子", "new_organization_name": "新しい機関", "email": "YOSHIDA@example.jp"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "この協議会の別の人物（𠮷田 花子（かわせみ町手をつなぐ育成会））に登録されています" in html
    assert "登録できませんでした" in html and 'href="#id_email"' in html  # the error summary
    assert 'value="別人 花子"' in html  # what was typed stays
    assert (Person.objects.count(), Organization.objects.count()) == before  # nothing half-saved


def test_the_same_email_in_another_council_is_accepted(client, kawasemi, council, secretariat):
    person_save(person=kawasemi.people["yoshida"], email="shared@example.jp")
    client.force_login(secretariat)
    response = client.post(
        reverse("person_create", args=[council.slug]), {"name": "山田 花子", "email": "shared@example.jp"}
    )
    assert response.status_code == 302


def test_a_person_is_edited_and_keeps_their_own_address(client, kawasemi):
    person = kawasemi.people["takahashi"]
    person_save(person=person, email="takahashi@example.jp")
    client.force_login(kawasemi.secretariat)
    url = reverse("person_edit", args=[kawasemi.council.slug, person.pk])
    page = client.get(url).content.decode()
    assert 'value="髙橋 健"' in page
    response = client.post(
        url,
        {
            "version": version_on(page),
            "name": "髙橋 健",
            "name_kana": "たかはし けん",
            "organization": kawasemi.organizations["clinic"].pk,
            "position_title": "校長",
            "email": "takahashi@example.jp",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organization == kawasemi.organizations["clinic"] and person.position_title == "校長"


def test_a_double_submit_adds_one_person(client, council, secretariat):
    client.force_login(secretariat)
    data = {"name": "二重 太郎", "submit_token": "6f1c1e8e-3d1a-4c55-9a77-2f3c4a5b6c7d"}
    url = reverse("person_create", args=[council.slug])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert Person.objects.filter(name="二重 太郎").count() == 1
    assert second["Location"] == first["Location"]


# --- the person page: terms ----------------------------------------------------------------------


def test_the_person_page_shows_past_and_current_terms_in_wareki(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    person = kawasemi.people["takahashi"]
    html = client.get(reverse("person_detail", args=[kawasemi.council.slug, person.pk])).content.decode()
    current, past = html.split("これまでの任期", 1)
    assert "療育部会" in current and "令和5年4月1日" in current
    assert "こども部会" in past and "令和5年3月31日" in past


def test_a_membership_is_added_and_ended(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    person = kawasemi.people["sato_hanako_center"]
    url = reverse("membership_create", args=[kawasemi.council.slug, person.pk])
    response = client.post(
        url,
        {
            "body": kawasemi.forum.pk,
            "role": MembershipRole.VICE_CHAIR,
            "is_secretariat": "on",
            "term_start": "Ｒ６．４．１",
            "term_end": "",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=person, body=kawasemi.forum)
    assert (membership.role, membership.is_secretariat, membership.term_start, membership.term_end) == (
        MembershipRole.VICE_CHAIR,
        True,
        dt.date(2024, 4, 1),
        None,
    )
    # Ending a term: today by default; a date before the start is refused.
    end_url = reverse("membership_end", args=[kawasemi.council.slug, person.pk, membership.pk])
    refused = client.post(end_url, {f"end{membership.pk}-term_end": "令和5年1月1日"})
    assert refused.status_code == 400
    assert "任期の終了日は任期開始日より後の日付にしてください" in refused.content.decode()
    membership.refresh_from_db()
    assert membership.term_end is None
    assert client.post(end_url, {f"end{membership.pk}-term_end": "令和7年3月31日"}).status_code == 302
    membership.refresh_from_db()
    assert membership.term_end == dt.date(2025, 3, 31)


def test_a_term_ending_before_it_starts_is_refused_and_kept_as_typed(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    person = kawasemi.people["sato_ichiro"]
    before = Membership.objects.filter(person=person).count()
    response = client.post(
        reverse("membership_create", args=[kawasemi.council.slug, person.pk]),
        {
            "body": kawasemi.soudan.pk,
            "role": "member",
            "term_start": "令和7年4月1日",
            "term_end": "令和7年3月31日",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "任期終了日が任期開始日より前になっています" in html
    assert 'value="令和7年4月1日"' in html and 'value="令和7年3月31日"' in html
    assert Membership.objects.filter(person=person).count() == before


def test_a_case_conference_is_not_offered_to_an_unpledged_secretariat(
    client, council, unpledged, subcommittee
):
    case = BodyFactory(
        council=council, name="個別支援会議", kind=BodyKind.CASE_CONFERENCE, parent=subcommittee
    )
    person = Person.objects.create(council=council, name="山田 太郎")
    client.force_login(unpledged)
    html = client.get(reverse("person_detail", args=[council.slug, person.pk])).content.decode()
    assert "相談支援部会" in html and "個別支援会議" not in html
    response = client.post(
        reverse("membership_create", args=[council.slug, person.pk]),
        {"body": case.pk, "role": "member", "term_start": "令和7年4月1日"},
    )
    assert response.status_code == 400 and not Membership.objects.filter(body=case).exists()


def test_today_is_offered_as_the_end_of_a_current_term(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    person = kawasemi.people["yamasaki"]
    html = client.get(reverse("person_detail", args=[kawasemi.council.slug, person.pk])).content.decode()
    assert f'value="{format_wareki(timezone.localdate())}"' in html


def test_the_person_page_queries_are_bounded(client, kawasemi, django_assert_max_num_queries):
    person = kawasemi.people["takahashi"]
    for year in range(2010, 2020):  # many past terms
        membership_add(
            body=kawasemi.soudan,
            person=person,
            role=MembershipRole.MEMBER,
            term_start=dt.date(year, 4, 1),
            term_end=dt.date(year + 1, 3, 31),
        )
    client.force_login(kawasemi.secretariat)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("person_detail", args=[kawasemi.council.slug, person.pk]))
    assert response.content.decode().count("相談支援部会（委員）") == 10


def test_an_edit_over_a_change_made_meanwhile_is_refused_and_kept(client, kawasemi):
    person = kawasemi.people["takahashi"]
    client.force_login(kawasemi.secretariat)
    url = reverse("person_edit", args=[kawasemi.council.slug, person.pk])
    opened = version_on(client.get(url).content.decode())
    person_save(person=person, position_title="教頭")  # someone else, meanwhile
    data = {"version": opened, "name": "髙橋 健", "name_kana": "たかはし けん", "position_title": "校長"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "画面を開いた後に他の方が更新しました" in html and 'value="校長"' in html
    person.refresh_from_db()
    assert person.position_title == "教頭"
    # Sent again from the page shown (its fresh stamp), the edit is taken.
    assert client.post(url, {**data, "version": version_on(html)}).status_code == 302
    person.refresh_from_db()
    assert person.position_title == "校長"
    # A form without its stamp (a crafted POST) writes nothing.
    assert client.post(url, {**data, "version": "", "position_title": "用務員"}).status_code == 400
