"""Context builders of the yearly documents, registered with ``reports`` (``register_documents``).

A body's three documents (検討状況報告書, 振り返り・評価シート, 活動方針) and the council-wide documents
made of them (the 活動の概要 and the 年次報告書 book) read this app's rows, so their builders live
here; ``reports`` renders and stores them without importing this app. One selector per document,
a fixed number of queries: every builder fetches the rows of *all* the bodies it covers at once
(``_body_sets``), so the book of a council with thirty bodies costs the same number of queries as
one body's report. Facts the meetings hold (the meeting table, 開催回数, 開催月, the 更新 date) are
derived here, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from council.models import Body, BodyKind, BodyStatus, BodyStatusKind, Council, Membership
from council.tree import exists_in
from council.wareki import fiscal_year_bounds
from issues.models import (
    OPEN_STATUSES,
    ActionPlan,
    ActionPlanRow,
    IssueMove,
    RegionalIssue,
    council_theme_order,
    themes_in_order,
)
from meetings.models import Meeting, MeetingItem, MeetingStatus
from meetings.schedule import FISCAL_MONTHS, tree_order
from reports.documents import register_document
from reports.models import DocumentKind
from reports.selectors import council_schedule, public_bodies
from subcommittees.models import (
    ActivityPolicy,
    CouncilFunction,
    Evaluation,
    EvaluationComment,
    ProgressReport,
)

# Bodies that file the three yearly documents when nothing else says they do.
FILING_KINDS = (BodyKind.SUBCOMMITTEE,)


@dataclass(frozen=True)
class MemberLine:
    organization: str
    name: str
    is_secretariat: bool


@dataclass(frozen=True)
class FunctionMark:
    label: str
    ticked: bool


@dataclass(frozen=True)
class ActionPlanEntry:
    """アクションプラン of one issue the body held or studied in the 年度."""

    issue: RegionalIssue
    plan: ActionPlan
    rows: list[ActionPlanRow]
    marks: list[tuple[str, str]]  # (mark, theme name), in the themes' order

    @property
    def shows_due(self) -> bool:
        return any(row.due_label or row.due_on for row in self.rows)

    @property
    def shows_progress(self) -> bool:
        return any(row.progress.strip() for row in self.rows)


# What a body's people are called in its documents, by kind of body.
MEMBER_LABELS = {
    BodyKind.SUBCOMMITTEE: "部会員",
    BodyKind.WORKING_GROUP: "メンバー",
    BodyKind.PLENARY: "委員",
    BodyKind.STEERING: "委員",
    BodyKind.FORUM: "構成員",
}
DEFAULT_STEERING = "運営会議"


@dataclass(frozen=True)
class CouncilWords:
    """The council's own words in a document: its steering body (運営会議 / 調整会議 …) and its
    plenary (全体会 / 全体会議 …), as the council named them in its tree."""

    steering: str = DEFAULT_STEERING
    plenary: str = ""
    subcommittee_members: str = ""

    @classmethod
    def from_names(cls, names: dict[str, str], council: Council | None = None) -> CouncilWords:
        """From the names in the body tree; the council's settings (協議会 → 帳票での呼び方) win."""
        steering = (council.steering_label if council else "") or names.get(BodyKind.STEERING)
        return cls(
            steering=steering or DEFAULT_STEERING,
            plenary=names.get(BodyKind.PLENARY, ""),
            subcommittee_members=council.member_label if council else "",
        )

    def members_label(self, body: Body) -> str:
        if body.kind == BodyKind.SUBCOMMITTEE and self.subcommittee_members:
            return self.subcommittee_members
        return MEMBER_LABELS.get(BodyKind(body.kind), "構成員")

    def notes_label(self, body: Body) -> str:
        """「調整会議への伝達事項等」: what the body passes up (the steering body passes to the plenary)."""
        if body.kind == BodyKind.PLENARY:
            return "伝達事項等"
        if body.kind == BodyKind.STEERING:
            return f"{self.plenary}への伝達事項等" if self.plenary else "伝達事項等"
        return f"{self.steering}への伝達事項等"


@dataclass
class BodySet:
    """What one body's three documents read, for one 年度."""

    body: Body
    fiscal_year: int
    name: str
    members: list[MemberLine] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)  # held, in order, with ``items`` prefetched
    report: ProgressReport | None = None
    evaluation: Evaluation | None = None
    policy: ActivityPolicy | None = None  # the policy of the *next* 年度 (次年度 活動方針)
    policy_history: list[ActivityPolicy] = field(default_factory=list)  # earlier policies, oldest first
    action_plans: list[ActionPlanEntry] = field(default_factory=list)
    words: CouncilWords = field(default_factory=CouncilWords)
    # In the book only: a body that starts next 年度 (a successor) prints its 次年度 活動方針 alone.
    starts_next_year: bool = False
    successor_names: list[str] = field(default_factory=list)

    # --- which of the documents the book prints (「休止・終了の経過」 instead of blank forms) -------

    @property
    def status(self) -> str | None:
        return self.body.status_in(self.fiscal_year)

    @property
    def next_status(self) -> str | None:
        return self.body.status_in(self.fiscal_year + 1)

    @property
    def active(self) -> bool:
        return self.status == BodyStatusKind.ACTIVE

    @property
    def entered(self) -> bool:
        """Something was entered for the 年度 itself: a held meeting, the report or the evaluation."""
        return bool(self.meetings or self.report or self.evaluation)

    @property
    def files(self) -> bool:
        return self.body.kind in FILING_KINDS

    @property
    def shows_report(self) -> bool:
        return not self.starts_next_year and (
            (self.files and self.active) or bool(self.meetings or self.report)
        )

    @property
    def shows_evaluation(self) -> bool:
        return not self.starts_next_year and ((self.files and self.active) or self.evaluation is not None)

    @property
    def shows_policy(self) -> bool:
        """次年度 活動方針: when one was written, or for a filing body that goes on next 年度
        (never a blank form for a body that is paused or ends)."""
        if self.policy is not None:
            return True
        return self.files and self.active and self.next_status == BodyStatusKind.ACTIVE

    @property
    def status_history(self) -> list[BodyStatus]:
        """The body's status rows up to next 年度, oldest first (``statuses`` prefetched)."""
        return sorted(
            (row for row in self.body.statuses.all() if row.fiscal_year <= self.fiscal_year + 1),
            key=lambda row: row.fiscal_year,
        )

    @property
    def shows_status(self) -> bool:
        """「休止・終了の経過」: for a body paused or ended in the 年度, or from next 年度."""
        if self.starts_next_year:
            return False
        inactive = (BodyStatusKind.PAUSED, BodyStatusKind.ENDED)
        return self.status in inactive or self.next_status in inactive

    @property
    def status_rows(self) -> list[BodyStatus]:
        """The rows of the 年度 and the next whose pause or end the book explains."""
        return [
            row
            for row in self.status_history
            if row.fiscal_year >= self.fiscal_year and row.status != BodyStatusKind.ACTIVE
        ] or [row for row in self.status_history if row.status != BodyStatusKind.ACTIVE][-1:]

    @property
    def first_anchor(self) -> str:
        """The book's anchor of the body's first printed document (its line in the contents)."""
        for shown, part in (
            (self.shows_report, "report"),
            (self.shows_evaluation, "evaluation"),
            (self.shows_status, "status"),
            (self.shows_policy, "policy"),
        ):
            if shown:
                return f"body-{self.body.pk}-{part}"
        return ""

    @property
    def printed(self) -> bool:
        return self.shows_report or self.shows_evaluation or self.shows_policy or self.shows_status

    @property
    def members_label(self) -> str:
        return self.words.members_label(self.body)

    @property
    def notes_label(self) -> str:
        return self.words.notes_label(self.body)

    @property
    def year_meetings(self) -> list[Meeting]:
        """The held meetings of the 年度 itself (``meetings`` also holds an earlier year's meeting
        attached to this one, printed in the table but not counted in 開催回数・開催月)."""
        return [m for m in self.meetings if m.fiscal_year == self.fiscal_year]

    @property
    def held_count(self) -> int:
        return len(self.year_meetings)

    @property
    def held_months(self) -> str:
        """開催月 in the order of the 年度: "7, 8, 9, 11, 12, 2月" (empty when nothing was held)."""
        months = {m.date.month for m in self.year_meetings}
        ordered = [str(month) for month in FISCAL_MONTHS if month in months]
        return f"{', '.join(ordered)}月" if ordered else ""

    @property
    def updated_on(self) -> dt.date | None:
        """「更新」: the last change of the report or of one of its meetings, on the Japanese day."""
        stamps = [m.updated_at for m in self.meetings]
        if self.report is not None:
            stamps.append(self.report.updated_at)
        if not stamps:
            return None
        return timezone.localtime(max(stamps)).date()

    @property
    def functions(self) -> list[FunctionMark]:
        evaluation = self.evaluation
        return [
            FunctionMark(f.label, bool(evaluation and getattr(evaluation, f"function_{f.value}")))
            for f in CouncilFunction
        ]

    @property
    def has_documents(self) -> bool:
        return any((self.report, self.evaluation, self.policy))


def _body_sets(bodies: list[Body], fiscal_year: int, *, plans: bool = True) -> dict[int, BodySet]:
    """Seven queries whatever the number of bodies (``bodies`` come with ``names`` prefetched),
    and with ``plans`` one to four for the アクションプラン part (``_add_action_plans``)."""
    ids = [b.pk for b in bodies]
    start, end = fiscal_year_bounds(fiscal_year)
    sets = {b.pk: BodySet(body=b, fiscal_year=fiscal_year, name=b.name_in(fiscal_year)) for b in bodies}

    # Same rule as council.selectors.body_members (terms overlapping the 年度, 事務局 last), for many bodies.
    memberships = (
        Membership.objects.filter(body__in=ids, term_start__lte=end)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=start))
        .select_related("person__organization")
        .order_by("body", "is_secretariat", "role", "person__name_kana", "id")
    )
    for m in memberships:
        organization = m.person.organization.name if m.person.organization_id else ""
        sets[m.body_id].members.append(MemberLine(organization, m.person.name, m.is_secretariat))

    meetings = (
        Meeting.objects.filter(body__in=ids, status=MeetingStatus.HELD)
        .filter(
            Q(fiscal_year=fiscal_year, attached_fiscal_year__isnull=True)
            | Q(attached_fiscal_year=fiscal_year)
        )
        .prefetch_related(Prefetch("items", queryset=MeetingItem.objects.order_by("position", "id")))
        .order_by("body", "date", "sequence")
    )
    for meeting in meetings:
        sets[meeting.body_id].meetings.append(meeting)

    for report in ProgressReport.objects.filter(body__in=ids, fiscal_year=fiscal_year):
        sets[report.body_id].report = report
    evaluations = Evaluation.objects.filter(body__in=ids, fiscal_year=fiscal_year).prefetch_related(
        Prefetch("comments", queryset=EvaluationComment.objects.order_by("position", "id"))
    )
    for evaluation in evaluations:
        sets[evaluation.body_id].evaluation = evaluation
    for policy in ActivityPolicy.objects.filter(body__in=ids, fiscal_year__lte=fiscal_year + 1).order_by(
        "fiscal_year"
    ):
        if policy.fiscal_year == fiscal_year + 1:
            sets[policy.body_id].policy = policy
        else:
            sets[policy.body_id].policy_history.append(policy)
    if plans:
        _add_action_plans(sets, fiscal_year)
    return sets


def _add_action_plans(sets: dict[int, BodySet], fiscal_year: int) -> None:
    """The アクションプラン of every issue a body of ``sets`` held or studied during the 年度:
    one query for the issues with their plans, three for moves, rows and themes (none when no
    issue has a plan)."""
    start, end = fiscal_year_bounds(fiscal_year)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end, dt.time.max))
    issues = (
        RegionalIssue.objects.filter(action_plan__isnull=False, moves__to_body__in=list(sets))
        .distinct()
        .select_related("action_plan", "council__theme_order")
        .prefetch_related(
            Prefetch("moves", queryset=IssueMove.objects.order_by("at", "id")),
            Prefetch("action_plan__rows", queryset=ActionPlanRow.objects.order_by("position", "id")),
            "themes",
        )
        .order_by("raised_on", "id")
    )
    for issue in issues:
        plan = issue.action_plan
        rows = list(plan.rows.all())
        if not rows and not plan.target_state.strip():
            continue
        for body_id in _holders_between(list(issue.moves.all()), since, until):
            if body_id in sets:
                sets[body_id].action_plans.append(
                    ActionPlanEntry(
                        issue=issue,
                        plan=plan,
                        rows=rows,
                        marks=[
                            (t.mark or t.name, t.name)
                            for t in themes_in_order(issue.themes.all(), council_theme_order(issue.council))
                        ],
                    )
                )


def _holders_between(moves: list[IssueMove], since: dt.datetime, until: dt.datetime) -> list[int]:
    """The bodies that held the issue (had it to study) at some time between ``since`` and
    ``until``: each move hands the issue to ``to_body`` until the next move, or until the move
    that closed it."""
    holders: list[int] = []
    for n, move in enumerate(moves):
        held_until = moves[n + 1].at if n + 1 < len(moves) else None
        if move.to_status not in OPEN_STATUSES:
            held_until = move.at
        if (
            move.at <= until
            and (held_until is None or held_until >= since)
            and move.to_body_id not in holders
        ):
            holders.append(move.to_body_id)
    return holders


def _body_with_council(body: Body) -> Body:
    return Body.objects.select_related("council").prefetch_related("names", "statuses").get(pk=body.pk)


def body_document_context(*, body: Body, fiscal_year: int) -> dict:
    """Context of any of a body's three documents: ten queries."""
    body = _body_with_council(body)
    body_set = _body_sets([body], fiscal_year)[body.pk]
    # One query: the council's steering body and plenary, for the council's own words.
    names = dict(
        Body.objects.filter(council_id=body.council_id, kind__in=[BodyKind.STEERING, BodyKind.PLENARY])
        .order_by("-sort_order")
        .values_list("kind", "name")
    )
    body_set.words = CouncilWords.from_names(names, body.council)
    return {"council": body.council, "fiscal_year": fiscal_year, "set": body_set}


@dataclass
class SummaryEntry:
    name: str
    depth: int
    status_label: str
    held_count: int
    lines: list[str]


SUMMARY_LINE_CHARS = 160
SUMMARY_LINES = 3


def _shorten(text: str, limit: int = SUMMARY_LINE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary_lines(body_set: BodySet) -> list[str]:
    """What the body did, in a few lines: the evaluation's narrative, else the report, else the meetings."""
    for text in (
        body_set.evaluation.narrative if body_set.evaluation else "",
        body_set.report.actions if body_set.report else "",
    ):
        if text.strip():
            return [_shorten(text)]
    items = [item.text for meeting in body_set.meetings for item in meeting.items.all() if item.text.strip()]
    if items:
        return [_shorten(text, 80) for text in items[:SUMMARY_LINES]]
    description = body_set.body.description.strip()
    return [_shorten(description)] if description else []


def _year_bodies(council: Council, fiscal_year: int) -> list[Body]:
    return [b for b in public_bodies(council) if exists_in(b, fiscal_year)]


def summary_context(*, council: Council, fiscal_year: int) -> dict:
    """公開用の活動概要: every body of the year (case conferences left out), ten queries."""
    bodies = _year_bodies(council, fiscal_year)
    return _summary(council, fiscal_year, bodies, _body_sets(bodies, fiscal_year, plans=False))


def _summary(council: Council, fiscal_year: int, bodies: list[Body], sets: dict[int, BodySet]) -> dict:
    entries: dict[str, list[SummaryEntry]] = defaultdict(list)
    formal = [b for b in bodies if b.kind != BodyKind.LIAISON]
    liaison = [b for b in bodies if b.kind == BodyKind.LIAISON]
    for group, ordered in (("formal", tree_order(formal)), ("liaison", tree_order(liaison))):
        for body, depth in ordered:
            body_set = sets[body.pk]
            status = body.status_in(fiscal_year)
            entries[group].append(
                SummaryEntry(
                    name=body_set.name,
                    depth=min(depth, 3),
                    status_label={"paused": "休止", "ended": "終了"}.get(status or "", ""),
                    held_count=body_set.held_count,
                    lines=_summary_lines(body_set),
                )
            )
    return {
        "council": council,
        "fiscal_year": fiscal_year,
        "entries": entries["formal"],
        "liaison": entries["liaison"],
    }


def _book_order(bodies: list[Body], fiscal_year: int, successors: list[Body]) -> list[Body]:
    """The year's formal tree, with each body that starts next 年度 placed after its predecessor
    (else after its parent, else at the end)."""
    ordered = [body for body, _depth in tree_order([b for b in bodies if b.kind != BodyKind.LIAISON])]
    for body in successors:
        position = {b.pk: i for i, b in enumerate(ordered)}
        anchor = position.get(body.predecessor_id, position.get(body.parent_id))
        ordered.insert(len(ordered) if anchor is None else anchor + 1, body)
    return ordered


def book_context(*, council: Council, fiscal_year: int) -> dict:
    """年次報告書: cover, contents, schedule, each body's documents, the summary.

    A filing body active in the 年度 prints its three documents; a body paused or ended prints its
    「休止・終了の経過」 and 事務局案 instead of blank forms (and its documents only where something
    was entered); a body that starts next 年度 (a successor) prints its 次年度 活動方針 where it has one.
    """
    everything = public_bodies(council)
    bodies = [b for b in everything if exists_in(b, fiscal_year)]
    successors = [
        b
        for b in everything
        if b.kind != BodyKind.LIAISON and b.status_in(fiscal_year) is None and exists_in(b, fiscal_year + 1)
    ]
    sets = _body_sets(bodies + successors, fiscal_year)
    for body in successors:
        sets[body.pk].starts_next_year = True
    for body in everything:
        if body.predecessor_id in sets:
            sets[body.predecessor_id].successor_names.append(body.name_in(fiscal_year + 1))
    context = _summary(council, fiscal_year, bodies, sets)
    ordered = _book_order(bodies, fiscal_year, [b for b in successors if sets[b.pk].policy is not None])
    filing = [sets[b.pk] for b in ordered if sets[b.pk].printed]
    words = CouncilWords.from_names(
        {
            b.kind: b.name_in(fiscal_year)
            for b in sorted(bodies, key=lambda b: -b.sort_order)
            if b.kind in (BodyKind.STEERING, BodyKind.PLENARY)
        },
        council,
    )
    for body_set in filing:
        body_set.words = words
    context["sets"] = filing
    # The grid takes every body of the council (an ended body with a meeting still shows), so it
    # reads its own two queries rather than reuse the year's bodies.
    context["schedule"] = council_schedule(council=council, fiscal_year=fiscal_year)
    return context


def register_documents() -> None:
    """Called by ``SubcommitteesConfig.ready()``: the kinds whose data this app holds."""
    for kind in (DocumentKind.PROGRESS_REPORT, DocumentKind.EVALUATION, DocumentKind.POLICY):
        register_document(kind, body_document_context)
    register_document(DocumentKind.SUMMARY, summary_context)
    register_document(DocumentKind.BOOK, book_context)
