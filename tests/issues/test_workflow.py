"""The rules for moving a regional issue, tested through the services, without HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from council.models import BodyStatusKind
from council.services import body_set_status
from council.wareki import current_fiscal_year
from issues.models import IssueMove, IssueStatus, MoveKind, RegionalIssue
from issues.services import IssueChangedMeanwhile, issue_escalate, issue_move
from issues.workflow import RULES, IssueMoveRefused, allowed_moves
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL only (CI runs it)"
)
DUE = dt.date(2030, 3, 31)


def _snapshot(issue: RegionalIssue) -> tuple:
    """What a refused move must leave untouched."""
    stored = RegionalIssue.objects.get(pk=issue.pk)
    return (
        stored.status,
        stored.body_id,
        stored.version,
        stored.merged_into_id,
        stored.reported_to_id,
        stored.outcome_note,
        IssueMove.objects.filter(issue=issue).count(),
    )


def _refused(issue: RegionalIssue, match: str | None = None, **move) -> IssueMoveRefused:
    before = _snapshot(issue)
    with pytest.raises(IssueMoveRefused, match=match) as excinfo:
        issue_move(issue=issue, **move)
    assert _snapshot(issue) == before, "a refused move changed the issue or recorded a move"
    return excinfo.value


# --- the happy path ---------------------------------------------------------------


def test_full_path_from_raise_to_resolve(issue, subcommittee, steering, secretariat, chair):
    steps = [
        dict(kind=MoveKind.COLLECT, by=chair),
        dict(kind=MoveKind.STUDY, by=chair),
        dict(kind=MoveKind.ESCALATE, by=chair, reason="部会では解決できないため運営会議へ"),
        dict(kind=MoveKind.DISCUSS, by=secretariat),
        dict(kind=MoveKind.APPROVE, by=secretariat),
        dict(kind=MoveKind.ACT, by=secretariat),
        dict(
            kind=MoveKind.RESOLVE,
            by=secretariat,
            reason="体験入居の制度ができた",
            social_resource="体験入居補助",
        ),
    ]
    for step in steps:
        issue_move(issue=issue, **step)

    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert stored.status == IssueStatus.RESOLVED
    assert stored.body == steering
    assert stored.version == 1 + len(steps)
    assert (stored.outcome_note, stored.social_resource) == ("体験入居の制度ができた", "体験入居補助")
    assert not stored.is_open
    moves = list(IssueMove.objects.filter(issue=issue).order_by("at", "id"))
    assert [(m.kind, m.from_status, m.to_status, m.from_body_id, m.to_body_id) for m in moves] == [
        (MoveKind.RAISE, "", IssueStatus.RAISED, None, subcommittee.pk),
        (MoveKind.COLLECT, IssueStatus.RAISED, IssueStatus.COLLECTED, subcommittee.pk, subcommittee.pk),
        (MoveKind.STUDY, IssueStatus.COLLECTED, IssueStatus.STUDYING, subcommittee.pk, subcommittee.pk),
        (MoveKind.ESCALATE, IssueStatus.STUDYING, IssueStatus.PROPOSED, subcommittee.pk, steering.pk),
        (MoveKind.DISCUSS, IssueStatus.PROPOSED, IssueStatus.DISCUSSING, steering.pk, steering.pk),
        (MoveKind.APPROVE, IssueStatus.DISCUSSING, IssueStatus.APPROVED, steering.pk, steering.pk),
        (MoveKind.ACT, IssueStatus.APPROVED, IssueStatus.IN_ACTION, steering.pk, steering.pk),
        (MoveKind.RESOLVE, IssueStatus.IN_ACTION, IssueStatus.RESOLVED, steering.pk, steering.pk),
    ]


def test_caller_object_follows_the_move(issue, steering, chair):
    issue_escalate(issue=issue, by=chair, reason="運営会議で協議したい")

    assert (issue.status, issue.body, issue.version) == (IssueStatus.PROPOSED, steering, 2)


def test_escalate_goes_to_the_parent_as_proposed(issue, steering, plenary, chair):
    issue_escalate(issue=issue, by=chair)
    issue_escalate(issue=issue, by=chair)

    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert (stored.status, stored.body) == (IssueStatus.PROPOSED, plenary)


def test_propose_to_a_chosen_ancestor(issue, plenary, chair):
    issue_move(issue=issue, kind=MoveKind.PROPOSE, by=chair, to_body=plenary)

    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert (stored.status, stored.body) == (IssueStatus.PROPOSED, plenary)


def test_propose_to_a_non_ancestor_is_refused(issue, other_subcommittee, chair):
    _refused(issue, "上位の会議体ではありません", kind=MoveKind.PROPOSE, by=chair, to_body=other_subcommittee)


def test_allowed_moves_follow_the_status(issue):
    assert set(allowed_moves(issue)) == {
        k for k, rule in RULES.items() if IssueStatus.RAISED in rule.allowed_from
    }
    assert MoveKind.ACT not in allowed_moves(issue)
    assert MoveKind.REOPEN not in allowed_moves(issue)


# --- what every move records ------------------------------------------------------------


def test_move_records_who_when_where_and_why(issue, subcommittee, steering, secretariat):
    meeting = MeetingFactory(body=steering, date=dt.date(2021, 9, 14))
    at = dt.datetime(2021, 9, 14, 15, 30, tzinfo=timezone.get_current_timezone())

    move = issue_move(
        issue=issue,
        kind=MoveKind.ESCALATE,
        by=secretariat,
        reason="運営会議で扱う",
        at_meeting=meeting,
        at=at,
    )

    stored = IssueMove.objects.get(pk=move.pk)
    assert stored.kind == MoveKind.ESCALATE
    assert (stored.from_body, stored.to_body) == (subcommittee, steering)
    assert (stored.from_status, stored.to_status) == (IssueStatus.RAISED, IssueStatus.PROPOSED)
    assert stored.by == secretariat
    assert stored.by_name == "事務局 花子"  # family name first, kept as text
    assert stored.at == at
    assert stored.reason == "運営会議で扱う"
    assert stored.at_meeting == meeting


def test_raise_records_the_first_move(issue, subcommittee, secretariat):
    move = IssueMove.objects.get(issue=issue)

    assert (move.kind, move.from_status, move.to_status) == (MoveKind.RAISE, "", IssueStatus.RAISED)
    assert (move.from_body, move.to_body, move.by, move.by_name) == (
        None,
        subcommittee,
        secretariat,
        "事務局 花子",
    )


def test_move_without_user_is_recorded_as_the_system(issue):
    move = issue_move(issue=issue, kind=MoveKind.COLLECT, by=None)

    assert (move.by, move.by_name) == (None, "システム")


def test_move_at_another_councils_meeting_is_refused(issue, other_council_subcommittee, chair):
    foreign = MeetingFactory(body=other_council_subcommittee)

    _refused(issue, "他の協議会の会議", kind=MoveKind.COLLECT, by=chair, at_meeting=foreign)


# --- sending down -----------------------------------------------------------------------


@pytest.fixture
def steering_issue(steering, secretariat):
    return RegionalIssueFactory(body=steering, by=secretariat, title="就労定着支援の担い手不足")


def test_send_down_to_a_subcommittee(steering_issue, steering, subcommittee, secretariat):
    move = issue_move(
        issue=steering_issue,
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=subcommittee,
        reason="実態を調査してほしい",
        due_on=DUE,
    )

    stored = RegionalIssue.objects.get(pk=steering_issue.pk)
    assert (stored.status, stored.body) == (IssueStatus.STUDYING, subcommittee)
    assert (move.from_body, move.to_body, move.due_on) == (steering, subcommittee, DUE)


def test_send_down_needs_a_reason(steering_issue, subcommittee, secretariat):
    _refused(
        steering_issue,
        "理由・内容",
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=subcommittee,
        reason="  ",
        due_on=DUE,
    )


def test_send_down_needs_a_due_date(steering_issue, subcommittee, secretariat):
    _refused(
        steering_issue, "期限", kind=MoveKind.SEND_DOWN, by=secretariat, to_body=subcommittee, reason="調査を"
    )


def test_send_down_needs_a_target(steering_issue, secretariat):
    _refused(
        steering_issue, "会議体を選んで", kind=MoveKind.SEND_DOWN, by=secretariat, reason="調査を", due_on=DUE
    )


@pytest.mark.parametrize("target", ["plenary", "steering", "liaison"])
def test_send_down_to_a_non_descendant_is_refused(steering_issue, secretariat, target, request):
    _refused(
        steering_issue,
        "下位の会議体ではありません",
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=request.getfixturevalue(target),
        reason="調査を",
        due_on=DUE,
    )


def test_send_down_to_a_case_conference_is_refused(steering_issue, case_conference, secretariat):
    _refused(
        steering_issue,
        "個別支援会議へは",
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=case_conference,
        reason="個別に検討を",
        due_on=DUE,
    )


def test_send_down_to_another_councils_body_is_refused(
    steering_issue, other_council_subcommittee, secretariat
):
    _refused(
        steering_issue,
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=other_council_subcommittee,
        reason="調査を",
        due_on=DUE,
    )


# --- the top of the tree ----------------------------------------------------------------


def test_escalate_refused_at_the_top(plenary_issue, secretariat):
    before = _snapshot(plenary_issue)

    with pytest.raises(IssueMoveRefused) as excinfo:
        issue_escalate(issue=plenary_issue, by=secretariat, reason="さらに上へ")

    assert "上位の会議体がない" in str(excinfo.value)
    assert "全体会" in str(excinfo.value)
    assert _snapshot(plenary_issue) == before
    assert plenary_issue.moves.count() == 1  # only the 提起


def test_escalate_refused_from_a_liaison_meeting(liaison, secretariat):
    issue = RegionalIssueFactory(body=liaison, by=secretariat)

    _refused(issue, "上位の会議体がない", kind=MoveKind.ESCALATE, by=secretariat)


# --- paused and ended bodies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"), [(BodyStatusKind.PAUSED, "休止中"), (BodyStatusKind.ENDED, "終了した会議体")]
)
def test_move_into_an_inactive_body_is_refused(issue, steering, chair, status, message):
    body_set_status(body=steering, fiscal_year=current_fiscal_year(), status=status)

    _refused(issue, message, kind=MoveKind.ESCALATE, by=chair)


def test_send_down_into_a_paused_body_is_refused(steering_issue, subcommittee, secretariat):
    body_set_status(body=subcommittee, fiscal_year=current_fiscal_year() - 1, status=BodyStatusKind.PAUSED)

    _refused(
        steering_issue,
        "休止中",
        kind=MoveKind.SEND_DOWN,
        by=secretariat,
        to_body=subcommittee,
        reason="調査を",
        due_on=DUE,
    )


def test_a_body_paused_only_in_a_past_year_takes_issues(issue, steering, chair):
    this_year = current_fiscal_year()
    body_set_status(body=steering, fiscal_year=this_year - 2, status=BodyStatusKind.PAUSED)
    body_set_status(body=steering, fiscal_year=this_year - 1, status=BodyStatusKind.ACTIVE)

    issue_escalate(issue=issue, by=chair)

    assert RegionalIssue.objects.get(pk=issue.pk).body == steering


# --- merging ----------------------------------------------------------------------------


def test_merge_into_another_issue(issue, subcommittee, secretariat):
    target = RegionalIssueFactory(body=subcommittee, by=secretariat, title="住まいの確保")

    move = issue_move(
        issue=issue, kind=MoveKind.MERGE, by=secretariat, merge_into=target, reason="同じ課題のため"
    )

    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert (stored.status, stored.merged_into) == (IssueStatus.MERGED, target)
    assert move.related_issue == target
    assert list(target.merged_issues.all()) == [stored]


def test_merge_into_itself_is_refused(issue, secretariat):
    _refused(issue, "それ自身", kind=MoveKind.MERGE, by=secretariat, merge_into=issue, reason="同じ")


def test_merge_into_another_councils_issue_is_refused(
    issue, other_council_subcommittee, outsider, secretariat
):
    foreign = RegionalIssueFactory(body=other_council_subcommittee, by=outsider)

    _refused(
        issue, "他の協議会の課題", kind=MoveKind.MERGE, by=secretariat, merge_into=foreign, reason="同じ"
    )


def test_merge_into_a_closed_issue_is_refused(issue, subcommittee, secretariat):
    closed = RegionalIssueFactory(body=subcommittee, by=secretariat)
    issue_move(issue=closed, kind=MoveKind.CLOSE, by=secretariat, reason="取扱い終了")

    _refused(issue, "すでに終了", kind=MoveKind.MERGE, by=secretariat, merge_into=closed, reason="同じ")


def test_merge_needs_a_target_and_a_reason(issue, subcommittee, secretariat):
    target = RegionalIssueFactory(body=subcommittee, by=secretariat)

    _refused(issue, "統合先の課題を選んで", kind=MoveKind.MERGE, by=secretariat, reason="同じ")
    _refused(issue, "理由・内容", kind=MoveKind.MERGE, by=secretariat, merge_into=target)


# --- reporting to the prefecture ----------------------------------------------------------


def test_report_to_the_parent_council_once(issue, pref_council, secretariat):
    move = issue_move(issue=issue, kind=MoveKind.REPORT, by=secretariat, reason="県の協議会で扱ってほしい")

    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert stored.reported_to == pref_council
    assert stored.reported_on == timezone.localdate()
    assert stored.status == IssueStatus.RAISED  # reporting does not change the stage
    assert (move.from_status, move.to_status) == (IssueStatus.RAISED, IssueStatus.RAISED)

    _refused(issue, "すでに上位の協議会へ報告", kind=MoveKind.REPORT, by=secretariat)


def test_report_needs_a_parent_council(other_council_subcommittee, outsider):
    issue = RegionalIssueFactory(body=other_council_subcommittee, by=outsider)

    _refused(issue, "報告先", kind=MoveKind.REPORT, by=outsider)


# --- closed issues ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "closing", [MoveKind.RESOLVE, MoveKind.CLOSE, MoveKind.SOLVE_INDIVIDUALLY], ids=lambda k: k.value
)
def test_closed_issue_refuses_every_move_but_reopen(issue, subcommittee, steering, secretariat, closing):
    issue_move(issue=issue, kind=closing, by=secretariat, reason="結果を記録")
    other = RegionalIssueFactory(body=subcommittee, by=secretariat)

    for kind in set(RULES) - {MoveKind.REOPEN}:
        _refused(
            issue,
            "のため",
            kind=kind,
            by=secretariat,
            reason="理由",
            due_on=DUE,
            to_body=steering,
            merge_into=other,
        )

    issue_move(issue=issue, kind=MoveKind.REOPEN, by=secretariat, reason="再び相談が増えた")
    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert stored.status == IssueStatus.COLLECTED
    assert stored.is_open


def test_merged_issue_cannot_be_reopened(issue, subcommittee, secretariat):
    target = RegionalIssueFactory(body=subcommittee, by=secretariat)
    issue_move(issue=issue, kind=MoveKind.MERGE, by=secretariat, merge_into=target, reason="同じ")

    _refused(issue, "のため", kind=MoveKind.REOPEN, by=secretariat, reason="やり直し")


def test_reopen_of_an_open_issue_is_refused(issue, secretariat):
    _refused(issue, "のため", kind=MoveKind.REOPEN, by=secretariat, reason="再開")


@pytest.mark.parametrize(
    "kind", [MoveKind.RESOLVE, MoveKind.CLOSE, MoveKind.SOLVE_INDIVIDUALLY], ids=lambda k: k.value
)
def test_outcome_needs_a_reason(issue, secretariat, kind):
    _refused(issue, "理由・内容", kind=kind, by=secretariat)


def test_unknown_move_is_refused(issue, secretariat):
    _refused(issue, "この操作は行えません", kind=MoveKind.RAISE, by=secretariat)


def test_status_precondition_is_checked(issue, secretariat):
    _refused(issue, "「提起」のため、「実行」はできません", kind=MoveKind.ACT, by=secretariat)


# --- concurrent edits ---------------------------------------------------------------------


def test_stale_version_is_refused_and_changes_nothing(issue, chair, secretariat):
    seen_version = issue.version
    issue_move(issue=RegionalIssue.objects.get(pk=issue.pk), kind=MoveKind.COLLECT, by=chair)
    before = _snapshot(issue)

    with pytest.raises(IssueChangedMeanwhile, match="他の方が更新しました"):
        issue_move(
            issue=issue, kind=MoveKind.CLOSE, by=secretariat, reason="終了", expected_version=seen_version
        )

    assert _snapshot(issue) == before
    assert RegionalIssue.objects.get(pk=issue.pk).status == IssueStatus.COLLECTED


def test_current_version_is_accepted(issue, chair):
    issue_move(issue=issue, kind=MoveKind.COLLECT, by=chair, expected_version=issue.version)

    assert RegionalIssue.objects.get(pk=issue.pk).version == 2


# --- the history is kept (PostgreSQL) --------------------------------------------------------


@postgresql_only
def test_moves_cannot_be_updated(issue, chair):
    move = issue_move(issue=issue, kind=MoveKind.COLLECT, by=chair, reason="集約した")

    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        IssueMove.objects.filter(pk=move.pk).update(reason="書き換え")
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        move.reason = "書き換え"
        move.save(update_fields=["reason"])

    assert IssueMove.objects.get(pk=move.pk).reason == "集約した"


@postgresql_only
def test_moves_cannot_be_repointed_to_another_user(issue, chair, secretariat):
    move = issue_move(issue=issue, kind=MoveKind.COLLECT, by=chair)

    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        IssueMove.objects.filter(pk=move.pk).update(by=secretariat)

    assert IssueMove.objects.get(pk=move.pk).by == chair


@postgresql_only
def test_audit_history_records_the_issue(issue, chair):
    issue_move(issue=issue, kind=MoveKind.COLLECT, by=chair)
    issue_move(issue=issue, kind=MoveKind.STUDY, by=chair)

    event_model = apps.get_model("issues", "RegionalIssueEvent")
    events = list(
        event_model.objects.filter(pgh_obj_id=issue.pk).order_by("pgh_id").values_list("pgh_label", "status")
    )
    assert events == [
        ("insert", IssueStatus.RAISED),
        ("update", IssueStatus.COLLECTED),
        ("update", IssueStatus.STUDYING),
    ]
    move_events = apps.get_model("issues", "IssueMoveEvent").objects.filter(issue_id=issue.pk)
    assert move_events.filter(pgh_label="insert").count() == 3


@postgresql_only
def test_deleting_a_user_keeps_their_moves_by_name(issue, chair):
    move = issue_move(issue=issue, kind=MoveKind.COLLECT, by=chair)

    with transaction.atomic():
        chair.delete()

    stored = IssueMove.objects.get(pk=move.pk)
    assert (stored.by, stored.by_name) == (None, "部会長 一郎")


@postgresql_only
def test_deleting_a_cited_meeting_keeps_the_move(issue, subcommittee, chair):
    meeting = MeetingFactory(body=subcommittee)
    move = issue_move(issue=issue, kind=MoveKind.COLLECT, by=chair, at_meeting=meeting)

    with transaction.atomic():
        meeting.delete()

    assert IssueMove.objects.get(pk=move.pk).at_meeting is None
