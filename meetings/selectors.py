"""Reads of meetings that start from a user: the access rule is council.access.check_body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from council.access import check_body
from council.models import Council
from meetings.models import Meeting

if TYPE_CHECKING:
    from council.access import AnyUser


def get_meeting_for_user(user: AnyUser, council: Council, pk: int, *, write: bool = False) -> Meeting:
    """The meeting of a page: 404, the pledge, or 403 exactly as for its body."""
    meeting = (
        Meeting.objects.select_related("body__council", "body__parent")
        .filter(body__council=council, pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    check_body(
        user, meeting.body, write=write, denied="この会議の記録を編集する権限がありません。", reading=meeting
    )
    return meeting
