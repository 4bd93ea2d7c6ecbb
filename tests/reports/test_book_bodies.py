"""The 年次報告書 over the years of a council whose bodies pause, end and are replaced (かわせみ町).

A body paused in the 年度 or ended from it prints its 「休止・終了の経過」 and 事務局案 instead of
three blank forms; no 次年度 活動方針 for a body that ends; a successor that starts next 年度
prints the policy saved on it, after its predecessor; a body of a kind that files nothing prints
nothing unless something was entered.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.models import BodyStatusKind
from council.services import body_status_save
from reports.rendering import render_html
from subcommittees.documents import book_context
from subcommittees.services import activity_policy_save
from tests.worlds.kawasemi import ENDED_IN, FORUM_FROM, PAUSED_IN

pytestmark = pytest.mark.django_db


def _set(context, body):
    return next((s for s in context["sets"] if s.body.pk == body.pk), None)


def _explain_pause(w):
    row = w.kodomo.statuses.get(fiscal_year=PAUSED_IN)
    return body_status_save(
        body_status=row,
        background="令和4年度は部会長の退任により開催できず、休止しました。",
        proposal="療育部会として再編し、こども部会の課題を引き継ぐことを提案します。",
    )


def test_a_paused_body_prints_its_history_and_proposal_not_blank_forms(kawasemi):
    w = kawasemi
    _explain_pause(w)
    context = book_context(council=w.council, fiscal_year=PAUSED_IN)
    kodomo = _set(context, w.kodomo)
    assert kodomo is not None and kodomo.shows_status
    # Nothing was held or written in the paused year, and the body ends next year.
    assert not kodomo.shows_report and not kodomo.shows_evaluation and not kodomo.shows_policy
    html = render_html("book", council=w.council, fiscal_year=PAUSED_IN)
    assert "こども部会 休止・終了の経過" in html
    assert "部会長の退任により開催できず" in html
    assert "療育部会として再編し" in html
    assert "令和4年度から 休止（部会長の退任のため休止）" in html
    assert "令和5年度から 終了" in html
    assert "引き継ぎ先</th><td>療育部会" in html
    assert "こども部会 検討状況報告書" not in html
    assert "令和5年度 こども部会 活動方針" not in html


def test_an_active_subcommittee_still_prints_its_three_documents(kawasemi):
    w = kawasemi
    context = book_context(council=w.council, fiscal_year=PAUSED_IN)
    shuro = _set(context, w.shuro)
    assert shuro.shows_report and shuro.shows_evaluation and shuro.shows_policy and not shuro.shows_status
    html = render_html("book", council=w.council, fiscal_year=PAUSED_IN)
    assert "令和4年度 就労部会 検討状況報告書" in html


def test_the_successors_next_year_policy_is_printed_after_its_predecessor(kawasemi):
    w = kawasemi
    year = ENDED_IN - 1  # the book of the year before 療育部会 starts
    activity_policy_save(body=w.ryoiku, fiscal_year=ENDED_IN, policy="療育の課題を引き継いで協議します。")
    context = book_context(council=w.council, fiscal_year=year)
    names = [s.body.pk for s in context["sets"]]
    ryoiku = _set(context, w.ryoiku)
    assert ryoiku is not None and ryoiku.starts_next_year
    assert ryoiku.shows_policy and not ryoiku.shows_report and not ryoiku.shows_evaluation
    assert names.index(w.ryoiku.pk) == names.index(w.kodomo.pk) + 1
    html = render_html("book", council=w.council, fiscal_year=year)
    assert "療育の課題を引き継いで協議します。" in html
    assert "療育部会（令和5年度から）" in html


def test_a_successor_without_a_policy_prints_nothing_the_year_before(kawasemi):
    w = kawasemi
    context = book_context(council=w.council, fiscal_year=ENDED_IN - 1)
    assert _set(context, w.ryoiku) is None


def test_a_forum_prints_only_what_was_entered(kawasemi):
    w = kawasemi
    assert w.forum.kind not in ("subcommittee",)
    context = book_context(council=w.council, fiscal_year=FORUM_FROM)
    forum = _set(context, w.forum)
    assert forum is not None and forum.meetings  # its held meetings make its report
    assert forum.shows_report
    assert not forum.shows_evaluation and not forum.shows_policy and not forum.shows_status
    html = render_html("book", council=w.council, fiscal_year=FORUM_FROM)
    assert "地域移行協議の場準備会 振り返り・評価シート" not in html
    assert "地域移行協議の場準備会 検討状況報告書" in html
    # The year before it existed it has no place in the book at all.
    assert _set(book_context(council=w.council, fiscal_year=FORUM_FROM - 2), w.forum) is None


def test_an_ended_body_is_gone_the_year_after(kawasemi):
    w = kawasemi
    context = book_context(council=w.council, fiscal_year=ENDED_IN + 1)
    assert _set(context, w.kodomo) is None
    ended = book_context(council=w.council, fiscal_year=ENDED_IN)
    kodomo = _set(ended, w.kodomo)
    assert kodomo is not None and kodomo.shows_status and kodomo.status == BodyStatusKind.ENDED


def test_book_queries_do_not_grow_with_successors(kawasemi):
    w = kawasemi
    with CaptureQueriesContext(connection) as before:
        book_context(council=w.council, fiscal_year=ENDED_IN - 1)
    activity_policy_save(body=w.ryoiku, fiscal_year=ENDED_IN, policy="方針")
    _explain_pause(w)
    with CaptureQueriesContext(connection) as after:
        book_context(council=w.council, fiscal_year=ENDED_IN - 1)
    assert len(after) == len(before)
