"""The admin's council, meeting, issue and pledge pages save through the services the pages use.

Each test posts what the browser would send (``_post_data``) and re-reads the database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from council.models import Body, BodyKind, Organization, Person, Role, RoleKind
from council.permissions import SECRETARIAT_GROUP
from council.wareki import current_fiscal_year
from issues.models import ActionPlan, MoveKind, RegionalIssue
from meetings.models import CalendarFeed, Meeting
from privacy.models import Pledge
from privacy.services import pledge_confirm, pledge_delete, pledge_save
from tests.admin.test_concurrent_edit import _post_data


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _subcommittee(demo) -> Body:
    return Body.objects.filter(council=demo, kind=BodyKind.SUBCOMMITTEE).order_by("pk").first()


def test_a_rename_in_the_admin_keeps_the_old_name_for_earlier_years(secretariat_client, demo):
    body = _subcommittee(demo)
    old_name = body.name
    url = _change_url(body)
    data = _post_data(secretariat_client.get(url))
    data["name"] = "新しい名前の部会"
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    body.refresh_from_db()
    assert body.name == "新しい名前の部会"
    year = current_fiscal_year()
    assert body.names.get(from_fiscal_year=year).name == "新しい名前の部会"
    assert body.names.filter(from_fiscal_year__lt=year, name=old_name).exists()


def test_a_new_body_gets_its_first_name_and_status(secretariat_client, demo):
    parent = Body.objects.filter(council=demo, parent__isnull=True).order_by("pk").first()
    url = reverse("admin:council_body_add")
    data = _post_data(secretariat_client.get(url))
    data.update(
        {
            "council": demo.pk,
            "name": "管理画面で作った部会",
            "kind": BodyKind.SUBCOMMITTEE,
            "parent": parent.pk,
            "sort_order": "0",
        }
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    body = Body.objects.get(council=demo, name="管理画面で作った部会")
    assert body.names.count() == 1 and body.statuses.count() == 1


def test_a_person_is_added_with_a_membership_typed_in_the_same_form(secretariat_client, demo):
    body = _subcommittee(demo)
    organization = Organization.objects.filter(council=demo).first()
    url = reverse("admin:council_person_add")
    data = _post_data(secretariat_client.get(url))
    data.update(
        {
            "council": demo.pk,
            "name": "管理 花子",
            "organization": organization.pk,
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-body": body.pk,
            "memberships-0-role": "member",
            "memberships-0-term_start": "2025-04-01",
        }
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get(council=demo, name="管理 花子")
    assert list(person.memberships.values_list("body", flat=True)) == [body.pk]


def test_a_secretariat_role_lets_the_colleague_in_and_revoking_takes_it_away(secretariat_client, demo):
    colleague = get_user_model().objects.create_user("new-colleague", password="pw")
    response = secretariat_client.post(
        reverse("admin:council_role_add"),
        {"user": colleague.pk, "council": demo.pk, "kind": RoleKind.SECRETARIAT},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    colleague.refresh_from_db()
    assert colleague.is_staff and colleague.groups.filter(name=SECRETARIAT_GROUP).exists()

    role = Role.objects.get(user=colleague, council=demo)
    delete_url = reverse("admin:council_role_delete", args=[role.pk])
    assert secretariat_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Role.objects.filter(user=colleague).exists()


def _held_meeting(demo) -> Meeting:
    return (
        Meeting.objects.filter(body__council=demo, status="held", date__isnull=False).order_by("pk").first()
    )


def test_a_meeting_change_posted_without_its_stamp_is_refused_by_the_service(secretariat_client, demo):
    meeting = _held_meeting(demo)
    url = _change_url(meeting)
    data = _post_data(secretariat_client.get(url))
    data.pop("loaded_version")
    data["place"] = "細工した会場"
    response = secretariat_client.post(url, data, follow=True)
    assert "他の方が更新しました" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place != "細工した会場"


def test_meeting_items_typed_in_the_admin_are_numbered_in_order(secretariat_client, demo):
    meeting = _held_meeting(demo)
    url = _change_url(meeting)
    data = _post_data(secretariat_client.get(url))
    before = list(meeting.items.order_by("position").values_list("text", flat=True))
    n = int(data["items-TOTAL_FORMS"])
    data.update({"items-TOTAL_FORMS": str(n + 1), f"items-{n}-text": "最後に加えた項目"})
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    items = list(meeting.items.order_by("position"))
    assert [i.text for i in items] == [*before, "最後に加えた項目"]
    assert [i.position for i in items] == list(range(1, len(items) + 1))


def test_a_meeting_added_in_the_admin_takes_the_next_number(secretariat_client, demo):
    body = _subcommittee(demo)
    year = current_fiscal_year()
    highest = max(
        Meeting.objects.filter(body=body, fiscal_year=year).values_list("sequence", flat=True), default=0
    )
    url = reverse("admin:meetings_meeting_add")
    data = _post_data(secretariat_client.get(url))
    data.update({"body": body.pk, "status": "planned", "fiscal_year": str(year)})
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.filter(body=body, fiscal_year=year).order_by("-pk").first()
    assert meeting.sequence == highest + 1


def test_a_meeting_deleted_in_the_admin_is_gone(secretariat_client, demo):
    meeting = Meeting.objects.filter(body__council=demo).order_by("-pk").first()
    url = reverse("admin:meetings_meeting_delete", args=[meeting.pk])
    assert secretariat_client.post(url, {"post": "yes"}).status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_an_issue_change_posted_without_its_stamp_is_refused(secretariat_client, demo):
    issue = RegionalIssue.objects.filter(council=demo).order_by("pk").first()
    url = _change_url(issue)
    data = _post_data(secretariat_client.get(url))
    data.pop("loaded_version")
    data["background"] = "細工した背景"
    response = secretariat_client.post(url, data, follow=True)
    assert "他の方が更新しました" in response.content.decode()
    issue.refresh_from_db()
    assert issue.background != "細工した背景"


def test_an_issue_added_in_the_admin_is_raised(secretariat_client, demo):
    body = _subcommittee(demo)
    url = reverse("admin:issues_regionalissue_add")
    data = _post_data(secretariat_client.get(url))
    data.update(
        {"council": demo.pk, "title": "管理画面から提起した課題", "raised_on": "2025-05-01", "body": body.pk}
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    issue = RegionalIssue.objects.get(council=demo, title="管理画面から提起した課題")
    assert list(issue.moves.values_list("kind", "reason")) == [(MoveKind.RAISE, "管理画面から登録")]


def test_action_plan_rows_are_saved_in_their_order_with_the_due_date(secretariat_client, demo):
    issue = RegionalIssue.objects.filter(council=demo, action_plan__isnull=True).order_by("pk").first()
    plan = ActionPlan.objects.create(issue=issue, target_state="目指す姿")
    url = _change_url(plan)
    data = _post_data(secretariat_client.get(url))
    data.update(
        {
            "rows-TOTAL_FORMS": "2",
            "rows-0-position": "2",
            "rows-0-problem": "二番目",
            "rows-1-position": "1",
            "rows-1-problem": "一番目",
            "rows-1-due_on": "2026-03-31",
        }
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = list(plan.rows.order_by("position").values_list("problem", "due_on"))
    assert rows == [("一番目", dt.date(2026, 3, 31)), ("二番目", None)]


def test_a_calendar_feed_is_deleted_but_not_edited(secretariat_client, demo, demo_secretariat):
    feed = CalendarFeed.objects.create(council=demo, user=demo_secretariat, scope="council", token="t" * 40)
    assert secretariat_client.post(_change_url(feed), {}).status_code == 403
    url = reverse("admin:meetings_calendarfeed_delete", args=[feed.pk])
    assert secretariat_client.post(url, {"post": "yes"}).status_code == 302
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()


def test_a_confirmed_pledge_is_refused_by_the_services(demo, demo_secretariat):
    confirmed = Pledge.objects.filter(council=demo, confirmations__isnull=False).first()
    with pytest.raises(ValidationError):
        pledge_save(pledge=confirmed, council=demo, title="書き換え", text="書き換え", by=demo_secretariat)
    with pytest.raises(ValidationError):
        pledge_delete(pledge=confirmed)
    assert Pledge.objects.get(pk=confirmed.pk).title != "書き換え"

    fresh = pledge_save(council=demo, title="第二版", text="本文", by=demo_secretariat)
    assert fresh.version == confirmed.version + 1
    corrected = pledge_save(
        pledge=fresh, council=demo, title="第二版（訂正）", text="本文", by=demo_secretariat
    )
    assert Pledge.objects.get(pk=corrected.pk).title == "第二版（訂正）"
    pledge_confirm(user=demo_secretariat, council=demo)
    with pytest.raises(ValidationError):
        pledge_delete(pledge=fresh)
