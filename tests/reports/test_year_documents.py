"""The yearly documents of かわせみ町 (tests/worlds/kawasemi.py): titled meetings, attendance,
書面会議, a meeting of the year before attached to a report, and the アクションプラン part."""

from __future__ import annotations

import datetime as dt

import pytest

from council.services import council_save
from issues.services import action_plan_save
from meetings.models import MeetingStatus
from meetings.services import meeting_create, meeting_update
from reports.rendering import render_pdf
from tests.reports.conftest import pdf_text, squash
from tests.reports.test_documents import in_order

pytestmark = pytest.mark.django_db


def report_text(world, body, year: int) -> str:
    return squash(pdf_text(render_pdf("progress-report", council=world.council, fiscal_year=year, body=body)))


def test_plenary_meetings_print_their_titles_attendance_and_written_format(kawasemi):
    text = report_text(kawasemi, kawasemi.plenary, 2023)

    in_order(
        text,
        "【第1回総会】令和5年5月25日",
        "18機関24名参加（町職員2名を含む）",
        "【第2回臨時会議】令和5年10月12日（書面会議）",
        "【第3回総会】令和6年2月22日",
        "17機関22名参加",
    )
    assert "17機関22名参加（未入力）" in text  # no note: nothing in brackets before the empty items


def test_a_meeting_of_the_year_before_attached_to_the_report_is_its_first(kawasemi):
    # The 準備会 met first in March of 令和5年度, then twice in 令和6年度 (one already in the world).
    first = meeting_create(
        body=kawasemi.forum, date=dt.date(2024, 3, 14), status=MeetingStatus.HELD, confirm_held=True
    )
    meeting_create(body=kawasemi.forum, date=dt.date(2024, 11, 7), status=MeetingStatus.HELD)
    meeting_update(
        meeting=first, date=first.date, attached_fiscal_year=2024, loaded_version=None, confirm_held=True
    )

    text = report_text(kawasemi, kawasemi.forum, 2024)

    in_order(text, "【第1回】令和6年3月14日", "【第2回】令和6年9月12日", "【第3回】令和6年11月7日")
    earlier = report_text(kawasemi, kawasemi.forum, 2023)
    assert "令和6年3月14日" not in earlier


def test_the_action_plan_part_follows_the_meetings_for_the_bodies_that_held_the_issue(kawasemi):
    lineage = kawasemi.issues["lineage"]  # studied by 相談支援部会 from 2022-06-15 to 2023-01-20
    action_plan_save(
        issue=lineage,
        target_state="送迎の担い手が確保され、放課後に通える状態。",
        rows=[
            {
                "problem": "送迎の担い手がいない",
                "towards": "町内の事業所",
                "action": "事務局が送迎の実態を調べる",
                "due_label": "令和5年3月まで",
                "progress": "調査票を配布した",
            },
            {"problem": "費用の負担", "towards": "町", "action": "調整会議が町に提案する"},
        ],
    )

    text = report_text(kawasemi, kawasemi.soudan, 2022)

    in_order(
        text,
        "今後の検討の方向性",
        "アクションプラン",
        "地域課題放課後等デイサービスの送迎の担い手が足りない",
        "目指すべき状態・姿",
        "送迎の担い手が確保され、放課後に通える状態。",
        "課題",
        "誰・どこに対して",
        "誰が・何を・どうする",
        "いつまでに",
        "進捗",
        "送迎の担い手がいない",
        "町内の事業所",
        "事務局が送迎の実態を調べる",
        "令和5年3月まで",
        "調査票を配布した",
        "費用の負担",
    )
    # The body did not hold the issue in 令和2年度 (こども部会 did) nor in 令和6年度.
    assert "アクションプラン" not in report_text(kawasemi, kawasemi.soudan, 2020)
    assert "アクションプラン" not in report_text(kawasemi, kawasemi.soudan, 2025)
    assert "アクションプラン" in report_text(kawasemi, kawasemi.kodomo, 2020)


def test_the_plan_table_leaves_out_empty_due_and_progress_columns(kawasemi):
    action_plan_save(
        issue=kawasemi.issues["shuro"],
        target_state="工賃が上がる。",
        rows=[{"problem": "受注が少ない", "towards": "町内の企業", "action": "部会が共同受注を呼びかける"}],
    )

    text = report_text(kawasemi, kawasemi.shuro, 2022)

    in_order(text, "アクションプラン", "課題", "誰・どこに対して", "誰が・何を・どうする", "受注が少ない")
    assert "いつまでに" not in text and "進捗" not in text


def test_documents_use_the_councils_own_words(kawasemi):
    # かわせみ町's steering body is the 調整会議, its plenary the 全体会議.
    subcommittee = report_text(kawasemi, kawasemi.soudan, 2020)
    in_order(subcommittee, "部会員", "今後の検討の方向性", "調整会議への伝達事項等")
    assert "運営会議" not in subcommittee

    steering = report_text(kawasemi, kawasemi.steering, 2020)
    in_order(steering, "委員", "全体会議への伝達事項等")
    assert "部会員" not in steering

    book = squash(pdf_text(render_pdf("book", council=kawasemi.council, fiscal_year=2020)))
    assert "調整会議への伝達事項等" in book and "運営会議" not in book


def test_the_councils_settings_name_the_words_the_tree_does_not(kawasemi):
    # The secretariat prefers 「協議会調整会議」 and calls its subcommittees' people 委員.
    council_save(council=kawasemi.council, steering_label="協議会調整会議", member_label="委員")
    kawasemi.council.refresh_from_db()
    subcommittee = report_text(kawasemi, kawasemi.soudan, 2020)
    in_order(subcommittee, "委員", "今後の検討の方向性", "協議会調整会議への伝達事項等")
    assert "部会員" not in subcommittee
    book = squash(pdf_text(render_pdf("book", council=kawasemi.council, fiscal_year=2020)))
    assert "協議会調整会議への伝達事項等" in book
