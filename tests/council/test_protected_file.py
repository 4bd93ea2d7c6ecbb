"""Uploaded handouts are served only to people of their council, as attachments."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from meetings.models import Handout
from meetings.services import meeting_create


@pytest.fixture
def handout(subcommittee, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = meeting_create(body=subcommittee, fiscal_year=2026)
    handout = Handout(meeting=meeting, title="資料1", content_type="application/pdf")
    handout.file.save("shiryo1.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return handout


def test_member_of_the_council_downloads_it(client, chair, handout):
    client.force_login(chair)
    response = client.get(handout.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_council_gets_404(client, outsider, handout):
    client.force_login(outsider)
    assert client.get(handout.file.url).status_code == 404


def test_guessed_path_gets_404(client, chair, handout):
    client.force_login(chair)
    assert client.get("/files/handouts/2026/other.pdf").status_code == 404
    assert client.get("/files/../config/settings.py").status_code == 404


def test_anonymous_is_sent_to_login(client, handout):
    response = client.get(handout.file.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_case_conference_handout_only_for_its_readers(
    client, case_conference, secretariat, reviewer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = meeting_create(body=case_conference, fiscal_year=2026)
    handout = Handout(meeting=meeting, title="支援経過", content_type="application/pdf")
    handout.file.save("keika.pdf", ContentFile(b"%PDF-1.4 private"), save=True)
    client.force_login(reviewer)
    assert client.get(handout.file.url).status_code == 404
    client.force_login(secretariat)
    assert client.get(handout.file.url).status_code == 200


def test_body_report_follows_the_body_rules(
    client, case_conference, council, secretariat, reviewer, settings, tmp_path
):
    from reports.models import JobStatus, ReportJob

    settings.MEDIA_ROOT = tmp_path
    job = ReportJob(
        council=council, body=case_conference, fiscal_year=2026, kind="progress-report", status=JobStatus.DONE
    )
    job.file.save("cc-report.pdf", ContentFile(b"%PDF-1.4 cc"), save=True)
    client.force_login(reviewer)
    assert client.get(job.file.url).status_code == 404
    client.force_login(secretariat)
    assert client.get(job.file.url).status_code == 200
