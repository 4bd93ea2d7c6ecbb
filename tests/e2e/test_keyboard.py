"""Keyboard only (JIS X 8341-3 2.1.1, 2.4.3, 3.3.1): no mouse, no clicks; after each step the test
asserts where the focus is, as a keyboard or screen-reader user would find it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from issues.models import RegionalIssue

PASSWORD = "pass-for-tests-only"  # tests/factories.py UserFactory
FOCUSED_TEXT = "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"


def focused(page: Page, js: str) -> bool:
    return bool(page.evaluate(f"() => {{ const el = document.activeElement; return {js}; }}"))


def tab_to(page: Page, js: str, what: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies ``js`` (an expression of ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, js):
            return
    pytest.fail(f"{what} is not reachable with Tab (last focus: {page.evaluate(FOCUSED_TEXT)!r})")


def by_text(text: str) -> str:
    return f"el && (el.innerText || el.value || '').trim() === {text!r}"


def test_chair_signs_in_and_raises_an_issue_with_the_keyboard_only(
    live_server, page: Page, chair, subcommittee
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert focused(page, "el.id === 'id_username'"), "the sign-in page starts on the user name"
    page.keyboard.type(chair.username)
    page.keyboard.press("Tab")
    assert focused(page, "el.id === 'id_password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("会議体の一覧"))).to_be_visible()

    # The skip link comes first and moves the focus into the page.
    page.keyboard.press("Tab")
    assert focused(page, by_text("本文へ移動"))

    tab_to(page, by_text("地域課題") + " && el.classList.contains('nav-link')", "the menu's 地域課題")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("地域課題"))).to_be_visible()
    tab_to(page, by_text("地域課題を提起する"), "「地域課題を提起する」")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="地域課題を提起する")).to_be_visible()

    # Sent empty: the focus lands on the error summary, whose first link leads to the field.
    tab_to(page, by_text("提起する"), "the 提起する button")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    assert focused(page, "el.matches('[data-error-summary]')"), "the error summary takes the focus"
    page.keyboard.press("Tab")
    assert focused(page, "el.matches('[data-error-summary] a')")
    page.keyboard.press("Enter")
    assert focused(page, "el.id === 'id_title'"), "the summary's link moves the focus to the field"
    assert focused(page, "el.getAttribute('aria-invalid') === 'true'")
    described = page.evaluate(
        "() => document.activeElement.getAttribute('aria-describedby').split(' ')"
        ".map(id => (document.getElementById(id) || {}).textContent || '').join(' ')"
    )
    assert "入力してください" in described or "必須" in described, described

    page.keyboard.type("休日に相談できる窓口がない")
    tab_to(page, "el.id === 'id_body'", "検討する会議体")
    page.keyboard.press("ArrowDown")  # the first body after 「選んでください」
    tab_to(page, "el.id === 'id_origin_0'", "提起の経路")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # 直接（事務局・会議体の長から）
    assert focused(page, "el.checked && el.value === 'direct'"), "the route 直接 is chosen"
    tab_to(page, by_text("提起する"), "the 提起する button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile("休日に相談できる窓口がない"))).to_be_visible()
    assert RegionalIssue.objects.filter(title="休日に相談できる窓口がない").count() == 1
