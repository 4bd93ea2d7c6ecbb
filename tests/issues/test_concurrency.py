"""Two people move the same issue at the same moment: one wins, the other is told, nothing is lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from issues.models import IssueMove, MoveKind, RegionalIssue
from issues.services import IssueChangedMeanwhile, issue_move

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks and one connection per thread: SQLite serialises writers and "
        "the test database is in memory (CI runs PostgreSQL)",
    ),
]


def test_two_simultaneous_moves_one_wins(secretariat, chair, issue, steering):
    seen = RegionalIssue.objects.get(pk=issue.pk)
    version = seen.version
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def move(name: str, user, kind: str, reason: str) -> None:
        try:
            mine = RegionalIssue.objects.get(pk=issue.pk)  # each thread has its own connection
            assert mine.version == version
            barrier.wait(timeout=10)
            issue_move(issue=mine, kind=kind, by=user, reason=reason, expected_version=version)
            results[name] = "ok"
        except IssueChangedMeanwhile as error:
            results[name] = error
        except Exception as error:  # surfaced by the assertions below
            results[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=("a", secretariat, MoveKind.COLLECT, "集約する")),
        threading.Thread(target=move, args=("b", chair, MoveKind.STUDY, "部会で検討する")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    outcomes = sorted(results.values(), key=lambda r: r != "ok")
    assert len(outcomes) == 2, results
    assert outcomes[0] == "ok", results
    assert isinstance(outcomes[1], IssueChangedMeanwhile), results
    stored = RegionalIssue.objects.get(pk=issue.pk)
    assert stored.version == version + 1
    moves = list(IssueMove.objects.filter(issue=issue).order_by("at", "id"))
    assert [m.kind for m in moves][0] == MoveKind.RAISE
    assert len(moves) == 2  # exactly one new move
    winner = "a" if results["a"] == "ok" else "b"
    assert moves[1].kind == (MoveKind.COLLECT if winner == "a" else MoveKind.STUDY)
    assert stored.status == moves[1].to_status
