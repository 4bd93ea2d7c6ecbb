"""council.concurrency: the one "saved meanwhile" rule."""

from __future__ import annotations

import datetime as dt

import pytest

from council.concurrency import NEW_VERSION, ChangedMeanwhile, check_unchanged

STORED = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def test_the_stamp_the_form_loaded_passes():
    check_unchanged(stored=STORED, loaded=STORED.isoformat(), what="会議の記録")
    check_unchanged(stored=None, loaded=NEW_VERSION, what="検討状況報告書")
    check_unchanged(stored=3, loaded="3", what="課題", action="操作")


@pytest.mark.parametrize(
    ("stored", "loaded"),
    [
        (STORED, (STORED + dt.timedelta(seconds=1)).isoformat()),  # saved meanwhile
        (STORED, ""),  # a form sent without its stamp
        (STORED, NEW_VERSION),  # opened as new, created meanwhile
        (None, STORED.isoformat()),  # deleted meanwhile
        (4, "3"),
    ],
)
def test_any_other_stamp_is_refused_in_japanese(stored, loaded):
    with pytest.raises(ChangedMeanwhile) as refused:
        check_unchanged(stored=stored, loaded=loaded, what="会議の記録")
    assert refused.value.messages == [
        "この会議の記録は、画面を開いた後に他の方が更新しました。入力した内容はそのまま残っています。"
        "別の画面で最新の内容を確認してから、もう一度保存してください。"
    ]
    assert refused.value.code == "changed_meanwhile"


def test_code_that_loaded_no_form_is_not_checked():
    check_unchanged(stored=STORED, loaded=None, what="会議の記録")
