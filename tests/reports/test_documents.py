"""The documents read back from the PDF: fields, order, 和暦, derived counts, fonts, pages."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from reports.rendering import render_html, render_pdf
from subcommittees.documents import body_document_context
from tests.reports.conftest import FY, add_meetings, pdf_pages, pdf_text, squash

pytestmark = pytest.mark.django_db


def in_order(text: str, *parts: str) -> None:
    position = -1
    for part in parts:
        found = text.find(part, position + 1)
        assert found > position, f"{part!r} missing or out of order in {text[:3000]!r}"
        position = found


def test_progress_report_fields_in_reference_order(council, year_data):
    text = squash(
        pdf_text(render_pdf("progress-report", council=council, fiscal_year=FY, body=year_data["body"]))
    )
    in_order(
        text,
        "令和2年度相談支援部会検討状況報告書",
        "更新",
        "部会員",
        "みどり相談支援センター山川一子様",
        "事みどり市福祉課海野二郎",
        "※事は事務局",
        "取組方針",
        "相談支援体制の現状を把握する取組方針。",
        "具体的取組",
        "開催日",
        "取組・検討内容",
        "【第1回】令和2年7月9日",
        "・第1回の課題を整理した。",
        "【第6回】令和3年2月18日",
        "今後の検討の方向性",
        "次年度も継続して検討する方向性。",
        "運営会議への伝達事項等",
        "運営会議へ伝える事項。",
    )
    assert "谷口" not in text  # membership ended before the 年度
    assert "第7回" not in text and "第8回" not in text  # planned and cancelled meetings are not in the table


def test_updated_date_is_last_change_in_wareki(council, year_data):
    context = body_document_context(body=year_data["body"], fiscal_year=FY)
    updated = context["set"].updated_on
    from council.wareki import format_wareki

    assert f"{format_wareki(updated)}更新" in squash(
        pdf_text(render_pdf("progress-report", council=council, fiscal_year=FY, body=year_data["body"]))
    )


def test_evaluation_derives_count_and_months(council, year_data):
    text = squash(pdf_text(render_pdf("evaluation", council=council, fiscal_year=FY, body=year_data["body"])))
    in_order(
        text,
        "令和2年度相談支援部会振り返り・評価シート",
        "作成日：令和3年3月10日",
        "【活動方針】",
        "評価シートの活動方針。",
        "【取り組み内容】",
        "開催回数6回",
        "開催月7,8,9,11,12,2月",
        "一年間の取り組みの記述。",
        "【メンバーの感想・意見",
        "・一人目の感想。",
        "・二人目の意見。",
        "協議会の機能：",
        "■情報機能",
        "□調整機能",
        "■開発機能",
        "□教育機能",
        "【来年度の取り組みについて】",
        "■継続する場合",
        "活動方針（案）",
        "来年度の方針案。",
        "取り組み内容",
        "来年度の取り組み内容。",
        "引き継ぎ事項等",
        "引き継ぐ事項。",
        "□終了する場合",
        "理由等",
    )


def test_policy_is_next_years(council, year_data):
    text = squash(pdf_text(render_pdf("policy", council=council, fiscal_year=FY, body=year_data["body"])))
    in_order(
        text,
        "令和3年度相談支援部会活動方針",
        "【これまでの経過】",
        "令和2年度は事業所の状況を把握した。",
        "【今年度の方針】",
        "令和3年度の方針。",
        "【具体的活動(取り組み)内容】",
        "具体的な活動の内容。",
    )


def test_body_document_is_a4_portrait_with_cjk_font_and_page_footer(council, year_data):
    data = render_pdf("progress-report", council=council, fiscal_year=FY, body=year_data["body"])
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("IPAex" in f or "Noto" in f for f in fonts), fonts
    assert pdf_pages(data)[-1].strip().endswith(f"{len(reader.pages)} / {len(reader.pages)}")


def test_forty_meetings_span_pages_with_header_repeated(council, subcommittee):
    add_meetings(subcommittee, n=40, text="長い検討内容をここに記録した。" * 6)
    pages = pdf_pages(render_pdf("progress-report", council=council, fiscal_year=FY, body=subcommittee))
    assert len(pages) >= 3
    table_pages = [p for p in pages if "【第" in p]
    assert len(table_pages) >= 3
    for n, page in enumerate(table_pages, start=1):
        assert "開催日" in page and "取組・検討内容" in page, f"header missing on table page {n}"
        assert f"{n} / {len(pages)}" in page
    joined = squash("".join(pages))
    assert "【第40回】" in joined
    # No row is cut: every meeting's date and both bullets made it in.
    for i in range(1, 41):
        assert f"次回の進め方を確認した（{i}）。" in joined


def test_long_unbroken_text_is_not_cut(council, subcommittee, year_data):
    long = "あ" * 900 + "終わり"
    year_data["meetings"][0].items.update(text=long)
    text = squash(pdf_text(render_pdf("progress-report", council=council, fiscal_year=FY, body=subcommittee)))
    assert "あ" * 900 + "終わり" in text


def test_schedule_is_landscape_and_uses_the_grid(council, plenary, subcommittee, year_data, liaison):
    data = render_pdf("schedule", council=council, fiscal_year=FY)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert float(box.width) > float(box.height)
    text = squash(pdf_text(data))
    in_order(
        text,
        "令和2年度みどり市地域自立支援協議会全体スケジュール",
        "4月",
        "3月",
        "全体会",
        "相談支援部会",
        "7月9日",
        "8月6日",
        "【その他の会議】",
        "連絡会議",
    )


def test_schedule_and_summary_leave_out_case_conferences(council, case_conference, year_data):
    import datetime as dt

    from tests.factories import MeetingFactory

    MeetingFactory(
        body=case_conference, date=dt.date(2020, 10, 1), status="held", title="北部地区", items=["個人の事例"]
    )
    for kind in ("schedule", "summary", "book"):
        assert "個別支援会議" not in render_html(kind, council=council, fiscal_year=FY)


def test_summary_lists_bodies_with_counts(council, plenary, steering, year_data):
    data = render_pdf("summary", council=council, fiscal_year=FY)
    assert len(PdfReader(io.BytesIO(data)).pages) <= 2
    text = squash(pdf_text(data))
    in_order(
        text, "活動の概要", "全体会", "運営会議", "相談支援部会", "＜年6回開催＞", "一年間の取り組みの記述。"
    )


def test_book_has_cover_contents_with_page_numbers_and_all_documents(
    council, plenary, steering, year_data, other_subcommittee
):
    data = render_pdf("book", council=council, fiscal_year=FY)
    reader = PdfReader(io.BytesIO(data))
    pages = pdf_pages(data)
    assert "年次報告書" in pages[0]
    contents = squash(pages[1])
    assert "目次" in contents
    # The contents' page numbers point at the pages that hold the documents.
    report_page = next(
        i
        for i, p in enumerate(pages, start=1)
        if "検討状況報告書" in squash(p) and "相談支援部会" in p and i > 2
    )
    listed = re.search(r"相談支援部会\.+(\d+)", contents)
    assert listed and int(listed.group(1)) == report_page
    assert contents.count("検討状況報告書") == 2  # both subcommittees
    landscape = [
        i for i, page in enumerate(reader.pages) if float(page.mediabox.width) > float(page.mediabox.height)
    ]
    assert len(landscape) == 1 and "全体スケジュール" in pages[landscape[0]]
    text = squash("".join(pages))
    in_order(
        text,
        "全体スケジュール",
        "相談支援部会検討状況報告書",
        "相談支援部会振り返り・評価シート",
        "相談支援部会活動方針",
        "就労部会検討状況報告書",
        "活動の概要",
    )
    assert pages[-1].strip().endswith(f"{len(pages)} / {len(pages)}")


def test_empty_documents_render(council, subcommittee):
    for kind in ("progress-report", "evaluation", "policy"):
        assert render_pdf(kind, council=council, fiscal_year=FY, body=subcommittee).startswith(b"%PDF")
    for kind in ("schedule", "summary", "book"):
        assert render_pdf(kind, council=council, fiscal_year=FY).startswith(b"%PDF")
