"""Template filters for Japanese dates: {{ d|wareki }} → 令和2年8月6日, {{ d|wareki_short }} → R2.8.6."""

from __future__ import annotations

import datetime as dt

from django import template

from council.wareki import format_fiscal_year, format_wareki

register = template.Library()


@register.filter
def wareki(value: dt.date | None, arg: str = "") -> str:
    """``{{ meeting.date|wareki }}``; ``{{ meeting.date|wareki:"weekday" }}`` adds (木)."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_wareki(value, weekday=arg == "weekday")


@register.filter
def wareki_short(value: dt.date | None) -> str:
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_wareki(value, short=True)


@register.filter
def fiscal_year(value: int | None) -> str:
    return format_fiscal_year(value) if value else ""
