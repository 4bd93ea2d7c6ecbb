"""The Content-Security-Policy allows scripts from our own files only: no template may carry an
inline <script> or an on…= event handler (they would silently stop working)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_templates_were_found():
    assert len(TEMPLATES) > 20


def test_no_inline_scripts_or_event_handlers():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
