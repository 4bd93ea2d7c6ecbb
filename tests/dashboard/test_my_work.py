"""「あなたの担当」 on the council's home: the reviewer's waiting sheets, a chair's next meeting and
what is missing; nothing for members and the secretariat (who has the dashboard)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from council.services import person_save
from council.wareki import fiscal_year_of, format_wareki
from meetings.models import MeetingStatus
from meetings.services import meeting_create
from subcommittees.services import evaluation_return, evaluation_save, evaluation_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _home(client, world, user) -> str:
    client.force_login(user)
    response = client.get(reverse("council_home", args=[world.council.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_reviewer_sees_how_many_sheets_wait(client, kawasemi):
    assert "確認を待っている振り返り・評価シートはありません" in _home(client, kawasemi, kawasemi.reviewer)
    year = fiscal_year_of(timezone.localdate())
    for body in (kawasemi.soudan, kawasemi.shuro):
        sheet = evaluation_save(body=body, fiscal_year=year, comments=[], policy="方針", narrative="記録。")
        evaluation_submit(evaluation=sheet, by=kawasemi.secretariat)
    html = _home(client, kawasemi, kawasemi.reviewer)
    assert "確認を待っている振り返り・評価シートが<strong>2件</strong>あります。" in html
    assert reverse("review_list", args=[kawasemi.council.slug]) in html


def test_a_chair_sees_the_next_meeting_and_what_to_write_up(client, kawasemi):
    today = timezone.localdate()
    later = meeting_create(body=kawasemi.soudan, date=today + dt.timedelta(days=9))
    meeting_create(body=kawasemi.soudan, date=today + dt.timedelta(days=30))
    unwritten = meeting_create(
        body=kawasemi.soudan, date=today - dt.timedelta(days=3), status=MeetingStatus.HELD
    )
    html = _home(client, kawasemi, kawasemi.chair)  # 部会長 of 相談支援部会
    work = html[html.index("あなたの担当") :]
    assert f"{format_wareki(later.date, weekday=True)}" in work
    assert reverse("meeting_detail", args=[kawasemi.council.slug, later.pk]) in work
    assert reverse("meeting_edit", args=[kawasemi.council.slug, unwritten.pk]) in work
    assert "取組・検討内容がまだありません" in work
    assert "就労部会" not in work[: work.index("協議会の構成")]  # not theirs


def test_a_returned_sheet_is_pointed_out_to_its_chair(client, kawasemi):
    year = fiscal_year_of(timezone.localdate())
    sheet = evaluation_save(
        body=kawasemi.soudan, fiscal_year=year, comments=[], policy="方針", narrative="記録。"
    )
    evaluation_submit(evaluation=sheet, by=kawasemi.chair)
    evaluation_return(evaluation=sheet, by=kawasemi.reviewer, comment="目標の欄を書いてください。")
    html = _home(client, kawasemi, kawasemi.chair)
    assert "差戻し。福祉課から差し戻されています。" in html


def test_a_chair_by_membership_alone_gets_the_same(client, kawasemi):
    ichiro = UserFactory(username="sato-ichiro")
    person_save(person=kawasemi.people["sato_ichiro"], user=ichiro)  # 部会長 of 就労部会, no granted role
    html = _home(client, kawasemi, ichiro)
    work = html[html.index("あなたの担当") : html.index("協議会の構成")]
    assert "就労部会" in work
    assert "予定はまだ登録されていません。" in work or "次回の会議" in work


def test_members_and_the_secretariat_get_no_work_section(client, kawasemi):
    assert "あなたの担当" not in _home(client, kawasemi, kawasemi.member)
    assert "あなたの担当" not in _home(client, kawasemi, kawasemi.secretariat)


def test_the_section_costs_the_same_with_more_meetings(client, kawasemi, django_assert_max_num_queries):
    client.force_login(kawasemi.chair)
    url = reverse("council_home", args=[kawasemi.council.slug])
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    today = timezone.localdate()
    for n in range(8):
        meeting_create(
            body=kawasemi.soudan,
            date=today - dt.timedelta(days=n + 1),
            status=MeetingStatus.HELD,
            confirm_held=True,
        )
    with django_assert_max_num_queries(len(small)) as large:
        client.get(url)
    assert len(large) == len(small)
