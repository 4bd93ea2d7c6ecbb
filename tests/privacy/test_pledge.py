"""The confidentiality pledge (守秘義務): nobody sees case-conference content before confirming it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.access import has_confirmed_pledge
from council.models import RoleKind
from council.services import role_grant
from meetings.models import Handout
from privacy.models import Pledge, PledgeConfirmation
from privacy.selectors import pledged_council_ids
from privacy.services import DEFAULT_PLEDGE_TEXT, pledge_confirm, pledge_ensure, pledge_publish
from tests.factories import MeetingFactory, RegionalIssueFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_secretariat(council):
    """A secretariat colleague who has not confirmed the pledge yet."""
    user = UserFactory(username="new_secretariat", last_name="新任", first_name="事務局")
    role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
    return user


@pytest.fixture
def case_member(council, case_conference):
    """A member recorded as taking part in the case conference, not yet pledged."""
    user = UserFactory(username="case_member", last_name="相談員", first_name="六郎")
    role_grant(user=user, council=council, kind=RoleKind.MEMBER, body=case_conference)
    return user


@pytest.fixture
def case_records(case_conference, secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory(body=case_conference)
    handout = Handout(meeting=meeting, title="支援計画")
    handout.file.save("case-plan.pdf", ContentFile(b"%PDF-1.4 case"), save=False)
    handout.save()
    issue = RegionalIssueFactory(body=case_conference, by=secretariat, title="個別支援会議で扱う課題")
    return {"meeting": meeting, "handout": handout, "issue": issue}


def _case_urls(council, case_conference, records) -> list[str]:
    slug = council.slug
    meeting = records["meeting"]
    return [
        reverse("body_detail", args=[slug, case_conference.pk]),
        reverse("meeting_detail", args=[slug, meeting.pk]),
        reverse("meeting_edit", args=[slug, meeting.pk]),
        reverse("meeting_create", args=[slug, case_conference.pk]),
        reverse("protected_file", args=[records["handout"].file.name]),
        reverse("issue_detail", args=[slug, records["issue"].pk]),
        reverse("action_plan_edit", args=[slug, records["issue"].pk]),
        # The case conference's yearly documents and their HTML preview.
        reverse("progress_report_edit", args=[slug, case_conference.pk, 2021]),
        reverse("evaluation_edit", args=[slug, case_conference.pk, 2021]),
        reverse("policy_edit", args=[slug, case_conference.pk, 2021]),
        reverse("report_preview", args=[slug, "progress-report", 2021]) + f"?body={case_conference.pk}",
    ]


def _next_of(response) -> str:
    location = urlsplit(response["Location"])
    return parse_qs(location.query)["next"][0], location.path


def test_unconfirmed_secretariat_is_sent_to_the_pledge_from_every_case_page(
    client, council, case_conference, new_secretariat, case_records
):
    client.force_login(new_secretariat)
    for url in _case_urls(council, case_conference, case_records):
        response = client.get(url)
        assert response.status_code == 302, url
        next_url, path = _next_of(response)
        assert path == reverse("pledge", args=[council.slug])
        assert next_url == url


def test_unconfirmed_case_member_is_sent_to_the_pledge(
    client, council, case_conference, case_member, case_records
):
    client.force_login(case_member)
    response = client.get(reverse("meeting_detail", args=[council.slug, case_records["meeting"].pk]))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("pledge", args=[council.slug])


def test_a_form_sent_before_confirming_comes_back_to_the_body_page(
    client, council, case_conference, new_secretariat, case_records
):
    client.force_login(new_secretariat)
    url = reverse(
        "handout_delete", args=[council.slug, case_records["meeting"].pk, case_records["handout"].pk]
    )
    response = client.post(url)
    assert response.status_code == 302
    assert _next_of(response)[0] == reverse("body_detail", args=[council.slug, case_conference.pk])
    assert Handout.objects.filter(pk=case_records["handout"].pk).exists()  # nothing happened


def test_people_who_may_not_read_the_case_conference_still_get_404(
    client, council, case_conference, reviewer, other_chair, member, outsider, case_records
):
    for user in (reviewer, other_chair, member, outsider):
        client.force_login(user)
        for url in _case_urls(council, case_conference, case_records):
            assert client.get(url).status_code == 404, (user.username, url)


def test_confirming_opens_the_case_pages_and_returns_to_next(
    client, council, case_conference, new_secretariat, case_records
):
    client.force_login(new_secretariat)
    target = reverse("meeting_detail", args=[council.slug, case_records["meeting"].pk])
    page = client.get(reverse("pledge", args=[council.slug]), {"next": target})
    assert page.status_code == 200
    content = page.content.decode()
    assert "第89条の3" in content and "確認しました" in content and council.name in content

    response = client.post(reverse("pledge", args=[council.slug]), {"next": target})

    assert response.status_code == 302 and response["Location"] == target
    confirmation = PledgeConfirmation.objects.get(user=new_secretariat)
    assert confirmation.pledge.version == 1 and confirmation.pledge.council == council
    for url in _case_urls(council, case_conference, case_records):
        assert client.get(url).status_code == 200, url


def test_confirming_needs_csrf(council, new_secretariat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(new_secretariat)
    response = client.post(reverse("pledge", args=[council.slug]))
    assert response.status_code == 403
    assert not PledgeConfirmation.objects.filter(user=new_secretariat).exists()


def test_next_outside_the_site_is_ignored(client, council, new_secretariat):
    client.force_login(new_secretariat)
    response = client.post(reverse("pledge", args=[council.slug]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("council_home", args=[council.slug])


def test_a_new_version_asks_again(client, council, case_conference, secretariat, case_records):
    client.force_login(secretariat)
    url = reverse("body_detail", args=[council.slug, case_conference.pk])
    assert client.get(url).status_code == 200

    pledge_publish(council=council, title="守秘義務に関する確認", text="改訂した本文です。", by=secretariat)

    client.force_login(secretariat)  # a fresh request: the user object is read again
    response = client.get(url)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "改訂した本文です。" in page.content.decode() and "第2版" in page.content.decode()
    client.post(reverse("pledge", args=[council.slug]))
    assert client.get(url).status_code == 200
    assert list(
        PledgeConfirmation.objects.filter(user=secretariat)
        .order_by("pledge__version")
        .values_list("pledge__version", flat=True)
    ) == [1, 2]


def test_another_councils_pledge_does_not_count(council, other_council, case_conference):
    user = UserFactory(username="both")
    role_grant(user=user, council=council, kind=RoleKind.SECRETARIAT)
    role_grant(user=user, council=other_council, kind=RoleKind.SECRETARIAT)

    pledge_confirm(user=user, council=other_council)

    assert pledged_council_ids(user) == {other_council.pk}
    assert not has_confirmed_pledge(user, council.pk)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("body_detail", args=[council.slug, case_conference.pk])).status_code == 302


def test_default_text_is_seeded_once(council):
    first = pledge_ensure(council=council)
    again = pledge_ensure(council=council)
    assert first.pk == again.pk and first.version == 1
    assert first.text == DEFAULT_PLEDGE_TEXT.format(council=council.name)
    assert "障害者総合支援法" in first.text and "第89条の3" in first.text


def test_versions_count_up_per_council(council, other_council, secretariat):
    pledge_ensure(council=other_council)
    second = pledge_publish(council=council, title="確認", text="第二版", by=secretariat)
    assert second.version == 2  # version 1 was seeded by the secretariat's confirmation
    assert pledge_publish(council=other_council, title="確認", text="二", by=None).version == 2
    assert Pledge.objects.filter(council=council).count() == 2  # the old version is kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL only")
def test_confirmations_are_append_only(secretariat):
    confirmation = PledgeConfirmation.objects.get(user=secretariat)
    with pytest.raises(Exception, match="append_only"), transaction.atomic():
        PledgeConfirmation.objects.filter(pk=confirmation.pk).update(
            confirmed_at=confirmation.confirmed_at.replace(year=2000)
        )


def test_one_confirmation_per_version(secretariat, council):
    pledge = Pledge.objects.get(council=council)
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeConfirmation.objects.create(pledge=pledge, user=secretariat)
    assert pledge_confirm(user=secretariat, council=council).pledge == pledge  # idempotent


# --- the secretariat's page ---------------------------------------------------------------------


def test_status_page_lists_who_has_and_has_not_confirmed(
    client, council, secretariat, chair, member, reviewer, outsider, django_assert_max_num_queries
):
    for n in range(5):
        user = UserFactory(username=f"extra{n}")
        role_grant(user=user, council=council, kind=RoleKind.REVIEWER)
    client.force_login(secretariat)
    url = reverse("pledge_status", args=[council.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "未確認 7名" in content  # member, reviewer, five extra reviewers
    assert "outsider" not in content  # another council's secretariat is not listed
    assert content.count("未確認</strong>") == 7
    assert "secretariat" in content and "chair" in content


def test_status_page_costs_the_same_for_more_users(client, council, secretariat):
    client.force_login(secretariat)
    url = reverse("pledge_status", args=[council.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        user = UserFactory(username=f"more{n}")
        role_grant(user=user, council=council, kind=RoleKind.REVIEWER)
        if n % 2:
            pledge_confirm(user=user, council=council)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_status_page_is_for_the_secretariat_only(client, council, chair, outsider):
    url = reverse("pledge_status", args=[council.slug])
    client.force_login(chair)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_dashboard_links_the_status_page_for_the_secretariat(client, council, secretariat, chair):
    url = reverse("pledge_status", args=[council.slug])
    client.force_login(secretariat)
    assert url in client.get(reverse("dashboard", args=[council.slug])).content.decode()
    client.force_login(chair)
    assert url not in client.get(reverse("council_home", args=[council.slug])).content.decode()


# --- the admin ---------------------------------------------------------------------------------------


def test_admin_hides_case_conference_records_until_confirmed(
    client, council, new_secretariat, case_records, subcommittee
):
    other_meeting = MeetingFactory(body=subcommittee)
    case_meeting = case_records["meeting"]
    client.force_login(new_secretariat)
    changelist = client.get(reverse("admin:meetings_meeting_changelist"))
    assert changelist.status_code == 200
    shown = {m.pk for m in changelist.context["cl"].result_list}
    assert other_meeting.pk in shown and case_meeting.pk not in shown
    change = client.get(reverse("admin:meetings_meeting_change", args=[case_meeting.pk]))
    assert change.status_code == 302  # "not found", as for another council's record
    issues = client.get(reverse("admin:issues_regionalissue_changelist"))
    assert case_records["issue"].pk not in {i.pk for i in issues.context["cl"].result_list}

    pledge_confirm(user=new_secretariat, council=council)

    assert client.get(reverse("admin:meetings_meeting_change", args=[case_meeting.pk])).status_code == 200


def test_admin_pledge_new_version_and_confirmed_ones_read_only(client, council, secretariat):
    client.force_login(secretariat)
    confirmed = Pledge.objects.get(council=council)
    add_url = reverse("admin:privacy_pledge_add")
    form = client.get(add_url)
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["text"] == confirmed.text  # starts from the current wording

    response = client.post(
        add_url, {"council": council.pk, "title": "守秘義務に関する確認", "text": "第2版の本文"}
    )

    assert response.status_code == 302
    new = Pledge.objects.get(council=council, version=2)
    assert new.created_by == secretariat and new.text == "第2版の本文"
    # The confirmed version cannot be changed or deleted.
    change_url = reverse("admin:privacy_pledge_change", args=[confirmed.pk])
    client.post(change_url, {"title": "書き換え", "text": "書き換え"})
    confirmed.refresh_from_db()
    assert confirmed.text != "書き換え"
    assert client.get(reverse("admin:privacy_pledge_delete", args=[confirmed.pk])).status_code == 403
    # The new one, confirmed by nobody yet, may still be corrected.
    client.post(
        reverse("admin:privacy_pledge_change", args=[new.pk]), {"title": "確認", "text": "直した本文"}
    )
    new.refresh_from_db()
    assert new.text == "直した本文"


def test_admin_pledges_of_another_council_are_not_found(
    client, other_council, outsider, council, secretariat
):
    client.force_login(outsider)
    pledge = Pledge.objects.get(council=council)
    assert client.get(reverse("admin:privacy_pledge_change", args=[pledge.pk])).status_code == 302
    listed = client.get(reverse("admin:privacy_pledgeconfirmation_changelist")).context["cl"].result_list
    assert list(listed) == []


def test_every_case_conference_path_resolves(new_secretariat, case_records):
    """A renamed relation would otherwise only fail when someone opens that admin page."""
    from django.apps import apps

    from council.access import CASE_CONFERENCE_PATHS, for_admin

    for label in CASE_CONFERENCE_PATHS:
        model = apps.get_model(label)
        list(for_admin(model.objects.all(), new_secretariat)[:1])  # builds and runs the lookup


def test_for_admin_leaves_out_only_the_unpledged_councils_case_rows(
    council, new_secretariat, secretariat, case_records, subcommittee
):
    from council.access import for_admin
    from meetings.models import Meeting

    plain = MeetingFactory(body=subcommittee)
    assert set(for_admin(Meeting.objects.all(), new_secretariat)) == {plain}
    assert set(for_admin(Meeting.objects.all(), secretariat)) == {plain, case_records["meeting"]}
