"""How a person is named on pages, documents and records: 「姓 名」 (the Japanese order, not Django's
"first last"), the login name when the account has no name. Templates use ``{{ user|person_name }}``
(council.templatetags.display)."""

from __future__ import annotations

from typing import Any


def person_name(user: Any) -> str:
    if user is None:
        return ""
    name = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return name or user.get_username()
