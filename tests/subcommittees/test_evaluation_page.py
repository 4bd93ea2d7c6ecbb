"""The evaluation page: what a new sheet starts from, and the queries of the page and the review."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from subcommittees.models import ActivityPolicy, EvaluationComment, ProgressReport
from subcommittees.services import CommentInput, evaluation_return, evaluation_save, evaluation_submit
from tests.factories import MeetingFactory, MembershipFactory, PersonFactory

FY = 2020
# Measured on 2026-11-23: 19 queries for the edit page, 18 for the review page, whatever the number
# of comments, meetings, members and review steps. A changed count is a reviewed change.
LIMIT = 22  # +1 the アクションプラン part (issues with a plan), +1 the council words (steering, plenary), +1 the roles from memberships


def _url(council, body):
    return reverse("evaluation_edit", args=[council.slug, body.pk, FY])


def test_new_sheet_starts_from_the_years_policy(client, council, subcommittee, chair):
    ProgressReport.objects.create(body=subcommittee, fiscal_year=FY, policy="報告書の取組方針。")
    client.force_login(chair)
    assert "報告書の取組方針。" in client.get(_url(council, subcommittee)).content.decode()
    ActivityPolicy.objects.create(body=subcommittee, fiscal_year=FY, policy="今年度の活動方針。")
    page = client.get(_url(council, subcommittee)).content.decode()
    assert "今年度の活動方針。" in page and "報告書の取組方針。" not in page


def test_saved_sheet_keeps_its_own_policy(client, council, subcommittee, chair):
    ActivityPolicy.objects.create(body=subcommittee, fiscal_year=FY, policy="今年度の活動方針。")
    evaluation_save(body=subcommittee, fiscal_year=FY, comments=[], policy="シートで直した方針。")
    client.force_login(chair)
    page = client.get(_url(council, subcommittee)).content.decode()
    assert "シートで直した方針。" in page and "今年度の活動方針。" not in page


def _seed(council, body, chair, reviewer, n):
    people = []
    for i in range(n):
        person = PersonFactory(council=council, name=f"委員 {i}", name_kana=f"いいん{i}")
        MembershipFactory(body=body, person=person, term_start=dt.date(2019, 4, 1))
        people.append(person)
        MeetingFactory(
            body=body,
            date=dt.date(2020, 5, 1) + dt.timedelta(days=20 * i),
            status="held",
            items=["検討した。"],
        )
    evaluation = evaluation_save(
        body=body,
        fiscal_year=FY,
        policy="方針",
        comments=[CommentInput(person=p, text=f"感想{p.pk}") for p in people],
    )
    for _ in range(n):
        evaluation_submit(evaluation=evaluation, by=chair)
        evaluation_return(evaluation=evaluation, by=reviewer, comment="直してください。")
    evaluation_submit(evaluation=evaluation, by=chair)
    return evaluation


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_cost_the_same_with_more_rows(
    client,
    council,
    subcommittee,
    other_subcommittee,
    chair,
    other_chair,
    reviewer,
    django_assert_max_num_queries,
):
    small = _seed(council, subcommittee, chair, reviewer, 2)
    large = _seed(council, other_subcommittee, other_chair, reviewer, 8)
    assert EvaluationComment.objects.filter(evaluation=large).count() == 8

    client.force_login(chair)
    edit_small = _count_queries(client, _url(council, subcommittee), django_assert_max_num_queries, LIMIT)
    client.force_login(other_chair)
    edit_large = _count_queries(
        client, _url(council, other_subcommittee), django_assert_max_num_queries, LIMIT
    )
    assert edit_small == edit_large

    client.force_login(reviewer)
    review_small = _count_queries(
        client, reverse("review_detail", args=[council.slug, small.pk]), django_assert_max_num_queries, LIMIT
    )
    review_large = _count_queries(
        client, reverse("review_detail", args=[council.slug, large.pk]), django_assert_max_num_queries, LIMIT
    )
    assert review_small == review_large
