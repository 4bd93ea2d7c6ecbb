from __future__ import annotations

import datetime as dt

import pytest

from config.celery import app as celery_app
from tests.factories import MeetingFactory, MembershipFactory, PersonFactory

FY = 2020


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_celery(settings):
    """Approval renders a PDF: run it in-process even when REDIS_URL is set."""
    before = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def people(council, subcommittee):
    first = PersonFactory(council=council, name="山川 一子", name_kana="やまかわ")
    second = PersonFactory(council=council, name="海野 二郎", name_kana="うみの")
    for person in (first, second):
        MembershipFactory(body=subcommittee, person=person, term_start=dt.date(2019, 4, 1))
    return [first, second]


@pytest.fixture
def held_meetings(subcommittee):
    return [
        MeetingFactory(body=subcommittee, date=day, status="held", items=[f"{day.month}月の検討をした。"])
        for day in (dt.date(2020, 7, 9), dt.date(2020, 11, 30), dt.date(2021, 2, 18))
    ]
