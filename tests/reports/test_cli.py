from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from tests.reports.conftest import FY

pytestmark = pytest.mark.django_db


def test_writes_a_valid_pdf(council, year_data, tmp_path):
    target = tmp_path / "report.pdf"
    call_command(
        "render_document",
        "evaluation",
        "--council",
        council.slug,
        "--year",
        "令和2年度",
        "--body",
        str(year_data["body"].pk),
        "-o",
        str(target),
        verbosity=0,
    )
    reader = PdfReader(str(target))
    assert "振り返り・評価シート" in reader.pages[0].extract_text()


def test_council_document(council, year_data, tmp_path):
    target = tmp_path / "schedule.pdf"
    call_command(
        "render_document",
        "schedule",
        "--council",
        council.slug,
        "--year",
        str(FY),
        "-o",
        str(target),
        verbosity=0,
    )
    page = PdfReader(str(target)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["book", "--council", "nowhere", "--year", "2020"], "協議会「nowhere」が見つかりません"),
        (["novel", "--council", "midori", "--year", "2020"], "帳票の種類「novel」はありません"),
        (["progress-report", "--council", "midori", "--year", "2020"], "会議体を指定してください"),
        (
            ["progress-report", "--council", "midori", "--year", "2020", "--body", "999999"],
            "会議体 ID 999999",
        ),
        (["book", "--council", "midori", "--year", "平成99年度"], "年度として読めません"),
    ],
)
def test_clear_errors(council, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_document", *args, "-o", str(tmp_path / "x.pdf"), verbosity=0)
    assert not (tmp_path / "x.pdf").exists()


def test_body_of_another_council_is_refused(council, other_council_subcommittee, tmp_path):
    with pytest.raises(CommandError, match="この協議会"):
        call_command(
            "render_document",
            "policy",
            "--council",
            council.slug,
            "--year",
            "2020",
            "--body",
            str(other_council_subcommittee.pk),
            "-o",
            str(tmp_path / "x.pdf"),
            verbosity=0,
        )
