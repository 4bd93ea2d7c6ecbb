"""Template filters for Japanese dates: {{ d|wareki }} → 令和2年8月6日, {{ d|wareki_short }} → R2.8.6."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from council.wareki import format_fiscal_year, format_wareki

register = template.Library()


@register.filter
def wareki(value: dt.date | None, arg: str = "") -> str:
    """``{{ meeting.date|wareki }}``; ``{{ meeting.date|wareki:"weekday" }}`` adds (木)."""
    if not value:
        return ""
    return format_wareki(_as_date(value), weekday=arg == "weekday")


@register.filter
def wareki_short(value: dt.date | None) -> str:
    if not value:
        return ""
    return format_wareki(_as_date(value), short=True)


@register.filter
def fiscal_year(value: int | None) -> str:
    return format_fiscal_year(value) if value else ""


def _as_date(value: dt.date) -> dt.date:
    """Datetimes are shown on their Japanese calendar day, not their UTC one."""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value
