from __future__ import annotations

from django import template
from django.utils.html import format_html

from council.submit_once import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag(takes_context=True)
def submit_token(context) -> str:
    """The one-time token of a form that creates something; a form shown again after an error keeps
    the token it was sent with."""
    request = context.get("request")
    posted = request.POST.get(TOKEN_FIELD, "") if request is not None and request.method == "POST" else ""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, posted or new_token())
