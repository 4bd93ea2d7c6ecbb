"""Who may see what: every query of council data goes through ``for_user`` (or its twins).

The rule of the product is that no user ever sees another council's data. Rather than each page
remembering to filter, every model is listed once in ``COUNCIL_PATHS`` with the lookup from it to
its council, and ``for_user``/``for_admin`` apply it. ``tests/council/test_access.py`` fails if a
model of our apps is missing from the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.apps import apps
from django.db.models import Model, QuerySet

from council.models import Role, RoleKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

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


def _scope(queryset: QuerySet[M], user: AbstractBaseUser | AnonymousUser, council_ids: set[int]) -> QuerySet[M]:
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(**{f"{council_path(queryset.model)}__in": council_ids})


def for_user(queryset: QuerySet[M], user: AbstractBaseUser | AnonymousUser) -> QuerySet[M]:
    """Rows of the councils the user holds any role in (superusers, who operate the site: all)."""
    return _scope(queryset, user, council_ids_for(user))


def for_admin(queryset: QuerySet[M], user: AbstractBaseUser | AnonymousUser) -> QuerySet[M]:
    """Rows of the councils whose secretariat the user is: what the admin shows them."""
    return _scope(queryset, user, secretariat_council_ids(user))


def council_models() -> list[type[Model]]:
    """Every concrete model of our own apps (for the completeness test)."""
    ours = {"council", "meetings", "subcommittees", "issues", "reports"}
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in ours and not m._meta.auto_created and not m.__name__.endswith("Event")
    ]
