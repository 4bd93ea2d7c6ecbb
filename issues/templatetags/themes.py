"""``in_council_order``: an issue's themes in the order the council chose (issues.models.ThemeOrder)."""

from __future__ import annotations

from django import template

from issues.models import council_theme_order, themes_in_order

register = template.Library()


@register.filter
def in_council_order(themes, council):
    """``issue.themes.all|in_council_order:council``: one query a request for the council's order
    (Django keeps the answer, a missing order too, on the council object)."""
    if council is None:
        return list(themes)
    return themes_in_order(themes, council_theme_order(council))
