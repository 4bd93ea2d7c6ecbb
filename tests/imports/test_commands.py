from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from meetings.models import Meeting
from tests.imports.conftest import MEETINGS_CSV, csv_bytes


@pytest.fixture
def bodies(plenary, subcommittee):
    return plenary, subcommittee


def test_dry_run_then_real_run(council, bodies, tmp_path, capsys):
    path = tmp_path / "meetings.csv"
    path.write_bytes(csv_bytes(MEETINGS_CSV, "cp932"))
    call_command("import_records", "meetings", str(path), "--council", council.slug, "--dry-run")
    out = capsys.readouterr().out
    assert "新規 5件" in out and "確認のみ" in out
    assert Meeting.objects.count() == 0
    call_command("import_records", "meetings", str(path), "--council", council.slug)
    assert Meeting.objects.count() == 5

    exported = tmp_path / "out.xlsx"
    call_command("export_records", "meetings", "--council", council.slug, "-o", str(exported))
    call_command("import_records", "meetings", str(exported), "--council", council.slug, "--dry-run")
    assert "変更なし 5件" in capsys.readouterr().out


def test_errors_exit_non_zero(council, bodies, tmp_path, capsys):
    path = tmp_path / "meetings.csv"
    path.write_bytes(csv_bytes(MEETINGS_CSV.replace("R6.7.15", "令和6年13月1日"), "utf-8"))
    with pytest.raises(CommandError):
        call_command("import_records", "meetings", str(path), "--council", council.slug)
    assert "3行目「開催日」" in capsys.readouterr().out
    assert Meeting.objects.count() == 0
