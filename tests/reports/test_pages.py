"""The report pages: ask for a document, follow the job, download, preview."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import JobStatus, ReportJob
from reports.tasks import FAILED_MESSAGE
from tests.factories import BodyFactory, ReportJobFactory

FY = 2020


def list_url(council):
    return reverse("report_list", args=[council.slug])


def request_body_doc(client, council, body, kind="progress-report"):
    return client.post(list_url(council), {"kind": kind, "fiscal_year": FY, "body": body.pk})


def test_chair_requests_a_body_document_and_downloads_it(
    client, council, subcommittee, chair, outsider, year_data, django_capture_on_commit_callbacks
):
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = request_body_doc(client, council, subcommittee)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "report_job", args=[council.slug, job.pk]
    )
    assert job.status == JobStatus.DONE and job.requested_by == chair
    page = client.get(response["Location"]).content.decode()
    assert job.file.url in page and 'http-equiv="refresh"' not in page
    download = client.get(job.file.url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    status = client.get(reverse("report_job_status", args=[council.slug, job.pk])).json()
    assert status["status"] == "done" and status["file_url"] == job.file.url and not status["pending"]
    client.force_login(outsider)
    assert client.get(job.file.url).status_code == 404
    assert client.get(reverse("report_job", args=[council.slug, job.pk])).status_code == 404


def test_queued_job_page_refreshes_without_javascript(client, council, subcommittee, chair):
    client.force_login(chair)
    request_body_doc(client, council, subcommittee)  # on_commit not run: stays queued
    job = ReportJob.objects.get()
    page = client.get(reverse("report_job", args=[council.slug, job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "待機中" in page and "report-job.js" in page
    assert client.get(reverse("report_job_status", args=[council.slug, job.pk])).json()["pending"] is True


def test_who_may_request(client, council, subcommittee, other_chair, member, reviewer, secretariat):
    client.force_login(other_chair)
    assert request_body_doc(client, council, subcommittee).status_code == 403
    assert client.post(list_url(council), {"kind": "summary", "fiscal_year": FY}).status_code == 403
    client.force_login(member)
    assert request_body_doc(client, council, subcommittee).status_code == 403
    client.force_login(reviewer)
    assert request_body_doc(client, council, subcommittee).status_code == 302
    client.force_login(secretariat)
    assert client.post(list_url(council), {"kind": "summary", "fiscal_year": FY}).status_code == 302
    assert ReportJob.objects.count() == 2


def test_body_document_needs_a_body(client, council, secretariat):
    client.force_login(secretariat)
    response = client.post(list_url(council), {"kind": "evaluation", "fiscal_year": FY})
    assert response.status_code == 400 and "会議体を指定してください" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_failed_job_shows_error_and_retries(client, council, subcommittee, chair):
    job = ReportJobFactory(
        council=council,
        body=subcommittee,
        kind="evaluation",
        fiscal_year=FY,
        requested_by=chair,
        status=JobStatus.FAILED,
        error=FAILED_MESSAGE,
    )
    client.force_login(chair)
    page = client.get(reverse("report_job", args=[council.slug, job.pk])).content.decode()
    assert FAILED_MESSAGE in page and "もう一度作成する" in page and 'http-equiv="refresh"' not in page
    response = client.post(reverse("report_job_retry", args=[council.slug, job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_outsiders_and_anonymous(
    client, council, subcommittee, chair, outsider, other_council_subcommittee, other_council
):
    foreign = ReportJobFactory(
        council=other_council, body=other_council_subcommittee, kind="evaluation", fiscal_year=FY
    )
    client.force_login(chair)
    assert client.get(reverse("report_job", args=[council.slug, foreign.pk])).status_code == 404
    assert client.get(reverse("report_job", args=[other_council.slug, foreign.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(list_url(council)).status_code == 404
    assert client.get(reverse("report_preview", args=[council.slug, "summary", FY])).status_code == 404
    client.logout()
    assert client.get(list_url(council)).status_code == 302


def test_job_list_is_paginated_with_constant_queries(
    client, council, subcommittee, secretariat, django_assert_max_num_queries
):
    for _ in range(25):
        ReportJobFactory(
            council=council, body=subcommittee, kind="evaluation", fiscal_year=FY, requested_by=secretariat
        )
    client.force_login(secretariat)
    with django_assert_max_num_queries(12):
        page = client.get(list_url(council)).content.decode()
    assert "1 / 2" in page
    assert client.get(list_url(council) + "?page=2").status_code == 200


def test_member_does_not_see_case_conference_jobs(client, council, case_conference, other_chair):
    job = ReportJobFactory(council=council, body=case_conference, kind="evaluation", fiscal_year=FY)
    client.force_login(other_chair)
    assert client.get(reverse("report_job", args=[council.slug, job.pk])).status_code == 404


def test_preview_renders_html(client, council, subcommittee, chair, year_data):
    client.force_login(chair)
    response = client.get(
        reverse("report_preview", args=[council.slug, "evaluation", FY]) + f"?body={subcommittee.pk}"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "振り返り・評価シート" in page and "一年間の取り組みの記述。" in page
    assert client.get(reverse("report_preview", args=[council.slug, "evaluation", FY])).status_code == 400
    assert client.get(reverse("report_preview", args=[council.slug, "nonsense", FY])).status_code == 400
    other = BodyFactory(council=council)  # a body the chair may read
    assert (
        client.get(
            reverse("report_preview", args=[council.slug, "policy", FY]) + f"?body={other.pk}"
        ).status_code
        == 200
    )


@pytest.mark.parametrize("name", ["report_list"])
def test_nav_links_reports(client, council, member, name):
    client.force_login(member)
    page = client.get(reverse("council_home", args=[council.slug])).content.decode()
    assert reverse(name, args=[council.slug]) in page


def test_every_year_with_data_is_offered_however_old(client, council, subcommittee, secretariat):
    """A council that brought 15 years of records in can ask for the documents of each of them."""
    import datetime as dt

    from tests.factories import MeetingFactory

    MeetingFactory(body=subcommittee, date=dt.date(2011, 7, 14))  # 平成23年度, beyond the usual ten years
    client.force_login(secretariat)
    page = client.get(list_url(council)).content.decode()
    assert '<option value="2011">平成23年度</option>' in page
    assert '<option value="2012">' not in page  # no data, and older than the usual range
    response = client.post(list_url(council), {"kind": "book", "fiscal_year": 2011})
    assert response.status_code == 302
    assert ReportJob.objects.get().fiscal_year == 2011
