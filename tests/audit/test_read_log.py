"""閲覧記録: every read of case-conference content (個別支援会議) is logged once, append-only, shown
to the council's own secretariat beside the change history, exported as CSV, purged after the period."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import ProgrammingError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from council.models import RoleKind
from council.services import role_grant
from meetings.services import handout_add
from privacy.models import ReadRecord
from privacy.services import pledge_confirm, read_records_purge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_member(kawasemi):
    """A pledged member of かわせみ町's 個別支援会議 (a 相談支援専門員)."""
    user = UserFactory(username="kawasemi-case", last_name="𠮷田", first_name="和子")
    role_grant(user=user, council=kawasemi.council, kind=RoleKind.MEMBER, body=kawasemi.case_conference)
    pledge_confirm(user=user, council=kawasemi.council)
    return user


def _reads_url(council, **params):
    from urllib.parse import urlencode

    url = reverse("audit_read_log", args=[council.slug])
    return f"{url}?{urlencode(params)}" if params else url


def test_reading_a_case_conference_meeting_is_logged_once_and_shown(client, kawasemi, case_member):
    meeting = kawasemi.meetings["case_r6_1"]
    client.force_login(case_member)
    url = reverse("meeting_detail", args=[kawasemi.council.slug, meeting.pk])
    assert client.get(url).status_code == 200

    records = list(ReadRecord.objects.all())
    assert len(records) == 1
    (record,) = records
    assert (record.user_id, record.body_id, record.council_id) == (
        case_member.pk,
        kawasemi.case_conference.pk,
        kawasemi.council.pk,
    )
    assert record.subject_kind == "meetings.meeting" and record.subject_id == meeting.pk
    assert record.user_name == "𠮷田 和子（kawasemi-case）"
    assert timezone.now() - record.read_at < dt.timedelta(minutes=1)

    client.force_login(kawasemi.secretariat)
    page = client.get(_reads_url(kawasemi.council)).content.decode()
    assert "𠮷田 和子（kawasemi-case）" in page and str(meeting) in page
    assert "1件" in page


def test_body_page_issue_and_handout_downloads_are_logged(client, kawasemi, case_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = kawasemi.meetings["case_r6_1"]
    handout = handout_add(meeting=meeting, file=SimpleUploadedFile("支援計画.pdf", b"%PDF-1.4\n%%EOF\n"))
    client.force_login(case_member)
    assert (
        client.get(
            reverse("body_detail", args=[kawasemi.council.slug, kawasemi.case_conference.pk])
        ).status_code
        == 200
    )
    response = client.get(reverse("protected_file", args=[handout.file.name]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    kinds = sorted(ReadRecord.objects.values_list("subject_kind", flat=True))
    assert kinds == ["council.body", "meetings.handout"]


def test_reads_outside_case_conferences_are_not_logged(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    plenary_meeting = next(m for m in kawasemi.meetings.values() if m.body.kind != "case_conference")
    for url in (
        reverse("meeting_detail", args=[kawasemi.council.slug, plenary_meeting.pk]),
        reverse("body_detail", args=[kawasemi.council.slug, kawasemi.plenary.pk]),
        reverse("council_home", args=[kawasemi.council.slug]),
    ):
        assert client.get(url).status_code == 200
    assert ReadRecord.objects.count() == 0


def test_refused_reads_are_not_logged(client, kawasemi):
    """The reviewer may not open a case conference: 404, and nothing recorded as read."""
    meeting = kawasemi.meetings["case_r6_1"]
    client.force_login(kawasemi.reviewer)
    assert client.get(reverse("meeting_detail", args=[kawasemi.council.slug, meeting.pk])).status_code == 404
    assert ReadRecord.objects.count() == 0


def test_another_councils_secretariat_sees_nothing(
    client, kawasemi, case_member, outsider, secretariat, council
):
    client.force_login(case_member)
    client.get(reverse("meeting_detail", args=[kawasemi.council.slug, kawasemi.meetings["case_r6_1"].pk]))
    assert ReadRecord.objects.count() == 1
    client.force_login(outsider)
    assert client.get(_reads_url(kawasemi.council)).status_code == 404
    # The standing cast's secretariat, on its own council's page, does not find かわせみ町's record.
    client.force_login(secretariat)
    page = client.get(_reads_url(council)).content.decode()
    assert "kawasemi-case" not in page and "0件" in page


def test_readers_other_than_the_secretariat_get_403(client, kawasemi, case_member):
    client.force_login(case_member)
    assert client.get(_reads_url(kawasemi.council)).status_code == 403


def test_filters_and_csv_export(client, kawasemi, case_member):
    meeting = kawasemi.meetings["case_r6_1"]
    client.force_login(case_member)
    client.get(reverse("meeting_detail", args=[kawasemi.council.slug, meeting.pk]))
    client.force_login(kawasemi.secretariat)
    client.get(reverse("body_detail", args=[kawasemi.council.slug, kawasemi.case_conference.pk]))
    assert ReadRecord.objects.count() == 2

    page = client.get(_reads_url(kawasemi.council, person="𠮷田")).content.decode()
    assert "1件" in page and "kawasemi-case" in page
    today = timezone.localdate()
    page = client.get(
        _reads_url(kawasemi.council, date_from=today.isoformat(), date_to=today.isoformat())
    ).content.decode()
    assert "2件" in page
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert "0件" in client.get(_reads_url(kawasemi.council, date_to=yesterday)).content.decode()
    page = client.get(_reads_url(kawasemi.council, body=kawasemi.case_conference.pk)).content.decode()
    assert "2件" in page

    response = client.get(_reads_url(kawasemi.council, person="𠮷田", format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["閲覧日時", "閲覧日時（ISO 8601）", "閲覧した人", "個別支援会議", "閲覧した内容"]
    assert len(rows) == 2
    assert rows[1][2] == "𠮷田 和子（kawasemi-case）" and rows[1][3] == "個別支援会議"
    assert str(meeting) in rows[1][4]


def test_export_of_meetings_logs_the_case_conference(client, kawasemi):
    client.force_login(kawasemi.secretariat)
    response = client.get(reverse("export", args=[kawasemi.council.slug, "meetings", "csv"]))
    assert response.status_code == 200
    (record,) = ReadRecord.objects.all()
    assert record.subject_kind == "export" and record.subject_label.startswith("書き出し「")
    assert record.body_id == kawasemi.case_conference.pk


def test_records_are_append_only(kawasemi, case_member):
    record = ReadRecord.objects.create(
        council=kawasemi.council,
        body=kawasemi.case_conference,
        body_name="個別支援会議",
        user=case_member,
        user_name="x",
        subject_kind="export",
        subject_label="y",
    )
    record.subject_label = "changed"
    with pytest.raises(ValueError, match="変更できません"):
        record.save()
    if connection.vendor == "postgresql":
        with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
            ReadRecord.objects.filter(pk=record.pk).update(subject_label="changed")
    assert ReadRecord.objects.get(pk=record.pk).subject_label == "y"


def test_purge_removes_only_records_past_the_period(kawasemi, case_member, settings):
    settings.READ_LOG_RETENTION_YEARS = 3
    now = timezone.now()

    def at(when):
        return ReadRecord.objects.create(
            council=kawasemi.council,
            body=kawasemi.case_conference,
            body_name="個別支援会議",
            user=case_member,
            user_name="x",
            subject_kind="export",
            subject_label=str(when),
            read_at=when,
        )

    old = at(now.replace(year=now.year - 3) - dt.timedelta(days=1))
    kept = at(now.replace(year=now.year - 3) + dt.timedelta(days=1))
    recent = at(now - dt.timedelta(days=30))
    assert read_records_purge(now=now) == 1
    assert set(ReadRecord.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    assert not ReadRecord.objects.filter(pk=old.pk).exists()
    settings.READ_LOG_RETENTION_YEARS = 1
    assert read_records_purge(now=now) == 1


def test_the_purge_is_on_the_beat_schedule(settings):
    from privacy.tasks import purge_read_records

    entry = settings.CELERY_BEAT_SCHEDULE["privacy-purge-read-records"]
    assert entry["task"] == purge_read_records.name == "privacy.purge_read_records"


@pytest.mark.parametrize("reads", [3, 30])
def test_page_query_count_does_not_grow(client, kawasemi, case_member, reads, django_assert_max_num_queries):
    for i in range(reads):
        ReadRecord.objects.create(
            council=kawasemi.council,
            body=kawasemi.case_conference,
            body_name="個別支援会議",
            user=case_member,
            user_name=f"閲覧者{i}",
            subject_kind="export",
            subject_label="書き出し",
        )
    client.force_login(kawasemi.secretariat)
    client.get(_reads_url(kawasemi.council))  # warm the session and the pledge cache
    # 8 for 3 rows and for 30: session, user, roles, council, pledge, the filter's case conferences,
    # the count, the page of records (names are copied into the rows: no join, no query per row)
    with django_assert_max_num_queries(9):
        response = client.get(_reads_url(kawasemi.council))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == reads + 1
