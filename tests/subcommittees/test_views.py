"""The three yearly document forms: who may open them, what they save, what they derive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from subcommittees.models import ActivityPolicy, Evaluation, NextYearDecision, ProgressReport
from subcommittees.services import activity_policy_save, evaluation_save

FY = 2020


def url(name, council, body, year=FY):
    return reverse(name, args=[council.slug, body.pk, year])


def evaluation_data(**overrides):
    data = {
        "loaded_version": "new",
        "written_on": "令和3年1月4日",
        "policy": "現状を把握する。",
        "narrative": "事業所の実態を把握した。",
        "function_information": "on",
        "function_development": "on",
        "next_year": "continue",
        "next_policy": "周知と活用を進める。",
        "next_activities": "モデルを確認する。",
        "handover": "",
        "end_reason": "",
        "comments-TOTAL_FORMS": "3",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "100",
        "comments-0-person": "",
        "comments-0-text": "",
        "comments-1-person": "",
        "comments-1-text": "",
        "comments-2-person": "",
        "comments-2-text": "",
    }
    data.update(overrides)
    return data


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["progress_report_edit", "evaluation_edit", "policy_edit"])
def test_chair_and_secretariat_open_the_forms(client, council, subcommittee, chair, secretariat, name):
    for user in (chair, secretariat):
        client.force_login(user)
        assert client.get(url(name, council, subcommittee)).status_code == 200


@pytest.mark.parametrize("name", ["progress_report_edit", "evaluation_edit", "policy_edit"])
def test_readers_get_403_outsiders_404_anonymous_login(
    client, council, subcommittee, other_chair, member, reviewer, outsider, name
):
    target = url(name, council, subcommittee)
    for user in (other_chair, member, reviewer):
        client.force_login(user)
        assert client.get(target).status_code == 403
        assert client.post(target, {"policy": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.get(target).status_code == 404
    client.logout()
    response = client.get(target)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_method_and_unreasonable_year(client, council, subcommittee, chair):
    client.force_login(chair)
    assert client.put(url("progress_report_edit", council, subcommittee)).status_code == 405
    assert client.get(url("evaluation_edit", council, subcommittee, 1900)).status_code == 404


# --- 検討状況報告書 -----------------------------------------------------------------------------


def test_progress_report_saves_and_shows_derived_members_and_meetings(
    client, council, subcommittee, chair, people, held_meetings
):
    client.force_login(chair)
    page = client.get(url("progress_report_edit", council, subcommittee)).content.decode()
    assert "山川 一子" in page and "海野 二郎" in page
    assert "7月の検討をした。" in page and "【第1回】" in page
    response = client.post(
        url("progress_report_edit", council, subcommittee),
        {
            "loaded_version": "new",
            "policy": "取組方針です。",
            "actions": "具体的取組です。",
            "direction": "方向性です。",
            "notes_for_steering": "伝達事項です。",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(body=subcommittee, fiscal_year=FY)
    assert (report.policy, report.notes_for_steering) == ("取組方針です。", "伝達事項です。")


def test_stale_save_is_refused_and_typed_values_kept(client, council, subcommittee, chair, secretariat):
    client.force_login(chair)
    client.post(
        url("progress_report_edit", council, subcommittee), {"loaded_version": "new", "policy": "一回目"}
    )
    loaded = ProgressReport.objects.get(body=subcommittee).updated_at.isoformat()
    # Someone else saves meanwhile.
    client.force_login(secretariat)
    client.post(
        url("progress_report_edit", council, subcommittee),
        {"loaded_version": loaded, "policy": "事務局が直した"},
    )
    client.force_login(chair)
    response = client.post(
        url("progress_report_edit", council, subcommittee),
        {"loaded_version": loaded, "policy": "部会長の入力"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "他の方が更新しました" in page and "部会長の入力" in page
    assert ProgressReport.objects.get(body=subcommittee).policy == "事務局が直した"


def test_two_new_forms_do_not_overwrite_each_other(client, council, subcommittee, chair):
    client.force_login(chair)
    client.post(url("policy_edit", council, subcommittee), {"loaded_version": "new", "policy": "先に保存"})
    response = client.post(
        url("policy_edit", council, subcommittee), {"loaded_version": "new", "policy": "後から"}
    )
    assert response.status_code == 400
    assert ActivityPolicy.objects.get(body=subcommittee, fiscal_year=FY + 1).policy == "先に保存"


# --- 振り返り・評価シート -----------------------------------------------------------------------


def test_evaluation_saves_with_comments_and_shows_derived_counts(
    client, council, subcommittee, chair, people, held_meetings
):
    client.force_login(chair)
    page = client.get(url("evaluation_edit", council, subcommittee)).content.decode()
    assert "3回" in page and "7, 11, 2月" in page
    response = client.post(
        url("evaluation_edit", council, subcommittee),
        evaluation_data(
            **{
                "comments-0-person": str(people[0].pk),
                "comments-0-text": "良かった。",
                "comments-2-person": "",
                "comments-2-text": "記名なしの意見。",
            }
        ),
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(body=subcommittee, fiscal_year=FY)
    assert evaluation.written_on == dt.date(2021, 1, 4)
    assert evaluation.functions == ["情報機能", "開発機能"]
    assert [(c.person_id, c.text) for c in evaluation.comments.order_by("position")] == [
        (people[0].pk, "良かった。"),
        (None, "記名なしの意見。"),
    ]
    page = client.get(url("evaluation_edit", council, subcommittee)).content.decode()
    assert "良かった。" in page and "令和3年1月4日" in page


def test_comment_person_must_be_a_member(client, council, subcommittee, chair, people, outsider):
    from tests.factories import PersonFactory

    stranger = PersonFactory(council=council, name="部外 者")
    client.force_login(chair)
    response = client.post(
        url("evaluation_edit", council, subcommittee),
        evaluation_data(
            **{
                "comments-0-person": str(stranger.pk),
                "comments-0-text": "意見",
            }
        ),
    )
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_ending_requires_a_reason(client, council, subcommittee, chair):
    client.force_login(chair)
    response = client.post(url("evaluation_edit", council, subcommittee), evaluation_data(next_year="end"))
    assert response.status_code == 400
    assert "「終了する」場合は理由を記入してください。" in response.content.decode()
    assert not Evaluation.objects.exists()
    response = client.post(
        url("evaluation_edit", council, subcommittee),
        evaluation_data(next_year="end", end_reason="目的を達成した。"),
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().next_year == NextYearDecision.END


def test_continue_prefills_next_years_policy_only_when_empty(client, council, subcommittee, chair):
    client.force_login(chair)
    client.post(url("evaluation_edit", council, subcommittee), evaluation_data())
    policy = ActivityPolicy.objects.get(body=subcommittee, fiscal_year=FY + 1)
    assert (policy.policy, policy.activities) == ("周知と活用を進める。", "モデルを確認する。")
    activity_policy_save(
        body=subcommittee, fiscal_year=FY + 1, policy="部会で書き直した。", activities="独自の内容。"
    )
    evaluation_save(
        body=subcommittee, fiscal_year=FY, comments=[], next_year="continue", next_policy="別の案"
    )
    policy.refresh_from_db()
    assert (policy.policy, policy.activities) == ("部会で書き直した。", "独自の内容。")


def test_policy_history_is_prefilled_from_earlier_years(client, council, subcommittee, chair):
    activity_policy_save(body=subcommittee, fiscal_year=FY, history="平成30年度は仕組みを作った。")
    evaluation_save(
        body=subcommittee, fiscal_year=FY, comments=[], narrative="就労定着支援の実態を把握した。"
    )
    client.force_login(chair)
    page = client.get(url("policy_edit", council, subcommittee)).content.decode()
    assert "平成30年度は仕組みを作った。" not in page  # drafted only when asked (the button)
    page = client.post(
        url("policy_edit", council, subcommittee),
        {"loaded_version": "new", "history": "", "policy": "", "activities": "", "draft": "1"},
    ).content.decode()
    assert "平成30年度は仕組みを作った。" in page
    assert "【令和2年度】" in page and "・取り組み：就労定着支援の実態を把握した。" in page
    assert not ActivityPolicy.objects.filter(body=subcommittee, fiscal_year=FY + 1).exists()


def test_policy_page_saves_next_years_policy(client, council, subcommittee, secretariat):
    client.force_login(secretariat)
    response = client.post(
        url("policy_edit", council, subcommittee),
        {
            "loaded_version": "new",
            "history": "経過",
            "policy": "方針",
            "activities": "活動",
        },
    )
    assert response.status_code == 302
    assert ActivityPolicy.objects.get(body=subcommittee, fiscal_year=FY + 1).activities == "活動"


def test_body_page_links_the_yearly_documents(client, council, subcommittee, chair, member):
    client.force_login(chair)
    page = client.get(
        reverse("body_detail", args=[council.slug, subcommittee.pk]) + f"?year={FY}"
    ).content.decode()
    assert url("evaluation_edit", council, subcommittee) in page
    client.force_login(member)
    page = client.get(
        reverse("body_detail", args=[council.slug, subcommittee.pk]) + f"?year={FY}"
    ).content.decode()
    assert url("evaluation_edit", council, subcommittee) not in page
