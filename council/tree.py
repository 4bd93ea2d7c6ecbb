"""The body tree (全体会 → 運営会議/調整会議 → 部会 → WG / 個別支援会議): its order, its walks, and
whether a body exists in a 年度. Every list, schedule, document and move form asks here.

All functions work on fetched rows (prefetch ``statuses`` for ``exists_in``): no queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from council.models import Body, BodyKind, BodyStatusKind


def exists_in(body: Body, fiscal_year: int) -> bool:
    """A body belongs to a 年度's lists from its first year up to the year it ended (inclusive).

    A body paused (休止) in the year still exists in it; one ended in an earlier year does not.
    """
    rows = [row for row in body.statuses.all() if row.fiscal_year <= fiscal_year]
    if not rows:
        return False  # not created yet
    governing = max(rows, key=lambda row: row.fiscal_year)
    return governing.status != BodyStatusKind.ENDED or governing.fiscal_year == fiscal_year


def tree_order(bodies: Iterable[Body]) -> list[tuple[Body, int]]:
    """Bodies with their depth, parents before children, siblings by 表示順 (then id).

    A body whose parent is not in ``bodies`` (not readable by the user, or left out of the year)
    starts a tree of its own at depth 0.
    """
    bodies = list(bodies)
    present = {body.pk for body in bodies}
    children: dict[int, list[Body]] = defaultdict(list)
    roots: list[Body] = []
    for body in bodies:
        if body.parent_id in present and body.parent_id != body.pk:
            children[body.parent_id].append(body)
        else:
            roots.append(body)

    def key(body: Body) -> tuple[int, int]:
        return (body.sort_order, body.pk)

    ordered: list[tuple[Body, int]] = []
    seen: set[int] = set()
    stack = [(body, 0) for body in sorted(roots, key=key, reverse=True)]
    while stack:
        body, depth = stack.pop()
        if body.pk in seen:  # a cycle cannot be saved (Body.clean), but never loop on bad data
            continue
        seen.add(body.pk)
        ordered.append((body, depth))
        stack.extend((child, depth + 1) for child in sorted(children[body.pk], key=key, reverse=True))
    return ordered


def ancestors(bodies: dict[int, Body], body_id: int) -> list[Body]:
    """The parent, its parent … up to the top (within ``bodies``), nearest first."""
    chain, seen = [], {body_id}
    parent_id = bodies[body_id].parent_id if body_id in bodies else None
    while parent_id is not None and parent_id not in seen and parent_id in bodies:
        chain.append(bodies[parent_id])
        seen.add(parent_id)
        parent_id = bodies[parent_id].parent_id
    return chain


def parent_chain(body: Body) -> list[Body]:
    """The chain of parents, nearest first, following ``parent`` (load it with select_related)."""
    chain: list[Body] = []
    seen = {body.pk}
    node = body.parent
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return chain


def descendants(bodies: dict[int, Body], body_id: int, *, case_conferences: bool = True) -> list[Body]:
    """Every body below ``body_id`` (within ``bodies``)."""
    return [
        b
        for b in bodies.values()
        if (case_conferences or b.kind != BodyKind.CASE_CONFERENCE)
        and body_id in {a.pk for a in ancestors(bodies, b.pk)}
    ]
