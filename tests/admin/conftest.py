from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from council import demo as demo_builder
from council.models import Council
from privacy.services import pledge_confirm


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo councils, built once per test module and removed afterwards (each test still runs
    in its own rolled-back transaction on top of them)."""
    with django_db_blocker.unblock():
        demo_builder.load(scale=1)
        yield
        demo_builder.reset()


@pytest.fixture
def demo(demo_data, db):
    return Council.objects.get(slug="demo")


@pytest.fixture
def demo_secretariat(demo):
    user = get_user_model().objects.get(username="demo-secretariat")
    # 守秘義務: confirmed, so the admin shows the case conferences' records too (privacy app).
    pledge_confirm(user=user, council=demo)
    return user


@pytest.fixture
def secretariat_client(client, demo_secretariat):
    client.force_login(demo_secretariat)
    return client
