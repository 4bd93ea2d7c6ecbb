"""A first draft of a policy's これまでの経過, from what the database already holds (issue 14 item 8).

Year by year (和暦 年度 headings), through the body's predecessors (a body that took over from
another carries that body's years, each labelled with the name it had that year):

- the 方針 of the year's 活動方針 (else the 取組方針 of its 検討状況報告書);
- the 取り組み内容 of the year's 振り返り・評価シート;
- the body's pauses and ends (with their note, e.g. 「「療育部会」へ引き継ぎ」);
- the outcomes of the issues the bodies held or passed on (解決・取扱い終了・個別支援で解決, with the
  outcome note and the social resource), and the issues handed over (引き継ぎ), in the 年度 they
  happened.

When an earlier policy already has a これまでの経過 (written by hand, or imported), the draft starts
with the latest such text and adds only the years from that policy's 年度 on, so a story told by
hand is continued, not retold. The page offers the draft; nothing is saved until the user saves.
Queries: a fixed number, whatever the number of years (the council's bodies with names and
statuses, policies, reports, evaluations, issue moves).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from council.models import Body, BodyStatusKind
from council.wareki import fiscal_year_of, format_fiscal_year
from issues.models import IssueMove, IssueStatus, MoveKind
from issues.selectors import issues_visible_to
from issues.workflow import OUTCOME_KINDS
from subcommittees.models import ActivityPolicy, Evaluation, ProgressReport

if TYPE_CHECKING:
    from council.access import AnyUser

OUTCOME_VERBS = {
    MoveKind.RESOLVE: "解決しました",
    MoveKind.CLOSE: "取扱いを終了しました",
    MoveKind.SOLVE_INDIVIDUALLY: "個別支援で解決しました",
}
STATUS_LINES = {
    BodyStatusKind.PAUSED: "活動を休止しました",
    BodyStatusKind.ENDED: "活動を終了しました",
    BodyStatusKind.ACTIVE: "活動を再開しました",
}


def lineage(body: Body) -> list[Body]:
    """``body`` and its predecessors, oldest first (two queries: the council's bodies with their
    names and statuses; a loop of predecessors stops where it closes)."""
    bodies = {
        b.pk: b for b in Body.objects.filter(council_id=body.council_id).prefetch_related("names", "statuses")
    }
    chain: list[Body] = []
    node: Body | None = bodies.get(body.pk, body)
    while node is not None and node not in chain:
        chain.append(node)
        node = bodies.get(node.predecessor_id) if node.predecessor_id else None
    return list(reversed(chain))


@dataclass
class _Year:
    lines: list[str] = field(default_factory=list)


def _holder(chain: list[Body], year: int) -> Body:
    """The body of the lineage that stood for it in ``year``: the newest one that existed then and
    had not ended, else the newest that existed, else the body itself."""
    existing = [b for b in chain if b.status_in(year) is not None]
    active = [b for b in existing if b.status_in(year) != BodyStatusKind.ENDED]
    return (active or existing or chain)[-1]


def history_draft(*, body: Body, fiscal_year: int, user: AnyUser) -> str:
    """The draft of これまでの経過 for ``body``'s policy of ``fiscal_year`` (the years before it).

    Issues are those ``user`` may read (issues.selectors.issues_visible_to); an empty string when
    nothing is recorded."""
    chain = lineage(body)
    ids = [b.pk for b in chain]
    by_id = {b.pk: b for b in chain}
    years: dict[int, _Year] = defaultdict(_Year)

    def own(pk: int, year: int, label: str) -> str:
        """「方針」, or 「方針（こども部会）」 when the year's text is another body's of the lineage."""
        if pk != _holder(chain, year).pk:
            return f"{label}（{by_id[pk].name_in(year)}）"
        return label

    # What an earlier policy already tells: its これまでの経過 covers the years before its own 年度.
    earlier = (
        ActivityPolicy.objects.filter(body_id__in=ids, fiscal_year__lt=fiscal_year)
        .exclude(history="")
        .order_by("-fiscal_year", "-pk")
        .first()
    )
    since = earlier.fiscal_year if earlier is not None else 0

    for b in chain:
        statuses = sorted(b.statuses.all(), key=lambda s: s.fiscal_year)
        for before, status in zip(statuses, statuses[1:], strict=False):
            if status.status == before.status or not since <= status.fiscal_year < fiscal_year:
                continue
            note = f"（{status.note}）" if status.note else ""
            years[status.fiscal_year].lines.append(
                f"・{b.name_in(status.fiscal_year)}は{STATUS_LINES[status.status]}{note}。"
            )

    policies = {
        (row.body_id, row.fiscal_year): row.policy.strip()
        for row in ActivityPolicy.objects.filter(
            body_id__in=ids, fiscal_year__gte=since, fiscal_year__lt=fiscal_year
        ).exclude(policy="")
    }
    for row in ProgressReport.objects.filter(
        body_id__in=ids, fiscal_year__gte=since, fiscal_year__lt=fiscal_year
    ).exclude(policy=""):
        policies.setdefault((row.body_id, row.fiscal_year), row.policy.strip())
    for (pk, year), text in sorted(policies.items(), key=lambda item: (item[0][1], ids.index(item[0][0]))):
        years[year].lines.append(f"・{own(pk, year, '方針')}：{text}")

    for row in (
        Evaluation.objects.filter(body_id__in=ids, fiscal_year__gte=since, fiscal_year__lt=fiscal_year)
        .exclude(narrative="")
        .order_by("fiscal_year", "pk")
    ):
        years[row.fiscal_year].lines.append(
            f"・{own(row.body_id, row.fiscal_year, '取り組み')}：{row.narrative.strip()}"
        )

    # Issue outcomes and hand-overs: the moves of the issues the lineage held or passed on.
    touched = IssueMove.objects.filter(Q(to_body_id__in=ids) | Q(from_body_id__in=ids)).values("issue_id")
    visible = issues_visible_to(user, body.council).filter(pk__in=touched).values("pk")
    moves = (
        IssueMove.objects.filter(issue_id__in=visible)
        .filter(Q(kind__in=OUTCOME_KINDS) | Q(kind=MoveKind.HAND_OVER, to_body_id__in=ids))
        .select_related("issue", "to_body", "from_body")
        .prefetch_related("to_body__names", "from_body__names")
        .order_by("at", "pk")
    )
    for move in moves:
        year = fiscal_year_of(timezone.localtime(move.at).date())
        if not since <= year < fiscal_year:
            continue
        title = move.issue.title
        if move.kind == MoveKind.HAND_OVER:
            source = move.from_body.name_in(year) if move.from_body else ""
            line = f"・地域課題「{title}」を「{source}」から引き継ぎました。"
        else:
            where = "" if move.to_body_id in by_id else f"{move.to_body.name_in(year)}で"
            line = f"・地域課題「{title}」は{where}{OUTCOME_VERBS[MoveKind(move.kind)]}。"
            if move.reason.strip():
                line += move.reason.strip()
            resource = move.issue.social_resource.strip()
            if resource and move.issue.status == IssueStatus(move.to_status):
                line += f"（開発・改善した社会資源：{resource}）"
        years[year].lines.append(line)

    paragraphs = [earlier.history.strip()] if earlier is not None else []
    for year in sorted(years):
        holder = _holder(chain, year)
        heading = f"【{format_fiscal_year(year)}】{holder.name_in(year)}"
        paragraphs.append("\n".join([heading, *years[year].lines]))
    return "\n\n".join(paragraphs)
