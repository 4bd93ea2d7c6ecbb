"""Which moves a regional issue may make: the one place the rules live.

A move changes the status, the body holding the issue, or both. ``plan_move`` checks a requested
move against the rules and returns what it would do, or raises ``IssueMoveRefused`` with a message
for the user. It reads the body tree, so callers pass bodies with ``parent`` already loaded.

The stages follow the councils' own words: 集約 → 検討 → 提案 → 協議 → 承認 → 実行, then an outcome
(解決 / 取扱い終了 / 個別支援で解決). Besides the stages, an issue can go up to the parent body
(提案), be sent down for study (調整会議が専門部会へ調査・検討を依頼, with a due date), be merged
into another issue, or be reported to the parent (prefecture) council.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from council.models import Body, BodyKind, BodyStatusKind
from council.tree import parent_chain
from council.wareki import fiscal_year_of
from issues.models import OPEN_STATUSES, IssueMove, IssueStatus, MoveKind, RegionalIssue

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from meetings.models import Meeting

S = IssueStatus
CLOSED_BY_OUTCOME = frozenset({S.RESOLVED, S.CLOSED, S.SOLVED_INDIVIDUALLY})


class IssueMoveRefused(Exception):
    """A move the rules do not allow. ``str(exc)`` is a Japanese message for the user."""


@dataclass(frozen=True)
class Rule:
    allowed_from: frozenset[str]
    # None: the status does not change.
    to_status: str | None
    # How the target body is found: "same", "parent", "ancestor" (chosen), "descendant" (chosen) or
    # "any" (chosen: the successor of an ended body, see issues.services.issues_hand_over).
    target: str = "same"
    needs_reason: bool = False
    needs_due_date: bool = False


RULES: dict[str, Rule] = {
    MoveKind.COLLECT: Rule(frozenset({S.RAISED}), S.COLLECTED),
    MoveKind.STUDY: Rule(frozenset({S.RAISED, S.COLLECTED, S.PROPOSED, S.DISCUSSING}), S.STUDYING),
    MoveKind.PROPOSE: Rule(frozenset({S.RAISED, S.COLLECTED, S.STUDYING}), S.PROPOSED, target="ancestor"),
    MoveKind.ESCALATE: Rule(OPEN_STATUSES - {S.IN_ACTION}, S.PROPOSED, target="parent"),
    MoveKind.DISCUSS: Rule(frozenset({S.COLLECTED, S.STUDYING, S.PROPOSED}), S.DISCUSSING),
    MoveKind.APPROVE: Rule(frozenset({S.PROPOSED, S.DISCUSSING}), S.APPROVED),
    MoveKind.ACT: Rule(frozenset({S.APPROVED}), S.IN_ACTION),
    MoveKind.SEND_DOWN: Rule(
        OPEN_STATUSES - {S.IN_ACTION}, S.STUDYING, target="descendant", needs_reason=True, needs_due_date=True
    ),
    MoveKind.MERGE: Rule(OPEN_STATUSES, S.MERGED, needs_reason=True),
    MoveKind.REPORT: Rule(OPEN_STATUSES, None),
    MoveKind.RESOLVE: Rule(OPEN_STATUSES, S.RESOLVED, needs_reason=True),
    MoveKind.CLOSE: Rule(OPEN_STATUSES, S.CLOSED, needs_reason=True),
    MoveKind.SOLVE_INDIVIDUALLY: Rule(OPEN_STATUSES, S.SOLVED_INDIVIDUALLY, needs_reason=True),
    MoveKind.REOPEN: Rule(CLOSED_BY_OUTCOME, S.COLLECTED, needs_reason=True),
    # 引き継ぎ: an ended or paused body's open issue goes to its successor, in the state it was in.
    MoveKind.HAND_OVER: Rule(OPEN_STATUSES, None, target="any"),
}


@dataclass(frozen=True)
class PlannedMove:
    kind: str
    from_status: str
    to_status: str
    from_body: Body
    to_body: Body


def allowed_moves(issue: RegionalIssue) -> list[str]:
    """Move kinds whose status precondition holds (the body checks come when a target is chosen)."""
    return [kind for kind, rule in RULES.items() if issue.status in rule.allowed_from]


def plan_move(
    issue: RegionalIssue,
    kind: str,
    *,
    to_body: Body | None = None,
    reason: str = "",
    due_on: dt.date | None = None,
    merge_into: RegionalIssue | None = None,
    today: dt.date | None = None,
) -> PlannedMove:
    """Check a move against the rules; return what it does or raise IssueMoveRefused."""
    rule = RULES.get(kind)
    if rule is None:
        raise IssueMoveRefused("この操作は行えません。")
    label = MoveKind(kind).label
    if issue.status not in rule.allowed_from:
        raise IssueMoveRefused(
            f"「{issue.title}」は現在「{IssueStatus(issue.status).label}」のため、「{label}」はできません。"
        )
    if rule.needs_reason and not reason.strip():
        raise IssueMoveRefused(f"「{label}」には理由・内容の記入が必要です。")
    if rule.needs_due_date and due_on is None:
        raise IssueMoveRefused(f"「{label}」には期限の指定が必要です。")

    current = issue.body
    target = _target_body(issue, rule, label, to_body)
    if target.council_id != issue.council_id:
        raise IssueMoveRefused("他の協議会の会議体へは移せません。")
    if target.pk != current.pk:
        _check_target_can_take(target, today or timezone.localdate())

    if kind == MoveKind.MERGE:
        _check_merge(issue, merge_into)
    if kind == MoveKind.REPORT:
        if issue.reported_to_id is not None:
            raise IssueMoveRefused("この課題はすでに上位の協議会へ報告されています。")
        if issue.council.parent_id is None:
            raise IssueMoveRefused("この協議会には報告先（上位の協議会）が設定されていません。")

    return PlannedMove(
        kind=kind,
        from_status=issue.status,
        to_status=rule.to_status or issue.status,
        from_body=current,
        to_body=target,
    )


OUTCOME_KINDS = frozenset({MoveKind.RESOLVE, MoveKind.CLOSE, MoveKind.SOLVE_INDIVIDUALLY})


def apply_move(
    issue: RegionalIssue,
    planned: PlannedMove,
    *,
    by: User | None,
    by_name: str,
    at: dt.datetime,
    at_meeting: Meeting | None = None,
    reason: str = "",
    due_on: dt.date | None = None,
    merge_into: RegionalIssue | None = None,
    social_resource: str = "",
) -> tuple[IssueMove, list[str]]:
    """Change ``issue`` in memory as ``planned`` says and build (unsaved) the history row that
    records it; return the row and the issue fields that changed. No query: ``issues.services.
    issue_move`` saves both, the demo builder writes many of them in bulk."""
    fields = ["status", "body", "version"]
    issue.status = planned.to_status
    issue.body = planned.to_body
    issue.version += 1
    if planned.kind == MoveKind.MERGE:
        issue.merged_into = merge_into
        fields.append("merged_into")
    if planned.kind == MoveKind.REPORT:
        issue.reported_to_id = issue.council.parent_id
        issue.reported_on = timezone.localtime(at).date()
        fields += ["reported_to", "reported_on"]
    if planned.kind in OUTCOME_KINDS:
        issue.outcome_note = reason
        issue.social_resource = social_resource
        fields += ["outcome_note", "social_resource"]
    move = IssueMove(
        issue=issue,
        kind=planned.kind,
        from_status=planned.from_status,
        to_status=planned.to_status,
        from_body=planned.from_body,
        to_body=planned.to_body,
        at_meeting=at_meeting,
        related_issue=merge_into,
        reason=reason,
        due_on=due_on,
        by=by,
        by_name=by_name,
        at=at,
    )
    return move, fields


def _target_body(issue: RegionalIssue, rule: Rule, label: str, to_body: Body | None) -> Body:
    current = issue.body
    if rule.target == "same":
        return current
    if rule.target == "parent":
        if current.parent is None:
            raise IssueMoveRefused(
                f"「{issue.title}」を検討している「{current.name}」には上位の会議体がないため、上げられません。"
            )
        return current.parent
    if to_body is None:
        raise IssueMoveRefused(f"「{label}」の相手となる会議体を選んでください。")
    if rule.target == "any":
        return to_body
    if rule.target == "ancestor":
        if to_body.pk not in {b.pk for b in parent_chain(current)}:
            raise IssueMoveRefused(f"「{to_body.name}」は「{current.name}」の上位の会議体ではありません。")
    elif rule.target == "descendant":
        if current.pk not in {b.pk for b in parent_chain(to_body)}:
            raise IssueMoveRefused(f"「{to_body.name}」は「{current.name}」の下位の会議体ではありません。")
        if to_body.kind == BodyKind.CASE_CONFERENCE:
            raise IssueMoveRefused(
                "個別支援会議へは調査・検討を依頼できません。部会やワーキングを選んでください。"
            )
    return to_body


def _check_target_can_take(target: Body, today: dt.date) -> None:
    status = target.status_in(fiscal_year_of(today))
    if status == BodyStatusKind.ENDED:
        raise IssueMoveRefused(f"「{target.name}」は終了した会議体のため、課題を移せません。")
    if status == BodyStatusKind.PAUSED:
        raise IssueMoveRefused(f"「{target.name}」は今年度休止中のため、課題を移せません。")


def _check_merge(issue: RegionalIssue, merge_into: RegionalIssue | None) -> None:
    if merge_into is None:
        raise IssueMoveRefused("統合先の課題を選んでください。")
    if merge_into.pk == issue.pk:
        raise IssueMoveRefused("課題をそれ自身へ統合することはできません。")
    if merge_into.council_id != issue.council_id:
        raise IssueMoveRefused("他の協議会の課題へは統合できません。")
    if merge_into.status not in OPEN_STATUSES:
        raise IssueMoveRefused(f"統合先の「{merge_into.title}」はすでに終了しています。")
