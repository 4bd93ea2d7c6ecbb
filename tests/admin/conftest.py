from __future__ import annotations

import pghistory.models
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from council.models import Council
from demo import builder as demo_builder
from privacy.services import pledge_confirm


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo councils, built once per test module and removed afterwards (each test still runs
    in its own rolled-back transaction on top of them)."""
    with django_db_blocker.unblock():
        demo_builder.load(scale=1)
        yield
        demo_builder.reset()
        _forget_history()


def _forget_history() -> None:
    """Empty the audit event tables after a module's demo (test database only).

    The events of loading and removing the demo outlive ``reset()`` (the tables are append-only), so
    every module using it would leave thousands of events behind for the modules after it."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in apps.get_models() if issubclass(m, pghistory.models.Event)]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables))


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
