"""Every form of the project, as a signed-in user who may use it, fed random and hostile text.

For each form the test reads the page the way a browser does (``fuzzkit.form_of``), keeps what a
browser would send, and replaces some fields — typed ones, hidden ones (formset counts, versions),
choices — with hostile text. Whatever comes back:

- never a server error;
- no payload of ours printed unescaped (re-shown forms included);
- refused (re-shown, or redirected with an error message): not one row of the council's tables
  changed;
- accepted: the page it leads to renders, escaped.

Round trips (what is stored is exactly what was typed, less the surrounding blanks every Django
text field strips) are checked in ``test_fuzz_roundtrip.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from council.models import Organization, Person
from subcommittees.services import evaluation_submit
from tests.factories import EvaluationFactory, MeetingFactory, MembershipFactory, PersonFactory
from tests.fuzz.fuzzkit import (
    assert_escaped,
    assert_no_server_error,
    changed_tables,
    examples,
    form_of,
    rolled_back,
    snapshot,
    was_accepted,
)
from tests.fuzz.strategies import hostile_text

pytestmark = pytest.mark.django_db

YEAR = 2021
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

FUZZ = settings(
    max_examples=examples(4),
    deadline=None,
    # No shrinking: each step is a request (minutes when an example fails); the failing example is
    # printed as found, and .hypothesis/ replays it first on the next run.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class World:
    """What the forms point at: a meeting with a member, an issue, a submitted evaluation."""

    def __init__(self, request) -> None:
        for name in (
            "council",
            "subcommittee",
            "other_subcommittee",
            "steering",
            "secretariat",
            "chair",
            "reviewer",
            "issue",
            "liaison",
        ):
            setattr(self, name, request.getfixturevalue(name))
        person = PersonFactory(council=self.council, name="山川 一子")
        MembershipFactory(body=self.subcommittee, person=person, term_start=dt.date(2019, 4, 1))
        self.meeting = MeetingFactory(body=self.subcommittee)
        self.evaluation = EvaluationFactory(body=self.subcommittee, fiscal_year=YEAR)
        # The other subcommittee's sheet waits for the reviewer.
        self.submitted = EvaluationFactory(body=self.other_subcommittee, fiscal_year=YEAR)
        evaluation_submit(evaluation=self.submitted, by=self.secretariat)
        self.organization = Organization.objects.create(council=self.council, name="相談支援センター")
        self.person = Person.objects.filter(council=self.council).first()
        self.baselines: dict[str, dict] = {}

    def doc(self, name: str) -> str:
        return reverse(name, args=[self.council.slug, self.subcommittee.pk, YEAR])


@pytest.fixture
def world(request) -> World:
    return World(request)


def admin_add(label: str):
    app, model = label.split(".")
    return lambda w: reverse(f"admin:{app}_{model}_add")


def admin_change(label: str, obj):
    app, model = label.split(".")
    return lambda w: reverse(f"admin:{app}_{model}_change", args=[obj(w).pk])


# (who, page, action or None for the page itself, a field that picks the form, upload a file)
CASES = {
    "meeting_create": (
        "chair",
        lambda w: reverse("meeting_create", args=[w.council.slug, w.subcommittee.pk]) + f"?year={YEAR}",
        None,
        "status",
    ),
    "meeting_edit": (
        "secretariat",
        lambda w: reverse("meeting_edit", args=[w.council.slug, w.meeting.pk]),
        None,
        "status",
    ),
    "handout_upload": (
        "chair",
        lambda w: reverse("meeting_detail", args=[w.council.slug, w.meeting.pk]),
        lambda w: reverse("handout_upload", args=[w.council.slug, w.meeting.pk]),
        "title",
    ),
    "issue_create": ("secretariat", lambda w: reverse("issue_create", args=[w.council.slug]), None, "title"),
    "issue_move": (
        "secretariat",
        lambda w: reverse("issue_detail", args=[w.council.slug, w.issue.pk]),
        lambda w: reverse("issue_move", args=[w.council.slug, w.issue.pk]),
        "kind",
    ),
    "action_plan_edit": (
        "chair",
        lambda w: reverse("action_plan_edit", args=[w.council.slug, w.issue.pk]),
        None,
        "target_state",
    ),
    "progress_report_edit": ("chair", lambda w: w.doc("progress_report_edit"), None, "policy"),
    "policy_edit": ("chair", lambda w: w.doc("policy_edit"), None, "history"),
    "evaluation_edit": ("chair", lambda w: w.doc("evaluation_edit"), None, "narrative"),
    "evaluation_submit": (
        "chair",
        lambda w: w.doc("evaluation_edit"),
        lambda w: w.doc("evaluation_submit"),
        None,
    ),
    "review_decide": (
        "reviewer",
        lambda w: reverse("review_detail", args=[w.council.slug, w.submitted.pk]),
        lambda w: reverse("review_decide", args=[w.council.slug, w.submitted.pk]),
        "comment",
    ),
    "calendars": ("chair", lambda w: reverse("calendars", args=[w.council.slug]), None, "scope"),
    "report_list": ("secretariat", lambda w: reverse("report_list", args=[w.council.slug]), None, "kind"),
    "login": (None, lambda w: reverse("login"), None, "username"),
    "password_change": ("chair", lambda w: reverse("password_change"), None, "old_password"),
    "password_reset": (None, lambda w: reverse("password_reset"), None, "email"),
    # The secretariat's admin: add and change forms of the council's records (inlines included).
    "admin_organization_add": ("secretariat", admin_add("council.organization"), None, "name"),
    "admin_person_add": ("secretariat", admin_add("council.person"), None, "name"),
    "admin_body_add": ("secretariat", admin_add("council.body"), None, "name"),
    "admin_membership_add": ("secretariat", admin_add("council.membership"), None, "term_start"),
    "admin_meeting_add": ("secretariat", admin_add("meetings.meeting"), None, "date"),
    "admin_issue_add": ("secretariat", admin_add("issues.regionalissue"), None, "title"),
    "admin_progressreport_add": ("secretariat", admin_add("subcommittees.progressreport"), None, "policy"),
    "admin_council_change": (
        "secretariat",
        admin_change("council.council", lambda w: w.council),
        None,
        "name",
    ),
    "admin_body_change": (
        "secretariat",
        admin_change("council.body", lambda w: w.subcommittee),
        None,
        "name",
    ),
    "admin_meeting_change": (
        "secretariat",
        admin_change("meetings.meeting", lambda w: w.meeting),
        None,
        "date",
    ),
    "admin_issue_change": (
        "secretariat",
        admin_change("issues.regionalissue", lambda w: w.issue),
        None,
        "title",
    ),
    "admin_evaluation_change": (
        "secretariat",
        admin_change("subcommittees.evaluation", lambda w: w.evaluation),
        None,
        None,
    ),
    "admin_person_change": ("secretariat", admin_change("council.person", lambda w: w.person), None, "name"),
}


def _sign_in(client, world: World, who: str | None) -> None:
    if who is not None:
        client.force_login(getattr(world, who))


def _open_form(client, world: World, case: str):
    who, page_of, action_of, has = CASES[case]
    page_url = page_of(world)
    _sign_in(client, world, who)
    page = client.get(page_url)
    assert page.status_code == 200, (case, page.status_code)
    action = action_of(world) if action_of else None
    return form_of(page.content.decode(), page_url=page_url, action=action, has=has), action or page_url


def _fuzzable(form) -> list[str]:
    # Not the admin's autocomplete boxes: Django's AutocompleteSelect crashes re-showing a form whose
    # value is not a number (a tampered POST; reported, the fix belongs in council/admin_base.py).
    return sorted(name for name, f in form.fields.items() if f.kind != "autocomplete")


def _send(client, world: World, case: str, target: str, post: dict, baseline: dict) -> str:
    """POST in a savepoint that is rolled back; judge the answer (see the module docstring)."""
    with rolled_back():
        _sign_in(client, world, CASES[case][0])
        response = client.post(target, post)
        assert_no_server_error(response, post)
        assert_escaped(response, post)
        accepted = was_accepted(response)
        if accepted:
            shown = client.get(response["Location"])
            assert_no_server_error(shown, post)
            assert_escaped(shown, post)
        else:
            assert changed_tables(baseline, snapshot()) == [], (case, response.status_code, _brief(post))
    return "accepted" if accepted else f"refused ({response.status_code})"


def _brief(post: dict) -> dict:
    return {k: (repr(v)[:80] if len(repr(v)) > 80 else v) for k, v in post.items()}


def _pdf(filename: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(filename.replace("/", "／"), PDF, content_type="application/pdf")


@pytest.mark.parametrize("case", list(CASES))
@FUZZ
@given(data=st.data())
def test_hostile_text_in_every_form(client, world, case, data):
    form, target = _open_form(client, world, case)
    # Every example starts from the same rows (the last one was rolled back): one snapshot will do.
    if case not in world.baselines:
        world.baselines[case] = snapshot()
    fields = _fuzzable(form)
    chosen = data.draw(
        st.one_of(st.lists(st.sampled_from(fields), min_size=1, max_size=6, unique=True), st.just(fields)),
        label="fields",
    )
    # With many fields at once, keep each one small: a page that is only huge text tells little more.
    text = hostile_text(allow_huge=len(chosen) <= 3)
    post = form.data()
    for name in chosen:
        post[name] = [data.draw(text, label=name)]
    if form.submits and data.draw(st.booleans(), label="named button"):
        name, value = data.draw(st.sampled_from(form.submits), label="button")
        post[name] = [value]
    if "file" in form.fields:
        post["file"] = _pdf(data.draw(hostile_text(allow_huge=False), label="filename") + ".pdf")
    event(_send(client, world, case, target, post, world.baselines[case]))  # --hypothesis-show-statistics


# One fixed nasty value in every field at once: NUL and other controls, markup, SQL, a formula,
# RTL override, zero-width joiner, half-width kana, emoji, CJK extension B, a junk 和暦 date.
EVERYTHING = (
    "\x00\x07\x1b<script>alert('xss')</script>\"><img src=x onerror=alert(1)>'; DROP TABLE x; --"
    '=HYPERLINK("http://example.invalid")\u202eｶﾞｷﾞ\u200d👨‍👩‍👧\U00020bb7令和99年13月40日../../etc/passwd'
)
ONLY_BLANKS = "\u3000 \t\u200b\u00a0"


@pytest.mark.parametrize("value", [EVERYTHING, ONLY_BLANKS], ids=["everything", "only-blanks"])
@pytest.mark.parametrize("case", list(CASES))
def test_one_value_in_every_field(client, world, case, value):
    form, target = _open_form(client, world, case)
    post = form.data()
    for name in _fuzzable(form):
        post[name] = [value]
    if "file" in form.fields:
        post["file"] = _pdf(value + ".pdf")
    _send(client, world, case, target, post, snapshot())


# --- GET forms and query strings --------------------------------------------------------------------

GET_PAGES = {
    "issue_list": lambda w: reverse("issue_list", args=[w.council.slug]),
    "council_home": lambda w: reverse("council_home", args=[w.council.slug]),
    "body_detail": lambda w: reverse("body_detail", args=[w.council.slug, w.subcommittee.pk]),
    "schedule": lambda w: reverse("schedule", args=[w.council.slug]),
    "dashboard": lambda w: reverse("dashboard", args=[w.council.slug]),
    "report_list": lambda w: reverse("report_list", args=[w.council.slug]),
    "report_preview": lambda w: reverse("report_preview", args=[w.council.slug, "progress-report", YEAR]),
    "imports": lambda w: reverse("imports", args=[w.council.slug]),
    "issue_create": lambda w: reverse("issue_create", args=[w.council.slug]),
    "meeting_create": lambda w: reverse("meeting_create", args=[w.council.slug, w.subcommittee.pk]),
    "admin_meetings": lambda w: reverse("admin:meetings_meeting_changelist"),
    "admin_issues": lambda w: reverse("admin:issues_regionalissue_changelist"),
}
QUERY_KEYS = [
    "year",
    "page",
    "status",
    "body",
    "theme",
    "older_than",
    "q",
    "o",
    "resource",
    "job",
    "meeting",
    "p",
    "kind",
]


@pytest.mark.parametrize("page_name", list(GET_PAGES))
@settings(FUZZ, max_examples=examples(5))
@given(
    query=st.dictionaries(st.sampled_from(QUERY_KEYS), hostile_text(allow_huge=False), min_size=1, max_size=4)
)
def test_hostile_query_strings(client, world, page_name, query):
    if page_name not in world.baselines:
        world.baselines[page_name] = snapshot()
    with rolled_back():
        client.force_login(world.secretariat)
        response = client.get(GET_PAGES[page_name](world), query)
        assert_no_server_error(response, query)
        assert_escaped(response, query)
        assert changed_tables(world.baselines[page_name], snapshot()) == []
