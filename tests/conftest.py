"""The standing cast every test can ask for by name.

Councils: ``council`` (a city council reporting up to ``pref_council``) and ``other_council`` (a
neighbouring city whose data nobody in ``council`` may see).

Bodies of ``council`` (all from 令和元年度 = fiscal year 2019)::

    plenary 全体会
    └── steering 運営会議
        ├── subcommittee 相談支援部会
        │   └── case_conference 個別支援会議
        └── other_subcommittee 就労部会
    liaison 連絡会議 (outside the tree)

Bodies of ``other_council``: ``other_council_plenary`` → ``other_council_subcommittee``.

Users: ``secretariat`` (事務局 of council), ``chair`` (chair of subcommittee), ``other_chair``
(chair of other_subcommittee), ``member`` (member of subcommittee), ``reviewer`` (福祉課),
``outsider`` (事務局 of other_council), ``pref_user`` (事務局 of pref_council), ``superuser``.
``secretariat`` and ``chair`` have confirmed council's confidentiality pledge (守秘義務, privacy app).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from council.models import BodyKind, CouncilLevel, RoleKind
from council.services import role_grant
from privacy.services import pledge_confirm
from tests.factories import FIRST_FISCAL_YEAR, BodyFactory, CouncilFactory, RegionalIssueFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def record_test_db_vendor() -> None:
    """Write which database the suite ran on, so CI can check it was PostgreSQL."""
    from django.db import connection

    target = Path(settings.BASE_DIR) / "var" / "test-db-vendor"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"{connection.vendor}\n", encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """PBKDF2 costs ~0.3 s a user; the cast alone has eight. Tests need no strong hashes."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# --- councils ----------------------------------------------------------------


@pytest.fixture
def pref_council(db):
    return CouncilFactory(
        name="〇〇県自立支援協議会", slug="pref", municipality="〇〇県", level=CouncilLevel.PREFECTURE
    )


@pytest.fixture
def council(pref_council):
    return CouncilFactory(
        name="みどり市地域自立支援協議会", slug="midori", municipality="みどり市", parent=pref_council
    )


@pytest.fixture
def other_council(db):
    return CouncilFactory(name="あおば市地域自立支援協議会", slug="aoba", municipality="あおば市")


# --- bodies --------------------------------------------------------------------


def _body(council, name, kind, parent=None, sort_order=0):
    return BodyFactory(
        council=council,
        name=name,
        kind=kind,
        parent=parent,
        from_fiscal_year=FIRST_FISCAL_YEAR,
        sort_order=sort_order,
    )


@pytest.fixture
def plenary(council):
    return _body(council, "全体会", BodyKind.PLENARY, sort_order=1)


@pytest.fixture
def steering(council, plenary):
    return _body(council, "運営会議", BodyKind.STEERING, parent=plenary, sort_order=2)


@pytest.fixture
def subcommittee(council, steering):
    return _body(council, "相談支援部会", BodyKind.SUBCOMMITTEE, parent=steering, sort_order=3)


@pytest.fixture
def other_subcommittee(council, steering):
    return _body(council, "就労部会", BodyKind.SUBCOMMITTEE, parent=steering, sort_order=4)


@pytest.fixture
def case_conference(council, subcommittee):
    return _body(council, "個別支援会議", BodyKind.CASE_CONFERENCE, parent=subcommittee, sort_order=5)


@pytest.fixture
def liaison(council):
    return _body(council, "連絡会議", BodyKind.LIAISON, sort_order=6)


@pytest.fixture
def other_council_plenary(other_council):
    return _body(other_council, "全体会", BodyKind.PLENARY)


@pytest.fixture
def other_council_subcommittee(other_council, other_council_plenary):
    return _body(other_council, "地域移行部会", BodyKind.SUBCOMMITTEE, parent=other_council_plenary)


# --- users ---------------------------------------------------------------------


@pytest.fixture
def secretariat(council):
    user = UserFactory(username="secretariat", last_name="事務局", first_name="花子")
    role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
    pledge_confirm(
        user=user, council=council
    )  # 守秘義務: confirmed, so case conferences open (tests/privacy)
    return user


@pytest.fixture
def chair(council, subcommittee):
    user = UserFactory(username="chair", last_name="部会長", first_name="一郎")
    role_grant(user=user, council=council, kind=RoleKind.CHAIR, body=subcommittee)
    pledge_confirm(user=user, council=council)
    return user


@pytest.fixture
def other_chair(council, other_subcommittee):
    user = UserFactory(username="other_chair", last_name="就労", first_name="次郎")
    role_grant(user=user, council=council, kind=RoleKind.CHAIR, body=other_subcommittee)
    return user


@pytest.fixture
def member(council, subcommittee):
    user = UserFactory(username="member", last_name="委員", first_name="三郎")
    role_grant(user=user, council=council, kind=RoleKind.MEMBER, body=subcommittee)
    return user


@pytest.fixture
def reviewer(council):
    user = UserFactory(username="reviewer", last_name="福祉課", first_name="桜")
    role_grant(user=user, council=council, kind=RoleKind.REVIEWER)
    return user


@pytest.fixture
def outsider(other_council, other_council_plenary, other_council_subcommittee):
    user = UserFactory(username="outsider", last_name="隣市", first_name="四郎")
    role_grant(user=user, council=other_council, kind=RoleKind.SECRETARIAT)
    return user


@pytest.fixture
def pref_user(pref_council):
    user = UserFactory(username="pref_user", last_name="県庁", first_name="五郎")
    role_grant(user=user, council=pref_council, kind=RoleKind.SECRETARIAT)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


# --- issues --------------------------------------------------------------------


@pytest.fixture
def issue(subcommittee, secretariat):
    """An issue raised in the subcommittee (status 提起)."""
    return RegionalIssueFactory(body=subcommittee, by=secretariat, title="グループホームが不足している")


@pytest.fixture
def plenary_issue(plenary, secretariat):
    """An issue held by the plenary, the top of the tree."""
    return RegionalIssueFactory(body=plenary, by=secretariat, title="相談支援専門員が足りない")
