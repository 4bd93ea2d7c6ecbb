"""Council home (the body tree in a 年度) and the body page: who sees what, and at what cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from council.models import BodyStatusKind, MembershipRole
from council.services import body_rename, body_set_status
from tests.factories import MeetingFactory, MembershipFactory

YEAR = 2024


def home_url(council, year=YEAR):
    return reverse("council_home", args=[council.slug]) + f"?year={year}"


def body_url(council, body, year=YEAR):
    return reverse("body_detail", args=[council.slug, body.pk]) + f"?year={year}"


@pytest.fixture
def tree(plenary, steering, subcommittee, other_subcommittee, case_conference, liaison):
    return {
        "plenary": plenary,
        "steering": steering,
        "sub": subcommittee,
        "other": other_subcommittee,
        "case": case_conference,
        "liaison": liaison,
    }


def test_home_redirects_to_the_only_council(client, secretariat, council):
    client.force_login(secretariat)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "council_home", args=[council.slug]
    )


def test_anonymous_goes_to_login(client, council):
    response = client.get(home_url(council))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_outsider_gets_404(client, outsider, council, tree):
    client.force_login(outsider)
    assert client.get(home_url(council)).status_code == 404
    assert client.get(body_url(council, tree["sub"])).status_code == 404


def test_tree_in_order_with_status_of_the_year(client, secretariat, council, tree):
    body_set_status(body=tree["other"], fiscal_year=YEAR, status=BodyStatusKind.PAUSED)
    client.force_login(secretariat)
    response = client.get(home_url(council))
    assert response.status_code == 200
    rows = response.context["tree"]
    assert [r.body for r in rows] == [
        tree["plenary"],
        tree["steering"],
        tree["sub"],
        tree["case"],
        tree["other"],
    ]
    assert [r.depth for r in rows] == [0, 1, 2, 3, 2]
    assert rows[-1].status == BodyStatusKind.PAUSED
    assert [r.body for r in response.context["liaison"]] == [tree["liaison"]]
    text = response.content.decode()
    assert "令和6年度" in text and "休止" in text
    # The year before, the body was still active.
    previous = client.get(home_url(council, YEAR - 1)).context["tree"]
    assert previous[-1].status == BodyStatusKind.ACTIVE


def test_ended_body_disappears_the_year_after(client, secretariat, council, tree):
    body_set_status(body=tree["other"], fiscal_year=YEAR, status=BodyStatusKind.ENDED)
    client.force_login(secretariat)
    assert tree["other"] in [r.body for r in client.get(home_url(council)).context["tree"]]
    assert tree["other"] not in [r.body for r in client.get(home_url(council, YEAR + 1)).context["tree"]]


def test_member_sees_only_their_bodies(client, member, council, tree):
    client.force_login(member)
    rows = client.get(home_url(council)).context["tree"]
    assert [r.body for r in rows] == [tree["sub"]]
    assert client.get(body_url(council, tree["sub"])).status_code == 200
    assert client.get(body_url(council, tree["other"])).status_code == 404


def test_case_conference_hidden_from_reviewer_and_other_chair(
    client, reviewer, other_chair, secretariat, council, tree
):
    for user in (reviewer, other_chair):
        client.force_login(user)
        assert tree["case"] not in [r.body for r in client.get(home_url(council)).context["tree"]]
        assert client.get(body_url(council, tree["case"])).status_code == 404
    client.force_login(secretariat)
    assert client.get(body_url(council, tree["case"])).status_code == 200


def test_body_page_shows_members_meetings_and_history(client, chair, council, tree):
    sub = tree["sub"]
    MembershipFactory(
        body=sub,
        person__name="青木 陽子",
        role=MembershipRole.CHAIR,
        term_start=dt.date(2024, 4, 1),
        term_end=dt.date(2027, 3, 31),
    )
    MembershipFactory(
        body=sub, person__name="退任 済子", term_start=dt.date(2020, 4, 1), term_end=dt.date(2023, 3, 31)
    )
    MeetingFactory(body=sub, date=dt.date(2024, 8, 6), items=["現状を共有した。"])
    MeetingFactory(body=sub, date=dt.date(2023, 8, 6))  # another 年度
    body_rename(body=sub, fiscal_year=YEAR + 1, name="相談支援体制部会")
    client.force_login(chair)
    response = client.get(body_url(council, sub))
    text = response.content.decode()
    assert response.status_code == 200
    assert "青木 陽子" in text and "退任 済子" not in text
    assert [m.date for m in response.context["meetings"]] == [dt.date(2024, 8, 6)]
    assert "令和6年8月6日(火)" in text
    assert response.context["body_name"] == "相談支援部会"  # the name of that year
    assert response.context["can_edit"] is True
    assert "会議を登録する" in text


def test_reader_sees_no_edit_button(client, reviewer, council, tree):
    client.force_login(reviewer)
    response = client.get(body_url(council, tree["sub"]))
    assert response.context["can_edit"] is False
    assert "会議を登録する" not in response.content.decode()


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_data(client, secretariat, council, tree):
    client.force_login(secretariat)
    small_home = _count(client, home_url(council))
    small_body = _count(client, body_url(council, tree["sub"]))
    for n in range(6):
        MeetingFactory(body=tree["sub"], date=dt.date(2024, 5 + n, 10), items=["a", "b"])
        MeetingFactory(body=tree["other"], date=dt.date(2024, 5 + n, 12))
        MembershipFactory(body=tree["sub"], term_start=dt.date(2024, 4, 1))
    assert _count(client, home_url(council)) == small_home
    assert _count(client, body_url(council, tree["sub"])) == small_body
