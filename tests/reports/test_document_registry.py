"""Every document kind has a context builder (reports.documents): the apps that own a document's
data register it, reports renders and stores it without knowing what it is made of. The direction
of the imports themselves is checked for every app in tests/test_layers.py.
"""

from __future__ import annotations

from reports.documents import registered_kinds
from reports.models import DocumentKind


def test_every_document_kind_has_a_context_builder():
    assert registered_kinds() == set(DocumentKind)
