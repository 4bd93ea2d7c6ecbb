"""第N回: the one numbering rule of meetings, shared by the pages, the admin, imports and the demo.

The rule, in the order a secretariat would state it:

1. A meeting's number counts the meetings of its **series**: the same body and the same 年度. A
   meeting of an earlier 年度 that the secretariat attached to a later one (a 準備会's first meeting
   held in March, reported with the next year's; ``Meeting.attached_fiscal_year``) belongs to the
   later year's series, so the later meetings go on from it (第2回 …).
2. Within a series the numbers follow the **dates**: 第1回 is the earliest. Undated plans come after
   the dated meetings, in the order they were entered.
3. A **cancelled** (中止) meeting keeps its place and its number: its notice named it, and the
   schedule shows it as 第N回（中止）.
4. **Held meetings keep their numbers**: minutes and reports cite them. A change that would give a
   held meeting another number (a meeting entered late, dated before a held one; a held meeting's
   date moved past another's) is refused until the user confirms it (``RenumberHeld``). Planned
   meetings are renumbered freely: inserting a plan earlier moves only the later plans.

Everything here is pure (no queries): ``meetings.services`` loads a series under a lock on the body
row, asks ``plan`` for the numbers and writes the changes; the meeting import does the same in
memory for a whole file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from council.wareki import format_wareki

if TYPE_CHECKING:
    from meetings.models import Meeting

HELD = "held"


def series_year(meeting: Meeting) -> int:
    """The 年度 whose 第N回 the meeting carries (its own, or the one it is attached to)."""
    return meeting.attached_fiscal_year or meeting.fiscal_year


def series_key(meeting: Meeting) -> tuple[int, int]:
    return (meeting.body_id, series_year(meeting))


def _order(meeting: Meeting) -> tuple:
    # Unsaved meetings go after stored ones of the same day (they were entered last).
    return (meeting.date or dt.date.max, meeting.pk is None, meeting.pk or 0)


@dataclass(frozen=True)
class Change:
    meeting: Meeting
    old: int | None
    new: int

    @property
    def label(self) -> str:
        when = format_wareki(self.meeting.date) if self.meeting.date else "日程未定"
        return f"第{self.old}回（{when}）→ 第{self.new}回"


def plan(series: Iterable[Meeting]) -> list[Change]:
    """The number every meeting of one series should carry, as the changes from what it carries now.

    ``series`` holds the meetings as they will be after the change being made (a new meeting has
    ``sequence`` None; a stored one its number as stored, ``Meeting.stored_sequence`` if the caller
    set it, else ``sequence``).
    """
    meetings = sorted(series, key=_order)
    changes = []
    for number, meeting in enumerate(meetings, start=1):
        old = _stored(meeting)
        if number != old:
            changes.append(Change(meeting, old, number))
    return changes


def _stored(meeting: Meeting) -> int | None:
    return getattr(meeting, "stored_sequence", meeting.sequence if meeting.pk else None)


def held_changes(changes: Iterable[Change]) -> list[Change]:
    """The changes that give a meeting held (as stored) another number: these need a confirmation."""
    return [
        c
        for c in changes
        if c.old is not None and getattr(c.meeting, "stored_status", c.meeting.status) == HELD
    ]


class RenumberHeld(ValidationError):
    """The change would renumber held meetings; the message lists them, for the user to confirm."""

    def __init__(self, changes: list[Change]):
        self.changes = changes
        listed = "、".join(c.label for c in changes)
        super().__init__(
            f"この変更で、開催済の会議の回次が変わります（{listed}）。議事録や報告書で使った回次が変わっても"
            "よければ、「開催済の会議の回次を変更する」にチェックを入れて、もう一度保存してください。",
            code="renumber_held",
        )


def check_held(changes: list[Change], *, confirmed: bool) -> None:
    held = held_changes(changes)
    if held and not confirmed:
        raise RenumberHeld(held)
