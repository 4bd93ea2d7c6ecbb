"""Bringing a council's past records in (issue 14): dates without a year, template example rows,
characters lost by CP932, and a preview a clerk can check. Tried on かわせみ町 (tests/worlds),
whose tree, names and years differ from the demo's."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council.models import Membership, Organization, OrganizationKind, Person
from council.services import organization_save
from issues.models import RegionalIssue
from meetings.models import Meeting
from meetings.services import meeting_set_items
from spreadsheets.tables import export_bytes, read_table, run_import, template_bytes
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db


def _run(world, resource, data, *, dry_run=True, fiscal_year=None, filename="x.csv"):
    return run_import(
        resource_name=resource,
        council=world.council,
        data=data,
        filename=filename,
        user=world.users["secretariat"],
        dry_run=dry_run,
        fiscal_year=fiscal_year,
    )


# --- Dates without a year (item 6) --------------------------------------------------------------

YEARLESS_MEETINGS = """会議体,年度,開催日,状態,会場
相談支援部会,令和2年度,7月15日,開催済,町民センター
相談支援部会,令和2年度,２月１８日,開催済,町民センター
就労部会,令和3年度,７／２１,開催済,役場 2階
就労部会,,10月5日,開催済,役場 2階
"""


def test_meeting_dates_without_year_complete_inside_the_rows_or_the_pages_fiscal_year(kawasemi):
    data = csv_bytes(YEARLESS_MEETINGS, "utf-8")
    before = Meeting.objects.count()
    preview = _run(kawasemi, "meetings", data, fiscal_year=2022)
    assert not preview.errors, preview.errors
    assert preview.totals["new"] == 4
    assert Meeting.objects.count() == before  # a preview writes nothing
    notes = {row.line: row.notes for row in preview.rows}
    assert notes[2] == [
        "「開催日」の「7月15日」は年がないため、令和2年度の令和2年7月15日（2020-07-15）として読みました。"
    ]
    assert notes[3] == [
        "「開催日」の「２月１８日」は年がないため、令和2年度の令和3年2月18日（2021-02-18）として読みました。"
    ]
    assert "令和3年度の令和3年7月21日（2021-07-21）" in notes[4][0]
    # No 年度 in the row: the 年度 the page was asked for (令和4年度)
    assert "令和4年度の令和4年10月5日（2022-10-05）" in notes[5][0]

    report = _run(kawasemi, "meetings", data, dry_run=False, fiscal_year=2022)
    assert not report.errors, report.errors
    dates = {
        (m.body.name, m.date, m.fiscal_year)
        for m in Meeting.objects.filter(
            body__council=kawasemi.council, place__in=["町民センター", "役場 2階"]
        )
    }
    assert dates == {
        ("相談支援部会", dt.date(2020, 7, 15), 2020),
        ("相談支援部会", dt.date(2021, 2, 18), 2020),
        ("就労部会", dt.date(2021, 7, 21), 2021),
        ("就労部会", dt.date(2022, 10, 5), 2022),
    }

    # The same file again matches the stored meetings (the date is completed before matching).
    again = _run(kawasemi, "meetings", data, fiscal_year=2022)
    assert not again.errors, again.errors
    assert again.totals == {"new": 0, "update": 0, "skip": 4}


def test_date_without_year_and_no_fiscal_year_is_refused_by_row_and_column(kawasemi):
    data = csv_bytes("会議体,開催日,状態\n相談支援部会,7月15日,開催済\n", "utf-8")
    report = _run(kawasemi, "meetings", data)
    assert report.errors == [
        "2行目「開催日」: 「7月15日」を日付として読めません。年がありません。"
        "「令和2年7月15日」「R2.7.15」のように年も入力してください。"
    ]


def test_member_terms_without_year_use_the_pages_fiscal_year(kawasemi):
    data = csv_bytes("会議体,氏名,任期開始,任期終了\n療育部会,髙橋 誠一,4月1日,3月31日\n", "utf-8")
    refused = _run(kawasemi, "members", data)
    assert any("年がありません" in error for error in refused.errors)
    report = _run(kawasemi, "members", data, dry_run=False, fiscal_year=2024)
    assert not report.errors, report.errors
    membership = Membership.objects.get(body=kawasemi.ryoiku, person__name="髙橋 誠一")
    assert (membership.term_start, membership.term_end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, world, data, *, resource, name="x.csv", **fields):
    return client.post(
        reverse("imports", args=[world.council.slug]),
        {"resource": resource, "file": SimpleUploadedFile(name, data), **fields},
    )


def test_import_page_year_completes_dates_in_preview_and_confirm(client, kawasemi, media_root):
    client.force_login(kawasemi.users["secretariat"])
    page = client.get(reverse("imports", args=[kawasemi.council.slug]) + "?year=2021").content.decode()
    assert (
        '<label class="form-label" for="id_fiscal_year">年の書かれていない日付の年度（任意）</label>' in page
    )
    assert '<option value="2021" selected>令和3年度</option>' in page

    data = csv_bytes("会議体,開催日,状態,会場\n相談支援部会,1月14日,開催済,町民センター\n", "utf-8")
    response = _upload(client, kawasemi, data, resource="meetings", fiscal_year="2021")
    content = response.content.decode()
    assert response.status_code == 200, content
    assert "年の書かれていない日付は、令和3年度の日付として読みます" in content
    assert "「1月14日」は年がないため、令和3年度の令和4年1月14日（2022-01-14）として読みました。" in content
    assert not Meeting.objects.filter(place="町民センター").exists()

    client.post(reverse("import_confirm", args=[kawasemi.council.slug, response.context["token"]]))
    meeting = Meeting.objects.get(place="町民センター")
    assert (meeting.date, meeting.fiscal_year) == (dt.date(2022, 1, 14), 2021)


# --- Template example rows (item 9) -------------------------------------------------------------


@pytest.mark.parametrize("resource", ["organizations", "members", "meetings", "issues"])
def test_template_as_downloaded_imports_nothing(client, kawasemi, media_root, resource):
    client.force_login(kawasemi.users["secretariat"])
    template = client.get(reverse("import_template", args=[kawasemi.council.slug, resource])).content
    sheet = openpyxl.load_workbook(io.BytesIO(template)).active
    assert [sheet["A1"].value, sheet["A2"].value] == ["記入例", "記入例（この行は取り込みません）"]

    counts = _counts()
    response = _upload(client, kawasemi, template, resource=resource, name="template.xlsx")
    report = response.context["report"]
    assert report.errors == [
        "2行目は記入例のため取り込みません。ほかに取り込む行がないため、何も保存していません。"
        "記入例の下の行に入力してください（「記入例」の列が空欄の行を取り込みます）。"
    ]
    assert report.rows == [] and not response.context["token"]  # nothing to confirm
    assert _counts() == counts


def test_template_with_rows_below_the_example_imports_those_rows_only(kawasemi):
    book = openpyxl.load_workbook(io.BytesIO(template_bytes("organizations", council=kawasemi.council)))
    sheet = book.active
    sheet.append([None, "かわせみ就労センター", "雇用・就労支援機関"])
    sheet.append([None, "みどり相談支援センター", "相談支援事業所"])  # the example's name, a real row
    out = io.BytesIO()
    book.save(out)

    report = _run(kawasemi, "organizations", out.getvalue(), dry_run=False, filename="t.xlsx")
    assert not report.errors, report.errors
    assert report.warnings[0] == "2行目は記入例のため取り込みません（「記入例」の列に記入がある行）。"
    assert [(row.line, row.summary) for row in report.rows] == [
        (3, "かわせみ就労センター"),
        (4, "みどり相談支援センター"),
    ]
    assert Organization.objects.filter(council=kawasemi.council, name="かわせみ就労センター").exists()


def _counts():
    return tuple(
        model.objects.count() for model in (Organization, Person, Membership, Meeting, RegionalIssue)
    )


# --- Characters lost by CP932 (item 2) ----------------------------------------------------------


def test_names_garbled_by_cp932_are_flagged_by_row_and_column(kawasemi):
    lost = "𠮷田 花子".encode("cp932", errors="replace").decode("cp932")
    assert lost == "?田 花子"  # what an office program's MS-932 CSV makes of it
    text = (
        "会議体,氏名,所属機関,任期開始\n"
        f"療育部会,{lost},かわせみ町手をつなぐ育成会,令和5年4月1日\n"
        "療育部会,〓橋 健,かわせみ町立かわせみ小学校,令和5年4月1日\n"
        "療育部会,山・由美,かわせみクリニック,令和5年4月1日\n"
        "療育部会,ジョン・スミス,かわせみクリニック,令和5年4月1日\n"
    )
    report = _run(kawasemi, "members", csv_bytes(text, "cp932"))
    assert report.encoding == "cp932" and not report.errors, report.errors
    hint = "Excel で「CSV UTF-8（コンマ区切り）」または「Excel ブック（.xlsx）」で保存し直すと、元の文字のまま取り込めます。"
    assert report.warnings == [
        "2行目「氏名」: 「?田 花子」に文字化けの可能性があります（元の文字がCP932で表せなかった可能性）。"
        "登録済みの「𠮷田 花子」のことかもしれません。" + hint,
        "3行目「氏名」: 「〓橋 健」に文字化けの可能性があります（元の文字がCP932で表せなかった可能性）。"
        "登録済みの「髙橋 健」のことかもしれません。" + hint,
        "4行目「氏名」: 「山・由美」に文字化けの可能性があります（元の文字がCP932で表せなかった可能性）。"
        + hint,
    ]  # 「ジョン・スミス」 is a name, not a lost character


def test_organisation_names_warn_for_question_marks_but_not_for_a_middle_dot(kawasemi):
    text = (
        "機関名,種別\n障害者就業・生活支援センターかわせみ,雇用・就労支援機関\nかわせみ?リニック,医療機関\n"
    )
    report = _run(kawasemi, "organizations", csv_bytes(text, "utf-8"))
    assert report.warnings == [
        "3行目「機関名」: 「かわせみ?リニック」に文字化けの可能性があります（元の文字がCP932で表せなかった可能性）。"
        "登録済みの「かわせみクリニック」のことかもしれません。"
    ]


def test_replacement_character_refuses_the_whole_import(kawasemi):
    text = "会議体,氏名,任期開始\n療育部会,佐藤 一郎,令和5年4月1日\n療育部会,\ufffd田 花子,令和5年4月1日\n"
    counts = _counts()
    report = _run(kawasemi, "members", csv_bytes(text, "utf-8"), dry_run=False)
    assert report.errors == [
        "3行目「氏名」: 「\ufffd田 花子」に文字化けした文字（\ufffd）があります。元の文字が失われているため、取り込めません。"
        "Excel で「CSV UTF-8（コンマ区切り）」または「Excel ブック（.xlsx）」で保存し直すと、元の文字のまま取り込めます。"
    ]
    assert _counts() == counts  # all or nothing: the good row is not written either


ROUND_TRIP = "𠮷 髙 﨑 ① 〜 − — ‖ 😀"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_characters_outside_cp932_survive_export_and_import_exactly(kawasemi, fmt):
    organization_save(council=kawasemi.council, name="﨑①〜−—‖😀の会", kind=OrganizationKind.OTHER)
    meeting = kawasemi.meetings["soudan_r2_2"]
    meeting_set_items(meeting=meeting, texts=[ROUND_TRIP, "−から始まる項目 — 髙橋", "〜😀〜"])
    user = kawasemi.users["secretariat"]
    for resource in ("organizations", "members", "meetings", "issues"):
        data = export_bytes(resource, council=kawasemi.council, user=user, fmt=fmt)
        if resource == "members":
            # The two 佐藤 花子 are told apart by identity keys (issue 14 item 1, not this test).
            data = _without_rows_naming(data, fmt, "佐藤 花子")
        table = read_table(data, f"export.{fmt}")
        cells = {value for row in table.rows for value in row if isinstance(value, str)}
        report = _run(kawasemi, resource, data, filename=f"export.{fmt}")
        assert not report.errors, (resource, report.errors)
        assert not [w for w in report.warnings if "文字化け" in w], report.warnings
        assert report.totals == {"new": 0, "update": 0, "skip": len(table.rows)}, (resource, report.lines())
        if resource == "organizations":
            assert "﨑①〜−—‖😀の会" in cells
        if resource == "members":
            assert {"𠮷田 花子", "髙橋 健", "山﨑 由美"} <= cells
        if resource == "meetings":
            assert f"{ROUND_TRIP}\n−から始まる項目 — 髙橋\n〜😀〜" in cells
    assert list(meeting.items.order_by("position").values_list("text", flat=True)) == [
        ROUND_TRIP,
        "−から始まる項目 — 髙橋",
        "〜😀〜",
    ]


def _without_rows_naming(data: bytes, fmt: str, name: str) -> bytes:
    """The exported file, edited as a clerk would (rows deleted), nothing else touched."""
    if fmt == "csv":
        lines = data.decode("utf-8-sig").split("\r\n")
        return "\r\n".join(line for line in lines if name not in line).encode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    for index in range(sheet.max_row, 1, -1):
        if any(cell.value == name for cell in sheet[index]):
            sheet.delete_rows(index)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- A preview a clerk can check (item 3) -------------------------------------------------------


def test_preview_shows_parsed_values_and_before_after_per_field(client, kawasemi, media_root):
    client.force_login(kawasemi.users["secretariat"])
    # 就労部会's R4 meeting (2022-08-04) moves to 町民センター, with a new date-less … and a new one.
    text = (
        "会議体,年度,開催日,状態,会場,参加人数,取組・検討内容\n"
        "就労部会,令和4年度,R4.8.4,開催済,町民センター,14,・企業見学の報告\n"
        "療育部会,令和5年度,10月6日,開催済,療育センター,,\n"
    )
    response = _upload(client, kawasemi, csv_bytes(text, "cp932"), resource="meetings")
    report = response.context["report"]
    assert not report.errors, report.errors
    changed, new = report.rows
    assert changed.kind == "update" and new.kind == "new"
    assert changed.parsed == [
        ["会議体", "就労部会"],
        ["年度", "令和4年度"],
        ["開催日", "令和4年8月4日（木）／2022-08-04"],
        ["状態", "開催済"],
    ]
    stored = kawasemi.meetings["shuro_r4_1"]
    assert ["会場", stored.place or "（空欄）", "町民センター"] in changed.diffs
    assert [
        "参加人数",
        "（空欄）" if stored.people_count is None else str(stored.people_count),
        "14",
    ] in changed.diffs
    assert new.parsed[2] == ["開催日", "令和5年10月6日（金）／2023-10-06"]
    assert new.diffs == []

    content = response.content.decode()
    assert '<th scope="col">読み取った値</th>' in content
    assert '<th scope="row">3行目</th>' in content
    assert "令和4年8月4日（木）／2022-08-04" in content
    assert '<strong>会場</strong>：<span class="visually-hidden">変更前</span>' in content
    assert '<span class="visually-hidden">変更後</span>町民センター' in content


def test_member_and_issue_previews_show_before_after(kawasemi):
    text = "会議体,氏名,所属機関,役割,任期開始\n就労部会,山﨑 由美,かわせみクリニック,副会長・副部会長,令和2年4月1日\n"
    report = _run(kawasemi, "members", csv_bytes(text, "utf-8"))
    assert not report.errors, report.errors
    (row,) = report.rows
    assert ["任期開始", "令和2年4月1日（水）／2020-04-01"] in row.parsed
    assert row.diffs == [["役割", "委員", "副会長・副部会長"]]
    assert "2行目「役割」: 委員 → 副会長・副部会長" in report.lines()
