"""Large files (above LARGE_IMPORT_ROWS): previewed and imported by the Celery task, with progress.

The threshold is lowered to 3 rows so the 5-row sample is "large"; the task is called directly
and through the pages with Celery eager (as in the embedded default).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from meetings.models import Meeting
from spreadsheets import tables as spreadsheets
from spreadsheets.tasks import import_spreadsheet, read_state, write_state
from spreadsheets.views import _store_upload
from tests.imports.conftest import MEETINGS_CSV, csv_bytes

BROKEN = MEETINGS_CSV.replace("R6.7.15", "令和6年13月1日").replace("市民会館,予定", "市民会館,延期")


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(spreadsheets, "LARGE_IMPORT_ROWS", 3)
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield tmp_path
    celery_app.conf.task_always_eager = before


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def _stored(council, user, text=MEETINGS_CSV):
    return _store_upload(
        data=csv_bytes(text, "cp932"),
        user_id=user.pk,
        council_id=council.pk,
        resource="meetings",
        filename="meetings.csv",
        large=True,
    )


def test_threshold():
    assert spreadsheets.is_large(csv_bytes(MEETINGS_CSV, "cp932"))  # 5 rows > 3
    assert not spreadsheets.is_large(b"\xe4\xbc\x9a\xe8\xad\xb0\xe4\xbd\x93\r\nA\r\nB\r\n")


def test_progress_is_reported(council, bodies, monkeypatch):
    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 2)
    calls = []
    report = spreadsheets.run_import(
        resource_name="meetings",
        council=council,
        data=csv_bytes(MEETINGS_CSV, "cp932"),
        dry_run=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert not report.errors and calls[0] == (0, 5) and calls[-1] == (5, 5)
    assert (2, 5) in calls and (4, 5) in calls


def test_task_previews_then_imports(council, bodies, secretariat, small_threshold):
    token = _stored(council, secretariat)
    import_spreadsheet(token, "preview")
    state = read_state(token)
    assert state["phase"] == "preview" and state["status"] == "done"
    assert state["done"] == state["total"] == 5
    assert state["report"]["dry_run"] and not state["report"]["errors"]
    assert len(state["report"]["rows"]) == 5 and Meeting.objects.count() == 0

    import_spreadsheet(token, "import")
    state = read_state(token)
    assert state["phase"] == "import" and state["status"] == "done" and state["done"] == 5
    assert Meeting.objects.count() == 5

    # A redelivered message finds the phase claimed and does nothing.
    write_state(token, **{**state, "status": "sentinel"})
    import_spreadsheet(token, "import")
    assert read_state(token)["status"] == "sentinel" and Meeting.objects.count() == 5


def test_task_reports_errors_by_row_and_writes_nothing(council, bodies, secretariat):
    token = _stored(council, secretariat, BROKEN)
    import_spreadsheet(token, "import")  # even straight to the import: all or nothing
    errors = read_state(token)["report"]["errors"]
    assert any(e.startswith("3行目「開催日」: 「令和6年13月1日」を日付として読めません") for e in errors)
    assert any(e.startswith("6行目「状態」: 「延期」は選べません") for e in errors)
    assert Meeting.objects.count() == 0
    small = spreadsheets.run_import(
        resource_name="meetings", council=council, data=csv_bytes(BROKEN, "cp932"), dry_run=True
    )
    assert errors == small.errors  # the same report as the request path


def test_pages_eager(
    client, council, bodies, secretariat, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("imports", args=[council.slug])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"resource": "meetings", "file": _file(MEETINGS_CSV)})
    assert response.status_code == 302 and "?job=" in response["Location"] and len(callbacks) == 1
    token = response["Location"].split("?job=")[1]

    response = client.get(response["Location"])
    assert response.status_code == 200 and response.context["report"].totals["new"] == 5
    assert response.context["token"] == token and "取り込む" in response.content.decode()
    assert Meeting.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_confirm", args=[council.slug, token]))
    assert response.status_code == 302
    assert Meeting.objects.count() == 5
    with django_capture_on_commit_callbacks(execute=True):  # a second click queues nothing more
        assert client.post(reverse("import_confirm", args=[council.slug, token])).status_code == 302
    response = client.get(f"{url}?job={token}")
    assert response.status_code == 302 and response["Location"] == url
    assert "会議を取り込みました（新規 5件" in client.get(url).content.decode()
    assert not list(Path(small_threshold, "imports").glob(f"{token}*"))  # upload and state are gone
    assert Meeting.objects.count() == 5


def test_pages_show_errors_by_row(
    client, council, bodies, secretariat, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports", args=[council.slug]), {"resource": "meetings", "file": _file(BROKEN)}
        )
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "3行目「開催日」: 「令和6年13月1日」を日付として読めません" in text
    assert "6行目「状態」: 「延期」は選べません" in text
    assert page.context["token"] == "" and "import_confirm" not in text
    assert not list(Path(small_threshold, "imports").glob("*.bin")) and Meeting.objects.count() == 0


def test_progress_page(client, council, bodies, secretariat, chair, superuser):
    token = _stored(council, secretariat)
    write_state(token, phase="preview", status="running", done=2, total=5, report=None)
    client.force_login(secretariat)
    url = f"{reverse('imports', args=[council.slug])}?job={token}"
    response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in text
    assert "<strong>2</strong> / 5行（40%）" in text
    assert "<script>" not in text  # no inline script: the meta refresh reloads it
    # Confirming before the preview is done queues nothing.
    assert client.post(reverse("import_confirm", args=[council.slug, token])).status_code == 302
    assert read_state(token)["phase"] == "preview"
    client.force_login(superuser)  # did not upload this file
    assert client.get(url).status_code == 404
    client.force_login(chair)
    assert client.get(url).status_code == 403


def test_failed_task_is_shown(client, council, bodies, secretariat, monkeypatch):
    token = _stored(council, secretariat)

    def boom(**kwargs):
        raise RuntimeError("disk")

    monkeypatch.setattr("spreadsheets.tasks.run_import", boom)
    import_spreadsheet(token, "preview")
    assert read_state(token)["status"] == "failed"
    client.force_login(secretariat)
    response = client.get(f"{reverse('imports', args=[council.slug])}?job={token}")
    assert response.status_code == 500 and "何も保存していません" in response.content.decode()


def _file(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("meetings.csv", csv_bytes(text, "cp932"))


def test_meta_records_large(council, secretariat, small_threshold):
    token = _stored(council, secretariat)
    meta = json.loads(Path(small_threshold, "imports", f"{token}.json").read_text(encoding="utf-8"))
    assert meta["large"] is True


def test_task_completes_dates_without_year_in_the_pages_fiscal_year(council, bodies, secretariat):
    text = "会議体,開催日,状態\n" + "".join(f"相談支援部会,{month}月10日,開催済\n" for month in (5, 6, 7, 1))
    token = _store_upload(
        data=csv_bytes(text, "utf-8"),
        user_id=secretariat.pk,
        council_id=council.pk,
        resource="meetings",
        filename="meetings.csv",
        large=True,
        fiscal_year=2023,
    )
    import_spreadsheet(token, "preview")
    report = read_state(token)["report"]
    assert not report["errors"], report["errors"]
    assert "令和5年度の令和6年1月10日（2024-01-10）として読みました。" in report["rows"][3]["notes"][0]
    import_spreadsheet(token, "import")
    assert sorted(Meeting.objects.values_list("date", flat=True)) == [
        dt.date(2023, 5, 10),
        dt.date(2023, 6, 10),
        dt.date(2023, 7, 10),
        dt.date(2024, 1, 10),
    ]
