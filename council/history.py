"""The audit history decorator every council model uses."""

from __future__ import annotations

import pghistory


def track():
    """Record inserts, updates and deletes of the decorated model (who, when, before and after)."""
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
