"""The one "someone saved meanwhile" rule (楽観的ロック) and its message.

A form carries the ``updated_at`` stamp (or, for issue moves, the ``version``) the user loaded;
the service re-reads the row under a lock and refuses the save when the stamp differs. A form
sent without a stamp (a crafted POST, an old tab) is refused too: nothing is written over a
change its author never saw. Pages, the admin, imports and tasks all call ``check_unchanged``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

# The stamp of a form opened while the record did not exist yet (a yearly document's first save).
NEW_VERSION = "new"
CODE = "changed_meanwhile"


def stamp(value: dt.datetime | int) -> str:
    """What a form carries for a row: its ``updated_at`` (or a version number) as text."""
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


def changed_meanwhile_message(what: str, *, action: str = "保存") -> str:
    return (
        f"この{what}は、画面を開いた後に他の方が更新しました。入力した内容はそのまま残っています。"
        f"別の画面で最新の内容を確認してから、もう一度{action}してください。"
    )


class ChangedMeanwhile(ValidationError):
    def __init__(self, what: str, *, action: str = "保存") -> None:
        super().__init__(changed_meanwhile_message(what, action=action), code=CODE)


def check_unchanged(
    *, stored: dt.datetime | int | None, loaded: str | None, what: str, action: str = "保存"
) -> None:
    """Refuse (ChangedMeanwhile) unless ``loaded`` is the stored row's stamp.

    ``stored`` None: the row does not exist yet, which only a form opened as new (NEW_VERSION)
    may expect; a stored row is never overwritten by a form opened as new or sent without a stamp
    (``""``). ``loaded`` None is a caller in code that loaded no form (the demo, a command, a
    test's setup): there is nothing to compare, so nothing is checked.
    """
    if loaded is None:
        return
    expected = NEW_VERSION if stored is None else stamp(stored)
    if loaded != expected:
        raise ChangedMeanwhile(what, action=action)
