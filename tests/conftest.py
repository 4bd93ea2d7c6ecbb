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

A second council, ``kawasemi`` (かわせみ町, ``tests/worlds/kawasemi.py``), differs from the demo on
purpose: a 調整会議, a 全体会議 with 総会 and 臨時会議, bodies renamed, paused and ended, people who
share a name, five past years entered today. Try every feature against it too.

Each member is built by ``tests/cast.py`` on first use, with what it needs. A module whose tests
only read a large world can build it once for the module by overriding ``cast`` with a fork of a
module-scoped ``Cast`` (see ``tests/cast.py`` and ``tests/council/test_access.py``).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.cast import Cast


@pytest.fixture(scope="session", autouse=True)
def record_test_db_vendor() -> None:
    """Write which database the suite ran on, so CI can check it was PostgreSQL."""
    from django.db import connection

    target = Path(settings.BASE_DIR) / "var" / "test-db-vendor"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"{connection.vendor}\n", encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def private_task_queue():
    """Tasks of this test run go to a queue of its own, so that a worker left running on the same
    Redis database (a developer's scripts/worker, another run) never takes a test's message."""
    from config.celery import app

    before = app.conf.task_default_queue
    app.conf.task_default_queue = f"kyogikai-test-{uuid.uuid4().hex[:12]}"
    yield
    app.conf.task_default_queue = before


@pytest.fixture(scope="session", autouse=True)
def private_cache():
    """Each test process counts in its own memory, not in the Redis or files the site would share."""
    from django.test import override_settings

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        yield


@pytest.fixture(autouse=True)
def empty_cache(private_cache):
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """PBKDF2 costs ~0.3 s a user; the cast alone has eight. Tests need no strong hashes."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def cast(db):
    """This test's standing cast (``tests/cast.py``); a module may override it to build it once."""
    return Cast()


# --- councils -----------------------------------------------------------------------------


@pytest.fixture
def pref_council(cast):
    return cast.pref_council


@pytest.fixture
def council(cast):
    return cast.council


@pytest.fixture
def other_council(cast):
    return cast.other_council


@pytest.fixture
def kawasemi(db):
    """かわせみ町, the second fictional council (``tests/worlds/kawasemi.py``): a 調整会議, a
    全体会議 with 総会 and 臨時会議, bodies renamed, paused and ended, people who share a name, and
    five past years entered today."""
    from tests.worlds.kawasemi import build_kawasemi

    return build_kawasemi()


# --- bodies -------------------------------------------------------------------------------


@pytest.fixture
def plenary(cast):
    return cast.plenary


@pytest.fixture
def steering(cast):
    return cast.steering


@pytest.fixture
def subcommittee(cast):
    return cast.subcommittee


@pytest.fixture
def other_subcommittee(cast):
    return cast.other_subcommittee


@pytest.fixture
def case_conference(cast):
    return cast.case_conference


@pytest.fixture
def liaison(cast):
    return cast.liaison


@pytest.fixture
def other_council_plenary(cast):
    return cast.other_council_plenary


@pytest.fixture
def other_council_subcommittee(cast):
    return cast.other_council_subcommittee


# --- users --------------------------------------------------------------------------------


@pytest.fixture
def secretariat(cast):
    return cast.secretariat


@pytest.fixture
def chair(cast):
    return cast.chair


@pytest.fixture
def other_chair(cast):
    return cast.other_chair


@pytest.fixture
def member(cast):
    return cast.member


@pytest.fixture
def reviewer(cast):
    return cast.reviewer


@pytest.fixture
def outsider(cast):
    return cast.outsider


@pytest.fixture
def pref_user(cast):
    return cast.pref_user


@pytest.fixture
def superuser(cast):
    return cast.superuser


# --- issues -------------------------------------------------------------------------------


@pytest.fixture
def issue(cast):
    """An issue raised in the subcommittee (status 提起)."""
    return cast.issue


@pytest.fixture
def plenary_issue(cast):
    """An issue held by the plenary, the top of the tree."""
    return cast.plenary_issue


# --- markers of the slow groups ----------------------------------------------------------------


def pytest_collection_modifyitems(items):
    """``fuzz`` for everything under tests/fuzz, ``demo`` for tests on the admin's demo councils
    (``demo_data``); ``e2e``, ``worker`` and the load_demo tests mark themselves."""
    for item in items:
        path = str(item.path)
        if "/tests/fuzz/" in path:
            item.add_marker(pytest.mark.fuzz)
        if "demo_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.demo)
        if item.get_closest_marker("worker"):
            # scripts/test runs the suite in two processes (pytest-xdist, --dist loadgroup): the
            # real-worker tests share one Redis queue, so they run one after the other in one process.
            item.add_marker(pytest.mark.xdist_group("real-worker"))
