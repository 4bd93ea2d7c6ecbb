"""The yearly documents as HTML and PDF: pure functions, no database writes, no side effects.

``render_html`` builds the document's context with the builder registered for its kind
(``reports.documents``: a fixed number of queries) and renders a Django template; the same HTML
is the browser preview. ``render_pdf`` feeds it to WeasyPrint with a URL fetcher that serves our
own static files and nothing else: a document is made of user text, and user text must never
make the server read a file or call the network.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint import __version__ as weasyprint_version
from weasyprint.urls import URLFetcher, URLFetcherResponse

from council.models import Body, Council
from council.wareki import format_fiscal_year
from reports.documents import document_context
from reports.models import BODY_DOCUMENTS, DocumentKind

logger = logging.getLogger(__name__)

# Bump when a template or the stylesheet changes what a document looks like for the same data:
# it is part of every input hash, so stored files made by the old layout are not handed out again.
TEMPLATE_VERSION = "2026-12-02.2"

# The documents are rendered as if served from this origin; only its /static/ path is fetched.
BASE_URL = "https://kyogikai.invalid/"
STYLESHEET = "reports/print.css"
PDF_VARIANT = "pdf/ua-1"

TEMPLATES = {
    DocumentKind.PROGRESS_REPORT: "reports/progress_report.html",
    DocumentKind.EVALUATION: "reports/evaluation.html",
    DocumentKind.POLICY: "reports/policy.html",
    DocumentKind.SCHEDULE: "reports/schedule.html",
    DocumentKind.SUMMARY: "reports/summary.html",
    DocumentKind.BOOK: "reports/book.html",
}


class DocumentRequestError(ValueError):
    """A document that cannot be asked for like this; the message is for users."""


class RefusedFetch(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves ``<BASE_URL>static/...`` from Django's static files; refuses every other URL.

    ``file:``, ``http(s):`` elsewhere, ``data:`` and anything else raise, so WeasyPrint skips the
    resource (a warning in the log) instead of reading it. ``data:`` is refused too: our templates
    never need it, and allowing it would only widen what injected markup could do.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https"], allow_redirects=False, fail_on_errors=False)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF renderer refused to fetch %s", url[:200])
            raise RefusedFetch(f"refused: {url[:200]}")
        self.fetched.append(url)
        content_type = (
            "text/css"
            if path.suffix == ".css"
            else _MIME.get(path.suffix.lower(), "application/octet-stream")
        )
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    @staticmethod
    def _static_path(url: str) -> Path | None:
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            return None
        parts = urlsplit(url)
        relative = unquote(parts.path)[len(urlsplit(prefix).path) :]
        if not relative or ".." in relative.split("/") or relative.startswith("/"):
            return None
        found = finders.find(relative)
        return Path(found) if found else None


_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


def check_request(kind: str, body: Body | None) -> DocumentKind:
    try:
        kind = DocumentKind(kind)
    except ValueError:
        choices = "、".join(k.value for k in DocumentKind)
        raise DocumentRequestError(
            f"帳票の種類「{kind}」はありません。次から選んでください: {choices}"
        ) from None
    if kind in BODY_DOCUMENTS and body is None:
        raise DocumentRequestError(f"{kind.label}は会議体ごとの帳票です。会議体を指定してください。")
    if kind not in BODY_DOCUMENTS and body is not None:
        raise DocumentRequestError(f"{kind.label}は協議会全体の帳票です。会議体は指定できません。")
    return kind


def build_context(kind: str, *, council: Council, fiscal_year: int, body: Body | None = None) -> dict:
    kind = check_request(kind, body)
    if body is not None and body.council_id != council.pk:
        raise DocumentRequestError("指定の会議体はこの協議会のものではありません。")
    context = document_context(kind, council=council, fiscal_year=fiscal_year, body=body)
    context.update(
        kind=kind,
        fiscal_year_label=format_fiscal_year(fiscal_year),
        next_fiscal_year_label=format_fiscal_year(fiscal_year + 1),
    )
    return context


def render_html(kind: str, *, council: Council, fiscal_year: int, body: Body | None = None) -> str:
    """The document as a standalone HTML page (the preview, and what the PDF is made from)."""
    context = build_context(kind, council=council, fiscal_year=fiscal_year, body=body)
    return render_to_string(TEMPLATES[context["kind"]], context)


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    # PDF/UA-1: tagged (structure tree), with the document's language and <title> as its title, so
    # that screen readers read the public summary and the reports in order (JIS X 8341-3). Costs
    # about 5 % in size and nothing measurable in time (WeasyPrint 70).
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def render_pdf(kind: str, *, council: Council, fiscal_year: int, body: Body | None = None) -> bytes:
    return html_to_pdf(render_html(kind, council=council, fiscal_year=fiscal_year, body=body))


def fingerprint(html: str) -> str:
    """The input hash of a document: its HTML says everything the PDF is made from, except the
    stylesheet and the renderer, which are added (with the template version)."""
    digest = hashlib.sha256()
    for part in (
        TEMPLATE_VERSION,
        weasyprint_version,
        PDF_VARIANT,
        _stylesheet_bytes(),
        html.encode("utf-8"),
    ):
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _stylesheet_bytes() -> bytes:
    found = finders.find(STYLESHEET)
    return Path(found).read_bytes() if found else b""
