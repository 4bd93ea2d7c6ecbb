"""A known 令和2年度 (FY2020) for one subcommittee: members, six held meetings, the three documents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from config.celery import app as celery_app
from council.models import Organization
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    NextYearDecision,
    ProgressReport,
)
from tests.factories import MeetingFactory, MembershipFactory, PersonFactory

FY = 2020
# 開催月 of these dates in 年度 order: 7, 8, 9, 11, 12, 2月 (one planned and one cancelled left out).
HELD_DATES = [
    dt.date(2020, 7, 9),
    dt.date(2020, 8, 6),
    dt.date(2020, 9, 10),
    dt.date(2020, 11, 30),
    dt.date(2020, 12, 10),
    dt.date(2021, 2, 18),
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_celery():
    """Run tasks in-process even when REDIS_URL is set (the worker test switches this off itself)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def add_members(body, council):
    org = Organization.objects.get_or_create(council=council, name="みどり相談支援センター")[0]
    city = Organization.objects.get_or_create(council=council, name="みどり市福祉課")[0]
    MembershipFactory(
        body=body,
        person=PersonFactory(council=council, organization=org, name="山川 一子", name_kana="やまかわ"),
        term_start=dt.date(2019, 4, 1),
    )
    MembershipFactory(
        body=body,
        person=PersonFactory(council=council, organization=city, name="海野 二郎", name_kana="うみの"),
        term_start=dt.date(2019, 4, 1),
        is_secretariat=True,
    )
    # Left before 令和2年度: not in the list.
    MembershipFactory(
        body=body,
        person=PersonFactory(council=council, organization=org, name="谷口 去人", name_kana="たにぐち"),
        term_start=dt.date(2018, 4, 1),
        term_end=dt.date(2020, 3, 31),
    )


def add_meetings(body, n=None, text="課題を整理した。"):
    dates = HELD_DATES if n is None else [dt.date(2020, 4, 1) + dt.timedelta(days=8 * i) for i in range(n)]
    meetings = []
    for i, day in enumerate(dates, start=1):
        meetings.append(
            MeetingFactory(
                body=body,
                date=day,
                status="held",
                items=[f"第{i}回の{text}", f"次回の進め方を確認した（{i}）。"],
                confirm_held=True,  # more held meetings may be dated before the ones already there
            )
        )
    return meetings


@pytest.fixture
def year_data(council, subcommittee):
    add_members(subcommittee, council)
    meetings = add_meetings(subcommittee)
    MeetingFactory(body=subcommittee, date=dt.date(2021, 3, 20), status="planned")
    MeetingFactory(body=subcommittee, date=dt.date(2021, 3, 25), status="cancelled")
    ProgressReport.objects.create(
        body=subcommittee,
        fiscal_year=FY,
        policy="相談支援体制の現状を把握する取組方針。",
        actions="事業所の状況を共有する具体的取組。",
        direction="次年度も継続して検討する方向性。",
        notes_for_steering="運営会議へ伝える事項。",
    )
    evaluation = Evaluation.objects.create(
        body=subcommittee,
        fiscal_year=FY,
        written_on=dt.date(2021, 3, 10),
        policy="評価シートの活動方針。",
        narrative="一年間の取り組みの記述。",
        function_information=True,
        function_development=True,
        next_year=NextYearDecision.CONTINUE,
        next_policy="来年度の方針案。",
        next_activities="来年度の取り組み内容。",
        handover="引き継ぐ事項。",
    )
    EvaluationComment.objects.create(evaluation=evaluation, position=0, text="一人目の感想。")
    EvaluationComment.objects.create(evaluation=evaluation, position=1, text="二人目の意見。")
    ActivityPolicy.objects.create(
        body=subcommittee,
        fiscal_year=FY + 1,
        history="令和2年度は事業所の状況を把握した。",
        policy="令和3年度の方針。",
        activities="具体的な活動の内容。",
    )
    return {"body": subcommittee, "meetings": meetings, "evaluation": evaluation}


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


def squash(text: str) -> str:
    """Text without whitespace: extraction puts line breaks inside long Japanese lines."""
    return "".join(text.split())
