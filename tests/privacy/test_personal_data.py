"""Personal-data requests (本人からの開示・削除の求め): export everything about a person, erase on request."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from council.models import Membership, Organization, Person, Role, RoleKind
from council.services import role_grant
from meetings.models import Attendance, Meeting
from meetings.services import meeting_set_attendance
from privacy.models import PersonalDataRequest, Requester, RequestKind
from privacy.services import pledge_confirm
from reports.rendering import render_html, render_pdf
from subcommittees.models import Evaluation, EvaluationComment, ProgressReport
from tests.factories import MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME = "鈴木 秘匿"
KANA = "すずき ひとく"
FY = 2021
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pghistory runs on PostgreSQL only"
)


@pytest.fixture
def person(council, subcommittee, secretariat):
    organization = Organization.objects.create(council=council, name="みどり相談支援センター")
    account = UserFactory(username="suzuki", last_name="鈴木", first_name="秘匿", email="suzuki@example.jp")
    role_grant(user=account, council=council, kind=RoleKind.MEMBER, body=subcommittee)
    pledge_confirm(user=account, council=council)
    person = Person.objects.create(
        council=council,
        name=NAME,
        name_kana=KANA,
        organization=organization,
        position_title="相談支援専門員",
        email="suzuki@example.jp",
        user=account,
    )
    MembershipFactory(body=subcommittee, person=person, term_start=dt.date(2021, 4, 1))
    for day in (dt.date(2021, 6, 10), dt.date(2021, 9, 9)):
        meeting = MeetingFactory(body=subcommittee, date=day, status="held", items=["状況を共有した。"])
        meeting_set_attendance(meeting=meeting, people=[person])
    ProgressReport.objects.create(body=subcommittee, fiscal_year=FY, policy="取組方針です。")
    evaluation = Evaluation.objects.create(body=subcommittee, fiscal_year=FY, narrative="一年の取り組み。")
    EvaluationComment.objects.create(evaluation=evaluation, person=person, text="進め方が良かった。")
    return person


def _export(client, council, person, **data):
    return client.post(
        reverse("person_export", args=[council.slug, person.pk]),
        {"requested_by": Requester.SELF, "reason": "本人から書面で求めがあった", **data},
    )


def test_export_holds_everything_about_the_person(
    client, council, secretariat, person, django_assert_max_num_queries
):
    client.force_login(secretariat)
    with django_assert_max_num_queries(18):  # 14 measured (session, roles, 5 reads, the record …)
        response = _export(client, council, person)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    data = json.loads(response.content)
    assert data["人物"] == {
        "人物ID": person.pk,
        "氏名": NAME,
        "ふりがな": KANA,
        "所属機関": "みどり相談支援センター",
        "役職": "相談支援専門員",
        "メールアドレス": "suzuki@example.jp",
    }
    assert [m["会議体"] for m in data["会議体の構成員（任期・役割）"]] == ["相談支援部会"]
    assert data["会議体の構成員（任期・役割）"][0]["任期開始日"] == "2021-04-01"
    assert [a["開催日"] for a in data["会議への出席"]] == ["2021-06-10", "2021-09-09"]
    assert data["振り返り・評価シートへの感想・意見"] == [
        {"会議体": "相談支援部会", "年度": FY, "内容": "進め方が良かった。"}
    ]
    account = data["ログインアカウント"]
    assert account["ログイン名"] == "suzuki" and account["メールアドレス"] == "suzuki@example.jp"
    assert account["権限"] == ["構成員（相談支援部会）"]
    assert [p["版"] for p in account["守秘義務の確認"]] == [1]
    record = PersonalDataRequest.objects.get()
    assert (record.kind, record.requested_by, record.handled_by, record.person) == (
        RequestKind.DISCLOSURE,
        Requester.SELF,
        secretariat,
        person,
    )
    assert NAME not in record.person_label


def test_export_is_a_post_and_the_page_offers_it(client, council, secretariat, person):
    client.force_login(secretariat)
    page = client.get(reverse("person_privacy", args=[council.slug, person.pk]))
    assert page.status_code == 200
    assert reverse("person_export", args=[council.slug, person.pk]) in page.content.decode()
    assert client.get(reverse("person_export", args=[council.slug, person.pk])).status_code == 405
    assert not PersonalDataRequest.objects.exists()


def test_admin_person_page_has_the_button(client, council, secretariat, person):
    client.force_login(secretariat)
    page = client.get(reverse("admin:council_person_change", args=[person.pk]))
    assert page.status_code == 200
    assert reverse("person_privacy", args=[council.slug, person.pk]) in page.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("chair", 403), ("member", 403), ("reviewer", 403), ("outsider", 404)]
)
def test_only_the_councils_secretariat_exports_or_erases(client, council, person, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("person_privacy", args=[council.slug, person.pk])).status_code == status
    assert _export(client, council, person).status_code == status
    erase = client.post(
        reverse("person_erase", args=[council.slug, person.pk]),
        {"requested_by": Requester.SELF, "understood": "on"},
    )
    assert erase.status_code == status
    person.refresh_from_db()
    assert person.name == NAME
    assert not PersonalDataRequest.objects.exists()


def test_another_councils_secretariat_gets_404_through_its_own_url(client, other_council, outsider, person):
    client.force_login(outsider)
    url = reverse("person_erase", args=[other_council.slug, person.pk])  # own council's URL, our person's id
    assert client.get(url).status_code == 404
    assert client.post(url, {"requested_by": Requester.SELF, "understood": "on"}).status_code == 404
    person.refresh_from_db()
    assert person.name == NAME


def test_erasure_asks_for_confirmation_first(client, council, secretariat, person):
    client.force_login(secretariat)
    url = reverse("person_erase", args=[council.slug, person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "元に戻せません" in page.content.decode()
    assert f"（削除済みの構成員 {person.pk}）" in page.content.decode()

    refused = client.post(url, {"requested_by": Requester.SELF, "reason": "本人の求め"})

    assert refused.status_code == 400
    assert "元に戻せないことを確認してから" in refused.content.decode()
    person.refresh_from_db()
    assert person.name == NAME and person.user is not None
    assert not PersonalDataRequest.objects.exists()


def _erase(client, council, person):
    return client.post(
        reverse("person_erase", args=[council.slug, person.pk]),
        {"requested_by": Requester.SELF, "reason": "退任後に本人から削除の求め", "understood": "on"},
    )


def test_erasure_anonymises_and_keeps_the_counts(client, council, secretariat, person, subcommittee):
    account = person.user
    meetings_before = list(Meeting.objects.filter(body=subcommittee).values_list("pk", "people_count"))
    client.force_login(secretariat)

    response = _erase(client, council, person)

    assert response.status_code == 302
    person.refresh_from_db()
    placeholder = f"（削除済みの構成員 {person.pk}）"
    assert (person.name, person.name_kana, person.position_title, person.email, person.user) == (
        placeholder,
        "",
        "",
        "",
        None,
    )
    assert person.organization.name == "みどり相談支援センター"  # the agency is not personal data
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password()
    assert (account.username, account.last_name, account.first_name, account.email) == (
        f"deleted-{account.pk}",
        "",
        "",
        "",
    )
    assert not Role.objects.filter(user=account).exists()
    # Counts stay: membership, attendance, the meetings' numbers; the comment stays without its author.
    assert Membership.objects.filter(person=person).count() == 1
    assert Attendance.objects.filter(person=person).count() == 2
    assert (
        list(Meeting.objects.filter(body=subcommittee).values_list("pk", "people_count")) == meetings_before
    )
    comment = EvaluationComment.objects.get()
    assert comment.person is None and comment.text == "進め方が良かった。"
    record = PersonalDataRequest.objects.get()
    assert (record.kind, record.requested_by, record.handled_by, record.reason) == (
        RequestKind.ERASURE,
        Requester.SELF,
        secretariat,
        "退任後に本人から削除の求め",
    )
    assert record.handled_by_name == "事務局 花子"


def test_after_erasure_the_name_appears_nowhere(client, council, secretariat, person, subcommittee):
    client.force_login(secretariat)
    meeting = Meeting.objects.filter(body=subcommittee).first()
    before = client.get(reverse("meeting_detail", args=[council.slug, meeting.pk])).content.decode()
    assert NAME in before  # the check below would mean nothing otherwise
    assert NAME in render_html("progress-report", council=council, fiscal_year=FY, body=subcommittee)

    _erase(client, council, person)

    placeholder = f"（削除済みの構成員 {person.pk}）"
    for url in (
        reverse("meeting_detail", args=[council.slug, meeting.pk]),
        reverse("body_detail", args=[council.slug, subcommittee.pk]) + f"?year={FY}",
        reverse("admin:council_person_changelist"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert NAME not in page.content.decode() and KANA not in page.content.decode(), url
    report = _pdf_text(render_pdf("progress-report", council=council, fiscal_year=FY, body=subcommittee))
    assert "検討状況報告書" in report
    assert _squash(NAME) not in report and _squash(placeholder) in report
    book = _pdf_text(render_pdf("book", council=council, fiscal_year=FY))
    assert "相談支援部会" in book and _squash(NAME) not in book
    evaluation = _pdf_text(render_pdf("evaluation", council=council, fiscal_year=FY, body=subcommittee))
    assert "進め方が良かった。" in evaluation and _squash(NAME) not in evaluation


def _squash(text: str) -> str:
    return "".join(text.split())


def _pdf_text(data: bytes) -> str:
    return _squash("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


@on_postgres
def test_erasure_is_audited_with_its_request_and_scrubs_old_values(client, council, secretariat, person):
    from council.models import Person as PersonModel

    events = PersonModel.pgh_event_model.objects
    bystander = Person.objects.create(council=council, name="残る 人")
    assert events.filter(pgh_obj_id=person.pk, name=NAME).exists()
    client.force_login(secretariat)

    _erase(client, council, person)

    record = PersonalDataRequest.objects.get()
    mine = list(events.filter(pgh_obj_id=person.pk).select_related("pgh_context").order_by("pgh_id"))
    assert [e.pgh_label for e in mine] == ["insert", "update"]
    assert not [e for e in mine if e.name == NAME or e.name_kana or e.email or e.user_id]
    update = mine[-1]
    assert update.pgh_context.metadata["personal_data_request"] == record.pk
    assert update.pgh_context.metadata["user"] == secretariat.pk  # who did it (HistoryMiddleware)
    assert events.get(pgh_obj_id=bystander.pk).name == "残る 人"  # other history untouched


@on_postgres
def test_request_records_are_append_only(client, council, secretariat, person):
    client.force_login(secretariat)
    _export(client, council, person)
    record = PersonalDataRequest.objects.get()
    with pytest.raises(Exception, match="append_only"), transaction.atomic():
        PersonalDataRequest.objects.filter(pk=record.pk).update(reason="書き換え")


def test_an_account_serving_another_council_stays_active(client, council, other_council, secretariat, person):
    account = person.user
    role_grant(user=account, council=other_council, kind=RoleKind.REVIEWER)
    client.force_login(secretariat)

    _erase(client, council, person)

    account.refresh_from_db()
    assert account.is_active and account.username == "suzuki"
    assert list(Role.objects.filter(user=account).values_list("council_id", flat=True)) == [other_council.pk]
