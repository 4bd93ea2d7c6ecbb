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
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from tests.cast import Cast
from tests.security.conftest import CAST
from tests.security.test_url_walk import TABLE, World

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# One user per way of seeing the pages: the chair (other_chair) and member of a body, the 福祉課
# reviewer, the prefecture's and the city's secretariat, and nobody signed in.
AUDITED = ("anonymous", "member", "other_chair", "reviewer", "pref_user", "secretariat")
REPORT_DIR = Path(settings.BASE_DIR) / "var" / "a11y"


def pages_for(world: World, who: str) -> list[tuple[str, str]]:
    """(label, url) of every table case that answers 200 to ``who``.

    The prefecture's secretariat opens the same admin pages as the city's (the same templates and
    widgets, scoped to another council): the city's walk audits them, this one audits the
    prefecture's own pages and the admin index."""
    pages = []
    for name, cases in sorted(TABLE.items()):
        if who == "pref_user" and name.startswith("admin:") and name != "admin:index":
            continue
        for case in cases:
            if case.expect[who] != 200:
                continue
            url = case.url(world) if case.url else reverse(name, kwargs=case.kwargs(world, who, case.variant))
            label = f"{name}[{case.variant}]" if case.variant else name
            pages.append((label, url))
    return pages


def sign_in(page: Page, base_url: str, user) -> Client:
    """The browser takes the session of a Django client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    return client


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


def audit(page: Page, client: Client, base_url: str, label: str, url: str) -> dict:
    # Files (PDF, XLSX, CSV, iCalendar) and JSON are not pages: the Django client tells which.
    kind = client.get(url).get("Content-Type", "")
    if not kind.startswith("text/html"):
        return {"page": label, "url": url, "type": kind, "audited": False}
    start = time.perf_counter()
    response = page.goto(base_url + url)
    assert response is not None and response.status == 200, f"{label}: {url} did not open"
    loaded = time.perf_counter()
    violations = axe_violations(page)
    timing = {
        "load_ms": round((loaded - start) * 1000),
        "axe_ms": round((time.perf_counter() - loaded) * 1000),
    }
    return {"page": label, "url": url, "audited": True, "violations": violations, **timing}


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
    client = sign_in(page, live_server.url, getattr(walk, who)) if who != "anonymous" else Client()
    results = [audit(page, client, live_server.url, label, url) for label, url in pages_for(walk, who)]
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"{who}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    audited = [r for r in results if r["audited"]]
    assert len(audited) >= 5, f"only {len(audited)} pages audited for {who}"
    failing = [r for r in audited if r["violations"]]
    assert failing == [], describe(failing)
