"""Cancelling a large import (「取り消す」 on its progress page): a queued phase at once, a running
one at the worker's next check (between rows, and just before the commit); the phase ends
``cancelled`` with a Japanese message, and the import's transaction is rolled back."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.celery import app
from meetings.models import Meeting
from spreadsheets import tables as spreadsheets
from spreadsheets.tasks import CANCELLED_MESSAGE, import_cancel, import_spreadsheet, read_state, write_state
from spreadsheets.views import _store_upload
from tests.imports import test_import_worker
from tests.imports.conftest import MEETINGS_CSV, csv_bytes
from tests.imports.test_import_worker import ROWS, _file, real_queue  # noqa: F401 (the fixture)


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def _stored(council, user) -> str:
    return _store_upload(
        data=csv_bytes(MEETINGS_CSV, "cp932"),
        user_id=user.pk,
        council_id=council.pk,
        resource="meetings",
        filename="meetings.csv",
        large=True,
    )


def test_the_check_before_the_commit_rolls_back_rows_already_written(council, bodies):
    written = []

    def stop() -> bool:  # asked once, before the commit, after the meetings are written
        written.append(Meeting.objects.filter(body__council=council).count())
        return True

    with pytest.raises(spreadsheets.ImportCancelled):
        spreadsheets.run_import(
            resource_name="meetings",
            council=council,
            data=csv_bytes(MEETINGS_CSV, "cp932"),
            dry_run=False,
            should_stop=stop,
        )
    assert written == [5]  # inside the transaction, before the rollback
    assert Meeting.objects.count() == 0


def test_a_queued_import_is_cancelled_from_its_page(client, council, bodies, secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    token = _stored(council, secretariat)
    write_state(token, phase="import", status="queued", done=0, total=0, report=None)
    client.force_login(secretariat)
    job_url = f"{reverse('imports', args=[council.slug])}?job={token}"
    assert "取り消す</button>" in client.get(job_url).content.decode()
    response = client.post(reverse("import_cancel", args=[council.slug, token]), follow=True)
    assert response.status_code == 200 and CANCELLED_MESSAGE in response.content.decode()
    import_spreadsheet(token, "import")  # its message arrives later: nothing is imported
    assert Meeting.objects.count() == 0
    assert not (tmp_path / "imports" / f"{token}.bin").exists()  # the page forgot the upload
    assert not import_cancel(token)


def test_others_may_not_cancel(client, council, bodies, secretariat, chair, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    token = _stored(council, secretariat)
    write_state(token, phase="preview", status="queued", done=0, total=0, report=None)
    for user, status in ((chair, 403), (outsider, 404)):
        client.force_login(user)
        assert client.post(reverse("import_cancel", args=[council.slug, token])).status_code == status
    client.force_login(secretariat)
    assert client.get(reverse("import_cancel", args=[council.slug, token])).status_code == 405
    assert read_state(token)["status"] == "queued"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL が未設定のため、実際のワーカーの試験は行いません。"
)
def test_a_running_import_is_cancelled_through_a_real_worker(
    real_queue,  # noqa: F811
    client,
    council,
    plenary,
    subcommittee,
    secretariat,
    monkeypatch,
):
    # Twice the worker test's file: on a loaded machine 2,500 rows could all be saved between
    # the first progress report and the cancel, and the run would end 「完了」 instead.
    rows = ROWS * 2  # (the generated dates stay valid 和暦 up to about 6,900 rows)
    monkeypatch.setattr(test_import_worker, "ROWS", rows)
    client.force_login(secretariat)
    url = reverse("imports", args=[council.slug])
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        response = client.post(url, {"resource": "meetings", "file": SimpleUploadedFile("m.csv", _file())})
        token = response["Location"].split("?job=")[1]
        state = _wait(token, lambda s: s.get("phase") == "preview" and s["status"] == "done")
        assert not state["report"]["errors"]
        client.post(reverse("import_confirm", args=[council.slug, token]))
        state = _wait(
            token, lambda s: s.get("phase") == "import" and s["status"] == "running" and s["done"] > 0
        )
        assert state["done"] < rows
        assert client.post(reverse("import_cancel", args=[council.slug, token])).status_code == 302
        state = _wait(token, lambda s: s["status"] != "running")
    assert state["status"] == "cancelled" and state["error"] == CANCELLED_MESSAGE
    assert Meeting.objects.filter(body__council=council).count() == 0  # rolled back: all or nothing
    page = client.get(response["Location"])
    assert page.status_code == 200 and CANCELLED_MESSAGE in page.content.decode()


def _wait(token: str, done, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read_state(token) or {}
        if state and done(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"not reached in {timeout} s: {read_state(token)}")


def test_a_running_import_shows_that_it_is_stopping(client, council, bodies, secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    token = _stored(council, secretariat)
    write_state(token, phase="import", status="running", done=200, total=5000, report=None)
    assert import_cancel(token)
    client.force_login(secretariat)
    page = client.get(f"{reverse('imports', args=[council.slug])}?job={token}").content.decode()
    assert "取り消しています。処理中の行で止めて、何も保存せずに終わります" in page
    assert "取り消す</button>" not in page
    assert read_state(token)["status"] == "running"  # until its worker checks
