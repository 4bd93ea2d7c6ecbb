"""Template helpers of the sign-in pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def japanese_duration(value: dt.timedelta | None) -> str:
    """``timedelta(minutes=90)`` → 「1時間30分」 (the lockout message of django-axes)."""
    if not isinstance(value, dt.timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}時間{minutes}分"
    if hours:
        return f"{hours}時間"
    return f"{minutes}分"
