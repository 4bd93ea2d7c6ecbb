"""Who may see what: every query of council data goes through ``for_user`` (or its twins).

The rule of the product is that no user ever sees another council's data. Rather than each page
remembering to filter, every model is listed once in ``COUNCIL_PATHS`` with the lookup from it to
its council, and ``for_user``/``for_admin`` apply it. ``tests/council/test_access.py`` fails if a
model of our apps is missing from the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from council.models import Body, BodyKind, Council, Role, RoleKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from meetings.models import Meeting

M = TypeVar("M", bound=Model)

# model label → lookup from that model to its Council's id.
COUNCIL_PATHS: dict[str, str] = {
    "council.council": "id",
    "council.body": "council_id",
    "council.bodyname": "body__council_id",
    "council.bodystatus": "body__council_id",
    "council.organization": "council_id",
    "council.person": "council_id",
    "council.membership": "body__council_id",
    "council.role": "council_id",
    "meetings.meeting": "body__council_id",
    "meetings.meetingitem": "meeting__body__council_id",
    "meetings.attendance": "meeting__body__council_id",
    "meetings.guestattendance": "meeting__body__council_id",
    "meetings.handout": "meeting__body__council_id",
    "meetings.calendarfeed": "council_id",
    "subcommittees.activitypolicy": "body__council_id",
    "subcommittees.progressreport": "body__council_id",
    "subcommittees.evaluation": "body__council_id",
    "subcommittees.evaluationcomment": "evaluation__body__council_id",
    "subcommittees.evaluationreview": "evaluation__body__council_id",
    "issues.regionalissue": "council_id",
    "issues.issuemove": "issue__council_id",
    "issues.actionplan": "issue__council_id",
    "issues.actionplanrow": "plan__issue__council_id",
    "reports.reportjob": "council_id",
}

# Models that belong to no council (shared vocabularies).
SHARED_MODELS: frozenset[str] = frozenset({"issues.theme"})

_CACHE_ATTR = "_kyogikai_roles"


def roles_of(user: AbstractBaseUser | AnonymousUser) -> list[Role]:
    """The user's council roles, read once per user object (i.e. once per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("council", "body"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: AbstractBaseUser | AnonymousUser) -> None:
    """Drop the cached roles after a change (role_grant calls it)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def council_ids_for(user: AbstractBaseUser | AnonymousUser, *, kinds: set[str] | None = None) -> set[int]:
    return {role.council_id for role in roles_of(user) if kinds is None or role.kind in kinds}


def secretariat_council_ids(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    return council_ids_for(user, kinds={RoleKind.SECRETARIAT})


def is_secretariat_of(user: AbstractBaseUser | AnonymousUser, council_id: int) -> bool:
    return user.is_superuser or council_id in secretariat_council_ids(user)


def council_path(model: type[Model]) -> str:
    try:
        return COUNCIL_PATHS[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no entry in council.access.COUNCIL_PATHS") from None


def _scope(
    queryset: QuerySet[M], user: AbstractBaseUser | AnonymousUser, council_ids: set[int]
) -> QuerySet[M]:
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(**{f"{council_path(queryset.model)}__in": council_ids})


def for_user(queryset: QuerySet[M], user: AbstractBaseUser | AnonymousUser) -> QuerySet[M]:
    """Rows of the councils the user holds any role in (superusers, who operate the site: all)."""
    return _scope(queryset, user, council_ids_for(user))


# model label → lookup from that model to the Body whose kind says "case conference" (個別支援会議).
# The admin hides these rows from a secretariat user until they have confirmed the council's current
# confidentiality pledge (privacy app); the pages redirect to the pledge instead.
CASE_CONFERENCE_PATHS: dict[str, str] = {
    "council.body": "",
    "council.bodyname": "body__",
    "council.bodystatus": "body__",
    "council.membership": "body__",
    "council.role": "body__",
    "meetings.meeting": "body__",
    "meetings.meetingitem": "meeting__body__",
    "meetings.attendance": "meeting__body__",
    "meetings.guestattendance": "meeting__body__",
    "meetings.handout": "meeting__body__",
    "meetings.calendarfeed": "body__",
    "subcommittees.activitypolicy": "body__",
    "subcommittees.progressreport": "body__",
    "subcommittees.evaluation": "body__",
    "subcommittees.evaluationcomment": "evaluation__body__",
    "subcommittees.evaluationreview": "evaluation__body__",
    "issues.regionalissue": "body__",
    "issues.issuemove": "issue__body__",
    "issues.actionplan": "issue__body__",
    "issues.actionplanrow": "plan__issue__body__",
    "reports.reportjob": "body__",
}


def for_admin(queryset: QuerySet[M], user: AbstractBaseUser | AnonymousUser) -> QuerySet[M]:
    """Rows of the councils whose secretariat the user is: what the admin shows them.

    Case-conference rows of a council whose current pledge the user has not confirmed are left out.
    """
    scoped = _scope(queryset, user, secretariat_council_ids(user))
    prefix = CASE_CONFERENCE_PATHS.get(queryset.model._meta.label_lower)
    if prefix is None or not user.is_authenticated or user.is_superuser:
        return scoped
    from privacy.selectors import pledged_council_ids

    return scoped.exclude(
        Q(**{f"{prefix}kind": BodyKind.CASE_CONFERENCE})
        & ~Q(**{f"{prefix}council_id__in": pledged_council_ids(user)})
    )


def council_models() -> list[type[Model]]:
    """Every concrete model of our own apps (for the completeness test)."""
    ours = {"council", "meetings", "subcommittees", "issues", "reports"}
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in ours and not m._meta.auto_created and not m.__name__.endswith("Event")
    ]


# --- Pages: who may read and edit which body --------------------------------------------------
#
# - 事務局 (secretariat): reads and edits every body of the council.
# - 福祉課 (reviewer): reads every body except case conferences.
# - 会議体の長 (chair): edits their own body; reads the council's bodies except case conferences.
# - 構成員 (member): reads the bodies they sit in.
# - Case conferences (個別支援会議) hold personal data: only the secretariat and the roles given for
#   that very body read them.
# Outsiders get 404 (nothing tells them the record exists); readers who try to edit get 403.

COUNCIL_WIDE_READERS = frozenset({RoleKind.SECRETARIAT, RoleKind.REVIEWER, RoleKind.CHAIR})


def council_roles(user: AbstractBaseUser | AnonymousUser, council_id: int) -> list[Role]:
    return [role for role in roles_of(user) if role.council_id == council_id]


def can_read_council(user: AbstractBaseUser | AnonymousUser, council_id: int) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or council_roles(user, council_id)))


def can_read_body(user: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = council_roles(user, body.council_id)
    if any(role.kind == RoleKind.SECRETARIAT for role in roles):
        return True
    if any(role.body_id == body.pk for role in roles):
        return True
    if body.kind == BodyKind.CASE_CONFERENCE:
        return False
    return any(role.kind in COUNCIL_WIDE_READERS for role in roles)


def can_edit_body(user: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        role.kind == RoleKind.SECRETARIAT or (role.kind == RoleKind.CHAIR and role.body_id == body.pk)
        for role in council_roles(user, body.council_id)
    )


def readable_bodies(user: AbstractBaseUser | AnonymousUser, council: Council) -> QuerySet[Body]:
    """The council's bodies the user may open (for lists, the schedule and calendars)."""
    bodies = Body.objects.filter(council=council)
    if user.is_authenticated and user.is_superuser:
        return bodies
    roles = council_roles(user, council.pk)
    if any(role.kind == RoleKind.SECRETARIAT for role in roles):
        return bodies
    own = Q(pk__in=[role.body_id for role in roles if role.body_id])
    if any(role.kind in COUNCIL_WIDE_READERS for role in roles):
        return bodies.filter(own | ~Q(kind=BodyKind.CASE_CONFERENCE))
    return bodies.filter(own)


def get_council_for_user(user: AbstractBaseUser | AnonymousUser, slug: str) -> Council:
    """The council of a page's URL, or 404 for anyone without a role in it."""
    council = Council.objects.filter(slug=slug).first()
    if council is None or not can_read_council(user, council.pk):
        raise Http404
    return council


def get_body_for_user(
    user: AbstractBaseUser | AnonymousUser, council: Council, pk: int, *, write: bool = False
) -> Body:
    body = Body.objects.select_related("parent", "council").filter(council=council, pk=pk).first()
    if body is None or not can_read_body(user, body):
        raise Http404
    if write and not can_edit_body(user, body):
        raise PermissionDenied("この会議体の記録を編集する権限がありません。")
    return body


def get_meeting_for_user(
    user: AbstractBaseUser | AnonymousUser, council: Council, pk: int, *, write: bool = False
) -> Meeting:
    from meetings.models import Meeting

    meeting = (
        Meeting.objects.select_related("body__council", "body__parent")
        .filter(body__council=council, pk=pk)
        .first()
    )
    if meeting is None or not can_read_body(user, meeting.body):
        raise Http404
    if write and not can_edit_body(user, meeting.body):
        raise PermissionDenied("この会議の記録を編集する権限がありません。")
    return meeting
