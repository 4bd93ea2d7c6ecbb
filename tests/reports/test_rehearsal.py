"""Acceptance rehearsal: one subcommittee's year entered through the pages, as a chair, a reviewer
and the secretariat would, then read back from the PDFs and compared, field by field, with the
structure of the public reference set (/work/shared/reference/shuro-bukai-R2.md).

Every name below is fictional; the meeting dates follow the reference's pattern (4 meetings:
August, October, November, January) so 開催回数 and 開催月 can be checked against it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from council.models import Organization
from reports.models import JobStatus
from reports.rendering import render_pdf
from subcommittees.models import ActivityPolicy, Evaluation, EvaluationStatus
from tests.factories import MeetingFactory, MembershipFactory, PersonFactory
from tests.reports.conftest import pdf_text, squash

pytestmark = pytest.mark.django_db

FY = 2020
MEETINGS = {
    dt.date(2020, 8, 6): ["協議会の仕組みと今年度の進め方を確認した。", "今年度のテーマを就労定着とした。"],
    dt.date(2020, 10, 7): [
        "障害福祉計画について部会の意見を聴いた。",
        "事業所へのアンケートを行うこととした。",
    ],
    dt.date(2020, 11, 30): ["定着支援の事業所と現状と課題について意見を交換した。"],
    dt.date(2021, 1, 12): ["職業の自己紹介シートを周知し、活用を勧める方向とした。"],
}


def in_order(text: str, *parts: str) -> None:
    position = -1
    for part in parts:
        found = text.find(part, position + 1)
        assert found > position, (
            f"{part!r} missing or out of order after position {position}: {text[:4000]!r}"
        )
        position = found


@pytest.fixture
def shuro_year(council, subcommittee):
    center = Organization.objects.create(council=council, name="ひかり就業・生活支援センター")
    school = Organization.objects.create(council=council, name="県立みなみ高等支援学校")
    city = Organization.objects.create(council=council, name="みどり市福祉課")
    members = [
        (center, "青木 花子", "あおき", False),
        (school, "石田 太郎", "いしだ", False),
        (city, "上野 三郎", "うえの", True),
        (city, "江口 四葉", "えぐち", True),
    ]
    people = []
    for org, name, kana, secretariat in members:
        person = PersonFactory(council=council, organization=org, name=name, name_kana=kana)
        MembershipFactory(
            body=subcommittee, person=person, term_start=dt.date(2019, 4, 1), is_secretariat=secretariat
        )
        people.append(person)
    for day, items in MEETINGS.items():
        MeetingFactory(body=subcommittee, date=day, status="held", items=items)
    # Earlier years, as the product would hold them: they draft これまでの経過.
    ActivityPolicy.objects.create(
        body=subcommittee,
        fiscal_year=2018,
        history="平成30年度は、移行支援の再利用の仕組みを福祉課と検討した。",
    )
    Evaluation.objects.create(body=subcommittee, fiscal_year=2018, narrative="再利用の市独自ルールを設けた。")
    Evaluation.objects.create(
        body=subcommittee, fiscal_year=2019, narrative="全就労系サービスの聞き取りを行った。"
    )
    return people


def test_year_entered_through_the_pages_reads_like_the_reference(
    client,
    council,
    subcommittee,
    chair,
    reviewer,
    secretariat,
    shuro_year,
    django_capture_on_commit_callbacks,
):
    doc = lambda name: reverse(name, args=[council.slug, subcommittee.pk, FY])  # noqa: E731
    # The chair: 検討状況報告書 and 振り返り・評価シート, then submits.
    client.force_login(chair)
    response = client.post(
        doc("progress_report_edit"),
        {
            "loaded_version": "new",
            "policy": "就労系サービスの現状を把握し、必要な取り組みを検討する。",
            "actions": "現状把握と情報共有を図り、雇用の促進と就労支援に必要な取り組みを検討する。",
            "direction": "・次年度も部会を開き、就労定着について必要な取り組みを続ける。",
            "notes_for_steering": "",
        },
    )
    assert response.status_code == 302
    response = client.post(
        doc("evaluation_edit"),
        {
            "loaded_version": "new",
            "written_on": "R3.1.4",
            "policy": "就労系サービスの現状を把握し、必要な取り組みを検討する。",
            "narrative": "就労定着支援をテーマとし、市内の事業所の実態を把握した。自己紹介シートの周知に取り組む。",
            **{
                f"function_{f}": "on"
                for f in ("information", "coordination", "development", "education", "advocacy", "evaluation")
            },
            "next_year": "continue",
            "next_policy": "定着率が上がるよう、自己紹介シートの周知と活用を進める。",
            "next_activities": "作ったモデルを来年度のメンバーで確認し、周知の方法から検討する。",
            "handover": "",
            "end_reason": "",
            "comments-TOTAL_FORMS": "3",
            "comments-INITIAL_FORMS": "0",
            "comments-0-person": str(shuro_year[0].pk),
            "comments-0-text": "現場の声が聞けたことは大きな収穫だった。",
            "comments-1-person": str(shuro_year[1].pk),
            "comments-1-text": "学校としても進路指導に生かしたい。",
            "comments-2-person": "",
            "comments-2-text": "関係機関の共通の道具として連携が進むと良い。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.post(doc("evaluation_submit"), {"comment": ""}).status_code == 302

    # The reviewer returns it with a comment, the chair corrects, the reviewer approves.
    evaluation = Evaluation.objects.get(body=subcommittee, fiscal_year=FY)
    decide = reverse("review_decide", args=[council.slug, evaluation.pk])
    client.force_login(reviewer)
    assert (
        client.post(decide, {"action": "return", "comment": "引き継ぎ事項も書いてください。"}).status_code
        == 302
    )
    client.force_login(chair)
    page = client.get(doc("evaluation_edit")).content.decode()
    assert "引き継ぎ事項も書いてください。" in page
    data = {
        "loaded_version": Evaluation.objects.get(pk=evaluation.pk).updated_at.isoformat(),
        "written_on": "令和3年1月4日",
        "policy": "就労系サービスの現状を把握し、必要な取り組みを検討する。",
        "narrative": "就労定着支援をテーマとし、市内の事業所の実態を把握した。自己紹介シートの周知に取り組む。",
        **{
            f"function_{f}": "on"
            for f in ("information", "coordination", "development", "education", "advocacy", "evaluation")
        },
        "next_year": "continue",
        "next_policy": "定着率が上がるよう、自己紹介シートの周知と活用を進める。",
        "next_activities": "作ったモデルを来年度のメンバーで確認し、周知の方法から検討する。",
        "handover": "モデルの記入例は事務局が保管している。",
        "end_reason": "",
        "comments-TOTAL_FORMS": "1",
        "comments-INITIAL_FORMS": "0",
        "comments-0-person": "",
        "comments-0-text": "関係機関の共通の道具として連携が進むと良い。",
    }
    assert client.post(doc("evaluation_edit"), data).status_code == 302
    assert client.post(doc("evaluation_submit"), {"comment": "直しました。"}).status_code == 302
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(decide, {"action": "approve", "comment": ""}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.APPROVED
    approval = evaluation.reviews.get(to_status="approved")
    assert approval.report_job.status == JobStatus.DONE

    # The secretariat: next year's policy, これまでの経過 drafted from the earlier years.
    client.force_login(secretariat)
    policy = ActivityPolicy.objects.get(body=subcommittee, fiscal_year=FY + 1)  # pre-filled by 継続する
    page = client.post(
        doc("policy_edit"),
        {
            "loaded_version": policy.updated_at.isoformat(),
            "history": "",
            "policy": policy.policy,
            "activities": policy.activities,
            "draft": "1",  # 「これまでの経過の下書きを作る」
        },
    ).content.decode()
    for drafted in (
        "平成30年度は、移行支援の再利用",
        "【令和元年度】",
        "・取り組み：全就労系サービスの聞き取り",
        "【令和2年度】",
        "就労定着支援をテーマ",
    ):
        assert drafted in page
    assert policy.policy == "定着率が上がるよう、自己紹介シートの周知と活用を進める。"
    response = client.post(
        doc("policy_edit"),
        {
            "loaded_version": policy.updated_at.isoformat(),
            "history": "平成30年度は、移行支援の再利用の仕組みを検討した。\n\n令和元年度は、聞き取りを行った。\n\n令和2年度は、就労定着支援をテーマとした。",
            "policy": policy.policy,
            "activities": policy.activities,
        },
    )
    assert response.status_code == 302

    # --- read back, in the reference's order ---------------------------------------------------
    report = squash(
        pdf_text(render_pdf("progress-report", council=council, fiscal_year=FY, body=subcommittee))
    )
    in_order(
        report,
        f"令和2年度{subcommittee.name}検討状況報告書",
        "更新",
        "部会員",
        "ひかり就業・生活支援センター青木花子様",
        "県立みなみ高等支援学校石田太郎様",
        "事みどり市福祉課上野三郎",
        "事みどり市福祉課江口四葉",
        "※事は事務局",
        "取組方針",
        "就労系サービスの現状を把握し",
        "具体的取組",
        "現状把握と情報共有を図り",
        "開催日",
        "取組・検討内容",
        "【第1回】令和2年8月6日",
        "・協議会の仕組みと",
        "【第2回】令和2年10月7日",
        "【第3回】令和2年11月30日",
        "【第4回】令和3年1月12日",
        "・職業の自己紹介シート",
        "今後の検討の方向性",
        "・次年度も部会を開き",
    )
    with open(approval.report_job.file.path, "rb") as approved_pdf:
        sheet = squash(pdf_text(approved_pdf.read()))
    in_order(
        sheet,
        f"令和2年度{subcommittee.name}振り返り・評価シート",
        "作成日：令和3年1月4日",
        "【活動方針】",
        "就労系サービスの現状を把握し",
        "【取り組み内容】",
        "※具体的な活動内容及び結果を記載する",
        "開催回数4回",
        "開催月8,10,11,1月",
        "就労定着支援をテーマとし",
        "【メンバーの感想・意見（協議会活動を通じての振り返り）】",
        "・関係機関の共通の道具",
        "協議会の機能：",
        "■情報機能",
        "■調整機能",
        "■開発機能",
        "■教育機能",
        "■権利擁護機能",
        "■評価機能",
        "【来年度の取り組みについて】",
        "■継続する場合（モニタリングも含む）",
        "活動方針（案）",
        "定着率が上がるよう",
        "取り組み内容",
        "作ったモデルを",
        "引き継ぎ事項等",
        "モデルの記入例は事務局が保管",
        "□終了する場合",
        "理由等",
    )
    plan = squash(pdf_text(render_pdf("policy", council=council, fiscal_year=FY, body=subcommittee)))
    in_order(
        plan,
        f"令和3年度{subcommittee.name}活動方針",
        "【これまでの経過】",
        "平成30年度は",
        "令和元年度は",
        "令和2年度は",
        "【今年度の方針】",
        "定着率が上がるよう",
        "【具体的活動(取り組み)内容】",
        "作ったモデルを",
    )
