"""「あなたの担当」 on the council's home: each role finds its work there.

- 福祉課 (reviewer): how many 振り返り・評価シート wait for review, linked to the review list.
- 会長・部会長 (chair, by membership or role): for each body they edit, the next meeting and what is
  missing — meetings to write up (held without 取組・検討内容, or past their date and still 予定) and
  this 年度's 振り返り・評価シート if it is not submitted yet or was returned.
The secretariat has the dashboard for this. Three queries at most, whatever the number of bodies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from council.access import council_roles, edits_by_role, is_reviewer_of, is_secretariat_of
from council.models import Body, BodyKind, Council, RoleKind
from council.wareki import fiscal_year_of, format_fiscal_year
from meetings.models import Meeting, MeetingItem, MeetingStatus
from subcommittees.models import Evaluation, EvaluationStatus
from subcommittees.selectors import reviews_awaiting

if TYPE_CHECKING:
    from council.access import AnyUser

# Bodies that keep a yearly 振り返り・評価シート (the subcommittees' documents).
EVALUATED_KINDS = frozenset({BodyKind.SUBCOMMITTEE})


@dataclass
class ChairedBody:
    body: Body
    next_meeting: Meeting | None = None
    to_write: list[Meeting] = field(default_factory=list)
    evaluation_status: str | None = None  # None: no sheet yet (or the body keeps none)
    keeps_evaluation: bool = False

    @property
    def evaluation_returned(self) -> bool:
        return self.evaluation_status == EvaluationStatus.RETURNED

    @property
    def evaluation_label(self) -> str:
        if self.evaluation_status is None:
            return "まだ作成されていません"
        return EvaluationStatus(self.evaluation_status).label


@dataclass
class MyWork:
    fiscal_year: int
    reviews_waiting: int | None = None  # None: not a reviewer
    chaired: list[ChairedBody] = field(default_factory=list)

    @property
    def fiscal_year_label(self) -> str:
        return format_fiscal_year(self.fiscal_year)

    @property
    def empty(self) -> bool:
        return self.reviews_waiting is None and not self.chaired


def my_work(*, council: Council, user: AnyUser, today: dt.date) -> MyWork:
    fiscal_year = fiscal_year_of(today)
    work = MyWork(fiscal_year=fiscal_year)
    if not user.is_authenticated or user.is_superuser or is_secretariat_of(user, council.pk):
        return work  # the operator has no council work; the secretariat has its dashboard
    if is_reviewer_of(user, council.pk):
        work.reviews_waiting = reviews_awaiting(user=user, council=council).count()
    bodies = {
        role.body.pk: role.body
        for role in council_roles(user, council.pk)
        if role.kind == RoleKind.CHAIR and role.body is not None and edits_by_role(user, role.body)
    }
    if not bodies:
        return work
    rows = {
        pk: ChairedBody(body, keeps_evaluation=body.kind in EVALUATED_KINDS) for pk, body in bodies.items()
    }
    has_items = Exists(MeetingItem.objects.filter(meeting=OuterRef("pk")))
    meetings = (
        Meeting.objects.filter(body_id__in=bodies)
        .filter(
            Q(status=MeetingStatus.PLANNED, date__gte=today)
            | Q(fiscal_year__in=[fiscal_year - 1, fiscal_year])
            & (
                Q(status=MeetingStatus.HELD, date__lte=today) & ~has_items
                | Q(status=MeetingStatus.PLANNED, date__lt=today)
            )
        )
        .order_by("date", "start_time", "pk")
    )
    for meeting in meetings:
        row = rows[meeting.body_id]
        meeting.body = row.body  # the label needs the body's name; it is the one already read
        if meeting.status == MeetingStatus.PLANNED and meeting.date is not None and meeting.date >= today:
            row.next_meeting = row.next_meeting or meeting
        else:
            row.to_write.append(meeting)
    sheets = Evaluation.objects.filter(body_id__in=bodies, fiscal_year=fiscal_year).order_by("pk")
    for body_id, status in sheets.values_list("body_id", "status"):  # the latest version last
        rows[body_id].evaluation_status = status
    work.chaired = sorted(rows.values(), key=lambda r: (r.body.sort_order, r.body.pk))
    return work
