"""これまでの経過 drafted from the past years (issue 14 item 8): policies, reviews and issue outcomes,
year by year, through the predecessor chain, offered on the policy page and never saved unasked.

かわせみ町: こども部会 (R2–, 休止 R4, 終了 R5) is succeeded by 療育部会 (R5–); the lineage issue raised
in こども部会 is resolved by the 調整会議 in R6; 就労部会 was called 就労支援部会 until R3.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues.services import issue_move, issues_hand_over
from subcommittees.history_draft import history_draft, lineage
from subcommittees.models import ActivityPolicy, Evaluation, ProgressReport
from subcommittees.services import activity_policy_save

pytestmark = pytest.mark.django_db

YEAR = 2024  # the policy page of 令和6年度 makes the policy of 令和7年度


@pytest.fixture
def years(kawasemi):
    """Past documents of こども部会 and 療育部会, and the orphan issue handed over in R5."""
    ActivityPolicy.objects.create(body=kawasemi.kodomo, fiscal_year=2020, policy="放課後の過ごし方を調べる。")
    ActivityPolicy.objects.create(
        body=kawasemi.kodomo, fiscal_year=2021, policy="医療的ケア児の通学を検討する。"
    )
    Evaluation.objects.create(
        body=kawasemi.kodomo, fiscal_year=2021, narrative="通学の実態を聞き取りました。"
    )
    ProgressReport.objects.create(body=kawasemi.ryoiku, fiscal_year=2023, policy="療育の場を広げる。")
    Evaluation.objects.create(
        body=kawasemi.ryoiku, fiscal_year=2024, narrative="事業所の見学会を開きました。"
    )
    issues_hand_over(old=kawasemi.kodomo, on=dt.date(2023, 4, 1), by=kawasemi.secretariat)
    return kawasemi


def draft_for(world, body=None, year=YEAR + 1) -> str:
    return history_draft(body=body or world.ryoiku, fiscal_year=year, user=world.secretariat)


def test_the_lineage_runs_through_the_predecessor(kawasemi):
    assert lineage(kawasemi.ryoiku) == [kawasemi.kodomo, kawasemi.ryoiku]
    assert lineage(kawasemi.soudan) == [kawasemi.soudan]


def test_the_draft_tells_the_years_in_order_with_the_names_of_each_year(years):
    draft = draft_for(years)
    assert draft == "\n\n".join(
        [
            "【令和2年度】こども部会\n・方針：放課後の過ごし方を調べる。",
            "【令和3年度】こども部会\n・方針：医療的ケア児の通学を検討する。\n・取り組み：通学の実態を聞き取りました。",
            "【令和4年度】こども部会\n・こども部会は活動を休止しました（部会長の退任のため休止）。",
            "【令和5年度】療育部会\n・こども部会は活動を終了しました（「療育部会」へ再編）。\n"
            "・方針：療育の場を広げる。\n"
            "・地域課題「医療的ケア児の通学支援がない」を「こども部会」から引き継ぎました。",
            "【令和6年度】療育部会\n・取り組み：事業所の見学会を開きました。\n"
            "・地域課題「放課後等デイサービスの送迎の担い手が足りない」は調整会議で解決しました。"
            "町の送迎支援事業が始まりました。（開発・改善した社会資源：送迎支援事業（令和6年度開始））",
        ]
    )


def test_only_the_years_before_the_policy_year(years):
    draft = draft_for(years, year=2023)
    assert "【令和4年度】" in draft
    assert "令和5年度" not in draft and "見学会" not in draft


def test_a_renamed_body_is_labelled_with_the_name_it_had(kawasemi):
    ActivityPolicy.objects.create(body=kawasemi.shuro, fiscal_year=2021, policy="工賃の実態を調べる。")
    Evaluation.objects.create(body=kawasemi.shuro, fiscal_year=2022, narrative="工賃向上の研修を開きました。")
    draft = draft_for(kawasemi, kawasemi.shuro, 2023)
    assert draft.index("【令和3年度】就労支援部会") < draft.index("【令和4年度】就労部会")


def test_a_policy_of_the_predecessor_in_the_successors_year_is_labelled(years):
    ActivityPolicy.objects.create(body=years.kodomo, fiscal_year=2023, policy="残務を整理する。")
    assert "・方針（こども部会）：残務を整理する。" in draft_for(years)


def test_an_earlier_history_written_by_hand_is_continued_not_retold(years):
    activity_policy_save(body=years.ryoiku, fiscal_year=2024, history="こども部会から療育部会へ移りました。")
    draft = draft_for(years)
    assert draft.startswith("こども部会から療育部会へ移りました。\n\n【令和6年度】療育部会")
    assert "令和2年度" not in draft


def test_outcomes_elsewhere_than_in_the_lineage_are_left_out(years):
    issue_move(issue=years.issues["shuro"], kind="close", by=years.secretariat, reason="就労部会で扱う。")
    assert "B型事業所の工賃" not in draft_for(years)


def test_nothing_recorded_gives_an_empty_draft(kawasemi):
    assert draft_for(kawasemi, kawasemi.forum, 2025) == ""


def test_the_draft_costs_the_same_queries_whatever_the_years(years):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            draft_for(years)
        return len(captured)

    queries()  # the user's roles are then cached on the user, as on a page
    few = queries()
    for year in range(2020, 2025):
        Evaluation.objects.update_or_create(
            body=years.kodomo, fiscal_year=year, defaults={"narrative": f"{year}年の取り組み。"}
        )
        ActivityPolicy.objects.update_or_create(
            body=years.ryoiku, fiscal_year=year, defaults={"policy": f"{year}年の方針。"}
        )
    assert queries() == few <= 10


# --- the page -------------------------------------------------------------------------------------


def policy_url(world, body=None) -> str:
    return reverse("policy_edit", args=[world.council.slug, (body or world.ryoiku).pk, YEAR])


def textarea(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    start = html.index(">", start) + 1
    return html[start : html.index("</textarea>", start)].strip()


def posted(**fields) -> dict:
    return {"loaded_version": "new", "history": "", "policy": "", "activities": "", **fields}


def test_the_page_opens_with_the_field_as_stored_and_the_button(client, years):
    client.force_login(years.secretariat)
    html = client.get(policy_url(years)).content.decode()
    assert "これまでの経過の下書きを作る" in html
    assert textarea(html, "history") == ""


def test_the_button_fills_an_empty_field_without_saving(client, years):
    client.force_login(years.secretariat)
    response = client.post(policy_url(years), posted(draft="1", policy="来年度の方針"))
    html = response.content.decode()
    assert response.status_code == 200
    history = textarea(html, "history")
    assert history.startswith("【令和2年度】こども部会")
    assert "「医療的ケア児の通学支援がない」を「こども部会」から引き継ぎました" in history
    assert textarea(html, "policy") == "来年度の方針"  # what was typed stays
    assert "まだ保存していません" in html
    assert not ActivityPolicy.objects.filter(body=years.ryoiku, fiscal_year=YEAR + 1).exists()


def test_typed_text_is_kept_and_the_draft_offered_below(client, years):
    client.force_login(years.secretariat)
    html = client.post(policy_url(years), posted(draft="1", history="部会で書いた経過")).content.decode()
    assert textarea(html, "history") == "部会で書いた経過"
    assert "これまでの経過の下書き</h2>" in html
    assert "【令和6年度】療育部会" in html
    assert html.index('name="history"') < html.index("これまでの経過の下書き</h2>")
    assert 'name="draft_replace"' in html
    assert not ActivityPolicy.objects.filter(body=years.ryoiku, fiscal_year=YEAR + 1).exists()


def test_replace_puts_the_draft_in_and_saving_stores_it(client, years):
    client.force_login(years.secretariat)
    html = client.post(
        policy_url(years), posted(draft_replace="1", history="部会で書いた経過")
    ).content.decode()
    history = textarea(html, "history")
    assert history.startswith("【令和2年度】こども部会") and "部会で書いた経過" not in history
    assert not ActivityPolicy.objects.filter(body=years.ryoiku, fiscal_year=YEAR + 1).exists()
    response = client.post(policy_url(years), posted(history=draft_for(years) + "\n追記しました。"))
    assert response.status_code == 302
    stored = ActivityPolicy.objects.get(body=years.ryoiku, fiscal_year=YEAR + 1)
    assert stored.history.endswith("追記しました。") and "【令和5年度】療育部会" in stored.history


def test_no_records_says_so(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    html = client.post(policy_url(kawasemi, kawasemi.forum), posted(draft="1")).content.decode()
    assert "下書きにできる記録" in html
    assert textarea(html, "history") == ""


def test_readers_who_may_not_edit_get_403_and_others_404(client, years, outsider):
    client.force_login(years.chair)  # chair of 相談支援部会: reads 療育部会, does not edit it
    assert client.post(policy_url(years), posted(draft="1")).status_code == 403
    client.force_login(outsider)
    assert client.post(policy_url(years), posted(draft="1")).status_code == 404
