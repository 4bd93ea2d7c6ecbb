"""Print quality of the PDFs: tagged PDF/UA, fonts for JIS X 0213 and 人名, bullets, names, 中止."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile

import pytest
from pypdf import PdfReader

from meetings.models import MeetingStatus
from meetings.services import meeting_create
from reports.rendering import render_html, render_pdf
from tests.reports.conftest import pdf_text, squash

pytestmark = pytest.mark.django_db


def poppler(tool: str, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run([tool, f.name], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("kind", ["summary", "schedule", "book"])
def test_council_documents_are_tagged_pdf_ua_with_language_and_title(kawasemi, kind):
    data = render_pdf(kind, council=kawasemi.council, fiscal_year=2023)

    info = poppler("pdfinfo", data)
    assert "Tagged:          yes" in info
    assert "かわせみ町地域自立支援協議会" in info.split("Title:", 1)[1].splitlines()[0]
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "ja"
    assert root["/MarkInfo"]["/Marked"]


def test_a_body_document_is_tagged_too(kawasemi):
    data = render_pdf("progress-report", council=kawasemi.council, fiscal_year=2023, body=kawasemi.plenary)

    assert "Tagged:          yes" in poppler("pdfinfo", data)


def test_a_name_outside_jis_x_0208_prints_with_a_real_glyph(kawasemi):
    # 𠮷 (U+20BB7) is not in IPAex: Noto CJK (fonts-noto-cjk, installed by scripts/start and
    # scripts/test) must draw it, else it prints as a box.
    data = render_pdf("progress-report", council=kawasemi.council, fiscal_year=2020, body=kawasemi.kodomo)

    assert "𠮷田花子様" in squash(pdf_text(data))
    fonts = poppler("pdffonts", data)
    assert "Noto-Sans-CJK" in fonts or "NotoSansCJK" in fonts, fonts
    assert "IPAex" in fonts  # everything else stays in IPAex


def test_typed_bullet_markers_are_kept_and_never_doubled(kawasemi):
    meeting_create(
        body=kawasemi.shuro,
        date=dt.date(2020, 11, 5),
        status=MeetingStatus.HELD,
        items=[
            "○相談先を明確にする",
            "◆冊子を作る",
            "■周知する",
            "●配る",
            "・集める",
            "- 確かめる",
            "何も付けない",
        ],
    )

    text = squash(
        pdf_text(
            render_pdf("progress-report", council=kawasemi.council, fiscal_year=2020, body=kawasemi.shuro)
        )
    )

    for typed in (
        "○相談先を明確にする",
        "◆冊子を作る",
        "■周知する",
        "●配る",
        "・集める",
        "・確かめる",
        "・何も付けない",
    ):
        assert typed in text
    for doubled in ("・○", "・◆", "・■", "・●", "・・", "・-"):
        assert doubled not in text


def test_names_are_kept_on_one_line(kawasemi):
    html = render_html("progress-report", council=kawasemi.council, fiscal_year=2020, body=kawasemi.kodomo)

    assert '<span class="person">𠮷田 花子様</span>' in html


def test_the_schedule_pdf_says_chushi_in_text_and_why_case_conferences_are_not_there(kawasemi):
    text = squash(pdf_text(render_pdf("schedule", council=kawasemi.council, fiscal_year=2020)))

    assert "12月3日(中止)" in text  # 相談支援部会's cancelled meeting: copied text says so too
    assert "個人の支援を扱うケース会議は随時開くため、この表には載せていません。" in text
