"""The printed first-password letter (初回パスワード通知書): an A4 PDF made like the yearly documents
(``reports.rendering``: WeasyPrint, our static files only, PDF/UA), rendered in memory and handed
out once. Nothing of it is stored: the password exists only in this PDF."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from council.models import Council, Person
from council.wareki import format_wareki
from reports.rendering import html_to_pdf

TEMPLATE = "accounts/letters/first_password.html"


def first_password_letter_html(
    *, council: Council, person: Person, username: str, password: str, login_url: str, issued_at: dt.datetime
) -> str:
    return render_to_string(
        TEMPLATE,
        {
            "council": council,
            "person": person,
            "username": username,
            # Printed in groups of four so that it is read and typed without losing one's place.
            "password_groups": [password[i : i + 4] for i in range(0, len(password), 4)],
            "login_url": login_url,
            "issued_on": format_wareki(timezone.localtime(issued_at).date()),
        },
    )


def first_password_letter_pdf(**context) -> bytes:
    return html_to_pdf(first_password_letter_html(**context))
