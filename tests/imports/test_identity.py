"""Identity that never merges by accident (issue 14, item 1), tried on かわせみ町 with rosters
listed by surname, through the real 取り込み pages: upload → preview → 「取り込む」.

- A roster row whose name matches a stored person but whose 所属機関 (or ふりがな) differs is a
  decision of that row (「同じ人（所属を変更）」 / 「別の人として追加」), never applied silently;
- two stored people of one name (佐藤 花子 of the center and of the town office) are told apart
  by the row's 所属機関;
- exports carry a stable key (「ID」, members 「人物ID」) that imports match on first; a key this
  council does not have is an error of that row and column.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council.models import Membership, Organization, Person
from council.services import council_save, organization_save, person_save
from issues.models import RegionalIssue
from meetings.models import Meeting
from spreadsheets.tables import export_bytes, run_import
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = "会議体,氏名,ふりがな,所属機関,役割,事務局,任期開始,任期終了\n"

# 相談支援部会's roster, listed by surname as real 部会員 lists are. 佐藤 一郎 of the clinic is NOT
# the 佐藤 一郎 of 就労支援センターせせらぎ who sits in 全体会議 and 就労部会.
SOUDAN_ROSTER = (
    HEADER
    + "相談支援部会,佐藤 一郎,さとう いちろう,かわせみクリニック,委員,,令和6年4月1日,\n"
    + "相談支援部会,佐藤 花子,さとう はなこ,かわせみ町役場 福祉課,委員,○,令和2年4月1日,\n"
    + "相談支援部会,鈴木 次郎,すずき じろう,相談支援センターかわせみ,会長・部会長,,令和2年4月1日,\n"
)

# 就労部会's roster: one 佐藤 花子 whose organisation names one of the two stored 佐藤 花子, and one
# whose organisation matches neither.
SHURO_ROSTER = (
    HEADER
    + "就労部会,佐藤 花子,さとう はなこ,かわせみ町役場 福祉課,委員,,令和6年4月1日,\n"
    + "就労部会,佐藤 花子,さとう はなこ,かわせみクリニック,委員,,令和6年4月1日,\n"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def secretariat_client(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    return client


def _upload(client, world, text, resource="members", name="roster.csv", data=None):
    return client.post(
        reverse("imports", args=[world.council.slug]),
        {"resource": resource, "file": SimpleUploadedFile(name, data or csv_bytes(text, "utf-8"))},
    )


def _confirm(client, world, token, choices=None):
    return client.post(
        reverse("import_confirm", args=[world.council.slug, token]),
        {f"decision-{line}": value for line, value in (choices or {}).items()},
    )


def _people_state(world):
    return (
        Person.objects.filter(council=world.council).count(),
        Membership.objects.filter(body__council=world.council).count(),
        sorted(
            Person.objects.filter(council=world.council).values_list(
                "pk", "name", "name_kana", "organization_id"
            )
        ),
    )


def _organization_of(person):
    person.refresh_from_db()
    return person.organization.name


# --- The merge bug, reproduced first ------------------------------------------------------------


def test_a_namesake_of_another_agency_is_not_merged_nor_his_agency_rewritten(secretariat_client, kawasemi):
    """On main the preview said 「新規 1件」 with no warning, and 「取り込む」 moved 佐藤 一郎 of
    せせらぎ to the clinic in 全体会議 and 就労部会 too. Now the row waits for a decision."""
    ichiro = kawasemi.people["sato_ichiro"]
    before = _people_state(kawasemi)
    response = _upload(secretariat_client, kawasemi, SOUDAN_ROSTER)
    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    assert not report.errors, report.errors
    # Row 2 is a decision, not a silent new row; rows 3 and 4 are the stored members, unchanged.
    assert [(row.line, row.kind) for row in report.rows] == [(2, "decision"), (3, "skip"), (4, "skip")]
    assert report.totals == {"new": 0, "update": 0, "skip": 2}
    decision = report.decisions[0]
    assert decision.options == [
        [f"person{ichiro.pk}", "同じ人（所属を変更）：佐藤 一郎（就労支援センターせせらぎ）"],
        ["new", "別の人として追加"],
    ]
    assert "要確認" in page and "同じ人（所属を変更）：佐藤 一郎（就労支援センターせせらぎ）" in page
    assert 'name="decision-2"' in page and "別の人として追加" in page
    assert "2行目は、同じ名前の登録済みの人と所属機関などが違うか" in page  # the warning above the rows
    assert _people_state(kawasemi) == before  # the preview wrote nothing

    # 「取り込む」 without a choice: refused in Japanese, nothing written, the preview shown again.
    response = _confirm(secretariat_client, kawasemi, response.context["token"])
    assert response.status_code == 400
    page = response.content.decode()
    assert "2行目は、同じ人か別の人かがまだ選ばれていません" in page
    assert "何も保存していません" in page
    assert _people_state(kawasemi) == before
    assert _organization_of(ichiro) == "就労支援センターせせらぎ"
    assert response.context["token"]  # the same upload can still be answered


def test_choosing_another_person_adds_one_and_leaves_the_namesake_alone(secretariat_client, kawasemi):
    ichiro = kawasemi.people["sato_ichiro"]
    his_bodies = set(Membership.objects.filter(person=ichiro).values_list("body__name", "role"))
    people = Person.objects.filter(council=kawasemi.council).count()
    token = _upload(secretariat_client, kawasemi, SOUDAN_ROSTER).context["token"]
    response = _confirm(secretariat_client, kawasemi, token, {2: "new"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.filter(council=kawasemi.council).count() == people + 1
    newcomer = Person.objects.get(
        council=kawasemi.council, name="佐藤 一郎", organization__name="かわせみクリニック"
    )
    assert newcomer.pk != ichiro.pk and newcomer.name_kana == "さとう いちろう"
    assert list(Membership.objects.filter(person=newcomer).values_list("body__name", flat=True)) == [
        "相談支援部会"
    ]
    # The other 佐藤 一郎 is as he was, in every body he sits in.
    assert _organization_of(ichiro) == "就労支援センターせせらぎ"
    assert set(Membership.objects.filter(person=ichiro).values_list("body__name", "role")) == his_bodies


def test_choosing_the_same_person_moves_his_agency_and_adds_the_membership(secretariat_client, kawasemi):
    ichiro = kawasemi.people["sato_ichiro"]
    people = Person.objects.filter(council=kawasemi.council).count()
    token = _upload(secretariat_client, kawasemi, SOUDAN_ROSTER).context["token"]
    response = _confirm(secretariat_client, kawasemi, token, {2: f"person{ichiro.pk}"})
    assert response.status_code == 302
    assert Person.objects.filter(council=kawasemi.council).count() == people
    assert _organization_of(ichiro) == "かわせみクリニック"  # chosen: the person's, in every body
    assert Membership.objects.filter(person=ichiro, body=kawasemi.soudan).get().term_start == dt.date(
        2024, 4, 1
    )


def test_the_chosen_effect_is_previewed_and_a_partial_answer_is_kept(secretariat_client, kawasemi):
    """Two rows to decide; answering one keeps that answer on the page shown again."""
    text = SOUDAN_ROSTER + "相談支援部会,佐藤 花子,さとう はなこ,かわせみクリニック,委員,,令和6年4月1日,\n"
    before = _people_state(kawasemi)
    response = _upload(secretariat_client, kawasemi, text)
    token = response.context["token"]
    assert [row.line for row in response.context["report"].decisions] == [2, 5]

    response = _confirm(secretariat_client, kawasemi, token, {2: "new"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "5行目は、同じ人か別の人かがまだ選ばれていません" in page
    assert 'value="new" checked' in page  # row 2's answer is still chosen
    rows = {row.line: row for row in response.context["report"].rows}
    assert rows[2].kind == "new" and rows[2].chosen_label == "別の人として追加"
    assert rows[5].kind == "decision" and not rows[5].chosen
    assert _people_state(kawasemi) == before  # all or nothing: row 2 was not written either

    center = kawasemi.people["sato_hanako_center"]
    response = _confirm(secretariat_client, kawasemi, token, {2: "new", 5: f"person{center.pk}"})
    assert response.status_code == 302
    assert _organization_of(center) == "かわせみクリニック"
    assert Person.objects.filter(council=kawasemi.council).count() == before[0] + 1


def test_a_same_person_choice_with_a_new_agency_is_shown_before_it_is_made(kawasemi):
    ichiro = kawasemi.people["sato_ichiro"]
    report = run_import(
        resource_name="members",
        council=kawasemi.council,
        data=csv_bytes(SOUDAN_ROSTER, "utf-8"),
        filename="x.csv",
        user=kawasemi.secretariat,
        dry_run=True,
        choices={"2": f"person{ichiro.pk}"},
    )
    row = report.rows[0]
    assert row.kind == "new" and row.chosen == f"person{ichiro.pk}"
    assert row.notes == [
        "佐藤 一郎さんの所属機関を「就労支援センターせせらぎ」から「かわせみクリニック」に変えます"
        "（この人が属するほかの会議体の名簿でも変わります）。"
    ]
    assert _organization_of(ichiro) == "就労支援センターせせらぎ"  # a dry run


# --- Two stored people of one name ------------------------------------------------------------


def test_two_hanako_are_told_apart_by_their_agency(secretariat_client, kawasemi):
    town, center = kawasemi.people["sato_hanako_town"], kawasemi.people["sato_hanako_center"]
    response = _upload(secretariat_client, kawasemi, SHURO_ROSTER)
    report = response.context["report"]
    assert not report.errors, report.errors
    assert [(row.line, row.kind) for row in report.rows] == [(2, "new"), (3, "decision")]
    # Row 3's agency matches neither: both candidates, and 「別の人として追加」.
    assert report.rows[1].options == [
        [f"person{center.pk}", "同じ人（所属を変更）：佐藤 花子（相談支援センターかわせみ）"],
        [f"person{town.pk}", "同じ人（所属を変更）：佐藤 花子（かわせみ町役場 福祉課）"],
        ["new", "別の人として追加"],
    ]
    response = _confirm(secretariat_client, kawasemi, response.context["token"], {3: "new"})
    assert response.status_code == 302
    # Row 2 was the town office's 佐藤 花子 (by name + organisation): no new person for her.
    assert Membership.objects.filter(person=town, body=kawasemi.shuro).exists()
    assert not Membership.objects.filter(person=center, body=kawasemi.shuro).exists()
    assert _organization_of(town) == "かわせみ町役場 福祉課"
    assert _organization_of(center) == "相談支援センターかわせみ"
    hanako = Person.objects.filter(council=kawasemi.council, name="佐藤 花子")
    assert sorted(p.organization.name for p in hanako) == [
        "かわせみクリニック",
        "かわせみ町役場 福祉課",
        "相談支援センターかわせみ",
    ]


def test_a_roster_without_agencies_matches_by_name_and_clears_nothing(secretariat_client, kawasemi):
    """A blank 所属機関 says nothing: the one 佐藤 一郎 is him, and his agency stays."""
    ichiro = kawasemi.people["sato_ichiro"]
    text = HEADER + "相談支援部会,佐藤 一郎,,,委員,,令和6年4月1日,\n"
    response = _upload(secretariat_client, kawasemi, text)
    report = response.context["report"]
    assert [(row.line, row.kind) for row in report.rows] == [(2, "new")] and not report.decisions
    assert _confirm(secretariat_client, kawasemi, response.context["token"]).status_code == 302
    ichiro.refresh_from_db()
    assert ichiro.organization.name == "就労支援センターせせらぎ" and ichiro.name_kana == "さとう いちろう"
    assert Membership.objects.filter(person=ichiro, body=kawasemi.soudan).exists()
    # Two 佐藤 花子 and no agency to tell them apart: a decision between both.
    response = _upload(secretariat_client, kawasemi, HEADER + "就労部会,佐藤 花子,,,委員,,令和6年4月1日,\n")
    assert [len(row.options) for row in response.context["report"].decisions] == [3]


# --- The stable key ---------------------------------------------------------------------------


def _export(world, resource, fmt="xlsx"):
    return export_bytes(resource, council=world.council, user=world.secretariat, fmt=fmt)


def _records(world):
    return (
        _people_state(world),
        sorted(Organization.objects.filter(council=world.council).values_list("pk", "name", "kind")),
        sorted(
            Meeting.objects.filter(body__council=world.council).values_list(
                "pk", "body_id", "date", "sequence", "place", "status"
            )
        ),
        sorted(RegionalIssue.objects.filter(council=world.council).values_list("pk", "title", "body_id")),
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(secretariat_client, kawasemi, fmt):
    """かわせみ町's 全体会議 has both 佐藤 花子: their rows are told apart by 「人物ID」."""
    before = _records(kawasemi)
    for resource, key in (
        ("organizations", "ID"),
        ("members", "人物ID"),
        ("meetings", "ID"),
        ("issues", "ID"),
    ):
        data = _export(kawasemi, resource, fmt)
        response = _upload(secretariat_client, kawasemi, "", resource=resource, name=f"x.{fmt}", data=data)
        report = response.context["report"]
        assert not report.errors, (resource, report.errors)
        assert report.totals["new"] == 0 and report.totals["update"] == 0, (resource, report.lines())
        assert not report.decisions and report.totals["skip"] > 0
        assert f"「{key}」" not in " ".join(report.warnings)  # the key column is read, not ignored
        assert _confirm(secretariat_client, kawasemi, response.context["token"]).status_code == 302
    assert _records(kawasemi) == before


def test_the_key_wins_over_the_name(secretariat_client, kawasemi):
    """With 「人物ID」 the row is that person: the other 佐藤 花子's row renamed to the clinic is an
    edit of her (before → after shown), not a decision and not a new person."""
    center = kawasemi.people["sato_hanako_center"]
    text = (
        "会議体,氏名,ふりがな,所属機関,役割,事務局,任期開始,任期終了,人物ID\n"
        f"相談支援部会,佐藤 花子,さとう はなこ,かわせみクリニック,副会長・副部会長,,2020-04-01,,{center.pk}\n"
    )
    response = _upload(secretariat_client, kawasemi, text)
    report = response.context["report"]
    assert not report.errors and not report.decisions
    assert [(row.kind, row.diffs) for row in report.rows] == [
        ("update", [["所属機関", "相談支援センターかわせみ", "かわせみクリニック"]])
    ]
    assert _confirm(secretariat_client, kawasemi, response.context["token"]).status_code == 302
    assert _organization_of(center) == "かわせみクリニック"
    assert _organization_of(kawasemi.people["sato_hanako_town"]) == "かわせみ町役場 福祉課"


def test_unknown_or_foreign_keys_are_row_errors(secretariat_client, kawasemi):
    other = council_save(name="よその町地域自立支援協議会", slug="yoso", municipality="よその町")
    stranger = person_save(council=other, name="佐藤 一郎", name_kana="さとう いちろう")
    agency = organization_save(council=other, name="よその相談室")
    before = _records(kawasemi)

    members = (
        "会議体,氏名,所属機関,任期開始,人物ID\n"
        f"相談支援部会,佐藤 一郎,,令和6年4月1日,{stranger.pk}\n"
        "相談支援部会,鈴木 次郎,,令和6年4月1日,99999999\n"
        "相談支援部会,髙橋 健,,令和6年4月1日,abc\n"
    )
    response = _upload(secretariat_client, kawasemi, members)
    page = response.content.decode()
    errors = response.context["report"].errors
    tail = "書き出したファイルの「人物ID」をそのまま使い、新しく追加する行では空欄にしてください。"
    assert errors == [
        f"2行目「人物ID」: 「{stranger.pk}」はこの協議会の人物のIDではありません。{tail}",
        f"3行目「人物ID」: 「99999999」はこの協議会の人物のIDではありません。{tail}",
        f"4行目「人物ID」: 「abc」はこの協議会の人物のIDではありません。{tail}",
    ]
    assert response.context["token"] == "" and "import_confirm" not in page

    organizations = f"機関名,種別,ID\nよその相談室,その他,{agency.pk}\n"
    errors = (
        _upload(secretariat_client, kawasemi, organizations, resource="organizations")
        .context["report"]
        .errors
    )
    assert errors == [
        f"2行目「ID」: 「{agency.pk}」はこの協議会の関係機関のIDではありません。"
        "書き出したファイルの「ID」をそのまま使い、新しく追加する行では空欄にしてください。"
    ]

    # A meeting's key must be a meeting of the row's body; an issue's one of this council.
    shuro_meeting = Meeting.objects.filter(body=kawasemi.shuro).first()
    meetings = f"会議体,年度,開催日,状態,ID\n相談支援部会,令和2年度,令和2年6月1日,開催済,{shuro_meeting.pk}\n"
    errors = _upload(secretariat_client, kawasemi, meetings, resource="meetings").context["report"].errors
    assert len(errors) == 1 and errors[0].startswith(
        f"2行目「ID」: 「{shuro_meeting.pk}」はこの協議会の会議のIDではありません（「相談支援部会」の会議にこのIDはありません）。"
    )
    issues = "地域課題,検討している会議体,ID\n新しい課題,相談支援部会,88888888\n"
    errors = _upload(secretariat_client, kawasemi, issues, resource="issues").context["report"].errors
    assert len(errors) == 1 and errors[0].startswith(
        "2行目「ID」: 「88888888」はこの協議会の地域課題のIDではありません。"
    )
    assert _records(kawasemi) == before


# --- The same decisions in the admin and for large files (the Celery task) ---------------------


def test_the_admin_asks_the_same_question(client, kawasemi):
    ichiro = kawasemi.people["sato_ichiro"]
    client.force_login(kawasemi.secretariat)
    url = reverse("admin:council_person_import")
    response = client.post(
        url,
        {
            "council": kawasemi.council.pk,
            "file": SimpleUploadedFile("r.csv", csv_bytes(SOUDAN_ROSTER, "utf-8")),
        },
    )
    assert response.status_code == 200
    assert 'name="decision-2"' in response.content.decode()
    token = response.context["confirm_form"].initial["token"]
    before = _people_state(kawasemi)
    process = reverse("admin:council_person_process_import")
    response = client.post(process, {"council": kawasemi.council.pk, "token": token})
    assert response.status_code == 400
    assert "2行目は、同じ人か別の人かがまだ選ばれていません" in response.content.decode()
    assert _people_state(kawasemi) == before
    response = client.post(process, {"council": kawasemi.council.pk, "token": token, "decision-2": "new"})
    assert response.status_code == 302
    assert _organization_of(ichiro) == "就労支援センターせせらぎ"
    assert Person.objects.filter(council=kawasemi.council, name="佐藤 一郎").count() == 2


def test_a_large_roster_keeps_the_choices_for_the_task(
    secretariat_client, kawasemi, monkeypatch, django_capture_on_commit_callbacks
):
    from config.celery import app as celery_app
    from spreadsheets import tables

    monkeypatch.setattr(tables, "LARGE_IMPORT_ROWS", 1)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        _large_roster(secretariat_client, kawasemi, django_capture_on_commit_callbacks)
    finally:
        celery_app.conf.task_always_eager = eager


def _large_roster(secretariat_client, kawasemi, django_capture_on_commit_callbacks):
    ichiro = kawasemi.people["sato_ichiro"]
    before = _people_state(kawasemi)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(secretariat_client, kawasemi, SOUDAN_ROSTER)
    assert response.status_code == 302 and "?job=" in response["Location"]
    token = response["Location"].split("?job=")[1]
    response = secretariat_client.get(response["Location"])
    assert [row.line for row in response.context["report"].decisions] == [2]
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(secretariat_client, kawasemi, token)
    assert response.status_code == 400
    assert "2行目は、同じ人か別の人かがまだ選ばれていません" in response.content.decode()
    assert _people_state(kawasemi) == before
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(secretariat_client, kawasemi, token, {2: f"person{ichiro.pk}"})
    assert response.status_code == 302
    assert secretariat_client.get(response["Location"]).status_code == 302  # done: back to the page
    assert _organization_of(ichiro) == "かわせみクリニック"


def test_an_email_address_tells_people_apart_and_is_never_exported(secretariat_client, kawasemi):
    ichiro = person_save(person=kawasemi.people["sato_ichiro"], email="ichiro@seseragi.example.jp")
    assert "メールアドレス" not in export_bytes(
        "members", council=kawasemi.council, user=kawasemi.secretariat, fmt="csv"
    ).decode("utf-8-sig")
    header = "会議体,氏名,所属機関,メールアドレス,任期開始\n"
    same = (
        header + "相談支援部会,佐藤 一郎,就労支援センターせせらぎ,ICHIRO@seseragi.example.jp,令和6年4月1日\n"
    )
    report = _upload(secretariat_client, kawasemi, same).context["report"]
    assert [(row.kind, row.options) for row in report.rows] == [("new", [])]  # him: a new membership
    other = header + "相談支援部会,佐藤 一郎,就労支援センターせせらぎ,sato@clinic.example.jp,令和6年4月1日\n"
    response = _upload(secretariat_client, kawasemi, other)
    assert response.context["report"].rows[0].options == [
        [f"person{ichiro.pk}", "同じ人（メールアドレスを変更）：佐藤 一郎（就労支援センターせせらぎ）"],
        ["new", "別の人として追加"],
    ]
    assert _confirm(secretariat_client, kawasemi, response.context["token"], {2: "new"}).status_code == 302
    newcomer = Person.objects.get(council=kawasemi.council, email="sato@clinic.example.jp")
    assert newcomer.pk != ichiro.pk and newcomer.organization.name == "就労支援センターせせらぎ"
    ichiro.refresh_from_db()
    assert ichiro.email == "ichiro@seseragi.example.jp"


def test_the_command_takes_the_choices_too(kawasemi, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    ichiro = kawasemi.people["sato_ichiro"]
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(SOUDAN_ROSTER, "utf-8"))
    args = ("import_records", "members", str(path), "--council", kawasemi.council.slug)
    call_command(*args, "--dry-run")
    out = capsys.readouterr().out
    assert "要確認 1件" in out
    assert f"2行目: 同じ人か別の人か → （未選択）（選択肢: person{ichiro.pk}＝同じ人（所属を変更）" in out
    before = _people_state(kawasemi)
    with pytest.raises(CommandError):
        call_command(*args)
    assert (
        "2行目「氏名」: 「佐藤 一郎」は同じ名前の登録済みの人と所属機関などが違います。"
        in capsys.readouterr().out
    )
    assert _people_state(kawasemi) == before
    call_command(*args, "--choice", "2=new")
    assert _organization_of(ichiro) == "就労支援センターせせらぎ"
    assert Person.objects.filter(council=kawasemi.council, name="佐藤 一郎").count() == 2
