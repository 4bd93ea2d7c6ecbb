"""Tools of the fuzz tests: read a page's form as a browser would submit it, snapshot the council's
tables, run one example in a savepoint that is always rolled back, and judge a response.

Hypothesis runs many examples inside ONE pytest-django test (one database transaction): each
example runs in ``rolled_back()`` so what an accepted example wrote never leaks into the next one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.messages import constants as message_levels
from django.db import transaction

from tests.fuzz.strategies import HTML_MARKERS

COUNCIL_APPS = ("council", "meetings", "issues", "subcommittees", "reports")


def examples(default: int) -> int:
    """Examples per test: small in the suite (about 90 s in all); set KYOGIKAI_FUZZ_EXAMPLES to hunt longer."""
    return int(os.environ.get("KYOGIKAI_FUZZ_EXAMPLES") or default)


TEXT_INPUTS = {"text", "hidden", "number", "date", "time", "email", "password", "search", "url", "tel", ""}


# --- reading a form --------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "select", "select-multiple" or "textarea"
    values: list[str]  # what a browser sends untouched
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)
    submits: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons

    def data(self) -> dict[str, list[str]]:
        """What a browser submits when the user clicks a button without a name."""
        return {name: list(f.values) for name, f in self.fields.items() if f.kind != "file" and f.values}

    def text_fields(self) -> list[str]:
        """Fields a user types into (and hidden ones a tamperer would change)."""
        return [n for n, f in self.fields.items() if f.kind in TEXT_INPUTS or f.kind == "textarea"]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=a.get("action") or "",
                enctype=a.get("enctype") or "",
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit":
                    form.submits.append((name, a.get("value") or ""))
                return
            current = form.fields.setdefault(name, Field(name=name, kind=kind, values=[]))
            if kind in ("checkbox", "radio"):
                value = "on" if a.get("value") is None else a["value"]  # browsers send "on" without one
                current.options.append(value)
                if "checked" in a:
                    current.values.append(value)
            elif kind != "file":
                current.values.append(a.get("value") or "")
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            form.submits.append((name, a.get("value") or ""))
        elif tag == "select" and name and "disabled" not in a:
            kind = "select-multiple" if "multiple" in a else "select"
            if "admin-autocomplete" in (a.get("class") or ""):
                kind = "autocomplete"
            self._select = Field(name=name, kind=kind, values=[])
            form.fields[name] = self._select
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = Field(name=name, kind="textarea", values=[])
            form.fields[name] = self._textarea
            self._text = []

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"]
            if value is None:
                value = "".join(self._option["text"]).strip()
            self._select.options.append(value)
            if self._option["selected"]:
                self._select.values.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if not self._select.values and self._select.kind != "select-multiple" and self._select.options:
                self._select.values.append(self._select.options[0])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # Browsers drop the one newline right after <textarea> (Django writes it there).
            self._textarea.values.append(text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_of(html: str, *, page_url: str, action: str | None = None, has: str | None = None) -> Form:
    """The POST form of a page that sends to ``action`` (default: the page itself) and, if given,
    contains the field ``has``."""
    target = urlsplit(action or page_url).path
    found = []
    for form in forms_of(html):
        if form.method != "post":
            continue
        if (urlsplit(form.action).path or urlsplit(page_url).path) != target:
            continue
        if has is not None and has not in form.fields:
            continue
        found.append(form)
    assert found, f"no POST form to {target} (with {has!r}) on {page_url}"
    return found[0]


# --- the database ----------------------------------------------------------------------------------


def snapshot_models() -> list:
    """The council's models and the users; not pghistory's event tables, whose triggers only
    add a row when one of these changes."""
    from pghistory.models import Event

    models = [m for label in COUNCIL_APPS for m in apps.get_app_config(label).get_models()]
    return [*(m for m in models if not issubclass(m, Event)), get_user_model()]


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per model of the council's apps (and the users).

    The test database holds a few dozen rows, so reading them whole is cheap, and it catches an
    UPDATE that leaves counts and ``updated_at`` alone.
    """
    result = {}
    for model in snapshot_models():
        # Signing in stamps last_login; that is the sign-in's doing, not the form's.
        columns = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        rows = list(model.objects.order_by("pk").values_list(*columns))
        result[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint and always roll it back."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


# --- judging a response ----------------------------------------------------------------------------


def error_messages(response) -> list[str]:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", []) if storage is not None else []
    return [str(m) for m in queued if m.level >= message_levels.WARNING]


def was_accepted(response) -> bool:
    """A redirect without an error message: the form was taken. Anything else is a refusal."""
    return response.status_code in (301, 302, 303) and not error_messages(response)


def assert_no_server_error(response, sent=None) -> None:
    assert response.status_code < 500, (response.status_code, _short(sent))


def assert_escaped(response, sent=None) -> None:
    """No payload of ours reached the HTML unescaped."""
    if "html" not in response.get("Content-Type", ""):
        return
    content = response.content.decode("utf-8", errors="replace")
    for marker in HTML_MARKERS:
        assert marker not in content, (marker, _short(sent))


def _short(value, limit: int = 300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"
