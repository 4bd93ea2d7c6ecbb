"""End to end, in a real browser: a chair files a meeting report with three bullets and a handout,
and finds the meeting on the annual schedule."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from council.wareki import format_wareki
from meetings.models import Meeting

PASSWORD = "pass-for-tests-only"  # tests/factories.py UserFactory


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_chair_files_a_meeting_report_and_sees_it_on_the_schedule(
    live_server, page: Page, chair, council, subcommittee
):
    today = timezone.localdate()
    _login(page, live_server.url, chair.username)
    expect(page.get_by_role("heading", name=re.compile("会議体の一覧"))).to_be_visible()

    # From the council home to the body page, then the new meeting form.
    page.get_by_role("table").get_by_role(
        "link", name="相談支援部会"
    ).click()  # the tree (「あなたの担当」 links it too)
    page.get_by_role("link", name="会議を登録する").click()
    page.get_by_label("開催日").fill(format_wareki(today))
    page.get_by_label("会場").fill("みどり市福祉センター 2階会議室")
    page.get_by_label("開催済").check()
    bullets = [
        "今年度の部会の進め方を確認した。",
        "相談支援専門員の不足について現状を共有した。",
        "次回までに各事業所の受入れ状況を調べることとした。",
    ]
    for n, text in enumerate(bullets, start=1):
        page.get_by_label(f"{n}行目の取組・検討内容").fill(text)
    page.get_by_role("button", name="保存する").click()

    # The detail page shows 第1回, the 和暦 date and the bullets in order.
    expect(page.get_by_role("heading", name=re.compile("相談支援部会 第1回"))).to_be_visible()
    expect(page.get_by_text(format_wareki(today, weekday=True)).first).to_be_visible()
    items = page.locator("ul.meeting-items li")
    expect(items).to_have_text(bullets)

    # A handout, uploaded and listed for download.
    page.get_by_label("資料名").fill("受入れ状況調査票")
    page.get_by_label("ファイル").set_input_files(
        {"name": "chousa.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test handout\n"}
    )
    page.get_by_role("button", name="資料を登録する").click()
    expect(page.get_by_role("link", name="受入れ状況調査票", exact=True)).to_be_visible()

    meeting = Meeting.objects.get(body=subcommittee)
    assert meeting.status == "held" and meeting.sequence == 1
    assert list(meeting.items.values_list("text", flat=True)) == bullets
    assert meeting.handouts.get().title == "受入れ状況調査票"

    # The annual schedule shows it in the subcommittee's row.
    page.get_by_role("link", name="全体スケジュール").click()
    row = page.get_by_role("row").filter(has_text="相談支援部会")
    expect(row.get_by_role("link", name=re.compile(rf"{today.day}日"))).to_be_visible()
