"""Every state-changing URL, every kind of user: only those allowed to change something can.

For each URL case of the walk's table (tests/security/test_url_walk.py) the form the secretariat
sees on that page is read (as a browser would submit it, unchanged) and POSTed by every kind of
user. For users who may not use the page, the POST must not insert, update or delete a single row
of any table (PostgreSQL's own per-transaction counters, ``pg_stat_xact_user_tables``, so nothing
can be forgotten); the sign-in bookkeeping tables are the only ones left out.

Who is allowed: whoever the walk's table lets open the page (200 or a redirect other than to a
sign-in page). For POST-only URLs, ``POST_ONLY_ALLOWED`` says it. ``test_the_detector_sees_changes``
checks that the same counters do see the writes of users who are allowed, so the walk can fail.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.urls import reverse

from tests.security.test_url_walk import TABLE, USERS, outcome_of

pytestmark = pytest.mark.django_db

L = "login"
# Sign-in bookkeeping, written by force_login and by django-axes whoever the user is.
IGNORED_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "pghistory_context",
}
LOGGED_IN = frozenset(USERS) - {"anonymous"}
# POST-only views: who may use them (the walk's table can only say that GET is 405).
POST_ONLY_ALLOWED: dict[str, frozenset[str]] = {
    "import_confirm": frozenset({"secretariat"}),
    "handout_upload": frozenset({"secretariat"}),
    "calendar_revoke": frozenset({"secretariat"}),  # the feed is the secretariat's own
    "issue_move": frozenset({"secretariat"}),
    "evaluation_submit": frozenset({"secretariat"}),
    "evaluation_reopen": frozenset({"secretariat"}),
    "review_decide": frozenset({"reviewer", "secretariat"}),
    "report_job_retry": frozenset({"reviewer", "secretariat"}),
    "person_export": frozenset({"secretariat"}),  # records the disclosure
    "body_settings_move": frozenset({"secretariat"}),
    "invitation_resend": frozenset({"secretariat"}),
    "membership_create": frozenset({"secretariat"}),
    "membership_end": frozenset({"secretariat"}),
    "person_invite": frozenset({"secretariat"}),
    "person_letter": frozenset({"secretariat"}),
    "invitation_revoke": frozenset({"secretariat"}),
    "operator_mail_test": frozenset(),  # the site operator only (not in the cast)
    "two_factor_disable": LOGGED_IN,  # one's own authenticator app
    "logout": LOGGED_IN,
}
# What a POST-only URL is sent (no page holds its form in the walk's world).
POST_ONLY_DATA: dict[str, dict] = {
    "issue_move": {"kind": "study", "reason": "検討します", "version": "1"},
    "review_decide": {"action": "approve", "comment": "承認します"},
    "person_export": {"requested_by": "self", "reason": ""},
}


class _FormReader(HTMLParser):
    """The fields of the page's first POST form that is not the header's sign-out form."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._submit_taken = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {"action": a.get("action") or "", "data": {}}
            self._submit_taken = False
            return
        if self._current is None:
            return
        data = self._current["data"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    data.setdefault(name, []).append(a.get("value", "on"))
            elif kind in ("submit", "button", "image"):
                if not self._submit_taken:
                    data[name] = [a.get("value", "")]
                    self._submit_taken = True
            elif kind != "file":
                data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button" and name and (a.get("type") or "submit") == "submit" and not self._submit_taken:
            data[name] = [a.get("value", "")]
            self._submit_taken = True
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            data.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                data[self._select].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = [""]

    def handle_data(self, text):
        if self._current is not None and self._textarea:
            self._current["data"][self._textarea][0] += text

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self._current is not None:
            values = self._current["data"][self._select]
            if not values and self._select_first is not None:
                values.append(self._select_first)  # a browser sends the first option
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def form_payload(html: str) -> dict | None:
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if urlsplit(form["action"]).path == reverse("logout"):
            continue  # the header's sign-out button
        return {k: v if len(v) != 1 else v[0] for k, v in form["data"].items()}
    return None


def written() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far in this transaction, per table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables")
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall() if row[0] not in IGNORED_TABLES}


def changes(before: dict, after: dict) -> dict[str, tuple[int, int, int]]:
    return {
        table: tuple(a - b for a, b in zip(counts, before.get(table, (0, 0, 0)), strict=True))
        for table, counts in after.items()
        if counts != before.get(table, (0, 0, 0))
    }


def allowed_users(name: str, expect: dict) -> set[str]:
    if name in POST_ONLY_ALLOWED:
        return set(POST_ONLY_ALLOWED[name])
    return {who for who, outcome in expect.items() if outcome == 200 or outcome == 302}


def post_as(client, world, who: str, url: str, data: dict) -> tuple[object, dict]:
    """POST as ``who`` inside a savepoint that is rolled back, so each user finds the same world."""
    client.logout()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    with transaction.atomic():
        before = written()
        response = client.post(url, data)
        diff = changes(before, written())
        transaction.set_rollback(True)
    return outcome_of(response), diff


def payload_for(client, world, name: str, url: str) -> dict:
    if name in POST_ONLY_DATA:
        return POST_ONLY_DATA[name]
    client.force_login(world.secretariat)
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    return form_payload(response.content.decode()) or {}


def _walk(client, world, names: list[str]) -> list[str]:
    wrong = []
    payloads: dict[str, dict] = {}  # the secretariat's form of each URL, read once
    for name in names:
        for case in TABLE[name]:
            allowed = allowed_users(name, case.expect)
            for who in USERS:
                if who in allowed:
                    continue
                url = (
                    case.url(world)
                    if case.url
                    else reverse(name, kwargs=case.kwargs(world, who, case.variant))
                )
                if url not in payloads:
                    payloads[url] = payload_for(client, world, name, url)
                outcome, diff = post_as(client, world, who, url, payloads[url])
                if diff:
                    wrong.append(f"POST {url} as {who} ({outcome}) wrote {diff}")
    return wrong


# Two tests, each over one world: every POST runs in a savepoint rolled back afterwards, so the
# world need not be built again per URL (that took 114 s; this takes a fraction).
def test_pages_change_nothing_for_those_not_allowed(client, world):
    names = sorted(name for name in TABLE if not name.startswith("admin:"))
    assert len(names) > 50
    assert _walk(client, world, names) == []


def test_admin_changes_nothing_for_those_not_allowed(client, world):
    names = sorted(name for name in TABLE if name.startswith("admin:"))
    assert len(names) > 100
    assert _walk(client, world, names) == []


def test_the_detector_sees_changes(client, world):
    """The control: allowed users' POSTs of the same payloads are seen writing."""
    seen = {}
    for name, who in (
        ("pledge", "member"),
        ("person_export", "secretariat"),
        ("calendar_revoke", "secretariat"),
        ("meeting_edit", "secretariat"),
    ):
        case = TABLE[name][0]
        url = reverse(name, kwargs=case.kwargs(world, who, case.variant))
        outcome, diff = post_as(client, world, who, url, payload_for(client, world, name, url))
        seen[name] = (outcome, sorted(diff))
    assert all(tables for _, tables in seen.values()), seen
    assert "privacy_pledgeconfirmation" in seen["pledge"][1]
    assert "meetings_meeting" in seen["meeting_edit"][1]
