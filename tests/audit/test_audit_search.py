"""The secretariat's audit page: search the council's history, and nothing of another council."""

from __future__ import annotations

import datetime as dt

import pghistory
import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.selectors import AuditQuery, events_for_council, tracked_models
from issues.models import IssueStatus, MoveKind, RegionalIssue
from issues.services import issue_move
from meetings.models import Meeting, MeetingItem
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db


def _url(council, **params):
    from urllib.parse import urlencode

    url = reverse("audit_search", args=[council.slug])
    return f"{url}?{urlencode(params)}" if params else url


def test_status_change_shows_who_and_before_after(
    client, council, subcommittee, steering, secretariat, chair
):
    """The acceptance question: who changed this issue's status last week?"""
    issue = RegionalIssueFactory(body=subcommittee, by=secretariat, title="グループホームが足りない")
    with pghistory.context(user=chair.pk, url="/test"):
        issue_move(issue=issue, kind=MoveKind.STUDY, by=chair, reason="部会で調べる")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.STUDYING

    client.force_login(secretariat)
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    response = client.get(
        _url(council, model="issues.regionalissue", object=f"#{issue.pk}", date_from=week_ago.isoformat())
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "状態:</span> 提起 → 検討中" in html
    assert "部会長 一郎（chair）" in html
    assert "提起日:</span> 令和" in html  # dates of the record in 和暦, like everywhere else
    assert reverse("issue_detail", args=[council.slug, issue.pk]) in html


def test_search_by_title_person_and_wareki_dates(client, council, subcommittee, secretariat, chair):
    found = RegionalIssueFactory(body=subcommittee, by=secretariat, title="移動支援の不足")
    other = RegionalIssueFactory(body=subcommittee, by=secretariat, title="就労の場")
    with pghistory.context(user=chair.pk):
        RegionalIssue.objects.filter(pk=found.pk).update(background="調べた結果")
    with pghistory.context(user=secretariat.pk):
        RegionalIssue.objects.filter(pk=other.pk).update(background="別の変更")

    by_title = events_for_council(council_id=council.pk, query=AuditQuery(object_text="移動支援"))
    assert {e.pgh_obj_id for e in by_title} == {str(found.pk)}

    by_person = events_for_council(council_id=council.pk, query=AuditQuery(person_text="部会長"))
    assert [(e.pgh_obj_id, e.pgh_label) for e in by_person] == [(str(found.pk), "update")]

    client.force_login(secretariat)
    today = timezone.localdate()
    from council.wareki import format_wareki

    response = client.get(
        _url(council, person="一郎", date_from=format_wareki(today), date_to=format_wareki(today))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "課題が生じる背景:</span> 入所施設からの地域移行の受け皿が足りない。 → 調べた結果" in html
    assert "別の変更" not in html

    tomorrow = today + dt.timedelta(days=1)
    response = client.get(_url(council, person="一郎", date_from=tomorrow.isoformat()))
    assert "条件に合う履歴はありません" in response.content.decode()

    response = client.get(_url(council, date_from="令和99年13月1日"))
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_another_councils_events_never_appear_even_deleted(
    council, other_council, other_council_subcommittee, subcommittee, secretariat, outsider
):
    mine = MeetingFactory(body=subcommittee)
    MeetingItem.objects.create(meeting=mine, text="うちの議題", position=1)
    theirs = MeetingFactory(body=other_council_subcommittee)
    MeetingItem.objects.create(meeting=theirs, text="よその議題", position=1)
    their_issue = RegionalIssueFactory(body=other_council_subcommittee, by=outsider, title="よその課題")
    # Deleted records: their events must stay with their own council.
    theirs_pk, mine_pk = theirs.pk, mine.pk
    their_issue.delete()
    Meeting.objects.filter(pk__in=[theirs_pk, mine_pk]).delete()

    ours = list(events_for_council(council_id=council.pk))
    texts = {str(e.pgh_data) for e in ours}
    assert any("うちの議題" in t for t in texts)
    assert not any("よその" in t for t in texts)
    # Deleted meeting and its deleted items are still found by their own council ...
    kinds = {(e.pgh_obj_model, e.pgh_obj_id, e.pgh_label) for e in ours}
    assert ("meetings.Meeting", str(mine_pk), "delete") in kinds
    assert any(m == "meetings.MeetingItem" and label == "delete" for m, _, label in kinds)
    # ... and only by it.
    theirs_events = list(events_for_council(council_id=other_council.pk))
    assert ("meetings.Meeting", str(theirs_pk), "delete") in {
        (e.pgh_obj_model, e.pgh_obj_id, e.pgh_label) for e in theirs_events
    }
    assert not any("うちの議題" in str(e.pgh_data) for e in theirs_events)
    assert any("よその課題" in str(e.pgh_data) for e in theirs_events)


def test_only_the_secretariat_opens_the_page(client, council, secretariat, chair, reviewer, outsider):
    for user, status in ((chair, 403), (reviewer, 403), (outsider, 404), (secretariat, 200)):
        client.force_login(user)
        assert client.get(_url(council)).status_code == status, user


@pytest.mark.parametrize(
    "model",
    ["", "meetings.meeting", "meetings.meetingitem", "issues.regionalissue", "issues.issuemove"],
    ids=["all", "meetings", "items", "issues", "moves"],
)
def test_query_count_does_not_grow_with_the_page(
    client, council, subcommittee, secretariat, chair, model, django_assert_max_num_queries
):
    # Events written in one test transaction share pgh_created_at, so which kinds fill the unfiltered
    # page depends on id sequences; the per-kind pages make sure every kind of row is measured.
    client.force_login(secretariat)
    params = {"model": model} if model else {}

    def make(n):
        for i in range(n):
            with pghistory.context(user=chair.pk):
                meeting = MeetingFactory(body=subcommittee)
                MeetingItem.objects.create(meeting=meeting, text=f"議題{i}", position=1)
                issue = RegionalIssueFactory(
                    body=subcommittee, by=secretariat, title=f"課題{i}", origin_meeting=meeting
                )
                issue_move(issue=issue, kind=MoveKind.STUDY, by=chair, at_meeting=meeting)

    make(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(_url(council, **params)).status_code == 200
    make(60)  # more than a page (50 rows) of every kind
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(_url(council, **params))
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 50
    assert len(response.context["rows"]) == 50
    print(f"audit page queries ({model or 'all'}):", len(few.captured_queries), len(many.captured_queries))


def test_history_is_not_editable_through_the_admin_or_the_database(council, subcommittee, secretariat):
    event_models = {event for _, event in tracked_models().values()}
    assert event_models, "no tracked models found"
    registered = set(admin.site._registry)
    assert not (registered & event_models)
    assert not any(getattr(m, "__module__", "").startswith("pghistory") for m in registered), (
        "pghistory's own admin (events, contexts) must not be installed"
    )

    issue = RegionalIssueFactory(body=subcommittee, by=secretariat)
    event_model = tracked_models()["issues.regionalissue"][1]
    with pytest.raises(Exception, match="Cannot update or delete"), connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{event_model._meta.db_table}" SET title = %s WHERE pgh_obj_id = %s',
            ["改ざん", issue.pk],
        )


def test_sqlite_explains_that_history_needs_postgresql(client, council, secretariat, monkeypatch):
    monkeypatch.setattr("audit.views.audit_available", lambda: False)
    client.force_login(secretariat)
    response = client.get(_url(council))
    assert response.status_code == 200
    assert "PostgreSQL データベースで運用しているときだけ記録されます" in response.content.decode()


def test_the_pledge_comes_first_since_the_history_holds_case_conferences(client, council, secretariat):
    from council.models import RoleKind
    from council.services import role_grant
    from tests.factories import UserFactory

    newcomer = UserFactory(username="new_secretariat")
    role_grant(user=newcomer, council=council, kind=RoleKind.SECRETARIAT)  # no pledge confirmed yet
    client.force_login(newcomer)
    response = client.get(_url(council))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pledge", args=[council.slug]))
