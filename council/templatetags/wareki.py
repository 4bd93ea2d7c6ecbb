"""Template filters for Japanese dates: {{ d|wareki }} → 令和2年8月6日, {{ d|wareki_short }} → R2.8.6
(read out as 令和2年8月6日)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

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
    """R8.7.22 on screen; screen readers read 令和8年7月22日 (letters and dots read badly), and
    ``<time datetime>`` gives the machine-readable date."""
    if not value:
        return ""
    day = _as_date(value)
    return format_html(
        '<time datetime="{}"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></time>',
        day.isoformat(),
        format_wareki(day, short=True),
        format_wareki(day),
    )


@register.filter
def fiscal_year(value: int | None) -> str:
    return format_fiscal_year(value) if value else ""


def _as_date(value: dt.date) -> dt.date:
    """Datetimes are shown on their Japanese calendar day, not their UTC one."""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value
