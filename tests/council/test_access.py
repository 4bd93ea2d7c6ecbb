"""Role scoping: no user ever sees another council's rows.

Every model of our apps is listed in ``council.access.COUNCIL_PATHS`` (or is a shared vocabulary).
The ``seeded`` fixture puts at least one row of every scoped model in both ``council`` and
``other_council``; the parametrised tests then check each model for each kind of user.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from council.access import (
    COUNCIL_PATHS,
    SHARED_MODELS,
    council_models,
    council_path,
    for_admin,
    for_user,
    roles_of,
)
from council.models import FormSubmission, RoleKind
from council.services import role_grant
from issues.models import ActionPlan, ActionPlanRow, MoveKind, Theme
from issues.services import issue_move, theme_order_save
from meetings.feeds import calendar_feed_create
from meetings.models import CalendarFeedScope, GuestAttendance
from meetings.services import meeting_set_attendance
from reports.models import DocumentKind
from subcommittees.models import (
    ActivityPolicy,
    EvaluationComment,
    EvaluationReview,
    EvaluationStatus,
    ProgressReport,
)
from tests.cast import Cast, module_world
from tests.factories import (
    EvaluationFactory,
    HandoutFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    RegionalIssueFactory,
    ReportJobFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCOPED_MODELS = [m for m in council_models() if m._meta.label_lower not in SHARED_MODELS]


def _label(model) -> str:
    return model._meta.label_lower


def _seed_council(*, body, user) -> None:
    """One row (at least) of every scoped model in ``body``'s council."""
    council = body.council
    organization = OrganizationFactory(council=council, name=f"{council.municipality}基幹相談支援センター")
    person = PersonFactory(council=council, organization=organization)
    MembershipFactory(body=body, person=person, term_start=dt.date(2021, 4, 1))

    meeting = MeetingFactory(
        body=body, date=dt.date(2021, 7, 1), items=["グループホームの空き状況を共有した。"]
    )
    meeting_set_attendance(
        meeting=meeting, people=[person], guests=[GuestAttendance(organization_name="区役所", people=2)]
    )
    HandoutFactory(meeting=meeting, title="資料1", file="handouts/2021/shiryo1.pdf", uploaded_by=user)

    ActivityPolicy.objects.create(body=body, fiscal_year=2021, policy="地域移行を進める。")
    ProgressReport.objects.create(body=body, fiscal_year=2021, policy="相談支援体制の整理")
    evaluation = EvaluationFactory(body=body, fiscal_year=2021, narrative="年4回開催した。")
    EvaluationComment.objects.create(evaluation=evaluation, person=person, text="有意義だった。")
    EvaluationReview.objects.create(
        evaluation=evaluation, to_status=EvaluationStatus.SUBMITTED, by=user, by_name=user.get_username()
    )

    issue = RegionalIssueFactory(body=body, by=user)
    issue_move(issue=issue, kind=MoveKind.COLLECT, by=user, at_meeting=meeting)
    plan = ActionPlan.objects.create(issue=issue, target_state="必要な人がグループホームを選べる。")
    ActionPlanRow.objects.create(plan=plan, problem="空き情報がない", action="事務局が一覧を作る")
    theme_order_save(council=council, marks="住・障")

    ReportJobFactory(
        council=council, body=body, fiscal_year=2021, kind=DocumentKind.PROGRESS_REPORT, requested_by=user
    )
    calendar_feed_create(user=user, council=council, scope=CalendarFeedScope.BODY, body=body)
    FormSubmission.objects.create(council=council, user=user, token=uuid.uuid4(), result_url="/")


SEEDED_CAST = (
    "council",
    "other_council",
    "subcommittee",
    "other_council_subcommittee",
    "secretariat",
    "chair",
    "other_chair",
    "member",
    "reviewer",
    "outsider",
    "pref_user",
)


@pytest.fixture(scope="module")
def seeded_world(django_db_setup, django_db_blocker):
    """The cast and both councils' rows, written once for this module (389 tests only read them)
    and rolled back after it; each test runs in a savepoint on top (see ``tests/cast.py``)."""
    with module_world(django_db_blocker):
        world = Cast().build(*SEEDED_CAST)
        _seed_council(body=world.subcommittee, user=world.secretariat)
        _seed_council(body=world.other_council_subcommittee, user=world.outsider)
        yield world


@pytest.fixture
def cast(seeded_world, db):
    """Every test of this module sees the seeded world (fresh copies of its objects)."""
    return seeded_world.fork()


@pytest.fixture
def seeded(cast):
    pass


def _councils_seen(queryset) -> set[int]:
    return set(queryset.values_list(council_path(queryset.model), flat=True))


# --- the table is complete ---------------------------------------------------------


def test_every_model_has_a_council_path():
    # Every app of the project, not only the seeded five (privacy included; accounts and audit have none).
    models = council_models(every_app=True)
    assert {m._meta.app_label for m in council_models()} < {m._meta.app_label for m in models}
    labels = {_label(m) for m in models}

    missing = labels - COUNCIL_PATHS.keys() - SHARED_MODELS
    assert not missing, (
        f"add these models to council.access.COUNCIL_PATHS (or SHARED_MODELS): {sorted(missing)}"
    )
    stale = (COUNCIL_PATHS.keys() | SHARED_MODELS) - labels
    assert not stale, f"entries in council.access for models that no longer exist: {sorted(stale)}"
    assert not COUNCIL_PATHS.keys() & SHARED_MODELS


def test_history_event_models_are_not_ours_to_scope():
    # pghistory's event tables are read through their tracked model, not listed themselves.
    assert not [m for m in council_models() if m.__name__.endswith("Event")]


def test_a_model_without_path_is_refused(secretariat):
    with pytest.raises(LookupError, match="COUNCIL_PATHS"):
        for_user(Theme.objects.all(), secretariat)


def test_shared_themes_are_seeded():
    assert Theme.objects.filter(is_care_component=True).count() == 6


# --- for_user ----------------------------------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_seed_covers_both_councils(model, seeded, council, other_council):
    # If this fails for a new model, add a row of it to _seed_council above.
    assert _councils_seen(model.objects.all()) >= {council.pk, other_council.pk}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
@pytest.mark.parametrize("who", ["secretariat", "chair", "other_chair", "member", "reviewer"])
def test_for_user_shows_own_council_only(model, who, seeded, council, request):
    user = request.getfixturevalue(who)

    assert _councils_seen(for_user(model.objects.all(), user)) == {council.pk}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_outsider_sees_only_their_council(model, seeded, outsider, other_council):
    assert _councils_seen(for_user(model.objects.all(), outsider)) == {other_council.pk}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_prefecture_user_sees_nothing_of_the_cities(model, seeded, pref_user, pref_council):
    assert _councils_seen(for_user(model.objects.all(), pref_user)) <= {pref_council.pk}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_anonymous_sees_nothing(model, seeded):
    assert not for_user(model.objects.all(), AnonymousUser()).exists()
    assert not for_admin(model.objects.all(), AnonymousUser()).exists()


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_user_without_roles_sees_nothing(model, seeded):
    nobody = UserFactory()

    assert not for_user(model.objects.all(), nobody).exists()


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_roles_in_two_councils_show_both(model, seeded, council, other_council, subcommittee):
    user = UserFactory()
    role_grant(user=user, council=council, kind=RoleKind.REVIEWER)
    role_grant(user=user, council=other_council, kind=RoleKind.SECRETARIAT)

    assert _councils_seen(for_user(model.objects.all(), user)) == {council.pk, other_council.pk}
    # The admin only shows the council where the user is secretariat.
    assert _councils_seen(for_admin(model.objects.all(), user)) == {other_council.pk}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_superuser_sees_everything(model, seeded, superuser):
    everything = model.objects.count()

    assert for_user(model.objects.all(), superuser).count() == everything
    assert for_admin(model.objects.all(), superuser).count() == everything


# --- for_admin -----------------------------------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
def test_for_admin_shows_the_secretariat_its_council(
    model, seeded, secretariat, outsider, council, other_council
):
    assert _councils_seen(for_admin(model.objects.all(), secretariat)) == {council.pk}
    assert _councils_seen(for_admin(model.objects.all(), outsider)) == {other_council.pk}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=_label)
@pytest.mark.parametrize("who", ["reviewer", "chair", "member"])
def test_for_admin_shows_non_secretariat_nothing(model, who, seeded, request):
    user = request.getfixturevalue(who)

    assert not for_admin(model.objects.all(), user).exists()


# --- cost ------------------------------------------------------------------------------


def test_roles_are_read_once_per_user_object(seeded, secretariat, django_assert_num_queries):
    from council.models import Body
    from meetings.models import Meeting

    user = type(secretariat).objects.get(pk=secretariat.pk)
    with django_assert_num_queries(4):  # the roles granted and given by memberships, then one query per list
        list(for_user(Body.objects.all(), user))
        list(for_user(Meeting.objects.all(), user))
    assert len(roles_of(user)) == 1
