"""``manage.py load_demo`` at scale 2 and on today's date (each on an empty database).

The builds at scale 1 on the pinned day are in ``test_load_demo.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from council.models import Body, Council, Person, Role
from demo import builder as demo_builder
from issues.models import RegionalIssue
from meetings.models import Meeting
from tests.cast import module_world
from tests.council.load_demo_kit import CURRENT, run

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

REFERENCE_DIR = Path("/work/shared/reference")
# Names in the real records of the reference set (family names; the 事務局 ones carry no 様) and the
# real places: none may appear in the demo.
REAL_NAMES = [
    "佐々木",
    "高橋",
    "滝澤",
    "今井",
    "山田",
    "斎藤",
    "近藤",
    "布川",
    "川崎",
    "清水",
    "稲川",
    "長谷川",
]
REAL_PLACES = ["長岡", "中之島", "こしじ", "越路", "ふかさわ", "田宮", "新潟"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_default_today_runs():
    """Without a pinned day the command uses today (as scripts/start does)."""
    run(today=None)
    assert Meeting.objects.filter(body__council__slug=demo_builder.MAIN_SLUG).exists()


# --- fictional names only ------------------------------------------------------------------------


def _reference_names() -> set[str]:
    names = set(REAL_NAMES)
    if REFERENCE_DIR.is_dir():
        for path in REFERENCE_DIR.glob("*.md"):
            text = path.read_text(encoding="utf-8")
            names |= set(re.findall(r"([一-龥々ヶ]{1,4})様", text))
    return names


@pytest.fixture(scope="class")
def scale_two_demo(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker):
        yield run(scale=2)


@pytest.fixture
def scale_two(scale_two_demo, db):
    return scale_two_demo


class TestScaleTwo:
    """One ``load_demo --scale 2`` for the tests of this class, rolled back after the class (so the
    test above always starts from an empty database, whatever the order)."""

    def test_scale_two_makes_two_councils_and_more_years(self, scale_two):
        councils = Council.objects.filter(slug__in=["demo", "demo-2"]).order_by("slug")
        assert [c.slug for c in councils] == ["demo", "demo-2"]
        assert councils[0].name != councils[1].name
        assert {c.parent.slug for c in councils} == {demo_builder.PREF_SLUG}
        for council in councils:
            years = set(Meeting.objects.filter(body__council=council).values_list("fiscal_year", flat=True))
            assert years == {CURRENT - 2, CURRENT - 1, CURRENT}
            assert RegionalIssue.objects.filter(council=council).count() >= 15
        # Users belong to the first council only.
        assert not Role.objects.filter(council__slug="demo-2").exists()

    def test_no_real_names_in_the_demo(self, scale_two):
        names = _reference_names()
        assert {"佐々木", "高橋", "滝澤"} <= names
        people = list(Person.objects.values_list("name", flat=True))
        assert len(people) > 80
        for person in people:
            assert not any(n in person for n in names), person
        texts = (
            list(Council.objects.values_list("name", flat=True))
            + list(Council.objects.values_list("municipality", flat=True))
            + list(Body.objects.values_list("name", flat=True))
            + list(apps.get_model("council", "Organization").objects.values_list("name", flat=True))
            + list(RegionalIssue.objects.values_list("title", flat=True))
            + list(RegionalIssue.objects.values_list("background", flat=True))
            + list(apps.get_model("meetings", "MeetingItem").objects.values_list("text", flat=True))
            + list(get_user_model().objects.values_list("last_name", flat=True))
        )
        for text in texts:
            assert not any(place in text for place in REAL_PLACES), text
            assert not any(n in text for n in REAL_NAMES), text
