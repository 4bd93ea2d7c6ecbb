"""The body tree over fiscal years, memberships' terms, and the constraints on roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from council.models import (
    Body,
    BodyKind,
    BodyName,
    BodyStatus,
    BodyStatusKind,
    Membership,
    MembershipRole,
    Role,
    RoleKind,
)
from council.permissions import SECRETARIAT_GROUP
from council.services import body_rename, body_set_status, body_succeed, membership_add, role_grant
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- status over fiscal years ---------------------------------------------------


def test_status_is_none_before_the_body_existed(subcommittee):
    assert subcommittee.status_in(2018) is None
    assert subcommittee.status_in(2019) == BodyStatusKind.ACTIVE
    assert subcommittee.status_in(2030) == BodyStatusKind.ACTIVE


def test_status_paused_from_a_year_then_ended(subcommittee):
    body_set_status(
        body=subcommittee, fiscal_year=2021, status=BodyStatusKind.PAUSED, note="担当者不在のため"
    )
    body_set_status(body=subcommittee, fiscal_year=2023, status=BodyStatusKind.ENDED)
    body = Body.objects.get(pk=subcommittee.pk)

    assert [body.status_in(fy) for fy in range(2018, 2026)] == [
        None,
        BodyStatusKind.ACTIVE,
        BodyStatusKind.ACTIVE,
        BodyStatusKind.PAUSED,
        BodyStatusKind.PAUSED,
        BodyStatusKind.ENDED,
        BodyStatusKind.ENDED,
        BodyStatusKind.ENDED,
    ]


def test_status_resumed_after_a_pause(subcommittee):
    body_set_status(body=subcommittee, fiscal_year=2020, status=BodyStatusKind.PAUSED)
    body_set_status(body=subcommittee, fiscal_year=2022, status=BodyStatusKind.ACTIVE)

    assert subcommittee.status_in(2021) == BodyStatusKind.PAUSED
    assert subcommittee.status_in(2022) == BodyStatusKind.ACTIVE


def test_setting_a_status_twice_in_one_year_keeps_one_row(subcommittee):
    body_set_status(body=subcommittee, fiscal_year=2021, status=BodyStatusKind.PAUSED)
    body_set_status(body=subcommittee, fiscal_year=2021, status=BodyStatusKind.ENDED, note="再編")

    rows = list(BodyStatus.objects.filter(body=subcommittee, fiscal_year=2021))
    assert [(r.status, r.note) for r in rows] == [(BodyStatusKind.ENDED, "再編")]


def test_status_of_a_prefetched_tree_costs_no_query(
    plenary, steering, subcommittee, liaison, django_assert_num_queries
):
    body_set_status(body=liaison, fiscal_year=2022, status=BodyStatusKind.PAUSED)
    bodies = list(Body.objects.filter(council=plenary.council).prefetch_related("statuses"))

    with django_assert_num_queries(0):
        statuses = {b.name: b.status_in(2022) for b in bodies}

    assert statuses == {
        "全体会": BodyStatusKind.ACTIVE,
        "運営会議": BodyStatusKind.ACTIVE,
        "相談支援部会": BodyStatusKind.ACTIVE,
        "連絡会議": BodyStatusKind.PAUSED,
    }


# --- names over fiscal years ----------------------------------------------------


def test_rename_keeps_the_old_name_for_earlier_years(subcommittee):
    body_rename(body=subcommittee, fiscal_year=2021, name="地域生活支援部会")
    body = Body.objects.get(pk=subcommittee.pk)

    assert body.name == "地域生活支援部会"
    assert body.name_in(2019) == "相談支援部会"
    assert body.name_in(2020) == "相談支援部会"
    assert body.name_in(2021) == "地域生活支援部会"
    assert body.name_in(2025) == "地域生活支援部会"
    assert list(BodyName.objects.filter(body=body).values_list("from_fiscal_year", "name")) == [
        (2019, "相談支援部会"),
        (2021, "地域生活支援部会"),
    ]


def test_renaming_twice_in_one_year_keeps_the_last(subcommittee):
    body_rename(body=subcommittee, fiscal_year=2021, name="どこだれ部会")
    body_rename(body=subcommittee, fiscal_year=2021, name="地域生活移行部会")

    assert BodyName.objects.filter(body=subcommittee, from_fiscal_year=2021).get().name == "地域生活移行部会"
    assert subcommittee.name_in(2020) == "相談支援部会"


def test_rename_of_a_body_made_without_history_keeps_its_old_name(council):
    # Bodies imported or made in the admin may lack BodyName rows.
    body = Body.objects.create(council=council, name="旧・権利擁護部会", kind=BodyKind.SUBCOMMITTEE)

    body_rename(body=body, fiscal_year=2021, name="権利擁護部会")

    assert body.name_in(2020) == "旧・権利擁護部会"
    assert body.name_in(2021) == "権利擁護部会"


def test_name_in_uses_prefetched_names(subcommittee, django_assert_num_queries):
    body_rename(body=subcommittee, fiscal_year=2021, name="地域生活支援部会")
    body = Body.objects.prefetch_related("names").get(pk=subcommittee.pk)

    with django_assert_num_queries(0):
        assert body.name_in(2020) == "相談支援部会"


# --- succession -------------------------------------------------------------------


def test_succeed_ends_the_old_body_and_records_the_predecessor(subcommittee, steering):
    new = body_succeed(old=subcommittee, name="地域生活移行部会", from_fiscal_year=2022)

    old = Body.objects.get(pk=subcommittee.pk)
    new = Body.objects.get(pk=new.pk)
    assert new.predecessor == old
    assert list(old.successors.all()) == [new]
    assert old.status_in(2021) == BodyStatusKind.ACTIVE
    assert old.status_in(2022) == BodyStatusKind.ENDED
    assert "地域生活移行部会" in old.statuses.get(fiscal_year=2022).note
    assert new.status_in(2021) is None
    assert new.status_in(2022) == BodyStatusKind.ACTIVE
    assert new.name_in(2022) == "地域生活移行部会"
    # The new body takes the old one's place in the tree unless told otherwise.
    assert (new.council, new.kind, new.parent) == (old.council, BodyKind.SUBCOMMITTEE, steering)


def test_succeed_may_move_the_new_body(subcommittee, plenary):
    new = body_succeed(
        old=subcommittee,
        name="ワーキング",
        from_fiscal_year=2022,
        kind=BodyKind.WORKING_GROUP,
        parent=plenary,
    )

    assert (new.kind, new.parent) == (BodyKind.WORKING_GROUP, plenary)


# --- memberships --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term_start", "term_end", "serves"),
    [
        # term ending on 3/31 belongs to the fiscal year that ends then, not the next one
        (dt.date(2019, 4, 1), dt.date(2021, 3, 31), {2019: True, 2020: True, 2021: False}),
        # term starting on 4/1 belongs to the fiscal year that starts then, not the one before
        (dt.date(2021, 4, 1), dt.date(2023, 3, 31), {2020: False, 2021: True, 2022: True, 2023: False}),
        # a term starting on 3/31 still counts for the fiscal year ending that day
        (dt.date(2021, 3, 31), None, {2019: False, 2020: True, 2021: True, 2030: True}),
        # a term ending on 4/1 counts for the fiscal year that began that day
        (dt.date(2019, 4, 1), dt.date(2021, 4, 1), {2020: True, 2021: True, 2022: False}),
    ],
)
def test_serves_in_at_fiscal_year_edges(subcommittee, term_start, term_end, serves):
    membership = MembershipFactory(body=subcommittee, term_start=term_start, term_end=term_end)

    assert {fy: membership.serves_in(fy) for fy in serves} == serves


def test_membership_term_end_before_start_is_refused_by_validation(subcommittee):
    person = PersonFactory(council=subcommittee.council)

    with pytest.raises(ValidationError):
        membership_add(
            body=subcommittee,
            person=person,
            role=MembershipRole.MEMBER,
            term_start=dt.date(2021, 4, 1),
            term_end=dt.date(2021, 3, 31),
        )
    assert not Membership.objects.filter(person=person).exists()


def test_membership_term_end_before_start_is_refused_by_the_database(subcommittee):
    person = PersonFactory(council=subcommittee.council)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            body=subcommittee, person=person, term_start=dt.date(2021, 4, 1), term_end=dt.date(2020, 4, 1)
        )
    assert not Membership.objects.filter(person=person).exists()


def test_membership_of_a_single_day_is_allowed(subcommittee):
    membership = MembershipFactory(
        body=subcommittee, term_start=dt.date(2021, 4, 1), term_end=dt.date(2021, 4, 1)
    )

    assert membership.serves_in(2021)


# --- roles ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [RoleKind.CHAIR, RoleKind.MEMBER])
def test_body_role_without_body_is_refused(council, kind):
    user = UserFactory()

    with pytest.raises(ValidationError):
        Role(user=user, council=council, kind=kind, body=None).full_clean()
    with pytest.raises(IntegrityError):
        role_grant(user=user, council=council, kind=kind, body=None)
    assert not Role.objects.filter(user=user).exists()


@pytest.mark.parametrize("kind", [RoleKind.SECRETARIAT, RoleKind.REVIEWER])
def test_council_wide_role_with_a_body_is_refused(council, subcommittee, kind):
    user = UserFactory()

    with pytest.raises(ValidationError):
        Role(user=user, council=council, kind=kind, body=subcommittee).full_clean()
    with pytest.raises(IntegrityError):
        role_grant(user=user, council=council, kind=kind, body=subcommittee)
    assert not Role.objects.filter(user=user).exists()


def test_granting_a_role_twice_keeps_one_row(council, subcommittee, chair):
    role_grant(user=chair, council=council, kind=RoleKind.CHAIR, body=subcommittee)

    assert Role.objects.filter(user=chair).count() == 1


def test_secretariat_role_opens_the_admin(secretariat, chair):
    secretariat.refresh_from_db()
    chair.refresh_from_db()

    assert secretariat.is_staff
    assert secretariat.groups.filter(name=SECRETARIAT_GROUP).exists()
    assert not chair.is_staff
    assert not chair.groups.exists()


def test_standing_cast_tree(plenary, steering, subcommittee, other_subcommittee, case_conference, liaison):
    # Guards the fixtures other tests rely on.
    assert steering.parent == plenary
    assert subcommittee.parent == other_subcommittee.parent == steering
    assert case_conference.parent == subcommittee and case_conference.is_case_conference
    assert liaison.parent is None and liaison.kind == BodyKind.LIAISON
    assert {
        b.council_id for b in (plenary, steering, subcommittee, other_subcommittee, case_conference, liaison)
    } == {plenary.council_id}


def test_body_factory_records_name_and_status(council):
    body = BodyFactory(council=council, name="こども部会", from_fiscal_year=2020)

    assert body.name_in(2020) == "こども部会"
    assert body.status_in(2019) is None
    assert body.status_in(2020) == BodyStatusKind.ACTIVE
