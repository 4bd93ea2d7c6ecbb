"""The standing cast (see ``tests/conftest.py``), built on demand.

``Cast`` makes each member the first time it is asked for, together with what it depends on, and
keeps it: ``cast.secretariat`` builds ``pref_council``, ``council`` and the user. The fixtures of
``tests/conftest.py`` read their member from the ``cast`` fixture, a fresh ``Cast`` per test.

A module whose tests only read a large world can build it once (``module_cast``): the world is
written inside a transaction that stays open for the whole module and is rolled back at its end,
each test runs in a savepoint on top of it (pytest-django's own per-test transaction, nested), and
``fork()`` gives every test deep copies of the built objects (as Django's ``setUpTestData`` does),
so nothing a test does to an instance reaches the next test.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from council.models import BodyKind, CouncilLevel, RoleKind
from council.services import role_grant
from privacy.services import pledge_confirm
from tests.factories import FIRST_FISCAL_YEAR, BodyFactory, CouncilFactory, RegionalIssueFactory, UserFactory


def _body(council, name, kind, parent=None, sort_order=0):
    return BodyFactory(
        council=council,
        name=name,
        kind=kind,
        parent=parent,
        from_fiscal_year=FIRST_FISCAL_YEAR,
        sort_order=sort_order,
    )


class Cast:
    """The members of the standing cast, each built once on first use."""

    def __init__(self) -> None:
        self._made: dict[str, object] = {}

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        made = self.__dict__["_made"]
        if name not in made:
            build = getattr(type(self), f"_make_{name}", None)
            if build is None:
                raise AttributeError(name)
            made[name] = build(self)
        return made[name]

    def build(self, *names: str) -> Cast:
        for name in names:
            getattr(self, name)
        return self

    def fork(self) -> Cast:
        """A cast holding deep copies of what is built so far; what it builds later stays its own."""
        other = Cast()
        other._made = copy.deepcopy(self._made)
        return other

    # --- councils ------------------------------------------------------------------------------

    def _make_pref_council(self):
        return CouncilFactory(
            name="〇〇県自立支援協議会", slug="pref", municipality="〇〇県", level=CouncilLevel.PREFECTURE
        )

    def _make_council(self):
        return CouncilFactory(
            name="みどり市地域自立支援協議会",
            slug="midori",
            municipality="みどり市",
            parent=self.pref_council,
        )

    def _make_other_council(self):
        return CouncilFactory(name="あおば市地域自立支援協議会", slug="aoba", municipality="あおば市")

    # --- bodies --------------------------------------------------------------------------------

    def _make_plenary(self):
        return _body(self.council, "全体会", BodyKind.PLENARY, sort_order=1)

    def _make_steering(self):
        return _body(self.council, "運営会議", BodyKind.STEERING, parent=self.plenary, sort_order=2)

    def _make_subcommittee(self):
        return _body(self.council, "相談支援部会", BodyKind.SUBCOMMITTEE, parent=self.steering, sort_order=3)

    def _make_other_subcommittee(self):
        return _body(self.council, "就労部会", BodyKind.SUBCOMMITTEE, parent=self.steering, sort_order=4)

    def _make_case_conference(self):
        return _body(
            self.council, "個別支援会議", BodyKind.CASE_CONFERENCE, parent=self.subcommittee, sort_order=5
        )

    def _make_liaison(self):
        return _body(self.council, "連絡会議", BodyKind.LIAISON, sort_order=6)

    def _make_other_council_plenary(self):
        return _body(self.other_council, "全体会", BodyKind.PLENARY)

    def _make_other_council_subcommittee(self):
        return _body(
            self.other_council, "地域移行部会", BodyKind.SUBCOMMITTEE, parent=self.other_council_plenary
        )

    # --- users ---------------------------------------------------------------------------------

    def _make_secretariat(self):
        council = self.council
        user = UserFactory(username="secretariat", last_name="事務局", first_name="花子")
        role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
        # 守秘義務: confirmed, so case conferences open (tests/privacy)
        pledge_confirm(user=user, council=council)
        return user

    def _make_chair(self):
        council, subcommittee = self.council, self.subcommittee
        user = UserFactory(username="chair", last_name="部会長", first_name="一郎")
        role_grant(user=user, council=council, kind=RoleKind.CHAIR, body=subcommittee)
        pledge_confirm(user=user, council=council)
        return user

    def _make_other_chair(self):
        council, other_subcommittee = self.council, self.other_subcommittee
        user = UserFactory(username="other_chair", last_name="就労", first_name="次郎")
        role_grant(user=user, council=council, kind=RoleKind.CHAIR, body=other_subcommittee)
        return user

    def _make_member(self):
        council, subcommittee = self.council, self.subcommittee
        user = UserFactory(username="member", last_name="委員", first_name="三郎")
        role_grant(user=user, council=council, kind=RoleKind.MEMBER, body=subcommittee)
        return user

    def _make_reviewer(self):
        council = self.council
        user = UserFactory(username="reviewer", last_name="福祉課", first_name="桜")
        role_grant(user=user, council=council, kind=RoleKind.REVIEWER)
        return user

    def _make_outsider(self):
        other_council = self.other_council
        self.build("other_council_plenary", "other_council_subcommittee")
        user = UserFactory(username="outsider", last_name="隣市", first_name="四郎")
        role_grant(user=user, council=other_council, kind=RoleKind.SECRETARIAT)
        return user

    def _make_pref_user(self):
        pref_council = self.pref_council
        user = UserFactory(username="pref_user", last_name="県庁", first_name="五郎")
        role_grant(user=user, council=pref_council, kind=RoleKind.SECRETARIAT)
        return user

    def _make_superuser(self):
        return UserFactory(username="operator", is_staff=True, is_superuser=True)

    # --- issues --------------------------------------------------------------------------------

    def _make_issue(self):
        """An issue raised in the subcommittee (status 提起)."""
        subcommittee, secretariat = self.subcommittee, self.secretariat
        return RegionalIssueFactory(body=subcommittee, by=secretariat, title="グループホームが不足している")

    def _make_plenary_issue(self):
        """An issue held by the plenary, the top of the tree."""
        plenary, secretariat = self.plenary, self.secretariat
        return RegionalIssueFactory(body=plenary, by=secretariat, title="相談支援専門員が足りない")


@contextmanager
def module_world(django_db_blocker) -> Iterator[None]:
    """Database access for a module-scoped fixture, inside a transaction rolled back at the end.

    Everything written in the block (the world, the audit events it causes) is gone afterwards, so
    later modules start from the same empty database; tests in between run in savepoints."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
