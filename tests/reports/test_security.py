"""User text is escaped, and the renderer fetches nothing but our own static files."""

from __future__ import annotations

import pytest

from reports import rendering
from reports.rendering import StaticOnlyFetcher, html_to_pdf, render_html
from subcommittees.models import ProgressReport
from tests.reports.conftest import FY, pdf_text, squash

pytestmark = pytest.mark.django_db

HOSTILE_FILE = '<img src="file:///etc/passwd">'
HOSTILE_HTTP = '<img src="http://example.com/x.png">'


@pytest.fixture
def hostile(council, year_data):
    meeting = year_data["meetings"][0]
    meeting.items.update(text=f"議事 {HOSTILE_FILE} と {HOSTILE_HTTP}")
    ProgressReport.objects.filter(body=year_data["body"]).update(
        direction='<link rel="stylesheet" href="file:///etc/passwd">'
    )
    return year_data


def test_hostile_text_is_escaped_and_not_fetched(council, hostile, monkeypatch):
    fetchers = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetchers.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = render_html("progress-report", council=council, fiscal_year=FY, body=hostile["body"])
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "<img" not in html and 'href="file:' not in html
    text = squash(
        pdf_text(
            rendering.render_pdf("progress-report", council=council, fiscal_year=FY, body=hostile["body"])
        )
    )
    assert squash(HOSTILE_FILE) in text and squash(HOSTILE_HTTP) in text  # shown literally
    assert fetchers == [rendering.BASE_URL + "static/reports/print.css"]  # only our stylesheet


def test_fetcher_refuses_everything_but_our_static_files():
    fetcher = StaticOnlyFetcher()
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/static/reports/print.css",
        "data:text/plain,hello",
        rendering.BASE_URL + "static/../../etc/passwd",
        rendering.BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        rendering.BASE_URL + "files/reports/2020/x.pdf",
        rendering.BASE_URL + "static/reports/missing.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(rendering.BASE_URL + "static/reports/print.css")
    assert b"@page" in response.read()


def test_injected_markup_would_not_be_fetched_either(tmp_path):
    """Even raw markup (never produced by our templates) cannot make the renderer read a file."""
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(
        f'<link rel="stylesheet" href="file://{secret}"><img src="file:///etc/passwd"><img src="http://example.com/x.png"><p>x</p>',
        fetcher=fetcher,
    )
    assert pdf.startswith(b"%PDF")
    assert fetcher.fetched == []
    assert len(fetcher.refused) == 3
