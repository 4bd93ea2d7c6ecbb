"""Filters of the document templates."""

from __future__ import annotations

from django import template

register = template.Library()

# Markers people type at the start of a bullet. A bullet that starts with one prints with it, in
# place of the default 「・」, so 「○相談先を…」 never becomes 「・○相談先を…」.
BULLET_MARKERS = "・○◆■●◇□◎◯※•-－―＊*"
DEFAULT_MARKER = "・"


def _split(text: str) -> tuple[str, str]:
    stripped = (text or "").lstrip()
    if stripped and stripped[0] in BULLET_MARKERS:
        marker = stripped[0]
        return ("・" if marker in "-－―" else marker), stripped[1:].lstrip(" 　")
    return DEFAULT_MARKER, stripped


@register.filter
def bullet_marker(text: str) -> str:
    """The marker a bullet prints with: the one typed, or 「・」 (a typed hyphen prints as 「・」)."""
    return _split(text)[0]


@register.filter
def bullet_text(text: str) -> str:
    """The bullet's text without the marker typed at its start."""
    return _split(text)[1]
