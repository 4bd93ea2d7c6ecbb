"""Who may see what: every query of council data goes through ``for_user`` (or its twins).

The rule of the product is that no user ever sees another council's data. Rather than each page
remembering to filter, every model is listed once in ``COUNCIL_PATHS`` with the lookup from it to
its council, and ``for_user``/``for_admin`` apply it. ``tests/council/test_access.py`` fails if a
model of our apps is missing from the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from council.models import Body, BodyKind, Council, Membership, MembershipRole, Role, RoleKind

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.models import AbstractUser, AnonymousUser

    # Who asks: a signed-in user (their is_superuser is read) or an anonymous visitor.
    AnyUser: TypeAlias = AbstractUser | AnonymousUser

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
    "council.formsubmission": "council_id",
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
    "issues.themeorder": "council_id",
    "reports.reportjob": "council_id",
    "privacy.pledge": "council_id",
    "privacy.pledgeconfirmation": "pledge__council_id",
    "privacy.personaldatarequest": "council_id",
    "privacy.readrecord": "council_id",
    "accounts.invitation": "council_id",
    "accounts.firstpasswordletter": "council_id",
}

# Models that belong to no council (shared vocabularies).
SHARED_MODELS: frozenset[str] = frozenset({"issues.theme"})

_CACHE_ATTR = "_kyogikai_roles"


def roles_of(user: AnyUser) -> list[Role]:
    """The user's council roles, read once per user object (i.e. once per request).

    Two sources, one list: the roles granted on the account (``Role`` rows: 事務局 and 福祉課, and
    body roles given by hand) and those its people's memberships give today (``membership_roles``).
    Every rule below reads this list, so access follows the member list without a second one kept
    in step.
    """
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Role.objects.filter(user_id=user.pk).select_related("council", "body"))
        cached += membership_roles(
            Membership.objects.filter(person__user_id=user.pk).filter(current_term_q())
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def current_term_q(prefix: str = "", *, on: dt.date | None = None) -> Q:
    """Memberships whose term covers ``on`` (today in Japan by default): they give access."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}term_start__lte": on}) & (
        Q(**{f"{prefix}term_end__isnull": True}) | Q(**{f"{prefix}term_end__gte": on})
    )


def membership_roles(memberships: QuerySet[Membership]) -> list[Role]:
    """The roles that memberships give: a 会長・部会長 edits the body, every other member reads it.

    Unsaved ``Role`` objects with ``via`` set to the membership they come from (the access page shows
    it as the reason); saved roles have no ``via``.
    """
    roles = []
    for membership in memberships.select_related("body__council", "person"):
        role = Role(
            user_id=membership.person.user_id,  # type: ignore[misc]  # set: the query asks for a user
            council=membership.body.council,
            body=membership.body,
            kind=RoleKind.CHAIR if membership.role == MembershipRole.CHAIR else RoleKind.MEMBER,
        )
        role.via = membership  # type: ignore[attr-defined]
        roles.append(role)
    return roles


def forget_roles(user: AnyUser) -> None:
    """Drop the cached roles after a change (role_grant calls it)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def council_ids_for(user: AnyUser, *, kinds: set[str] | None = None) -> set[int]:
    return {role.council_id for role in roles_of(user) if kinds is None or role.kind in kinds}


def secretariat_council_ids(user: AnyUser) -> set[int]:
    return council_ids_for(user, kinds={RoleKind.SECRETARIAT})


def is_secretariat_of(user: AnyUser, council_id: int) -> bool:
    return user.is_superuser or council_id in secretariat_council_ids(user)


def council_path(model: type[Model]) -> str:
    try:
        return COUNCIL_PATHS[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no entry in council.access.COUNCIL_PATHS") from None


def _scope(queryset: QuerySet[M], user: AnyUser, council_ids: set[int]) -> QuerySet[M]:
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(**{f"{council_path(queryset.model)}__in": council_ids})


def for_user(queryset: QuerySet[M], user: AnyUser) -> QuerySet[M]:
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
    "privacy.readrecord": "body__",
}


def for_admin(queryset: QuerySet[M], user: AnyUser) -> QuerySet[M]:
    """Rows of the councils whose secretariat the user is: what the admin shows them.

    Case-conference rows of a council whose current pledge the user has not confirmed are left out.
    """
    scoped = _scope(queryset, user, secretariat_council_ids(user))
    label = queryset.model._meta.label_lower
    if not user.is_authenticated or user.is_superuser:
        return scoped
    if label == "council.person":
        return scoped.exclude(case_conference_only_people(pledged=pledged_council_ids(user)))
    prefix = CASE_CONFERENCE_PATHS.get(label)
    if prefix is None:
        return scoped
    return scoped.exclude(
        Q(**{f"{prefix}kind": BodyKind.CASE_CONFERENCE})
        & ~Q(**{f"{prefix}council_id__in": pledged_council_ids(user)})
    )


def case_conference_only_people(*, pledged: set[int]) -> Q:
    """People who sit in a case conference of an unpledged council and in no other body.

    Such a person (the one being supported, a relative) is that case conference's data; people who
    also sit elsewhere are known from there.
    """
    in_case = Membership.objects.filter(person=OuterRef("pk"), body__kind=BodyKind.CASE_CONFERENCE).exclude(
        body__council_id__in=pledged
    )
    elsewhere = Membership.objects.filter(person=OuterRef("pk")).exclude(body__kind=BodyKind.CASE_CONFERENCE)
    return Q(Exists(in_case)) & ~Q(Exists(elsewhere))


def council_models(*, every_app: bool = False) -> list[type[Model]]:
    """Concrete models of our own apps.

    ``every_app``: of every app whose code lives in this project (found from the app's path, so a
    new app is covered without being named here): what the completeness test checks. Without it,
    the five apps whose rows tests/council/test_access.py seeds for its per-model scoping tests
    (privacy's rows are not seeded there yet).
    """
    if every_app:
        from django.conf import settings

        root = str(settings.BASE_DIR.resolve())
        ours = {
            config.label
            for config in apps.get_app_configs()
            if config.path.startswith(root + "/") and "/.venv/" not in config.path
        }
    else:
        ours = {"council", "meetings", "subcommittees", "issues", "reports"}
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in ours and not m._meta.auto_created and not m.__name__.endswith("Event")
    ]


# --- Roles: who may read and edit which body ---------------------------------------------------
#
# - 事務局 (secretariat): reads and edits every body of the council.
# - 福祉課 (reviewer): reads every body except case conferences.
# - 会議体の長 (chair): edits their own body; reads the council's bodies except case conferences.
# - 構成員 (member): reads the bodies they sit in.
# The body roles (chair, member) come from today's memberships as well as from roles granted by
# hand (``roles_of``): a 会長・部会長 membership is a chair role, any other membership a member role.
# - Case conferences (個別支援会議) hold personal data: only the secretariat and the roles given for
#   that very body read them, and only after confirming the council's current pledge (below).
# Outsiders get 404 (nothing tells them the record exists); readers who try to edit get 403.

# Roles that read every body of the council other than case conferences.
READ_ALL_BUT_CASE_CONFERENCES = frozenset({RoleKind.SECRETARIAT, RoleKind.REVIEWER, RoleKind.CHAIR})
# Roles that read every *issue* of the council other than those a case conference holds: a chair
# reads the bodies, but an issue only where it is held or passed through (issues.selectors).
READ_ALL_ISSUES = frozenset({RoleKind.SECRETARIAT, RoleKind.REVIEWER})


def council_roles(user: AnyUser, council_id: int) -> list[Role]:
    return [role for role in roles_of(user) if role.council_id == council_id]


def can_read_council(user: AnyUser, council_id: int) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or council_roles(user, council_id)))


def has_role_in(user: AnyUser, council_id: int, kinds: frozenset[str]) -> bool:
    """True for superusers and for holders of one of ``kinds`` in the council."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(role.kind in kinds for role in council_roles(user, council_id))


def is_reviewer_of(user: AnyUser, council_id: int) -> bool:
    """福祉課 (RoleKind.REVIEWER) of the council, or a superuser (``has_role_in``): returns or
    approves evaluations, and may ask for any of the council's documents."""
    return has_role_in(user, council_id, frozenset({RoleKind.REVIEWER}))


# --- The confidentiality pledge (守秘義務) ------------------------------------------------------
#
# Case-conference content opens only to those who have confirmed their council's *current* pledge
# (障害者総合支援法 第89条の3). The confirmations are stored by the privacy app, which registers how
# to read them when it loads (privacy.apps); without it nobody has pledged, so the rule fails closed.
# Superusers operate the site and hold no council role: the pledge is asked of council users.


class PledgeRequired(Exception):
    """Content the user may open once they have confirmed the council's pledge.

    Raised by the ``get_*_for_user`` helpers (``body``: the case conference) and by pages that carry
    case-conference data of the whole council (``body`` None); ``privacy.middleware`` turns it into
    the redirect to the pledge page, which comes back afterwards.
    """

    def __init__(self, body: Body | None = None, *, council: Council | None = None) -> None:
        council = council or (body.council if body is not None else None)
        if council is None:
            raise TypeError("PledgeRequired needs a body or a council")
        super().__init__(f"pledge required for council {council.pk}")
        self.body = body
        self.council = council


def require_pledge(user: AnyUser, council: Council) -> None:
    """For pages that carry case-conference data of the whole council (a person's disclosure)."""
    if not has_confirmed_pledge(user, council.pk):
        raise PledgeRequired(council=council)


_pledge_source: Callable[[AnyUser], set[int]] | None = None


def register_pledge_source(source: Callable[[AnyUser], set[int]]) -> None:
    """Called once by privacy.apps: ``source(user)`` returns the councils whose current pledge they confirmed."""
    global _pledge_source
    _pledge_source = source


def pledged_council_ids(user: AnyUser) -> set[int]:
    if not user.is_authenticated or _pledge_source is None:
        return set()
    return _pledge_source(user)


def has_confirmed_pledge(user: AnyUser, council_id: int) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return council_id in pledged_council_ids(user)


def pledge_required(user: AnyUser, body: Body) -> bool:
    """True when ``body`` is a case conference and the user has not confirmed its council's pledge.

    Callers first check that the user may see the body at all (others get 404, not the pledge).
    """
    return body.kind == BodyKind.CASE_CONFERENCE and not has_confirmed_pledge(user, body.council_id)


# --- Bodies: the two questions every read path asks --------------------------------------------
#
# ``can_see_body``/``visible_bodies``: may the user be told the body exists (its name in the tree,
# a link that leads to the pledge page)? ``can_read_body``/``readable_bodies``: may the user read
# what it holds (meetings, minutes, members, issues, documents, exports, feeds)? They differ only
# for a case conference whose pledge the user has not confirmed.


def can_see_body(user: AnyUser, body: Body) -> bool:
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
    return any(role.kind in READ_ALL_BUT_CASE_CONFERENCES for role in roles)


def can_read_body(user: AnyUser, body: Body) -> bool:
    return can_see_body(user, body) and not pledge_required(user, body)


def can_edit_body(user: AnyUser, body: Body) -> bool:
    """Editing also needs reading: a case conference's editor must have confirmed the pledge."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return not pledge_required(user, body) and edits_by_role(user, body)


def edits_by_role(user: AnyUser, body: Body) -> bool:
    """The role part of ``can_edit_body`` (the pledge aside): 事務局, or the chair of that body."""
    return any(
        role.kind == RoleKind.SECRETARIAT or (role.kind == RoleKind.CHAIR and role.body_id == body.pk)
        for role in council_roles(user, body.council_id)
    )


def council_access(council: Council) -> list[AbstractUser]:
    """Everyone who may open the council today, each with ``roles_of`` filled (two queries).

    The roles granted in the council and those its current memberships give, as ``roles_of`` would
    read them user by user: the access page and the pledge list show who can do what, and why.
    """
    granted = Role.objects.filter(council=council).select_related("user", "council", "body")
    given = membership_roles(
        Membership.objects.filter(body__council=council, person__user__isnull=False)
        .filter(current_term_q())
        .select_related("person__user")
    )
    users: dict[int, AbstractUser] = {}
    for role in [*granted, *given]:
        user = role.user if role.pk else role.via.person.user  # type: ignore[attr-defined]
        users.setdefault(user.pk, user)
        roles = getattr(users[user.pk], _CACHE_ATTR, None)
        if roles is None:
            roles = []
            setattr(users[user.pk], _CACHE_ATTR, roles)
        roles.append(role)
    return list(users.values())


def visible_bodies(user: AnyUser, council: Council) -> QuerySet[Body]:
    """The council's bodies the user may be told about (the body tree)."""
    bodies = Body.objects.filter(council=council)
    if user.is_authenticated and user.is_superuser:
        return bodies
    roles = council_roles(user, council.pk)
    if any(role.kind == RoleKind.SECRETARIAT for role in roles):
        return bodies
    own = Q(pk__in=[role.body_id for role in roles if role.body_id])
    if any(role.kind in READ_ALL_BUT_CASE_CONFERENCES for role in roles):
        return bodies.filter(own | ~Q(kind=BodyKind.CASE_CONFERENCE))
    return bodies.filter(own)


def readable_bodies(user: AnyUser, council: Council) -> QuerySet[Body]:
    """The council's bodies whose content the user may read: lists, schedule, feeds, exports, documents."""
    bodies = visible_bodies(user, council)
    if has_confirmed_pledge(user, council.pk):
        return bodies
    return bodies.exclude(kind=BodyKind.CASE_CONFERENCE)


def get_council_for_user(user: AnyUser, slug: str) -> Council:
    """The council of a page's URL, or 404 for anyone without a role in it."""
    council = Council.objects.filter(slug=slug).first()
    if council is None or not can_read_council(user, council.pk):
        raise Http404
    return council


def get_council_for_secretariat(user: AnyUser, slug: str, *, page: str) -> Council:
    """The council of a secretariat-only page: 404 for outsiders, 403 (saying which page) for the rest."""
    council = get_council_for_user(user, slug)
    if not is_secretariat_of(user, council.pk):
        raise PermissionDenied(f"{page}は事務局の方だけが使えます。")
    return council


def check_body(
    user: AnyUser,
    body: Body,
    *,
    write: bool = False,
    denied: str = "この会議体の記録を編集する権限がありません。",
    reading: Model | str | None = None,
) -> None:
    """404 for who may not see ``body``, the pledge for a case conference, 403 for readers asked to write.

    Every ``get_<thing>_for_user`` of the apps ends here, so the order of the three answers is one rule.
    Content of a case conference let through is written to the read log (``record_case_conference_read``):
    ``reading`` is what is opened (a meeting, a handout, a document), the body itself if omitted.
    """
    if not can_see_body(user, body):
        raise Http404
    if pledge_required(user, body):
        raise PledgeRequired(body)
    if write and not can_edit_body(user, body):
        raise PermissionDenied(denied)
    record_case_conference_read(user, body, reading if reading is not None else body)


# --- The read log of case conferences (閲覧記録) --------------------------------------------------
#
# Reading case-conference content is recorded (who, what, when) for the personal-information rules.
# The privacy app stores the records and registers the writer when it loads (privacy.apps), like the
# pledge; the readers of the apps call ``check_body`` (or, for what it does not cover, this function).

_read_recorder: Callable[[AnyUser, Body, Model | str], None] | None = None
_READS_ATTR = "_kyogikai_reads"


def register_read_recorder(recorder: Callable[[AnyUser, Body, Model | str], None]) -> None:
    """Called once by privacy.apps: ``recorder(user, body, subject)`` appends one read record."""
    global _read_recorder
    _read_recorder = recorder


def record_case_conference_read(user: AnyUser, body: Body, subject: Model | str) -> None:
    """Log that ``user`` opened ``subject`` of ``body`` if ``body`` is a case conference.

    Once per subject per user object (i.e. per request): a page that checks the same meeting twice
    writes one record.
    """
    if body.kind != BodyKind.CASE_CONFERENCE or not user.is_authenticated or _read_recorder is None:
        return
    key = (body.pk, subject) if isinstance(subject, str) else (body.pk, subject._meta.label_lower, subject.pk)
    seen = getattr(user, _READS_ATTR, None)
    if seen is None:
        seen = set()
        setattr(user, _READS_ATTR, seen)
    if key in seen:
        return
    seen.add(key)
    _read_recorder(user, body, subject)


def get_body_for_user(user: AnyUser, council: Council, pk: int, *, write: bool = False) -> Body:
    body = (
        Body.objects.select_related("parent", "predecessor", "council").filter(council=council, pk=pk).first()
    )
    if body is None:
        raise Http404
    check_body(user, body, write=write)
    return body
