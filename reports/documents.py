"""Which function builds the context of each kind of document.

``reports`` is the lower layer: it knows the kinds (``DocumentKind``), renders and stores files,
but not what a document is made of. The app that owns a document's data registers its builder
when it loads (``SubcommitteesConfig.ready()`` for the yearly documents, the summary and the
book; ``ReportsConfig.ready()`` for the schedule, which reads only meetings), so nothing here
imports an app above ``reports``.

A builder of a body's document (``BODY_DOCUMENTS``) is called as ``build(body=, fiscal_year=)``,
one of a council-wide document as ``build(council=, fiscal_year=)``; it returns the template
context and reads a fixed number of queries (tests/reports/test_queries.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from council.models import Body, Council
from reports.models import BODY_DOCUMENTS, DocumentKind

ContextBuilder = Callable[..., dict]

_builders: dict[DocumentKind, ContextBuilder] = {}


def register_document(kind: DocumentKind, build: ContextBuilder) -> None:
    """Make ``build`` the context builder of ``kind``; a second, different builder is an error."""
    kind = DocumentKind(kind)
    if _builders.get(kind, build) is not build:
        raise ImproperlyConfigured(f"document kind {kind.value!r} is registered twice")
    _builders[kind] = build


def registered_kinds() -> frozenset[DocumentKind]:
    return frozenset(_builders)


def document_context(kind: DocumentKind, *, council: Council, fiscal_year: int, body: Body | None) -> dict:
    """The context of one document, from the builder its app registered."""
    build = _builders.get(kind)
    if build is None:
        raise ImproperlyConfigured(f"no context builder is registered for document kind {kind.value!r}")
    if kind in BODY_DOCUMENTS:
        return build(body=body, fiscal_year=fiscal_year)
    return build(council=council, fiscal_year=fiscal_year)
