"""Large imports always end: a worker that died mid-import, a broker that cannot be reached."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse

from meetings.models import Meeting
from spreadsheets import tables as spreadsheets
from spreadsheets.tasks import (
    DISPATCH_FAILED_MESSAGE,
    STALE_AFTER_SECONDS,
    WORKER_LOST_MESSAGE,
    _state_path,
    claim,
    import_queue,
    import_spreadsheet,
    read_state,
    write_state,
)
from tests.brokers import unreachable_broker
from tests.imports.test_large import _stored


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(spreadsheets, "LARGE_IMPORT_ROWS", 3)


def test_the_redelivered_message_of_a_dead_worker_imports(council, plenary, subcommittee, secretariat):
    token = _stored(council, secretariat)
    # What a killed worker leaves: the phase claimed by its message, the state running.
    assert claim(token, "import", "message-1")
    write_state(token, phase="import", status="running", done=2, total=5, report=None)
    import_spreadsheet.apply(args=[token, "import"], task_id="another-message")
    assert read_state(token)["status"] == "running" and Meeting.objects.count() == 0
    import_spreadsheet.apply(args=[token, "import"], task_id="message-1")
    state = read_state(token)
    assert state["status"] == "done" and Meeting.objects.count() == 5


def test_a_stalled_job_is_failed_and_its_page_says_so(council, plenary, subcommittee, secretariat, client):
    token = _stored(council, secretariat)
    write_state(token, phase="preview", status="running", done=2, total=5, report=None)
    assert read_state(token)["status"] == "running"
    # The worker died: its last progress step is older than the patience of the page.
    raw = json.loads(_state_path(token).read_text(encoding="utf-8"))
    raw["updated"] -= STALE_AFTER_SECONDS + 1
    _state_path(token).write_text(json.dumps(raw), encoding="utf-8")
    state = read_state(token)
    assert state["status"] == "failed" and state["error"] == WORKER_LOST_MESSAGE
    client.force_login(secretariat)
    page = client.get(reverse("imports", args=[council.slug]), {"job": token})
    assert WORKER_LOST_MESSAGE in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_broker_fails_the_job_with_a_japanese_message(council, secretariat):
    token = _stored(council, secretariat)
    with unreachable_broker():
        with transaction.atomic():
            import_queue(token, "preview")
        state = read_state(token)
    assert state["status"] == "failed" and state["error"] == DISPATCH_FAILED_MESSAGE
