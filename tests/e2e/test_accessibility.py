"""The accessibility gate: axe-core on every page, as every kind of user who may open it.

JIS X 8341-3:2016 level AA has the success criteria of WCAG 2.0 AA; axe-core (pinned in
package-lock.json, installed by scripts/test, never downloaded by a test) checks the rules tagged
wcag2a, wcag2aa, wcag21a and wcag21aa, none switched off. Which pages: every case of the URL walk's
table (tests/security/test_url_walk.py) that answers 200 with HTML for the user — the app's pages
and the admin's, so a new page is audited as soon as someone says who may open it. The error
states (forms sent empty and with bad input) are in ``ERROR_STATES`` below.

Each user's walk writes what axe found to ``var/a11y/<user>.json``; ``scripts/a11y_report``
turns those into the conformance report (docs/accessibility.md).
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from subcommittees.services import evaluation_submit
from tests.cast import Cast
from tests.security.conftest import CAST
from tests.security.test_url_walk import TABLE, YEAR, World

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# One user per way of seeing the pages: the chair (other_chair) and member of a body, the 福祉課
# reviewer, the prefecture's and the city's secretariat, and nobody signed in.
AUDITED = ("anonymous", "member", "other_chair", "reviewer", "pref_user", "secretariat")
REPORT_DIR = Path(settings.BASE_DIR) / "var" / "a11y"
# The admin's delete and history pages are one template each, the same for every model: audited for
# a body, a meeting and an issue (the deletion lists of those have the most kinds of rows).
SAMPLED_ADMIN_MODELS = ("admin:council_body_", "admin:meetings_meeting_", "admin:issues_regionalissue_")


def pages_for(world: World, who: str) -> list[tuple[str, str]]:
    """(label, url) of every table case that answers 200 to ``who``.

    The prefecture's secretariat opens the same admin pages as the city's (the same templates and
    widgets, scoped to another council): the city's walk audits them, this one audits the
    prefecture's own pages and the admin index."""
    pages = []
    for name, cases in sorted(TABLE.items()):
        if who == "pref_user" and name.startswith("admin:") and name != "admin:index":
            continue
        if name.endswith(("_delete", "_history")) and not name.startswith(SAMPLED_ADMIN_MODELS):
            continue
        for case in cases:
            if case.expect[who] != 200:
                continue
            url = case.url(world) if case.url else reverse(name, kwargs=case.kwargs(world, who, case.variant))
            label = f"{name}[{case.variant}]" if case.variant else name
            pages.append((label, url))
    return pages


def sign_in(page: Page, base_url: str, user) -> None:
    """The browser takes the session of a Django client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                          summary: (n.failureSummary || '').slice(0, 300)}))
            }));
        }""",
        TAGS,
    )
    return result


# Headings that skip a level (h1 → h3) in the page's main content (WCAG 1.3.1, 2.4.6).
HEADING_SKIPS = """() => {
    const skips = []; let last = 0;
    for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6, #content h1, #content h2, #content h3, #content h4')) {
        const level = Number(h.tagName[1]);
        if (last && level > last + 1) skips.push(`h${last} → h${level} 「${h.textContent.trim().slice(0, 30)}」`);
        last = level;
    }
    return skips;
}"""


def audit(page: Page, base_url: str, label: str, url: str) -> dict:
    start = time.perf_counter()
    try:
        response = page.goto(base_url + url)
    except PlaywrightError as error:  # a file (PDF, XLSX, CSV, iCalendar) is downloaded, not shown
        if "Download is starting" not in str(error):
            raise
        return {"page": label, "url": url, "type": "download", "audited": False}
    assert response is not None and response.status == 200, f"{label}: {url} did not open"
    kind = response.headers.get("content-type", "")
    if not kind.startswith("text/html"):  # JSON, iCalendar shown inline, …
        return {"page": label, "url": url, "type": kind, "audited": False}
    loaded = time.perf_counter()
    violations = axe_violations(page)
    skips = page.evaluate(HEADING_SKIPS)
    timing = {
        "load_ms": round((loaded - start) * 1000),
        "axe_ms": round((time.perf_counter() - loaded) * 1000),
    }
    return {
        "page": label,
        "url": url,
        "audited": True,
        "violations": violations,
        "heading_skips": skips,
        **timing,
    }


# --- error states: forms sent empty and with bad input ------------------------------------------------


@dataclass(frozen=True)
class ErrorState:
    """A form of a page, sent in the browser with its fields emptied (``empty``) or with a date no
    calendar has and a negative number (``bad``). ``summary``: the page must answer with an error
    summary that has the focus (the admin has its own error note, which axe checks)."""

    label: str
    who: str
    url: Callable[[World], str]
    form: str = "main form[method=post]"
    mode: str = "empty"
    button: str = "button[type=submit]"
    summary: bool = True
    prepare: Callable[[World], object] | None = None


def _u(name: str, **kwargs: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={k: f(w) for k, f in kwargs.items()})


SLUG = {"slug": lambda w: w.council.slug}
SUB = {**SLUG, "body_pk": lambda w: w.subcommittee.pk}
SUB_YEAR = {**SUB, "year": lambda w: YEAR}
# (An empty meeting form is valid: a planned meeting may have no date yet.)
ERROR_STATES = [
    ErrorState(
        "meeting_create", "secretariat", _u("meeting_create", **SUB), form="form.meeting-form", mode="bad"
    ),
    ErrorState(
        "meeting_edit",
        "secretariat",
        _u("meeting_edit", **SLUG, pk=lambda w: w.meeting["sub"].pk),
        form="form.meeting-form",
        mode="bad",
    ),
    ErrorState("issue_create", "secretariat", _u("issue_create", **SLUG), button="button.btn-primary"),
    ErrorState(
        "issue_move",
        "secretariat",
        _u("issue_detail", **SLUG, pk=lambda w: w.issue_of["sub"].pk),
        form="form.issue-move-form",
    ),
    ErrorState(
        "review_decide",
        "reviewer",
        _u("review_detail", **SLUG, pk=lambda w: w.evaluation["sub"].pk),
        form="form[action*='decide']",
        button="button[value=return]",
        prepare=lambda w: evaluation_submit(evaluation=w.evaluation["sub"], by=w.chair),
    ),
    ErrorState(
        "report_request", "secretariat", _u("report_list", **SLUG), form="#report-request-form", mode="bad"
    ),
    ErrorState("imports", "secretariat", _u("imports", **SLUG)),
    ErrorState("body_settings_add", "secretariat", _u("body_settings_add", **SLUG)),
    ErrorState(
        "body_settings_detail",
        "secretariat",
        _u("body_settings_detail", **SLUG, pk=lambda w: w.subcommittee.pk),
        form="main form:has(input[name=form][value=rename])",
    ),
    ErrorState("person_erase", "secretariat", _u("person_erase", **SLUG, pk=lambda w: w.person.pk)),
    ErrorState("login", "anonymous", _u("login"), mode="bad"),
    ErrorState(
        "admin:body_add",
        "secretariat",
        _u("admin:council_body_add"),
        form="#body_form",
        summary=False,
        button="[name=_save]",
    ),
    ErrorState(
        "admin:meeting_add",
        "secretariat",
        _u("admin:meetings_meeting_add"),
        form="#meeting_form",
        summary=False,
        button="[name=_save]",
    ),
    ErrorState(
        "admin:issue_add",
        "secretariat",
        _u("admin:issues_regionalissue_add"),
        form="#regionalissue_form",
        mode="bad",
        summary=False,
        button="[name=_save]",
    ),
]

BREAK_FORM = """(form, mode) => {
    form.noValidate = true;
    const fields = form.querySelectorAll(
        'input:not([type]), input[type=text], input[type=date], input[type=number], input[type=email], input[type=password], textarea');
    for (const f of fields) {
        if (f.closest('[hidden]') || f.name.includes('__prefix__')) continue;
        if (mode === 'empty') { f.value = ''; continue; }
        if (f.type === 'number') f.value = '-5';
        else if (/date|_on$|day/.test(f.name)) f.value = '令和99年13月45日';
        else if (f.type === 'password') f.value = 'wrong-password';
        else if (f.name === 'username') f.value = 'nobody';
    }
}"""


def audit_error_state(page: Page, base_url: str, world: World, state: ErrorState) -> dict:
    if state.prepare:
        state.prepare(world)
    url = state.url(world)
    page.goto(base_url + url)
    form = page.locator(state.form).first
    form.evaluate(BREAK_FORM, state.mode)
    with page.expect_navigation():
        form.locator(state.button).first.click()
    label = f"{state.label}（{'空で送信' if state.mode == 'empty' else '誤った値で送信'}）"
    result = {
        "page": label,
        "url": url,
        "audited": True,
        "error_state": True,
        "violations": axe_violations(page),
    }
    if state.summary:
        result["summary_focused"] = page.evaluate(
            "() => !!document.activeElement && document.activeElement.matches('[data-error-summary]')"
        )
        result["summary_links_resolve"] = page.evaluate(
            """() => [...document.querySelectorAll('[data-error-summary] a[href^="#"]')]
                      .every(a => document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))))"""
        )
    return result


def describe(results: list[dict]) -> str:
    lines = []
    for result in results:
        for v in result.get("violations", []):
            first = v["nodes"][0]
            lines.append(
                f"{result['page']} {result['url']}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes)"
                f" e.g. {first['target']} {first['html']}"
            )
    return "\n".join(lines)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe is injected as a script tag, which the pages' Content-Security-Policy (rightly) refuses.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def walk(db, tmp_path):
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    media = tmp_path / "media"
    media.mkdir()
    from django.test import override_settings

    # The live server needs committed rows, so these tests flush the database after each: the
    # themes that a migration seeds are put back first.
    importlib.import_module("issues.migrations.0002_seed_themes").seed(apps, None)
    with override_settings(MEDIA_ROOT=media):
        cast = Cast().build(*CAST)
        yield World({name: getattr(cast, name) for name in CAST}, media)


@pytest.mark.a11y
@pytest.mark.parametrize("who", AUDITED)
def test_every_page_passes_axe(live_server, page: Page, walk, who):
    assert AXE.exists(), "axe-core is missing: scripts/test installs it (npm ci)"
    if who != "anonymous":
        sign_in(page, live_server.url, getattr(walk, who))
    results = [audit(page, live_server.url, label, url) for label, url in pages_for(walk, who)]
    (REPORT_DIR / f"{who}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    audited = [r for r in results if r["audited"]]
    assert len(audited) >= 5, f"only {len(audited)} pages audited for {who}"
    failing = [r for r in audited if r["violations"]]
    assert failing == [], describe(failing)
    skipping = {r["page"]: r["heading_skips"] for r in audited if r["heading_skips"]}
    assert skipping == {}, "headings skip a level"


@pytest.mark.a11y
@pytest.mark.parametrize("who", sorted({state.who for state in ERROR_STATES}))
def test_every_error_state_passes_axe(live_server, page: Page, walk, who):
    if who != "anonymous":
        sign_in(page, live_server.url, getattr(walk, who))
    states = [state for state in ERROR_STATES if state.who == who]
    results = [audit_error_state(page, live_server.url, walk, state) for state in states]
    (REPORT_DIR / f"{who}-errors.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    failing = [r for r in results if r["violations"]]
    assert failing == [], describe(failing)
    unfocused = [r["page"] for r in results if r.get("summary_focused") is False]
    assert unfocused == [], "no error summary with the focus after a failed submit"
    dangling = [r["page"] for r in results if r.get("summary_links_resolve") is False]
    assert dangling == [], "error summary links to a field that is not on the page"
