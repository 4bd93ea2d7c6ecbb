"""``manage.py load_demo``: the fictional demo councils, their records and the demo logins.

One build (scale 1, pinned day) serves the whole module (``built_demo``); the builds at scale 2 and
on today's date are in ``test_load_demo_scales.py``."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from council.models import (
    Body,
    BodyKind,
    BodyStatusKind,
    Council,
    CouncilLevel,
    Membership,
    Person,
    Role,
    RoleKind,
)
from demo import builder as demo_builder
from issues.models import ActionPlan, IssueOrigin, IssueStatus, MoveKind, RegionalIssue
from meetings.models import Meeting, MeetingFormat, MeetingStatus
from subcommittees.models import ActivityPolicy, Evaluation, NextYearDecision, ProgressReport
from tests.cast import module_world
from tests.council.load_demo_kit import CURRENT, TODAY, run

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def built_demo(django_db_setup, django_db_blocker):
    """One ``load_demo`` (scale 1, pinned day) for the whole module, rolled back after it: the tests
    here only read it, or write on top of it inside their own rolled-back savepoint. Returns the
    command's output. (Builds of other scales or days: ``test_load_demo_scales.py``.)"""
    with module_world(django_db_blocker):
        yield run()


@pytest.fixture
def first_run(built_demo, db):
    """The output of the first ``load_demo`` into an empty database."""
    return built_demo


def demo_council() -> Council:
    return Council.objects.get(slug=demo_builder.MAIN_SLUG)


def row_counts(*, events: bool = True) -> dict[str, int]:
    """Rows per model; ``events=False`` leaves out the audit history (pghistory, PostgreSQL only)."""
    return {
        model._meta.label: model.objects.count()
        for app in ("auth", "council", "meetings", "subcommittees", "issues")
        for model in apps.get_app_config(app).get_models()
        if events or not model.__name__.endswith("Event")
    }


# --- structure ----------------------------------------------------------------------------------


def test_builds_the_council_tree(first_run):
    output = first_run
    council = demo_council()
    assert council.name == "みどり野市障害者自立支援協議会"
    assert council.level == CouncilLevel.MUNICIPAL
    assert council.parent.slug == demo_builder.PREF_SLUG
    assert council.parent.level == CouncilLevel.PREFECTURE

    bodies = list(council.bodies.prefetch_related("statuses", "names").select_related("parent"))
    kinds = Counter(b.kind for b in bodies)
    assert kinds[BodyKind.PLENARY] == 1
    assert kinds[BodyKind.STEERING] == 1
    assert kinds[BodyKind.SUBCOMMITTEE] == 6
    assert kinds[BodyKind.WORKING_GROUP] == 1
    assert kinds[BodyKind.FORUM] == 2  # the 準備会 (ended) and the 協議の場 that succeeded it
    assert kinds[BodyKind.CASE_CONFERENCE] == 1
    assert kinds[BodyKind.LIAISON] == 2

    by_name = {b.name: b for b in bodies}
    assert by_name["運営会議"].parent == by_name["全体会"]
    for name in ("相談支援部会", "就労部会", "地域づくり部会", "こども部会", "権利擁護部会", "居住支援部会"):
        assert by_name[name].parent == by_name["運営会議"]
        assert by_name[name].target_meetings_per_year == 4
    assert by_name["全体会"].target_meetings_per_year == 3
    assert by_name["運営会議"].target_meetings_per_year == 6
    assert by_name["送迎・移動支援ワーキンググループ"].parent == by_name["地域づくり部会"]
    assert by_name["個別支援会議"].parent == by_name["相談支援部会"]
    for name in ("委託相談支援事業所連絡会議", "相談支援ミーティング"):
        assert by_name[name].kind == BodyKind.LIAISON and by_name[name].parent is None

    # 居住支援部会 is paused from the second year; 地域づくり部会 was renamed; the 準備会 was succeeded.
    housing = by_name["居住支援部会"]
    assert housing.status_in(CURRENT - 1) == BodyStatusKind.ACTIVE
    assert housing.status_in(CURRENT) == BodyStatusKind.PAUSED
    assert by_name["地域づくり部会"].name_in(CURRENT - 1) == "地域生活支援拠点部会"
    forum = by_name["精神障害にも対応した地域包括ケアシステム協議の場"]
    assert forum.predecessor.name == "精神障害にも対応した地域包括ケアシステム協議の場準備会"
    assert forum.predecessor.status_in(CURRENT) == BodyStatusKind.ENDED
    assert forum.parent == by_name["運営会議"]

    assert council.organizations.count() >= 25
    assert council.people.count() >= 40
    assert "demo-pass-2026" in output and "/admin/" in output


def test_members_have_terms_chairs_and_the_secretariat_mark(first_run):
    council = demo_council()
    memberships = Membership.objects.filter(body__council=council).select_related("body", "person")
    assert memberships.filter(is_secretariat=True).exists()
    for name in ("全体会", "相談支援部会", "就労部会"):
        assert memberships.filter(body__name=name, role="chair").count() == 1
    # Three-year terms, with some ending mid-term (transfers) and a successor taking over.
    terms = {
        (m.term_start, m.term_end)
        for m in memberships
        if not m.is_secretariat and m.body.kind == "subcommittee"
    }
    assert (dt.date(2024, 4, 1), dt.date(2027, 3, 31)) in terms
    early = memberships.filter(term_end__isnull=False, term_end__lt=dt.date(2027, 3, 31))
    assert early.filter(term_end=dt.date(2026, 3, 31)).exists()
    assert early.filter(term_end=dt.date(2025, 9, 30)).exists()
    assert memberships.filter(term_start=dt.date(2026, 4, 1)).exists()
    # Names come with kana.
    assert not council.people.filter(name_kana="").exists()


# --- meetings ------------------------------------------------------------------------------------


def test_two_fiscal_years_of_meetings(first_run):
    meetings = Meeting.objects.filter(body__council=demo_council()).select_related("body")
    assert set(meetings.values_list("fiscal_year", flat=True)) == {CURRENT - 1, CURRENT}
    assert meetings.filter(format=MeetingFormat.WRITTEN, status=MeetingStatus.HELD).exists()
    assert meetings.filter(status=MeetingStatus.CANCELLED).count() == 1
    assert meetings.filter(notes_for_steering__gt="").count() >= 2

    for meeting in meetings.prefetch_related("items"):
        if meeting.status == MeetingStatus.HELD:
            assert meeting.date < TODAY
            assert 1 <= meeting.items.count() <= 4, meeting
            assert meeting.people_count, meeting
        elif meeting.status == MeetingStatus.PLANNED:
            assert meeting.date >= TODAY
            assert not meeting.items.exists()
    # 第N回 follows the dates within each body and year.
    for rows in _group(meetings).values():
        assert [m.sequence for m in rows] == list(range(1, len(rows) + 1))
        assert [m.date for m in rows] == sorted(m.date for m in rows)

    # The previous year is complete: every body with a target met it (give or take one).
    previous = Counter(
        m.body_id for m in meetings if m.fiscal_year == CURRENT - 1 and m.status == MeetingStatus.HELD
    )
    for body in Body.objects.filter(council=demo_council(), target_meetings_per_year__isnull=False):
        if body.status_in(CURRENT - 1) == BodyStatusKind.ACTIVE:
            assert previous[body.pk] >= body.target_meetings_per_year - 1, body
    # This year one subcommittee falls behind: even with its planned meetings it will miss the target.
    behind = [
        b
        for b in Body.objects.filter(council=demo_council(), kind=BodyKind.SUBCOMMITTEE)
        if b.status_in(CURRENT) == BodyStatusKind.ACTIVE
        and meetings.filter(body=b, fiscal_year=CURRENT).exclude(status=MeetingStatus.CANCELLED).count()
        < b.target_meetings_per_year
    ]
    assert [b.name for b in behind] == ["こども部会"]
    # The paused body does not meet.
    assert not meetings.filter(body__name="居住支援部会", fiscal_year=CURRENT).exists()


def _group(meetings):
    groups: dict[tuple[int, int], list[Meeting]] = {}
    for m in meetings.order_by("body_id", "fiscal_year", "sequence"):
        groups.setdefault((m.body_id, m.fiscal_year), []).append(m)
    return groups


# --- regional issues -----------------------------------------------------------------------------


def test_regional_issues_with_histories(first_run):
    council = demo_council()
    issues = (
        RegionalIssue.objects.filter(council=council)
        .prefetch_related("moves", "themes")
        .select_related("body")
    )
    assert issues.count() >= 15
    statuses = Counter(i.status for i in issues)
    assert len(statuses) >= 5
    for status in (
        IssueStatus.RAISED,
        IssueStatus.STUDYING,
        IssueStatus.RESOLVED,
        IssueStatus.CLOSED,
        IssueStatus.SOLVED_INDIVIDUALLY,
        IssueStatus.MERGED,
        IssueStatus.IN_ACTION,
    ):
        assert statuses[status] >= 1, status
    kinds = {m.kind for i in issues for m in i.moves.all()}
    for kind in (
        MoveKind.COLLECT,
        MoveKind.STUDY,
        MoveKind.ESCALATE,
        MoveKind.SEND_DOWN,
        MoveKind.DISCUSS,
        MoveKind.APPROVE,
        MoveKind.ACT,
        MoveKind.RESOLVE,
        MoveKind.CLOSE,
        MoveKind.SOLVE_INDIVIDUALLY,
        MoveKind.MERGE,
        MoveKind.REPORT,
        MoveKind.PROPOSE,
    ):
        assert kind in kinds, kind
    assert {i.origin for i in issues} >= {
        IssueOrigin.CASE_CONFERENCE,
        IssueOrigin.MEETING,
        IssueOrigin.SECRETARIAT,
    }
    assert all(i.themes.all() for i in issues)
    assert not issues.filter(title="精神障害者が地域で暮らしにくい").exists()

    now = dt.datetime.combine(TODAY, dt.time(0, 0), tzinfo=dt.UTC)
    for issue in issues:
        moves = list(issue.moves.all())  # ordered by at
        assert moves[0].kind == MoveKind.RAISE
        assert timezone.localtime(moves[0].at).date() == issue.raised_on
        status = ""
        for move in moves:
            assert move.from_status == status, (issue.title, move.kind)
            status = move.to_status
            assert move.at < now
        assert status == issue.status
        assert moves[-1].to_body_id == issue.body_id
    # One issue went to the prefecture; send-downs have a due date; one issue has an action plan.
    reported = issues.filter(reported_to__isnull=False)
    assert [i.reported_to.slug for i in reported] == [demo_builder.PREF_SLUG]
    send_downs = [m for i in issues for m in i.moves.all() if m.kind == MoveKind.SEND_DOWN]
    assert send_downs and all(m.due_on for m in send_downs)
    plan = ActionPlan.objects.get(issue__council=council)
    assert plan.target_state and 2 <= plan.rows.count() <= 3
    merged = issues.filter(status=IssueStatus.MERGED)
    assert all(i.merged_into_id for i in merged)
    assert issues.filter(moves__at_meeting__isnull=False).distinct().count() >= 10
    # Histories show who acted: the secretariat's and the chairs' accounts.
    names = {m.by_name for i in issues for m in i.moves.all()}
    assert len(names) >= 2 and "システム" not in names

    # Issues lifted from case conferences carry no person's name.
    family_names = {p.name.split()[0] for p in Person.objects.filter(council=council)}
    for issue in issues.filter(origin=IssueOrigin.CASE_CONFERENCE):
        assert not any(n in issue.title or n in issue.background for n in family_names), issue.title


def test_yearly_documents_of_last_year(first_run):
    council = demo_council()
    reports = ProgressReport.objects.filter(body__council=council)
    evaluations = Evaluation.objects.filter(body__council=council).prefetch_related("comments")
    assert reports.count() >= 3 and set(reports.values_list("fiscal_year", flat=True)) == {CURRENT - 1}
    assert evaluations.count() >= 3
    continuing = [e for e in evaluations if e.next_year == NextYearDecision.CONTINUE]
    assert continuing and all(e.functions and e.comments.exists() and e.next_policy for e in continuing)
    assert {e.status for e in evaluations} >= {"draft", "submitted", "returned", "approved"}
    policies = ActivityPolicy.objects.filter(body__council=council)
    assert policies.count() >= 3 and set(policies.values_list("fiscal_year", flat=True)) == {CURRENT}


# --- logins ----------------------------------------------------------------------------------------


def test_one_login_per_role(first_run):
    User = get_user_model()
    expected = {
        "demo-secretariat": (demo_builder.MAIN_SLUG, RoleKind.SECRETARIAT, None),
        "demo-chair": (demo_builder.MAIN_SLUG, RoleKind.CHAIR, "相談支援部会"),
        "demo-chair2": (demo_builder.MAIN_SLUG, RoleKind.CHAIR, "就労部会"),
        "demo-reviewer": (demo_builder.MAIN_SLUG, RoleKind.REVIEWER, None),
        "demo-member": (demo_builder.MAIN_SLUG, RoleKind.MEMBER, "相談支援部会"),
        "demo-pref": (demo_builder.PREF_SLUG, RoleKind.SECRETARIAT, None),
        "other-secretariat": (demo_builder.OTHER_SLUG, RoleKind.SECRETARIAT, None),
    }
    for username, (slug, kind, body) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(demo_builder.PASSWORD)
        assert user.last_name and user.first_name
        roles = list(
            Role.objects.filter(user=user).select_related("council", "body").order_by("kind", "body__name")
        )
        extra = (
            [(demo_builder.MAIN_SLUG, RoleKind.MEMBER, "個別支援会議")] if username == "demo-chair" else []
        )
        # The 相談支援部会 chair also takes part in its case conferences (and so may read them).
        assert [(r.council.slug, r.kind, r.body.name if r.body else None) for r in roles] == [
            (slug, kind, body),
            *extra,
        ]
        assert user.is_staff == (kind == RoleKind.SECRETARIAT)
        assert not user.is_superuser
    # The chair and the member are the people they play, with a membership in their body.
    chair = Person.objects.get(user__username="demo-chair")
    assert chair.memberships.filter(body__name="相談支援部会", role="chair").exists()
    member = Person.objects.get(user__username="demo-member")
    assert member.memberships.filter(body__name="相談支援部会", role="member").exists()

    other = Council.objects.get(slug=demo_builder.OTHER_SLUG)
    assert other.name == "さくら台町自立支援協議会" and other.parent is None
    assert other.bodies.count() == 2 and other.issues.count() >= 2
    assert Meeting.objects.filter(body__council=other).exists()
    # Nothing of the other council points into the demo council, and the other way round.
    assert not Person.objects.filter(
        council=other, user__council_roles__council__slug=demo_builder.MAIN_SLUG
    ).exists()
    assert not RegionalIssue.objects.filter(council=other).exclude(body__council=other).exists()


# --- idempotence, reset, bulk copies ---------------------------------------------------------------


def test_running_twice_changes_nothing(first_run):
    """Not a single row, not even an audit event (on PostgreSQL), is written the second time."""
    before = row_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    output = run()
    assert row_counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert "変更なし" in output and "demo-pass-2026" in output


def test_reset_rebuilds_the_same(first_run):
    before = row_counts(events=False)
    output = run(reset=True)
    assert "削除しました" in output
    # The audit history keeps the deleted rows' events (append-only); the data is rebuilt the same.
    assert row_counts(events=False) == before


def test_bulk_writer_matches_the_services(first_run):
    """The copies of --scale N are written in bulk; the rows must be what the services write."""
    users, _ = demo_builder.ensure_users()
    original = demo_council()
    builder = demo_builder.MunicipalBuilder(
        index=0,
        slug="demo-bulk-check",
        today=TODAY,
        years=demo_builder.years_for(1, CURRENT),
        parent=original.parent,
        users={},
        use_services=False,
    )
    copy = builder.build()
    assert _snapshot(copy) == _snapshot(original)


def _snapshot(council: Council) -> dict:
    meetings = [
        (
            m.body.name,
            m.fiscal_year,
            m.sequence,
            m.date,
            m.status,
            m.format,
            m.place,
            m.start_time,
            m.end_time,
            m.title,
            m.agenda,
            m.minutes,
            m.notes_for_steering,
            m.attendance_note,
            m.agencies_count,
            m.people_count,
            [i.text for i in m.items.all()],
            sorted(a.person.name for a in m.attendances.all()),
            sorted((g.organization_name, g.people) for g in m.guests.all()),
        )
        for m in Meeting.objects.filter(body__council=council)
        .select_related("body")
        .prefetch_related("items", "attendances__person", "guests")
        .order_by("body__sort_order", "fiscal_year", "sequence")
    ]
    memberships = sorted(
        (m.body.name, m.person.name, m.role, m.is_secretariat, m.term_start, m.term_end)
        for m in Membership.objects.filter(body__council=council).select_related("body", "person")
    )
    issues = sorted(
        (
            i.title,
            i.status,
            i.body.name,
            i.origin,
            i.raised_on,
            i.reported_to_id,
            i.reported_on,
            i.outcome_note,
            i.social_resource,
            i.merged_into.title if i.merged_into else None,
            i.version,
            sorted(t.name for t in i.themes.all()),
            [
                (
                    m.kind,
                    m.from_status,
                    m.to_status,
                    m.from_body.name if m.from_body else None,
                    m.to_body.name,
                    (m.at_meeting.body.name, m.at_meeting.sequence) if m.at_meeting else None,
                    m.due_on,
                    m.reason,
                    m.at,
                    m.related_issue.title if m.related_issue else None,
                )
                for m in i.moves.all()
            ],
        )
        for i in RegionalIssue.objects.filter(council=council)
        .select_related("body", "merged_into")
        .prefetch_related(
            "themes", "moves__from_body", "moves__to_body", "moves__at_meeting__body", "moves__related_issue"
        )
    )
    return {"meetings": meetings, "memberships": memberships, "issues": issues}
