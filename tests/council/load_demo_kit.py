"""What the two ``load_demo`` test modules share: the pinned day and how the command is run."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from council.wareki import current_fiscal_year

# Pinned so that held / planned and the issue histories do not depend on the day the tests run.
TODAY = dt.date(2026, 11, 22)
CURRENT = current_fiscal_year(TODAY)  # 2026


def run(*args, **options) -> str:
    out = io.StringIO()
    options.setdefault("today", TODAY)
    call_command("load_demo", *args, stdout=out, **options)
    return out.getvalue()
