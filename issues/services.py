"""Writes to regional issues. Every move goes through ``issue_move``: one rule set, one history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from council.concurrency import changed_meanwhile_message, check_unchanged
from council.display import person_name
from council.models import Body, BodyKind, BodyStatusKind
from council.services import RowEdit, save_fields
from council.wareki import fiscal_year_of, format_fiscal_year, format_wareki
from issues.models import (
    OPEN_STATUSES,
    ActionPlan,
    ActionPlanRow,
    IssueMove,
    IssueOrigin,
    IssueStatus,
    MoveKind,
    RegionalIssue,
    Theme,
    ThemeOrder,
)
from issues.workflow import IssueMoveRefused, apply_move, plan_move
from meetings.models import Meeting


class IssueChangedMeanwhile(IssueMoveRefused):
    """Somebody else moved the issue after the user loaded it (optimistic lock)."""


def _display_name(user: User | None) -> str:
    if user is None:
        return "システム"
    return person_name(user)


@transaction.atomic
def issue_raise(
    *,
    body: Body,
    title: str,
    by: User | None,
    background: str = "",
    origin: str = IssueOrigin.SECRETARIAT,
    origin_meeting: Meeting | None = None,
    themes: Iterable[Theme] = (),
    raised_on: dt.date | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> RegionalIssue:
    """Raise a new issue held by ``body``; its history starts with the 提起 move."""
    issue = RegionalIssue(
        council=body.council,
        body=body,
        title=title.strip(),
        background=background,
        origin=origin,
        origin_meeting=origin_meeting,
        raised_on=raised_on or (timezone.localtime(at).date() if at else timezone.localdate()),
        status=IssueStatus.RAISED,
    )
    issue.full_clean()
    issue.save()
    issue.themes.set(themes)
    issue_record_raised(issue=issue, by=by, reason=reason, at=at)
    return issue


def issue_record_raised(
    *, issue: RegionalIssue, by: User | None, reason: str = "", at: dt.datetime | None = None
) -> IssueMove:
    """Start the history of a newly saved issue with its 提起 move."""
    return IssueMove.objects.create(
        issue=issue,
        kind=MoveKind.RAISE,
        from_status="",
        to_status=issue.status,
        from_body=None,
        to_body=issue.body,
        at_meeting=issue.origin_meeting,
        reason=reason,
        by=by,
        by_name=_display_name(by),
        at=at or timezone.now(),
    )


# What the admin's issue form may change after the issue is raised; the holding body and the
# state change only through recorded moves (issue_move).
ISSUE_EDITABLE_FIELDS = frozenset({"title", "background", "origin", "origin_meeting", "raised_on"})
# A change posted without the stamp it was opened with: compared, it never matches (refused as stale).
NO_VERSION = "-"


@transaction.atomic
def issue_update(
    *,
    issue: RegionalIssue,
    loaded_version: str,
    themes: Iterable[Theme] | None = None,
    **fields,
) -> RegionalIssue:
    """Change what an issue says (title, background, how it was raised, themes), not where it is.

    ``loaded_version`` is the ``updated_at`` stamp the form was opened with; a save on an older
    stamp is refused, so a change made meanwhile (a move, another edit) is not written over.
    """
    stored_at = (
        RegionalIssue.objects.select_for_update()
        .filter(pk=issue.pk)
        .values_list("updated_at", flat=True)
        .get()
    )
    check_unchanged(stored=stored_at, loaded=loaded_version, what="課題")
    save_fields(issue, fields, ISSUE_EDITABLE_FIELDS)
    if themes is not None:
        issue.themes.set(themes)
    return issue


@transaction.atomic
def issue_save(
    *,
    issue: RegionalIssue | None = None,
    by: User | None,
    loaded_version: str = "",
    themes: Iterable[Theme] = (),
    action_plan: Iterable[RowEdit[ActionPlan]] = (),
    body: Body | None = None,
    council=None,
    **fields,
) -> RegionalIssue:
    """The admin's save of an issue: a new one is raised (``issue_raise``, its history starts with
    提起), a stored one changed by ``issue_update``; the アクションプラン's 目指すべき状態 typed with it
    is written by ``action_plan_save``."""
    if issue is None or issue.pk is None:
        if body is None:
            raise ValidationError({"body": "検討している会議体を選んでください。"})
        if council is not None and body.council_id != council.pk:
            raise ValidationError({"body": "検討している会議体は同じ協議会の会議体から選んでください。"})
        issue = issue_raise(body=body, by=by, themes=themes, reason="管理画面から登録", **fields)
    else:
        issue = issue_update(
            issue=issue, loaded_version=loaded_version or NO_VERSION, themes=themes, **fields
        )
    for edit in action_plan:
        if edit.delete:
            action_plan_delete(plan=edit.stored)
        else:
            action_plan_save(issue=issue, target_state=edit.values.get("target_state", ""), rows=None)
    return issue


@transaction.atomic
def issue_delete(*, issue: RegionalIssue) -> None:
    """Remove an issue entered by mistake, with its history and アクションプラン.

    An issue that was dealt with is closed or merged by a move instead; the audit trail keeps
    the deleted rows."""
    issue.delete()


@transaction.atomic
def issue_move(
    *,
    issue: RegionalIssue,
    kind: str,
    by: User | None,
    reason: str = "",
    to_body: Body | None = None,
    at_meeting: Meeting | None = None,
    due_on: dt.date | None = None,
    merge_into: RegionalIssue | None = None,
    social_resource: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> IssueMove:
    """Apply one move to an issue, if the rules allow it, and record it in the history.

    The issue row is locked for the transaction, so two moves of the same issue run one after the
    other; with ``expected_version`` (the version the user saw) the second is refused instead of
    being applied on top of a state its author never saw.
    """
    locked = RegionalIssue.objects.select_for_update().get(pk=issue.pk)
    if expected_version is not None and locked.version != expected_version:
        raise IssueChangedMeanwhile(changed_meanwhile_message("課題", action="操作"))
    # Re-read the tree with parents, the council and its statuses for the checks.
    locked = (
        RegionalIssue.objects.select_related("council", "body__parent__parent__parent")
        .prefetch_related("body__statuses")
        .get(pk=issue.pk)
    )
    if to_body is not None:
        to_body = (
            Body.objects.select_related("parent__parent__parent__parent")
            .prefetch_related("statuses")
            .get(pk=to_body.pk)
        )
    if at_meeting is not None and at_meeting.body.council_id != locked.council_id:
        raise IssueMoveRefused("他の協議会の会議は指定できません。")

    now = at or timezone.now()
    # A move recorded after the fact is checked against the bodies as they were on that day.
    planned = plan_move(
        locked,
        kind,
        to_body=to_body,
        reason=reason,
        due_on=due_on,
        merge_into=merge_into,
        today=timezone.localtime(now).date(),
    )

    move, changed = apply_move(
        locked,
        planned,
        by=by,
        by_name=_display_name(by),
        at=now,
        at_meeting=at_meeting,
        reason=reason,
        due_on=due_on,
        merge_into=merge_into,
        social_resource=social_resource,
    )
    locked.save(update_fields=[*changed, "updated_at"])
    move.save(force_insert=True)
    # Keep the caller's object in step with the database.
    for field in ("status", "body", "version", "merged_into", "reported_to", "reported_on", "outcome_note"):
        setattr(issue, field, getattr(locked, field))
    return move


def issue_escalate(
    *, issue: RegionalIssue, by: User | None, reason: str = "", at_meeting: Meeting | None = None
) -> IssueMove:
    """Move an issue to the parent of the body that holds it (上位の会議体へ上げる)."""
    return issue_move(issue=issue, kind=MoveKind.ESCALATE, by=by, reason=reason, at_meeting=at_meeting)


# --- 引き継ぎ: an ended body's open issues go to its successor ------------------------------------


class HandOverRefused(IssueMoveRefused):
    """A hand-over the rules do not allow; nothing was moved. ``str(exc)`` is for the user."""


def hand_over_target(old: Body) -> Body | None:
    """The body that takes over ``old``'s issues by default: its one successor (None if it has none
    or several, then the secretariat chooses)."""
    successors = list(Body.objects.filter(predecessor=old).order_by("sort_order", "pk")[:2])
    return successors[0] if len(successors) == 1 else None


def _hand_over_moment(on: dt.date, latest: dt.datetime | None) -> dt.datetime:
    """When a hand-over dated ``on`` is recorded: now if ``on`` is today, else noon of that day —
    after the issue's last move if that was the same day, so the history keeps its order."""
    now = timezone.now()
    if on == timezone.localdate(now):
        return now
    moment = dt.datetime.combine(on, dt.time(12, 0), tzinfo=timezone.get_current_timezone())
    if latest is not None and timezone.localtime(latest).date() == on and latest >= moment:
        moment = latest + dt.timedelta(seconds=1)
    return moment


def _check_hand_over_bodies(old: Body, to: Body | None, on: dt.date) -> Body:
    if to is None:
        raise HandOverRefused(
            f"「{old.name_in(fiscal_year_of(on))}」には後継の会議体が一つに決まっていません。引き継ぎ先を選んでください。"
        )
    year = fiscal_year_of(on)
    old_name, to_name = old.name_in(year), to.name_in(year)
    if to.council_id != old.council_id:
        raise HandOverRefused("他の協議会の会議体へは引き継げません。同じ協議会の会議体を選んでください。")
    if to.pk == old.pk:
        raise HandOverRefused(
            f"「{old_name}」から同じ「{old_name}」へは引き継げません。別の会議体を選んでください。"
        )
    if on > timezone.localdate():
        raise HandOverRefused("引き継ぎの日付に、まだ来ていない日は指定できません。")
    when = f"{format_wareki(on)}（{format_fiscal_year(year)}）"
    old_status = old.status_in(year)
    if old_status in (None, BodyStatusKind.ACTIVE):
        raise HandOverRefused(
            f"「{old_name}」は{when}には休止・終了していないため、まとめて引き継ぐことはできません。"
            "課題を一件ずつ移すときは、各課題の「操作」から行ってください。"
        )
    to_status = to.status_in(year)
    if to_status is None:
        raise HandOverRefused(f"「{to_name}」は{when}にはまだ設置されていないため、引き継げません。")
    if to_status == BodyStatusKind.ENDED:
        raise HandOverRefused(f"「{to_name}」は{when}には終了しているため、引き継げません。")
    if to_status == BodyStatusKind.PAUSED:
        raise HandOverRefused(f"「{to_name}」は{when}には休止中のため、引き継げません。")
    if to.kind == BodyKind.CASE_CONFERENCE and old.kind != BodyKind.CASE_CONFERENCE:
        raise HandOverRefused("個別支援会議へは引き継げません。部会やワーキングを選んでください。")
    return to


def hand_over_issues(old: Body) -> list[RegionalIssue]:
    """The open issues ``old`` holds, oldest raised first (what a hand-over moves)."""
    return list(RegionalIssue.objects.filter(body=old, status__in=OPEN_STATUSES).order_by("raised_on", "pk"))


@transaction.atomic
def issues_hand_over(
    *, old: Body, to: Body | None = None, on: dt.date | None = None, by: User | None, reason: str = ""
) -> list[IssueMove]:
    """Hand every open issue of the paused or ended ``old`` to ``to`` (by default its successor),
    one 引き継ぎ move per issue dated ``on`` (default today), the issues keeping their state.

    All or nothing: refused (HandOverRefused, in Japanese) when the target is of another council,
    is ``old`` itself, is not active on that date, when ``old`` is still active then, when the date
    lies in the future or before an issue's last move, or when there is nothing to hand over. The
    issues are locked (in id order) for the transaction, so two hand-overs run one after the other
    and the second finds nothing left.
    """
    on = on or timezone.localdate()
    old = Body.objects.prefetch_related("names", "statuses").get(pk=old.pk)
    if to is None:
        to = hand_over_target(old)
    if to is not None:
        to = Body.objects.prefetch_related("names", "statuses").get(pk=to.pk)
    to = _check_hand_over_bodies(old, to, on)
    locked = list(
        RegionalIssue.objects.select_for_update()
        .filter(body=old, status__in=OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    year = fiscal_year_of(on)
    if not locked:
        raise HandOverRefused(f"「{old.name_in(year)}」には、引き継ぐ検討中の地域課題がありません。")
    latest = {
        row["issue_id"]: row["at"]
        for row in IssueMove.objects.filter(issue_id__in=locked)
        .order_by("issue_id", "-at")
        .distinct("issue_id")
        .values("issue_id", "at")
    }
    issues = RegionalIssue.objects.filter(pk__in=locked).order_by("raised_on", "pk")
    too_early = [
        issue
        for issue in issues
        if issue.raised_on > on or (issue.pk in latest and timezone.localtime(latest[issue.pk]).date() > on)
    ]
    if too_early:
        titles = "」「".join(issue.title for issue in too_early)
        raise HandOverRefused(
            f"「{titles}」には{format_wareki(on)}より後の経過があるため、この日付では引き継げません。"
            "その後の日付を指定してください。"
        )
    note = reason.strip() or f"「{old.name_in(year)}」から「{to.name_in(year)}」へ引き継ぎました。"
    return [
        issue_move(
            issue=issue,
            kind=MoveKind.HAND_OVER,
            by=by,
            to_body=to,
            reason=note,
            at=_hand_over_moment(on, latest.get(issue.pk)),
        )
        for issue in issues
    ]


# Row fields of an action plan, in the order of the 表 (課題 · 誰に・どこに · 誰が何をする · いつまでに · 進捗).
ACTION_PLAN_ROW_FIELDS = ("problem", "towards", "action", "due_label", "progress")


@transaction.atomic
def action_plan_save(*, issue: RegionalIssue, target_state: str, rows: list[dict] | None) -> ActionPlan:
    """Write the アクションプラン of an issue: the target state and the rows in the order given
    (``rows=None`` leaves the rows as they are).

    Rows are matched to the stored ones by position and updated in place, so the audit history
    shows what changed in a row instead of a row deleted and another inserted. A row's 期限日
    (``due_on``) is written when given.
    """
    plan, _ = ActionPlan.objects.select_for_update().get_or_create(issue=issue)
    if plan.target_state != target_state:
        plan.target_state = target_state
        plan.full_clean()
        plan.save(update_fields=["target_state", "updated_at"])
    if rows is None:
        return plan
    stored = list(plan.rows.order_by("position", "id"))
    for position, typed in enumerate(rows, start=1):
        values = {name: typed.get(name, "") for name in ACTION_PLAN_ROW_FIELDS}
        if "due_on" in typed:
            values["due_on"] = typed["due_on"]
        if position <= len(stored):
            row = stored[position - 1]
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            if row.position != position:
                changed.append("position")
            if changed:
                row.position = position
                for name in ACTION_PLAN_ROW_FIELDS:
                    setattr(row, name, values[name])
                row.full_clean()
                row.save(update_fields=changed)
        else:
            row = ActionPlanRow(plan=plan, position=position, **values)
            row.full_clean()
            row.save()
    for row in stored[len(rows) :]:
        row.delete()
    return plan


@transaction.atomic
def action_plan_delete(*, plan: ActionPlan) -> None:
    """Remove an issue's アクションプラン with its rows (the issue and its history stay)."""
    plan.delete()


ACTION_PLAN_ROW_EDIT_FIELDS = frozenset({"plan", "position", *ACTION_PLAN_ROW_FIELDS, "due_on"})


@transaction.atomic
def action_plan_row_save(*, row: ActionPlanRow | None = None, **fields) -> ActionPlanRow:
    """Add or change one row of an アクションプラン on its own (the admin's row page)."""
    return save_fields(row or ActionPlanRow(), fields, ACTION_PLAN_ROW_EDIT_FIELDS)


@transaction.atomic
def action_plan_row_delete(*, row: ActionPlanRow) -> None:
    row.delete()


THEME_ORDER_FIELDS = frozenset({"council", "marks"})


@transaction.atomic
def theme_order_save(*, theme_order: ThemeOrder | None = None, **fields) -> ThemeOrder:
    """Set the order in which a council lists the theme marks (validated and stored as marks)."""
    return save_fields(theme_order or ThemeOrder(), fields, THEME_ORDER_FIELDS)


@transaction.atomic
def theme_order_delete(*, theme_order: ThemeOrder) -> None:
    theme_order.delete()
