"""No case-conference text reaches anyone who has not confirmed the pledge: every page, list, export,
feed, document and admin page.

The world of ``test_url_walk`` is given case-conference content that appears nowhere else (the
``SECRETS``). Every URL of the walk's table (pointed at the ordinary records and at the case
conference's), plus the downloads and posts the table does not open (every export in both formats,
the admin's export, the similar-issue check, calendar feeds, a job's status), is fetched by:

- an unpledged secretariat and an unpledged member of the case conference: no answer may carry
  any secret;
- the pledged secretariat, as the control: every secret must turn up somewhere, so the check
  above is able to fail.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from council.models import Membership, MembershipRole, Person, RoleKind
from council.services import role_grant
from meetings.feeds import calendar_feed_create
from meetings.models import Attendance, MeetingItem, MeetingStatus
from subcommittees.models import ProgressReport
from tests.factories import MeetingFactory, UserFactory
from tests.security.test_url_walk import TABLE, World

pytestmark = pytest.mark.django_db

SECRETS = (
    "秘匿会場A",
    "秘匿議事録A",
    "秘匿項目A",
    "秘匿伝達A",
    "秘匿会議名B",
    "秘匿会場B",
    "秘匿資料C",
    "秘匿課題D",
    "秘匿背景D",
    "秘匿 次郎",
    "秘匿報告E",
    "HIDDEN-HANDOUT-BYTES",
    "HIDDEN-REPORT-BYTES",
)


@pytest.fixture
def world(
    settings,
    tmp_path,
    council,
    pref_council,
    other_council,
    plenary,
    steering,
    subcommittee,
    other_subcommittee,
    case_conference,
    liaison,
    secretariat,
    chair,
    other_chair,
    member,
    reviewer,
    outsider,
    pref_user,
):
    settings.MEDIA_ROOT = tmp_path
    w = World(dict(locals()), tmp_path)
    case = w.case_conference
    meeting = w.meeting["case"]
    meeting.place, meeting.minutes, meeting.notes_for_steering = "秘匿会場A", "秘匿議事録A", "秘匿伝達A"
    meeting.save(update_fields=["place", "minutes", "notes_for_steering"])
    MeetingItem.objects.create(meeting=meeting, text="秘匿項目A", position=1)
    # An upcoming one: the dashboard, the schedule of this 年度 and the calendar feeds show it.
    MeetingFactory(
        body=case,
        title="秘匿会議名B",
        place="秘匿会場B",
        date=timezone.localdate() + dt.timedelta(days=7),
        status=MeetingStatus.PLANNED,
    )
    handout = w.handout["case"]
    handout.title = "秘匿資料C"
    handout.file.save("handout-case-secret.pdf", ContentFile(b"%PDF-1.4 HIDDEN-HANDOUT-BYTES"), save=False)
    handout.save()
    job = w.job["case"]
    job.file.save("report-case-secret.pdf", ContentFile(b"%PDF-1.4 HIDDEN-REPORT-BYTES"), save=False)
    job.save()
    issue = w.issue_of["case"]
    issue.title, issue.background = "秘匿課題D", "秘匿背景D"
    issue.save(update_fields=["title", "background"])
    person = Person.objects.create(council=w.council, name="秘匿 次郎")
    Membership.objects.create(
        body=case, person=person, role=MembershipRole.MEMBER, term_start=dt.date(YEAR_START, 4, 1)
    )
    Attendance.objects.create(meeting=meeting, person=person)
    w.secret_person = person
    ProgressReport.objects.create(body=case, fiscal_year=2021, policy="秘匿報告E")

    w.unpledged_secretariat = UserFactory(username="unpledged-secretariat")
    role_grant(user=w.unpledged_secretariat, council=w.council, kind=RoleKind.SECRETARIAT)
    w.unpledged_case_member = UserFactory(username="unpledged-case-member")
    role_grant(user=w.unpledged_case_member, council=w.council, kind=RoleKind.MEMBER, body=case)
    return w


YEAR_START = 2021


def urls_of(w: World, user) -> list[tuple[str, str, dict | None]]:
    """(method, url, data) of every URL of the walk's table, and the downloads and posts beyond it."""
    # The downloads and posts first: the control (which stops once it has seen every secret)
    # finds most secrets there.
    found: list[tuple[str, str, dict | None]] = []
    table: list[tuple[str, str, dict | None]] = []
    slug = w.council.slug
    for resource in ("organizations", "members", "meetings", "issues"):
        for fmt in ("csv", "xlsx"):
            found.append(("get", reverse("export", args=[slug, resource, fmt]), None))
    found.append(("get", reverse("export", args=[slug, "meetings", "csv"]) + "?year=2021", None))
    for label in ("council_person", "meetings_meeting", "issues_regionalissue"):
        for fmt in ("csv", "xlsx"):
            found.append(("post", reverse(f"admin:{label}_export"), {"council": w.council.pk, "format": fmt}))
    found.append(("get", reverse("schedule", args=[slug]) + "?year=2021", None))
    found.append(("get", reverse("issue_list", args=[slug]) + "?status=open", None))
    found.append(
        (
            "post",
            reverse("issue_create", args=[slug]),
            {"check_similar": "1", "title": "秘匿課題について", "background": "秘匿背景"},
        )
    )
    found.append(("get", reverse("report_job_status", args=[slug, w.job["case"].pk]), None))
    for scope in ("council", "mine"):
        feed = calendar_feed_create(user=user, council=w.council, scope=scope)
        found.append(("get", reverse("ical_feed", kwargs={"token": feed.token}), None))
    found.append(("get", reverse("admin:meetings_meeting_change", args=[w.meeting["case"].pk]), None))
    found.append(("get", reverse("admin:issues_regionalissue_change", args=[w.issue_of["case"].pk]), None))
    found.append(
        ("post", reverse("person_export", args=[slug, w.secret_person.pk]), {"requested_by": "self"})
    )
    found.append(("get", reverse("person_privacy", args=[slug, w.secret_person.pk]), None))
    for name, cases in sorted(TABLE.items()):
        if name == "ical_feed":
            continue  # the table's feed is the pledged secretariat's: its token is their credential
        for case in cases:
            if case.url is not None:
                table.append(("get", case.url(w), None))
                continue
            for variant in {case.variant, "case"}:
                table.append(("get", reverse(name, kwargs=case.kwargs(w, "secretariat", variant)), None))
    return found + table


def text_of(response) -> str:
    """Everything a response carries, readable: streamed files, XLSX parts, JSON unescaped, ICS unfolded."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":  # XLSX: the strings live in the zipped XML parts
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            return "\n".join(book.read(part).decode("utf-8", "replace") for part in book.namelist())
    text = raw.decode("utf-8-sig", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def walk(client, w: World, user, *, until_all_found: bool = False) -> tuple[dict[str, list[str]], int]:
    """Which secrets each URL answered with, and how many answers carried content (status 200).

    ``until_all_found``: stop once every secret has turned up (the control needs no more)."""
    client.force_login(user)
    leaks: dict[str, list[str]] = {}
    answered = 0
    found: set[str] = set()
    for method, url, data in urls_of(w, user):
        response = client.post(url, data) if method == "post" else client.get(url)
        answered += response.status_code == 200
        text = text_of(response)
        shown = [secret for secret in SECRETS if secret in text]
        if shown:
            leaks[f"{method.upper()} {url}"] = shown
            found.update(shown)
            if until_all_found and found == set(SECRETS):
                break
    return leaks, answered


def test_the_pledged_secretariat_finds_every_secret(client, world):
    """The control: each secret is reachable, so the walks below can fail."""
    leaks, answered = walk(client, world, world.secretariat, until_all_found=True)
    found = {secret for shown in leaks.values() for secret in shown}
    assert set(SECRETS) - found == set()
    assert answered > 20


@pytest.mark.parametrize("who", ["unpledged_secretariat", "unpledged_case_member"])
def test_nothing_of_the_case_conference_reaches_the_unpledged(client, world, who):
    leaks, answered = walk(client, world, getattr(world, who))
    assert leaks == {}
    assert answered > 20  # the walk really read pages (council pages, lists, the pledge page)
