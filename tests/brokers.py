"""A broker that cannot be reached, for the fault tests of the jobs."""

from __future__ import annotations

import contextlib

from config.celery import app


@contextlib.contextmanager
def unreachable_broker():
    """The web process pointed at a closed port (nothing listens on 127.0.0.1:9)."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved
