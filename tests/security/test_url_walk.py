"""Every URL of the project, every kind of user: a permission test that cannot forget a page.

The walk collects every URL name of ``config.urls`` (the admin included). ``TABLE`` says, for each
name, how to fill its arguments from the standing cast and what each kind of user gets on GET. A
name missing from the table fails ``test_every_url_name_is_in_the_table``: a new page cannot ship
without someone deciding who may open it.

The users (see tests/conftest.py), and which records they are pointed at:

- ``anonymous``;
- ``member`` (member of subcommittee) against **other_subcommittee**'s records;
- ``other_chair`` (chair of other_subcommittee) against **subcommittee**'s records;
- ``reviewer`` (福祉課), ``outsider`` (事務局 of other_council), ``pref_user`` (事務局 of the
  prefecture), ``secretariat`` — all against subcommittee's records.

The ``case`` variants point everyone at the case conference (個別支援会議) instead.

Outcomes: ``"login"`` (302 to a sign-in page), ``302`` (any other redirect), or a status code. GET
on a POST-only view is 405 for whoever passes its login check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import invitation_create
from council.models import Membership, MembershipRole, Organization, Person
from issues.models import MoveKind, Theme
from issues.services import action_plan_save, issue_move, theme_order_save
from meetings.feeds import calendar_feed_create
from meetings.models import Attendance, GuestAttendance, Handout, Meeting, MeetingItem
from privacy.models import PledgeConfirmation, Requester, RequestKind
from privacy.services import personal_data_request_record
from reports.models import JobStatus, ReportJob
from subcommittees.models import (
    ActivityPolicy,
    Evaluation,
    EvaluationComment,
    EvaluationReview,
    ProgressReport,
)
from tests.factories import MeetingFactory, RegionalIssueFactory

pytestmark = pytest.mark.django_db

USERS = ("anonymous", "member", "other_chair", "reviewer", "outsider", "pref_user", "secretariat")
YEAR = 2021  # 令和3年度: the standing cast's meetings are dated 2021-06-10
L = "login"


def E(*outcomes) -> dict[str, object]:
    """Expected outcomes in the order of USERS."""
    assert len(outcomes) == len(USERS)
    return dict(zip(USERS, outcomes, strict=True))


def same(outcome) -> dict[str, object]:
    return dict.fromkeys(USERS, outcome)


def post_only() -> dict[str, object]:
    return {**same(405), "anonymous": L}


# Shapes that recur.
COUNCIL_READERS = E(L, 200, 200, 200, 404, 404, 200)
SECRETARIAT_ONLY = E(L, 403, 403, 403, 404, 404, 200)
BODY_READ = E(L, 404, 200, 200, 404, 404, 200)  # member → other body: 404; other chair reads
BODY_WRITE = E(L, 404, 403, 403, 404, 404, 200)  # readers who may not edit: 403
CASE_ONLY_SECRETARIAT = E(L, 404, 404, 404, 404, 404, 200)  # case conference: nobody else
SIGNED_IN_ANYONE = {**same(200), "anonymous": L}
ADMIN_STAFF = E(L, L, L, L, 200, 200, 200)  # outsider and pref_user are secretariats elsewhere: staff


# --- the world -------------------------------------------------------------------------------


class World:
    """Records of ``council`` (and a little of the others) that the table points at."""

    def __init__(self, cast: dict, media) -> None:
        self.__dict__.update(cast)
        self.media = media
        secretariat = self.secretariat
        self.meeting = {}
        self.handout = {}
        self.evaluation = {}
        self.job = {}
        self.issue_of = {}
        for key, body in (
            ("sub", self.subcommittee),
            ("other", self.other_subcommittee),
            ("case", self.case_conference),
        ):
            meeting = MeetingFactory(body=body)
            self.meeting[key] = meeting
            handout = Handout(meeting=meeting, title=f"資料 {key}")
            handout.file.save(f"handout-{key}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
            handout.save()
            self.handout[key] = handout
            self.evaluation[key] = Evaluation.objects.create(body=body, fiscal_year=YEAR)
            job = ReportJob(
                council=self.council,
                body=body,
                fiscal_year=YEAR,
                kind="progress-report",
                requested_by=secretariat,
                status=JobStatus.DONE,
            )
            job.file.save(f"report-{key}.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
            job.save()
            self.job[key] = job
            self.issue_of[key] = RegionalIssueFactory(body=body, by=secretariat, title=f"課題 {key}")
        self.council_job = ReportJob.objects.create(
            council=self.council,
            fiscal_year=YEAR,
            kind="schedule",
            requested_by=secretariat,
            status=JobStatus.DONE,
        )
        # An issue reported up to the prefecture.
        self.reported = RegionalIssueFactory(body=self.steering, by=secretariat, title="県へ報告した課題")
        issue_move(issue=self.reported, kind=MoveKind.REPORT, by=secretariat, reason="県で扱ってほしい")
        self.feed = calendar_feed_create(user=secretariat, council=self.council, scope="council")
        # Rows for the admin's change views of every model.
        org = Organization.objects.create(council=self.council, name="相談支援センター")
        person = Person.objects.create(council=self.council, name="委員 太郎", organization=org)
        self.person = person
        personal_data_request_record(
            person=person, kind=RequestKind.DISCLOSURE, requested_by=Requester.SELF, reason="", by=secretariat
        )
        self.membership = Membership.objects.create(
            body=self.subcommittee,
            person=person,
            role=MembershipRole.MEMBER,
            term_start=self.meeting["sub"].date,
        )
        MeetingItem.objects.create(meeting=self.meeting["sub"], text="報告事項", position=1)
        Attendance.objects.create(meeting=self.meeting["sub"], person=person)
        GuestAttendance.objects.create(meeting=self.meeting["sub"], organization_name="社協", people=1)
        ActivityPolicy.objects.create(body=self.subcommittee, fiscal_year=YEAR)
        ProgressReport.objects.create(body=self.subcommittee, fiscal_year=YEAR)
        EvaluationComment.objects.create(evaluation=self.evaluation["sub"], person=person, text="良かった")
        EvaluationReview.objects.create(
            evaluation=self.evaluation["sub"], to_status="submitted", by=secretariat, by_name="事務局"
        )
        action_plan_save(
            issue=self.issue_of["sub"],
            target_state="目指す姿",
            rows=[{"problem": "課題", "action": "取り組む"}],
        )
        theme_order_save(council=self.council, marks="障・医")
        # An invitation not yet accepted (its mail is queued on commit, which never comes here).
        issued = invitation_create(council=self.council, email="invited@example.jp", by=secretariat)
        self.invitation = issued.invitation
        self.invitation_token = issued.link.rstrip("/").rsplit("/", 1)[-1]

    def body_for(self, who: str, variant: str):
        if variant == "case":
            return self.case_conference
        return self.other_subcommittee if who == "member" else self.subcommittee

    def key_for(self, who: str, variant: str) -> str:
        if variant == "case":
            return "case"
        return "other" if who == "member" else "sub"

    def admin_object(self, model):
        """One row of ``council`` (or shared) for the model's change view."""
        User = get_user_model()
        if model is User:
            return self.member
        if model is Group:
            return Group.objects.order_by("pk").first()
        if model is Theme:
            return Theme.objects.order_by("pk").first()
        if model._meta.app_label == "axes":
            fields = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "member", "path_info": "/"}
            if model is AccessAttempt:
                fields.update(get_data="", post_data="", failures_since_start=1)
            # Asked once per kind of user: the same row every time.
            return model.objects.filter(**fields).first() or model.objects.create(**fields)
        if model is TOTPDevice:
            # Unconfirmed: a confirmed app would (rightly) send member to the code page first.
            return TOTPDevice.objects.get_or_create(user=self.member, name="認証アプリ", confirmed=False)[0]
        if model._meta.app_label == "privacy":  # scoped in privacy.admin, not in COUNCIL_PATHS
            lookup = "pledge__council_id" if model is PledgeConfirmation else "council_id"
            return model.objects.filter(**{lookup: self.council.pk}).order_by("pk").first()
        from council.access import council_path

        return model.objects.filter(**{council_path(model): self.council.pk}).order_by("pk").first()


# --- the table -------------------------------------------------------------------------------

Kwargs = Callable[[World, str, str], dict]


@dataclass(frozen=True)
class Case:
    kwargs: Kwargs
    expect: dict
    variant: str = ""
    url: Callable[[World], str] | None = None  # for unnamed patterns, which reverse() cannot build


def slug(w: World, who: str, v: str) -> dict:
    return {"slug": w.council.slug}


def body(w, who, v):
    return {"slug": w.council.slug, "pk": w.body_for(who, v).pk}


def body_doc(w, who, v):
    return {"slug": w.council.slug, "body_pk": w.body_for(who, v).pk, "year": YEAR}


def meeting(w, who, v):
    return {"slug": w.council.slug, "pk": w.meeting[w.key_for(who, v)].pk}


def issue(w, who, v):
    return {"slug": w.council.slug, "pk": w.issue_of[w.key_for(who, v)].pk}


def job(w, who, v):
    return {"slug": w.council.slug, "pk": w.job[w.key_for(who, v)].pk}


def person(w, who, v):
    return {"slug": w.council.slug, "pk": w.person.pk}


def evaluation(w, who, v):
    return {"slug": w.council.slug, "pk": w.evaluation[w.key_for(who, v)].pk}


TABLE: dict[str, list[Case]] = {
    # council
    "home": [Case(lambda w, who, v: {}, {**same(302), "anonymous": L})],  # one council each → its page
    "council_home": [Case(slug, COUNCIL_READERS)],
    "body_detail": [Case(body, BODY_READ), Case(body, CASE_ONLY_SECRETARIAT, "case")],
    "protected_file": [
        Case(lambda w, who, v: {"name": w.handout[w.key_for(who, v)].file.name}, BODY_READ),
        Case(lambda w, who, v: {"name": w.handout["case"].file.name}, CASE_ONLY_SECRETARIAT, "case"),
        Case(lambda w, who, v: {"name": w.job[w.key_for(who, v)].file.name}, BODY_READ, "report"),
        Case(lambda w, who, v: {"name": w.job["case"].file.name}, CASE_ONLY_SECRETARIAT, "case-report"),
        Case(
            lambda w, who, v: {"name": "handouts/2021/guessed.pdf"}, {**same(404), "anonymous": L}, "guessed"
        ),
    ],
    # imports / exports (事務局 only)
    "imports": [Case(slug, SECRETARIAT_ONLY)],
    "import_confirm": [Case(lambda w, who, v: {"slug": w.council.slug, "token": "abc"}, post_only())],
    "import_cancel": [Case(lambda w, who, v: {"slug": w.council.slug, "token": "abc"}, post_only())],
    "import_template": [
        Case(lambda w, who, v: {"slug": w.council.slug, "resource": "organizations"}, SECRETARIAT_ONLY)
    ],
    "export": [
        Case(
            lambda w, who, v: {"slug": w.council.slug, "resource": "organizations", "fmt": "csv"},
            SECRETARIAT_ONLY,
        )
    ],
    # meetings
    "meeting_create": [
        Case(lambda w, who, v: {"slug": w.council.slug, "body_pk": w.body_for(who, v).pk}, BODY_WRITE),
        Case(
            lambda w, who, v: {"slug": w.council.slug, "body_pk": w.body_for(who, v).pk},
            CASE_ONLY_SECRETARIAT,
            "case",
        ),
    ],
    "meeting_detail": [Case(meeting, BODY_READ), Case(meeting, CASE_ONLY_SECRETARIAT, "case")],
    "meeting_edit": [Case(meeting, BODY_WRITE), Case(meeting, CASE_ONLY_SECRETARIAT, "case")],
    "handout_upload": [Case(meeting, post_only())],
    # GET asks for confirmation; POST deletes.
    "handout_delete": [
        Case(
            lambda w, who, v: {**meeting(w, who, v), "handout_pk": w.handout[w.key_for(who, v)].pk},
            BODY_WRITE,
        ),
        Case(
            lambda w, who, v: {**meeting(w, who, v), "handout_pk": w.handout[w.key_for(who, v)].pk},
            CASE_ONLY_SECRETARIAT,
            "case",
        ),
    ],
    "schedule": [Case(slug, COUNCIL_READERS)],
    "dashboard": [Case(slug, SECRETARIAT_ONLY)],
    "calendars": [Case(slug, COUNCIL_READERS)],
    "calendar_revoke": [Case(lambda w, who, v: {"slug": w.council.slug, "pk": w.feed.pk}, post_only())],
    # No login: the token is the credential; a wrong token is 404 for everyone.
    "ical_feed": [
        Case(lambda w, who, v: {"token": w.feed.token}, same(200)),
        Case(lambda w, who, v: {"token": "not-a-token"}, same(404), "bad-token"),
    ],
    # issues
    "issue_list": [Case(slug, COUNCIL_READERS)],
    "issue_create": [Case(slug, E(L, 403, 200, 403, 404, 404, 200))],  # only those who edit a body raise
    # An issue holds only what the secretariat lifted out of the case; the reviewer (福祉課) reads every
    # issue of the council (issues.selectors.can_read_issue), chairs only those of bodies they read.
    # An issue a case conference *holds* is read only by that case conference's people, not by the
    # reviewer (docs/decisions.md); issues merely lifted from one are ordinary issues.
    "issue_detail": [Case(issue, BODY_READ), Case(issue, CASE_ONLY_SECRETARIAT, "case")],
    "issue_move": [Case(issue, post_only())],
    # 課題の引き継ぎ (a paused or ended body's open issues to its successor): the secretariat only,
    # 403 before the body is looked up.
    "issues_hand_over": [Case(body, SECRETARIAT_ONLY), Case(body, SECRETARIAT_ONLY, "case")],
    "action_plan_edit": [Case(issue, BODY_WRITE), Case(issue, CASE_ONLY_SECRETARIAT, "case")],
    # Reported up: the prefecture's own pages; nobody of the city has a role in the prefecture.
    "reported_issues": [
        Case(lambda w, who, v: {"slug": w.pref_council.slug}, E(L, 404, 404, 404, 404, 200, 404))
    ],
    "reported_issue_detail": [
        Case(
            lambda w, who, v: {"slug": w.pref_council.slug, "pk": w.reported.pk},
            E(L, 404, 404, 404, 404, 200, 404),
        ),
        # The city's own unreported issue through the prefecture's URL: 404 for the prefecture too.
        Case(
            lambda w, who, v: {"slug": w.pref_council.slug, "pk": w.issue_of["sub"].pk},
            E(L, 404, 404, 404, 404, 404, 404),
            "unreported",
        ),
    ],
    # subcommittee documents (edit pages: the body's chair and the secretariat)
    "progress_report_edit": [Case(body_doc, BODY_WRITE), Case(body_doc, CASE_ONLY_SECRETARIAT, "case")],
    "evaluation_edit": [Case(body_doc, BODY_WRITE), Case(body_doc, CASE_ONLY_SECRETARIAT, "case")],
    "policy_edit": [Case(body_doc, BODY_WRITE), Case(body_doc, CASE_ONLY_SECRETARIAT, "case")],
    "evaluation_submit": [Case(body_doc, post_only())],
    "evaluation_reopen": [Case(body_doc, post_only())],
    "review_list": [Case(slug, E(L, 403, 403, 200, 404, 404, 200))],
    "review_detail": [
        Case(evaluation, E(L, 403, 403, 200, 404, 404, 200)),
        Case(evaluation, E(L, 403, 403, 404, 404, 404, 200), "case"),
    ],
    "review_decide": [Case(evaluation, post_only())],
    # reports
    "report_list": [Case(slug, COUNCIL_READERS)],
    "report_job": [
        Case(job, BODY_READ),
        Case(job, CASE_ONLY_SECRETARIAT, "case"),
        Case(
            lambda w, who, v: {"slug": w.council.slug, "pk": w.council_job.pk},
            COUNCIL_READERS,
            "council-wide",
        ),
    ],
    "report_job_status": [Case(job, BODY_READ), Case(job, CASE_ONLY_SECRETARIAT, "case")],
    "report_job_retry": [Case(job, post_only())],
    "report_job_cancel": [Case(job, post_only())],
    "report_preview": [
        Case(lambda w, who, v: {"slug": w.council.slug, "kind": "schedule", "year": YEAR}, COUNCIL_READERS)
    ],
    # privacy: the confidentiality pledge (everyone of the council) and personal-data requests (事務局)
    "pledge": [Case(slug, COUNCIL_READERS)],
    "pledge_status": [Case(slug, SECRETARIAT_ONLY)],
    "person_privacy": [Case(lambda w, who, v: {"slug": w.council.slug, "pk": w.person.pk}, SECRETARIAT_ONLY)],
    "person_export": [Case(lambda w, who, v: {"slug": w.council.slug, "pk": w.person.pk}, post_only())],
    "person_erase": [Case(lambda w, who, v: {"slug": w.council.slug, "pk": w.person.pk}, SECRETARIAT_ONLY)],
    # django.contrib.auth
    "login": [Case(lambda w, who, v: {}, same(200))],
    "logout": [Case(lambda w, who, v: {}, same(405))],  # POST only since Django 5.0
    "password_change": [Case(lambda w, who, v: {}, SIGNED_IN_ANYONE)],
    "password_change_done": [Case(lambda w, who, v: {}, SIGNED_IN_ANYONE)],
    "password_reset": [Case(lambda w, who, v: {}, same(200))],
    "password_reset_done": [Case(lambda w, who, v: {}, same(200))],
    "password_reset_confirm": [Case(lambda w, who, v: {"uidb64": "MQ", "token": "set-password"}, same(200))],
    "password_reset_complete": [Case(lambda w, who, v: {}, same(200))],
    # 2段階認証 (accounts): anyone signed in sets it up for themselves. The code page sends on
    # (302) whoever owes no code; the standing cast owes none.
    "two_factor_settings": [Case(lambda w, who, v: {}, SIGNED_IN_ANYONE)],
    "two_factor_setup": [Case(lambda w, who, v: {}, SIGNED_IN_ANYONE)],
    "two_factor_verify": [Case(lambda w, who, v: {}, {**same(302), "anonymous": L})],
    "two_factor_disable": [Case(lambda w, who, v: {}, post_only())],
    # 招待のリンク (accounts): no login, the token is the credential; anyone holding it sets the
    # password of the invited account. A token that matches no invitation is 404.
    "invitation_accept": [
        Case(lambda w, who, v: {"token": w.invitation_token}, same(200)),
        Case(lambda w, who, v: {"token": "not-a-token"}, same(404), "bad-token"),
    ],
    # 会議体の設定 (council.body_views): the council's secretariat; 403 before any body is looked up.
    "body_settings": [Case(slug, SECRETARIAT_ONLY)],
    "body_settings_add": [Case(slug, SECRETARIAT_ONLY)],
    "body_settings_detail": [Case(body, SECRETARIAT_ONLY)],
    "body_settings_move": [Case(body, post_only())],
    # アカウントの招待 (accounts): the council's secretariat.
    "invitation_list": [Case(slug, SECRETARIAT_ONLY)],
    # 権限の一覧 (council): the council's secretariat.
    "access_overview": [Case(slug, SECRETARIAT_ONLY)],
    # 協議会の設定 (dashboard): the council's secretariat.
    "council_settings": [Case(slug, SECRETARIAT_ONLY)],
    "invitation_resend": [
        Case(lambda w, who, v: {"slug": w.council.slug, "pk": w.invitation.pk}, post_only())
    ],
    "invitation_revoke": [
        Case(lambda w, who, v: {"slug": w.council.slug, "pk": w.invitation.pk}, post_only())
    ],
    # 人物・構成員 (council.people_urls): the council's secretariat; the account buttons of the
    # person page (accounts) post only.
    "people_list": [Case(slug, SECRETARIAT_ONLY)],
    "person_create": [Case(slug, SECRETARIAT_ONLY)],
    "person_detail": [Case(person, SECRETARIAT_ONLY)],
    "person_edit": [Case(person, SECRETARIAT_ONLY)],
    "membership_create": [Case(person, post_only())],
    "membership_end": [
        Case(lambda w, who, v: {**person(w, who, v), "membership_pk": w.membership.pk}, post_only())
    ],
    "person_invite": [Case(person, post_only())],
    "person_letter": [Case(person, post_only())],
    # 初回パスワードの変更 (accounts): anyone signed in; who owes no change is sent on (302).
    "first_password_change": [Case(lambda w, who, v: {}, {**same(302), "anonymous": L})],
    # 送信したメール (accounts): the site operator (superuser) only; nobody of the cast is one.
    "operator_mailbox": [Case(lambda w, who, v: {}, {**same(403), "anonymous": L})],
    # 協議会の一覧・協議会を始める (accounts): the site operator only, like the mailbox.
    "operator_councils": [Case(lambda w, who, v: {}, {**same(403), "anonymous": L})],
    "operator_mail_test": [Case(lambda w, who, v: {}, post_only())],
    # 「ログインを延長する」 (accounts.sessions): POST only, for whoever is signed in.
    "session_extend": [Case(lambda w, who, v: {}, post_only())],
    # 変更履歴 (audit): the council's secretariat only.
    "audit_search": [Case(slug, SECRETARIAT_ONLY)],
    "audit_read_log": [Case(slug, SECRETARIAT_ONLY)],
    # the admin's own pages
    "admin:index": [Case(lambda w, who, v: {}, ADMIN_STAFF)],
    # Signed-in staff are sent on to the index; signed-in non-staff see "not authorised" on the form.
    "admin:login": [Case(lambda w, who, v: {}, E(200, 200, 200, 200, 302, 302, 302))],
    # POST only for staff; everyone else is sent to the admin index (which then asks them to sign in).
    "admin:logout": [Case(lambda w, who, v: {}, E(302, 302, 302, 302, 405, 405, 405))],
    "admin:password_change": [Case(lambda w, who, v: {}, ADMIN_STAFF)],
    "admin:password_change_done": [Case(lambda w, who, v: {}, ADMIN_STAFF)],
    "admin:jsi18n": [Case(lambda w, who, v: {}, ADMIN_STAFF)],
    # Without the widget's parameters the autocomplete refuses (403) before reading anything.
    "admin:autocomplete": [Case(lambda w, who, v: {}, E(L, L, L, L, 403, 403, 403))],
    # The shortcut would only redirect to the object's own page (which checks access itself); our
    # models have no get_absolute_url, so it is 404.
    "admin:view_on_site": [
        Case(
            lambda w, who, v: {
                "content_type_id": ContentType.objects.get_for_model(Meeting).pk,
                "object_id": str(w.meeting["sub"].pk),
            },
            E(L, L, L, L, 404, 404, 404),
        )
    ],
    # Unnamed admin patterns: /admin/<app>/<model>/<id>/ redirects to the change view; anything else
    # under /admin/ is the catch-all (sign-in first, then 404).
    "admin:<<path:object_id>/>": [
        Case(
            lambda w, who, v: {},
            E(L, L, L, L, 302, 302, 302),
            url=lambda w: f"/admin/meetings/meeting/{w.meeting['sub'].pk}/",
        )
    ],
    "admin:<(?P<url>.*)$>": [
        Case(lambda w, who, v: {}, E(L, L, L, L, 404, 404, 404), url=lambda w: "/admin/no-such-page/")
    ],
}

# --- the admin's model pages: one table row per URL name, built from the registry -------------------

# Who may open each admin page of a model. Staff here are the three secretariats (role_grant makes
# a secretariat staff and puts them in the secretariat group, council.permissions); outsider and
# pref_user are the secretariats of other councils: the same permissions, but records of ``council``
# are outside their scope, and the admin answers "not found" by redirecting to its index (302, the
# same answer as for an id that does not exist). Chairs, members and reviewers are not staff.
STAFF_403 = E(L, L, L, L, 403, 403, 403)  # the secretariat group lacks the permission
OWN_COUNCIL_ONLY = E(L, L, L, L, 302, 302, 200)

ADMIN_DEFAULT = {
    "changelist": ADMIN_STAFF,
    "add": ADMIN_STAFF,
    "change": OWN_COUNCIL_ONLY,
    "delete": OWN_COUNCIL_ONLY,
    "history": OWN_COUNCIL_ONLY,
}
# Append-only or machine-made records: no add, no delete by hand.
NO_ADD_NO_DELETE = {**ADMIN_DEFAULT, "add": STAFF_403, "delete": STAFF_403}
ADMIN_MODEL_EXPECT: dict[str, dict[str, dict]] = {
    # Accounts and groups are the site operator's (superuser's); roles are given in council.Role.
    "auth.user": dict.fromkeys(
        ("changelist", "add", "change", "delete", "history", "password_change"), STAFF_403
    ),
    # django-axes' sign-in logs: the site operator's too.
    "axes.accessattempt": dict.fromkeys(("changelist", "add", "change", "delete", "history"), STAFF_403),
    "axes.accesslog": dict.fromkeys(("changelist", "add", "change", "delete", "history"), STAFF_403),
    "axes.accessfailurelog": dict.fromkeys(("changelist", "add", "change", "delete", "history"), STAFF_403),
    # Authenticator apps (django-otp): the site operator's; no one sees a secret (config → 403).
    "otp_totp.totpdevice": dict.fromkeys(
        ("changelist", "add", "change", "delete", "history", "config", "qrcode"), STAFF_403
    ),
    "auth.group": dict.fromkeys(("changelist", "add", "change", "delete", "history"), STAFF_403),
    "council.council": NO_ADD_NO_DELETE,
    "issues.issuemove": NO_ADD_NO_DELETE,
    "reports.reportjob": NO_ADD_NO_DELETE,
    "subcommittees.evaluationreview": NO_ADD_NO_DELETE,
    "meetings.calendarfeed": {**ADMIN_DEFAULT, "add": STAFF_403},  # feeds are made by their owner
    # A pledge version someone confirmed is never edited or deleted (it opens read-only); the
    # confirmations and the personal-data requests are records written by the pages only.
    "privacy.pledge": {**ADMIN_DEFAULT, "delete": STAFF_403},
    "privacy.pledgeconfirmation": NO_ADD_NO_DELETE,
    "privacy.personaldatarequest": NO_ADD_NO_DELETE,
    # Themes are shared by all councils: every secretariat views them, nobody of a council edits them.
    "issues.theme": {
        **ADMIN_DEFAULT,
        "add": STAFF_403,
        "delete": STAFF_403,
        "change": ADMIN_STAFF,
        "history": ADMIN_STAFF,
    },
}
# 取り込み・書き出し (spreadsheets.admin_mixins): every secretariat opens the pages; what they import
# into or export from is limited to their own councils by the form's choice (tests/imports).
SPREADSHEET_VIEWS = {
    "import": ADMIN_STAFF,
    "process_import": E(L, L, L, L, 405, 405, 405),  # POST only
    "export": ADMIN_STAFF,
    "import_template": ADMIN_STAFF,
}
for _label in ("council.organization", "council.person", "meetings.meeting", "issues.regionalissue"):
    ADMIN_MODEL_EXPECT[_label] = {**ADMIN_MODEL_EXPECT.get(_label, ADMIN_DEFAULT), **SPREADSHEET_VIEWS}
# Index pages of each app: the secretariat group has no permission on django.contrib.auth.
ADMIN_APP_LIST: dict[str, dict] = {"auth": E(L, L, L, L, 404, 404, 404), "axes": E(L, L, L, L, 404, 404, 404)}
ADMIN_APP_LIST["otp_totp"] = E(L, L, L, L, 404, 404, 404)


def admin_model_cases(model, view: str, rule: dict[str, object]) -> list[Case]:
    key = {"password_change": "id", "config": "pk", "qrcode": "pk"}.get(view, "object_id")

    def obj_kwargs(w, who, v):
        obj = w.admin_object(model)
        assert obj is not None, f"no {model._meta.label} row for its admin change view"
        return {key: str(obj.pk)}

    if view in ("changelist", "add", *SPREADSHEET_VIEWS):
        return [Case(lambda w, who, v: {}, rule)]
    return [Case(obj_kwargs, rule)]


def admin_pages(table: dict[str, list[Case]]) -> None:
    for model in admin.site._registry:
        rules = ADMIN_MODEL_EXPECT.get(model._meta.label_lower, ADMIN_DEFAULT)
        for view, rule in rules.items():
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
            table[name] = admin_model_cases(model, view, rule)
    for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
        table.setdefault("admin:app_list", []).append(
            Case(
                lambda w, who, v, a=app_label: {"app_label": a},
                ADMIN_APP_LIST.get(app_label, ADMIN_STAFF),
                app_label,
            )
        )


admin_pages(TABLE)


# --- the walk --------------------------------------------------------------------------------


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(entry, URLPattern):
                # An unnamed pattern (the admin's catch-all) is walked under its route.
                names.add(f"{namespace}{entry.name}" if entry.name else f"{namespace}<{entry.pattern}>")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_name_is_in_the_table():
    names = all_url_names()
    assert names - set(TABLE) == set(), "URL names without an entry in TABLE"
    assert set(TABLE) - names == set(), "TABLE entries for URL names that no longer exist"


# One test per URL case, every kind of user inside it: the world is built once per case rather
# than once per user (the walk was 7× slower the other way), and a failure lists every user whose
# answer differs.
PARAMS = [
    pytest.param(name, index, id=f"{name}{'[' + case.variant + ']' if case.variant else ''}")
    for name, cases in sorted(TABLE.items())
    for index, case in enumerate(cases)
]


def outcome_of(response) -> object:
    if response.status_code == 302:
        path = urlsplit(response["Location"]).path
        if path in (reverse("login"), reverse("admin:login")):
            return L
        return 302
    return response.status_code


@pytest.mark.parametrize(("name", "index"), PARAMS)
def test_url_for_every_user(client, world, name, index):
    case = TABLE[name][index]
    wrong = []
    for who in USERS:
        url = case.url(world) if case.url else reverse(name, kwargs=case.kwargs(world, who, case.variant))
        client.logout()
        if who != "anonymous":
            client.force_login(getattr(world, who))
        got = outcome_of(client.get(url))
        if got != case.expect[who]:
            wrong.append(f"GET {url} as {who}: got {got}, expected {case.expect[who]}")
    assert wrong == []


def test_walk_covers_every_admin_model():
    registered = {m._meta.label_lower for m in admin.site._registry}
    for label in registered:
        model = apps.get_model(label)
        for view in ("changelist", "add", "change"):
            assert f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}" in TABLE
