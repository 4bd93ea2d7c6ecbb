from __future__ import annotations

from django import template

from council.display import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user) -> str:
    """{{ user|person_name }}: 「姓 名」 or the login name (council.display)."""
    return _person_name(user)
