"""取り込み・書き出し in the admin (spreadsheets.admin_mixins): the same resources, preview and errors as the
secretariat's page, all or nothing, and never another council's records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council.models import Organization, Person
from issues.models import RegionalIssue
from meetings.models import Meeting
from spreadsheets.admin_mixins import admin_councils
from spreadsheets.tables import read_table
from tests.factories import MeetingFactory
from tests.imports.conftest import MEETINGS_CSV, MEMBERS_CSV, csv_bytes

BROKEN = MEETINGS_CSV.replace("R6.7.15", "令和6年13月1日").replace("市民会館,予定", "市民会館,延期")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def _url(view: str, model: str = "meetings_meeting") -> str:
    return reverse(f"admin:{model}_{view}")


def _upload(client, council_id, text=MEETINGS_CSV, model="meetings_meeting", encoding="cp932"):
    return client.post(
        _url("import", model),
        {"council": council_id, "file": SimpleUploadedFile("records.csv", csv_bytes(text, encoding))},
    )


@pytest.mark.parametrize(
    "model", ["meetings_meeting", "council_organization", "council_person", "issues_regionalissue"]
)
def test_change_list_has_both_buttons(client, council, secretariat, model):
    client.force_login(secretariat)
    text = client.get(_url("changelist", model)).content.decode()
    assert f'href="{_url("import", model)}" class="import_link">取り込み</a>' in text
    assert f'href="{_url("export", model)}" class="export_link">書き出し</a>' in text


def test_preview_then_confirm(client, council, other_council, bodies, secretariat, media_root):
    client.force_login(secretariat)
    page = client.get(_url("import"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["council"].choices) == [(council.pk, council.name)]

    response = _upload(client, council.pk)
    assert response.status_code == 200
    text = response.content.decode()
    assert "新規 <strong>5</strong>件" in text and "相談支援部会 第1回" in text
    assert "（文字コード：Shift_JIS）" in text
    assert Meeting.objects.count() == 0  # nothing written before 「取り込む」
    confirm = response.context["confirm_form"]
    token = confirm.initial["token"]

    response = client.post(_url("process_import"), {"council": council.pk, "token": token})
    assert response.status_code == 302 and response["Location"] == _url("changelist")
    assert Meeting.objects.filter(body__council=council).count() == 5
    assert not list(Path(media_root, "imports").glob(f"{token}*"))  # the upload is gone
    assert "会議を取り込みました（新規 5件" in client.get(response["Location"]).content.decode()

    # The same file again changes nothing.
    again = _upload(client, council.pk)
    assert again.context["report"].totals == {"new": 0, "update": 0, "skip": 5}


def test_errors_by_row_in_japanese_and_nothing_written(client, council, bodies, secretariat):
    client.force_login(secretariat)
    response = _upload(client, council.pk, BROKEN)
    text = response.content.decode()
    assert "3行目「開催日」: 「令和6年13月1日」を日付として読めません" in text
    assert "6行目「状態」: 「延期」は選べません" in text
    assert response.context["confirm_form"] is None and "process_import" not in text
    assert Meeting.objects.count() == 0


def test_another_council_is_refused(
    client, council, other_council, other_council_plenary, bodies, secretariat, outsider
):
    client.force_login(secretariat)
    # Not offered, and refused when posted anyway: nothing read, nothing stored.
    response = _upload(client, other_council.pk, "会議体,開催日\n全体会,2024/6/1\n", encoding="utf-8")
    assert response.status_code == 400 and "council" in response.context["form"].errors
    assert Meeting.objects.count() == 0

    # A token made for this council cannot be confirmed by another council's secretariat …
    token = _upload(client, council.pk).context["confirm_form"].initial["token"]
    client.force_login(outsider)
    response = client.post(_url("process_import"), {"council": council.pk, "token": token})
    assert response.status_code == 302 and Meeting.objects.count() == 0
    # … nor for their own council (the token is bound to the user and the council it was made for).
    response = client.post(_url("process_import"), {"council": other_council.pk, "token": token})
    assert response.status_code == 404 and Meeting.objects.count() == 0

    # Export: another council's id is an invalid choice too.
    client.force_login(secretariat)
    response = client.post(_url("export"), {"council": other_council.pk, "format": "csv"})
    assert response.status_code == 400 and "council" in response.context["form"].errors


def test_export_has_only_own_councils_rows(
    client, council, other_council, other_council_plenary, bodies, secretariat
):
    MeetingFactory(body=bodies[1], date=dt.date(2024, 5, 20), fiscal_year=2024, place="みどり市役所")
    MeetingFactory(
        body=other_council_plenary, date=dt.date(2024, 5, 21), fiscal_year=2024, place="よその市役所"
    )
    client.force_login(secretariat)
    assert client.get(_url("export")).status_code == 200
    response = client.post(_url("export"), {"council": council.pk, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = read_table(
        b"".join(response.streaming_content) if response.streaming else response.content, "m.csv"
    )
    places = [row[table.headers.index("会場")] for row in table.rows]
    assert places == ["みどり市役所"]

    response = client.post(_url("export"), {"council": council.pk, "format": "xlsx"})
    assert response.content.startswith(b"PK")
    assert len(read_table(response.content, "m.xlsx").rows) == 1


def test_other_resources_through_their_admins(client, council, bodies, organizations, secretariat, issue):
    client.force_login(secretariat)
    response = _upload(client, council.pk, MEMBERS_CSV, model="council_person")
    assert response.context["report"].totals["new"] == 3, response.context["report"].lines()
    token = response.context["confirm_form"].initial["token"]
    assert (
        client.post(
            _url("process_import", "council_person"), {"council": council.pk, "token": token}
        ).status_code
        == 302
    )
    assert Person.objects.filter(council=council, name="山田 太郎").exists()

    # A members file posted to the meetings admin is checked as meetings (its own resource).
    response = _upload(client, council.pk, MEMBERS_CSV)
    assert response.context["report"].has_errors and response.context["confirm_form"] is None

    organizations_csv = "機関名,種別\nあおぞら就労センター,雇用・就労支援機関\n"
    response = _upload(client, council.pk, organizations_csv, model="council_organization")
    assert response.context["report"].totals["new"] == 1

    export = client.post(_url("export", "issues_regionalissue"), {"council": council.pk, "format": "csv"})
    titles = [row[0] for row in read_table(export.content, "i.csv").rows]
    assert titles == list(RegionalIssue.objects.filter(council=council).values_list("title", flat=True))
    assert Organization.objects.filter(name="あおぞら就労センター").count() == 0  # previewed only


def test_template_download(client, council, secretariat):
    client.force_login(secretariat)
    response = client.get(_url("import_template"))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert read_table(response.content, "t.xlsx").headers[:3] == ["記入例", "会議体", "年度"]


def test_superuser_chooses_among_all_councils(client, council, other_council, superuser):
    client.force_login(superuser)
    choices = dict(client.get(_url("import")).context["form"].fields["council"].choices)
    assert council.pk in choices and other_council.pk in choices


def test_change_list_query_count(client, council, bodies, secretariat, django_assert_num_queries):
    client.force_login(secretariat)
    client.get(_url("changelist"))  # warm the caches (content types, permissions)
    with django_assert_num_queries(13):
        assert client.get(_url("changelist")).status_code == 200


def test_councils_read_once_per_request(rf, council, other_council, secretariat, django_assert_num_queries):
    request = rf.get("/")
    request.user = secretariat
    with django_assert_num_queries(3):  # the user's roles (granted, from memberships), then the councils
        assert admin_councils(request) == [council]
        assert admin_councils(request) == [council]  # both buttons: no second read
