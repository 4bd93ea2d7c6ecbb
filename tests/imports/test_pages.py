"""The 取り込み・書き出し pages: secretariat only, preview first, nothing written before 「取り込む」."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Meeting
from tests.imports.conftest import MEETINGS_CSV, csv_bytes


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def _upload(client, council, data, name="meetings.csv", resource="meetings"):
    return client.post(
        reverse("imports", args=[council.slug]),
        {"resource": resource, "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse("imports", args=[c.slug]),
        lambda c: reverse("export", args=[c.slug, "meetings", "xlsx"]),
        lambda c: reverse("import_template", args=[c.slug, "members"]),
    ],
)
def test_permissions(client, council, secretariat, chair, reviewer, outsider, url):
    target = url(council)
    assert client.get(target).status_code == 302  # anonymous → login
    client.force_login(secretariat)
    assert client.get(target).status_code == 200
    for user, expected in ((chair, 403), (reviewer, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(target).status_code == expected


def test_preview_then_confirm(client, council, bodies, secretariat, media_root):
    client.force_login(secretariat)
    response = _upload(client, council, csv_bytes(MEETINGS_CSV, "cp932"))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.totals["new"] == 5 and not report.errors
    assert "取り込む" in response.content.decode()
    assert Meeting.objects.count() == 0  # the preview writes nothing
    token = response.context["token"]

    response = client.get(reverse("import_confirm", args=[council.slug, token]))
    assert response.status_code == 405

    response = client.post(reverse("import_confirm", args=[council.slug, token]))
    assert response.status_code == 302
    assert Meeting.objects.count() == 5
    assert not list(Path(media_root, "imports").glob("*.bin"))  # the upload is gone


def test_preview_lists_errors_and_offers_no_import(client, council, bodies, secretariat, media_root):
    client.force_login(secretariat)
    broken = MEETINGS_CSV.replace("R6.7.15", "令和6年13月1日").replace("市民会館,予定", "市民会館,延期")
    response = _upload(client, council, csv_bytes(broken, "cp932"))
    page = response.content.decode()
    assert "3行目「開催日」: 「令和6年13月1日」を日付として読めません" in page
    assert "6行目「状態」: 「延期」は選べません" in page
    assert response.context["token"] == "" and "import_confirm" not in page
    assert not list(Path(media_root, "imports").glob("*.bin"))


def test_token_is_bound_to_user_and_council(
    client, council, bodies, secretariat, superuser, outsider, other_council
):
    client.force_login(secretariat)
    token = _upload(client, council, csv_bytes(MEETINGS_CSV, "utf-8")).context["token"]
    client.force_login(superuser)  # may open every council, but did not upload this file
    assert client.post(reverse("import_confirm", args=[council.slug, token])).status_code == 404
    client.force_login(outsider)
    assert client.post(reverse("import_confirm", args=[other_council.slug, token])).status_code == 404
    assert client.post(reverse("import_confirm", args=[council.slug, token])).status_code == 404
    assert Meeting.objects.count() == 0


def test_exports_and_template(client, council, bodies, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("export", args=[council.slug, "meetings", "csv"]))
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    response = client.get(reverse("export", args=[council.slug, "meetings", "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.active[1]][:4] == ["会議体", "年度", "回次", "開催日"]
    assert client.get(reverse("export", args=[council.slug, "nothing", "xlsx"])).status_code == 404
    assert client.get(reverse("export", args=[council.slug, "meetings", "pdf"])).status_code == 404
    response = client.get(reverse("import_template", args=[council.slug, "members"]))
    assert response.status_code == 200


def test_nav_link_for_secretariat_only(client, council, bodies, secretariat, chair):
    client.force_login(secretariat)
    assert "取り込み・書き出し" in client.get(reverse("council_home", args=[council.slug])).content.decode()
    client.force_login(chair)
    assert (
        "取り込み・書き出し" not in client.get(reverse("council_home", args=[council.slug])).content.decode()
    )
