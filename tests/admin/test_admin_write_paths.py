"""Every admin write goes through its service, or the admin writes nothing.

The first test enumerates every registered ModelAdmin of our apps and asks, as the demo's
secretariat (not a superuser), how it writes: read-only (no add/change/delete, or every field
read-only), or a ``ServiceAdminMixin`` naming the services it saves and deletes through. Admins
that still save by ModelAdmin's own ``save()`` are listed in ``NOT_YET`` with the reason; the list
may only shrink (a test fails on a stale entry), and a new admin cannot join it silently.
"""

from __future__ import annotations

import inspect

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from council.access import council_models
from council.admin_base import ServiceAdminMixin
from council.models import Body, BodyKind, Council, Person
from meetings.models import Handout, Meeting
from privacy.models import Pledge, Requester, RequestKind
from privacy.services import personal_data_request_record, pledge_confirm
from subcommittees.models import Evaluation, EvaluationStatus, ProgressReport
from subcommittees.services import evaluation_save
from tests.admin.test_concurrent_edit import _post_data

OUR_APPS = {m._meta.app_label for m in council_models(every_app=True)}
REGISTERED = sorted(
    (m for m in admin.site._registry if m._meta.app_label in OUR_APPS), key=lambda m: m._meta.label
)

# Admins that still save with ModelAdmin's own save(): the model's validation (full_clean through
# the ModelForm) is their only rule. Each wants a service; an entry may only be removed. Empty since
# every admin of ours saves through its service or writes nothing.
NOT_YET: dict[str, str] = {}


def _is_service(function) -> bool:
    module = inspect.getmodule(function)
    return callable(function) and module is not None and module.__name__.rsplit(".", 1)[-1] == "services"


def write_path(model_admin, request) -> str | None:
    """'service', 'read-only', or None (saves by ModelAdmin's own save/delete)."""
    if isinstance(model_admin, ServiceAdminMixin):
        services = [
            service
            for service in (type(model_admin).save_service, type(model_admin).delete_service)
            if service is not None
        ]
        assert all(_is_service(s) for s in services), f"{model_admin} names a non-service: {services}"
        return "service"
    add = model_admin.has_add_permission(request)
    change = model_admin.has_change_permission(request)
    delete = model_admin.has_delete_permission(request)
    if not (add or change or delete):
        return "read-only"
    if change and not (add or delete):
        form_fields = flatten_fieldsets(model_admin.get_fieldsets(request))
        if set(form_fields) <= set(model_admin.get_readonly_fields(request)):
            return "read-only"
    return None


@pytest.fixture
def secretariat_request(demo_secretariat):
    request = RequestFactory().get("/admin/")
    request.user = demo_secretariat
    return request


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label_lower)
def test_every_admin_is_read_only_or_saves_through_a_service(model, secretariat_request):
    label = model._meta.label_lower
    path = write_path(admin.site._registry[model], secretariat_request)
    if label in NOT_YET:
        assert path is None, f"{label} now has a write path ({path}): remove it from NOT_YET"
        return
    assert path is not None, (
        f"{label}: make the admin read-only, or save through a service with ServiceAdminMixin "
        "(council/admin_base.py)"
    )


def test_not_yet_names_registered_admins_only():
    assert set(NOT_YET) <= {m._meta.label_lower for m in REGISTERED}


@pytest.mark.parametrize(
    "label",
    [
        "subcommittees.evaluation",
        "subcommittees.progressreport",
        "subcommittees.activitypolicy",
        "subcommittees.evaluationcomment",
        "subcommittees.evaluationreview",
        "meetings.handout",
        "issues.issuemove",
        "privacy.pledgeconfirmation",
        "privacy.personaldatarequest",
        "reports.reportjob",
    ],
)
def test_the_documents_moves_handouts_and_confirmations_are_covered(label, secretariat_request):
    model = next(m for m in REGISTERED if m._meta.label_lower == label)
    assert write_path(admin.site._registry[model], secretariat_request) is not None


# --- 振り返り・評価シート ----------------------------------------------------------------------


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _fields(evaluation: Evaluation) -> dict:
    return {f.attname: getattr(evaluation, f.attname) for f in Evaluation._meta.concrete_fields}


def _draft(demo) -> Evaluation:
    body = Body.objects.filter(council=demo, kind=BodyKind.SUBCOMMITTEE).order_by("pk").first()
    year = max(Evaluation.objects.filter(body=body).values_list("fiscal_year", flat=True), default=2020) + 1
    return evaluation_save(body=body, fiscal_year=year, comments=[], narrative="年4回開催した。")


@pytest.mark.parametrize("status", [EvaluationStatus.APPROVED, EvaluationStatus.SUBMITTED])
def test_a_submitted_or_approved_sheet_cannot_be_changed_in_the_admin(secretariat_client, demo, status):
    evaluation = _draft(demo)
    url = _change_url(evaluation)
    data = _post_data(secretariat_client.get(url))
    Evaluation.objects.filter(pk=evaluation.pk).update(status=status)
    evaluation.refresh_from_db()
    before, comments = _fields(evaluation), list(evaluation.comments.values_list("text", flat=True))

    page = secretariat_client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"] and not page.context["has_delete_permission"]

    data.update(narrative="管理画面で書き換えた内容", loaded_version=evaluation.updated_at.isoformat())
    assert secretariat_client.post(url, data).status_code == 403
    delete_url = reverse("admin:subcommittees_evaluation_delete", args=[evaluation.pk])
    assert secretariat_client.post(delete_url, {"post": "yes"}).status_code == 403

    evaluation.refresh_from_db()
    assert _fields(evaluation) == before
    assert list(evaluation.comments.values_list("text", flat=True)) == comments


def test_an_approved_demo_sheet_shows_read_only(secretariat_client, demo):
    approved = Evaluation.objects.filter(body__council=demo, status=EvaluationStatus.APPROVED).first()
    before = _fields(approved)
    page = secretariat_client.get(_change_url(approved))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert secretariat_client.post(_change_url(approved), {"narrative": "x"}).status_code == 403
    approved.refresh_from_db()
    assert _fields(approved) == before


def test_a_draft_saves_through_the_service_with_its_comments(secretariat_client, demo):
    evaluation = _draft(demo)
    url = _change_url(evaluation)
    data = _post_data(secretariat_client.get(url))
    data.update(
        {
            "narrative": "管理画面から直した。",
            "next_year": "continue",
            "next_policy": "来年度も続ける。",
            "comments-TOTAL_FORMS": "1",
            "comments-0-position": "1",
            "comments-0-text": "有意義だった。",
        }
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    evaluation.refresh_from_db()
    assert evaluation.narrative == "管理画面から直した。"
    assert list(evaluation.comments.values_list("text", flat=True)) == ["有意義だった。"]
    # evaluation_save's own rule ran: 継続する fills next year's policy.
    assert (
        evaluation.body.activity_policies.get(fiscal_year=evaluation.fiscal_year + 1).policy
        == "来年度も続ける。"
    )


def test_a_stale_document_save_is_refused_like_on_the_page(secretariat_client, demo):
    body = Body.objects.filter(council=demo, kind=BodyKind.SUBCOMMITTEE).order_by("pk").first()
    report = ProgressReport.objects.create(body=body, fiscal_year=2030, policy="最初の方針")
    url = _change_url(report)
    data = _post_data(secretariat_client.get(url))
    ProgressReport.objects.get(pk=report.pk).save()  # someone else saves meanwhile
    data["policy"] = "私が直した方針"

    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "他の方が更新しました" in response.content.decode()
    report.refresh_from_db()
    assert report.policy == "最初の方針"

    # A crafted POST without the stamp is refused too (the service checks, not only the form).
    data.pop("loaded_version")
    response = secretariat_client.post(url, data, follow=True)
    assert "他の方が更新しました" in response.content.decode()
    report.refresh_from_db()
    assert report.policy == "最初の方針"

    again = _post_data(secretariat_client.get(url))
    again["policy"] = "私が直した方針"
    assert secretariat_client.post(url, again).status_code == 302
    report.refresh_from_db()
    assert report.policy == "私が直した方針"


# --- 配布資料 --------------------------------------------------------------------------------

HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
CONTENT_MISMATCH = "ファイルの中身が拡張子（.pdf）と一致しません。"


def _meeting(demo) -> Meeting:
    return Meeting.objects.filter(body__council=demo, body__kind=BodyKind.SUBCOMMITTEE).order_by("pk").first()


def test_html_named_pdf_is_refused_on_the_meeting_admin(secretariat_client, demo):
    meeting = _meeting(demo)
    url = _change_url(meeting)
    data = _post_data(secretariat_client.get(url))
    before = meeting.handouts.count()
    data.update(
        {
            "handouts-TOTAL_FORMS": str(int(data["handouts-TOTAL_FORMS"]) + 1),
            f"handouts-{data['handouts-TOTAL_FORMS']}-title": "資料",
            f"handouts-{data['handouts-TOTAL_FORMS']}-file": SimpleUploadedFile(
                "shiryo.pdf", HTML_AS_PDF, content_type="application/pdf"
            ),
        }
    )
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert CONTENT_MISMATCH in response.content.decode()
    assert meeting.handouts.count() == before


def test_a_real_pdf_added_on_the_meeting_admin_stores_its_type(secretariat_client, demo):
    meeting = _meeting(demo)
    url = _change_url(meeting)
    data = _post_data(secretariat_client.get(url))
    n = data["handouts-TOTAL_FORMS"]
    data.update(
        {
            "handouts-TOTAL_FORMS": str(int(n) + 1),
            f"handouts-{n}-title": "次第",
            # The browser's claimed type is ignored: the stored one comes from the check.
            f"handouts-{n}-file": SimpleUploadedFile(
                "shidai.pdf", b"%PDF-1.4\n%\n", content_type="text/html"
            ),
        }
    )
    assert secretariat_client.post(url, data).status_code == 302
    handout = meeting.handouts.get(title="次第")
    assert handout.content_type == "application/pdf" and handout.size == len(b"%PDF-1.4\n%\n")


def test_html_named_pdf_is_refused_on_the_handout_admin(secretariat_client, demo):
    meeting = _meeting(demo)
    before = Handout.objects.count()
    response = secretariat_client.post(
        reverse("admin:meetings_handout_add"),
        {"meeting": meeting.pk, "title": "資料", "file": SimpleUploadedFile("a.pdf", HTML_AS_PDF)},
    )
    assert response.status_code == 200
    assert CONTENT_MISMATCH in response.content.decode()
    assert Handout.objects.count() == before

    response = secretariat_client.post(
        reverse("admin:meetings_handout_add"),
        {"meeting": meeting.pk, "title": "資料", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")},
    )
    assert response.status_code == 302
    assert Handout.objects.get(meeting=meeting, title="資料").content_type == "application/pdf"


# --- 守秘義務 (privacy) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "admin:privacy_pledge_changelist",
        "admin:privacy_pledgeconfirmation_changelist",
        "admin:privacy_personaldatarequest_changelist",
    ],
)
def test_privacy_filters_list_no_other_council(secretariat_client, demo, url):
    # Another council with a pledge, a confirmation and a request of its own (and both kinds of each).
    other = Council.objects.get(slug="demo-other")
    other_secretariat = get_user_model().objects.get(username="other-secretariat")
    pledge_confirm(user=other_secretariat, council=other)
    for council, by in [
        (other, other_secretariat),
        (demo, get_user_model().objects.get(username="demo-secretariat")),
    ]:
        personal_data_request_record(
            person=Person.objects.filter(council=council).first(),
            kind=RequestKind.DISCLOSURE,
            requested_by=Requester.SELF,
            reason="",
            by=by,
        )
    others = Council.objects.exclude(pk=demo.pk)
    assert Pledge.objects.filter(council__in=others).exists()
    response = secretariat_client.get(reverse(url))
    assert response.status_code == 200
    text = response.content.decode()
    for other in others:
        assert other.name not in text, other.name
    choices = [
        choice["display"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    ]
    assert not {str(o) for o in others} & set(choices)


def test_superuser_still_filters_by_every_council(client, demo):
    operator = get_user_model().objects.create_superuser("operator-w", "operator-w@example.jp", "pw")
    client.force_login(operator)
    response = client.get(reverse("admin:privacy_pledge_changelist"))
    names = {
        c["display"]
        for spec in response.context["cl"].filter_specs
        for c in spec.choices(response.context["cl"])
    }
    assert {c.name for c in Council.objects.filter(pledges__isnull=False)} <= names


def test_a_comment_of_an_approved_sheet_cannot_be_changed_alone(secretariat_client, demo):
    approved = Evaluation.objects.filter(body__council=demo, status=EvaluationStatus.APPROVED).first()
    comment = approved.comments.first() or approved.comments.create(text="承認前の意見")
    url = _change_url(comment)
    assert secretariat_client.post(url, {"text": "書き換え", "position": "0"}).status_code == 403
    delete_url = reverse("admin:subcommittees_evaluationcomment_delete", args=[comment.pk])
    assert secretariat_client.post(delete_url, {"post": "yes"}).status_code == 403
    comment.refresh_from_db()
    assert comment.text != "書き換え"
