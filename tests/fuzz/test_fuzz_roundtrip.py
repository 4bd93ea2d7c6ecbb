"""What a form accepts is stored exactly as typed, and shown escaped.

Text here is hostile but acceptable: markup, SQL, formulas, mixed scripts, junk 和暦, newlines
inside — no NUL, which every form refuses. The one documented change is Django's: text fields
strip surrounding blanks (``str.strip``: spaces, full-width spaces, newlines).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from council.models import Organization
from issues.models import ActionPlan, RegionalIssue
from meetings.models import Meeting
from subcommittees.models import ActivityPolicy, Evaluation, ProgressReport
from tests.factories import MembershipFactory, PersonFactory
from tests.fuzz.fuzzkit import assert_escaped, assert_no_server_error, examples, form_of, rolled_back
from tests.fuzz.strategies import WHITESPACE, plain_ok_text

pytestmark = pytest.mark.django_db

YEAR = 2021
ROUNDTRIP = settings(
    max_examples=examples(5),
    deadline=None,
    # No shrinking: each step is a request (minutes when an example fails); the failing example is
    # printed as found, and .hypothesis/ replays it first on the next run.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Acceptable text with blanks around it (stripped) and newlines inside (kept).
typed = st.tuples(
    st.sampled_from(["", *WHITESPACE]),
    plain_ok_text(),
    st.sampled_from(["", "\n", "\r\n"]),
    plain_ok_text(),
    st.sampled_from(["", *WHITESPACE]),
).map("".join)
short = st.tuples(st.sampled_from(["", " ", "\u3000"]), plain_ok_text(60)).map("".join)


def _post_form(client, page_url: str, values: dict, *, has: str, action: str | None = None):
    page = client.get(page_url)
    assert page.status_code == 200
    post = form_of(page.content.decode(), page_url=page_url, action=action, has=has).data()
    post.update({k: [v] for k, v in values.items()})
    response = client.post(action or page_url, post)
    assert_no_server_error(response, values)
    assert_escaped(response, values)
    return response


def _shown(client, url: str, values) -> str:
    page = client.get(url)
    assert page.status_code == 200
    assert_escaped(page, values)
    return page.content.decode()


@ROUNDTRIP
@given(title=short, place=short, note=short, agenda=typed, minutes=typed, steering=typed, item=typed)
def test_meeting_text_round_trips(
    client, chair, subcommittee, title, place, note, agenda, minutes, steering, item
):
    values = {
        "title": title,
        "place": place,
        "attendance_note": note,
        "agenda": agenda,
        "minutes": minutes,
        "notes_for_steering": steering,
        "items-0-text": item,
        "date": "令和3年6月10日",
        "status": "held",
    }
    with rolled_back():
        client.force_login(chair)
        url = reverse("meeting_create", args=[subcommittee.council.slug, subcommittee.pk]) + f"?year={YEAR}"
        response = _post_form(client, url, values, has="status")
        assert response.status_code == 302, (
            response.context["forms"].meeting.errors if response.context else ""
        )
        meeting = Meeting.objects.get(body=subcommittee)
        for name in ("title", "place", "attendance_note", "agenda", "minutes", "notes_for_steering"):
            assert getattr(meeting, name) == values[name].strip(), name
        assert [i.text for i in meeting.items.all()] == [item.strip()]
        assert meeting.date == dt.date(2021, 6, 10)
        _shown(client, response["Location"], values)


@ROUNDTRIP
@given(title=short, background=typed)
def test_issue_text_round_trips(client, secretariat, subcommittee, title, background):
    values = {"title": title, "background": background, "body": str(subcommittee.pk), "origin": "direct"}
    with rolled_back():
        client.force_login(secretariat)
        response = _post_form(
            client, reverse("issue_create", args=[subcommittee.council.slug]), values, has="title"
        )
        assert response.status_code == 302
        issue = RegionalIssue.objects.get(body=subcommittee)
        assert (issue.title, issue.background) == (title.strip(), background.strip())
        _shown(client, response["Location"], values)
        _shown(client, reverse("issue_list", args=[subcommittee.council.slug]), values)


@ROUNDTRIP
@given(target=typed, problem=typed, towards=short, action=typed, due=short)
def test_action_plan_round_trips(client, chair, issue, target, problem, towards, action, due):
    values = {
        "target_state": target,
        "rows-0-problem": problem,
        "rows-0-towards": towards,
        "rows-0-action": action,
        "rows-0-due_label": due[:100],
    }
    with rolled_back():
        client.force_login(chair)
        url = reverse("action_plan_edit", args=[issue.council.slug, issue.pk])
        response = _post_form(client, url, values, has="target_state")
        assert response.status_code == 302
        plan = ActionPlan.objects.get(issue=issue)
        row = plan.rows.get()
        assert plan.target_state == target.strip()
        assert (row.problem, row.towards, row.action, row.due_label) == (
            problem.strip(),
            towards.strip(),
            action.strip(),
            due[:100].strip(),
        )
        _shown(client, reverse("issue_detail", args=[issue.council.slug, issue.pk]), values)


@ROUNDTRIP
@given(texts=st.lists(typed, min_size=4, max_size=4))
def test_progress_report_round_trips(client, chair, subcommittee, texts):
    names = ["policy", "actions", "direction", "notes_for_steering"]
    values = dict(zip(names, texts, strict=True))
    with rolled_back():
        client.force_login(chair)
        url = reverse("progress_report_edit", args=[subcommittee.council.slug, subcommittee.pk, YEAR])
        response = _post_form(client, url, values, has="policy")
        assert response.status_code == 302
        report = ProgressReport.objects.get(body=subcommittee, fiscal_year=YEAR)
        assert [getattr(report, n) for n in names] == [t.strip() for t in texts]
        _shown(client, url, values)
        preview = reverse("report_preview", args=[subcommittee.council.slug, "progress-report", YEAR])
        _shown(client, f"{preview}?body={subcommittee.pk}", values)


@ROUNDTRIP
@given(texts=st.lists(typed, min_size=3, max_size=3))
def test_activity_policy_round_trips(client, chair, subcommittee, texts):
    names = ["history", "policy", "activities"]
    values = dict(zip(names, texts, strict=True))
    with rolled_back():
        client.force_login(chair)
        url = reverse("policy_edit", args=[subcommittee.council.slug, subcommittee.pk, YEAR])
        response = _post_form(client, url, values, has="history")
        assert response.status_code == 302
        policy = ActivityPolicy.objects.get(body=subcommittee, fiscal_year=YEAR + 1)
        assert [getattr(policy, n) for n in names] == [t.strip() for t in texts]
        _shown(client, url, values)


@ROUNDTRIP
@given(narrative=typed, handover=typed, comment=typed)
def test_evaluation_round_trips(client, chair, council, subcommittee, narrative, handover, comment):
    person = PersonFactory(council=council, name="山川 一子")
    MembershipFactory(body=subcommittee, person=person, term_start=dt.date(2019, 4, 1))
    values = {
        "narrative": narrative,
        "handover": handover,
        "comments-0-text": comment,
        "comments-0-person": str(person.pk),
    }
    with rolled_back():
        client.force_login(chair)
        url = reverse("evaluation_edit", args=[council.slug, subcommittee.pk, YEAR])
        response = _post_form(client, url, values, has="narrative")
        assert response.status_code == 302
        evaluation = Evaluation.objects.get(body=subcommittee, fiscal_year=YEAR)
        assert (evaluation.narrative, evaluation.handover) == (narrative.strip(), handover.strip())
        assert [c.text for c in evaluation.comments.all()] == [comment.strip()]
        _shown(client, url, values)


@ROUNDTRIP
@given(name=short)
def test_admin_organization_round_trips(client, secretariat, council, name):
    values = {"name": name, "council": str(council.pk)}
    with rolled_back():
        client.force_login(secretariat)
        response = _post_form(client, reverse("admin:council_organization_add"), values, has="name")
        assert response.status_code == 302
        organization = Organization.objects.get(council=council)
        assert organization.name == name.strip()
        _shown(client, reverse("admin:council_organization_changelist"), values)
        _shown(client, reverse("admin:council_organization_change", args=[organization.pk]), values)
