"""The walks' world (tests/security/test_url_walk.World), built once per module that uses it."""

from __future__ import annotations

import copy

import pytest
from django.test import override_settings

from tests.cast import Cast, module_world
from tests.security.test_url_walk import World

CAST = (
    "council",
    "pref_council",
    "other_council",
    "plenary",
    "steering",
    "subcommittee",
    "other_subcommittee",
    "case_conference",
    "liaison",
    "secretariat",
    "chair",
    "other_chair",
    "member",
    "reviewer",
    "outsider",
    "pref_user",
)


@pytest.fixture(scope="module")
def walk_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, written once for the module and rolled back after it (tests/cast.py); the
    answers only read it, and what a page writes (a pledge version on first view) is undone by
    each test's own savepoint."""
    media = tmp_path_factory.mktemp("walk-media")
    with override_settings(MEDIA_ROOT=media), module_world(django_db_blocker):
        cast = Cast().build(*CAST)
        yield World({name: getattr(cast, name) for name in CAST}, media)


@pytest.fixture
def world(walk_world, db):
    """This test's copy of the module's world (as Django's setUpTestData hands out copies)."""
    with override_settings(MEDIA_ROOT=walk_world.media):
        yield copy.deepcopy(walk_world)
