"""From the database to ``bloc.core.confederation``: weights, positions and the roll-up.

A bounded number of queries whatever the size of the tree: the seats (two, in
``load_tree``), the assembly votes with their polls (one) and, for assemblies whose
poll has not opened yet, their verified members (one GROUP BY).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from django.db.models import Count

from bloc.confederation.models import AssemblyVote, Council, Question
from bloc.confederation.tree import Tree, load_tree
from bloc.core import confederation as core
from bloc.membership.models import Membership


def poll_position(outcome: str, result: dict[str, Any] | None, closed: bool) -> str | None:
    """What an assembly's motion decided: for, against, or None (not counted, no quorum)."""
    if not closed or result is None:
        return None
    motion = result.get("motion") or {}
    if motion and not motion.get("quorum_present", True):
        return None
    if outcome == "adopted":
        return core.FOR
    if outcome == "rejected":
        return core.AGAINST
    return None


def member_counts(institution_ids: Iterable[int]) -> dict[int, int]:
    """Verified current members of each institution (one query)."""
    ids = list(institution_ids)
    if not ids:
        return {}
    rows = (
        Membership.objects.filter(
            institution_id__in=ids, verified_at__isnull=False, left_at__isnull=True
        )
        .values("institution_id")
        .annotate(n=Count("id"))
        .values_list("institution_id", "n")
    )
    counts = dict.fromkeys(ids, 0)
    counts.update(dict(rows))
    return counts


def quorum_count(council: Council, members: int) -> int:
    return math.ceil(council.quorum_percent * members / 100)


def core_council(council: Council, members: tuple[str, ...]) -> core.Council:
    return core.Council(members, council.rule, quorum_count(council, len(members)))


def roll_up(
    tree: Tree,
    root: int,
    positions: dict[int, str | None],
    weights: dict[int, int],
) -> dict[str, core.NodeResult]:
    """Every node's result under council ``root``: ``positions`` and ``weights`` by
    institution id (a missing position: the assembly took none)."""
    councils: dict[str, core.Council] = {}
    assemblies: dict[str, core.Assembly] = {}
    for node in [f"c{root}", *tree.below(f"c{root}")]:
        if node[0] == "i":
            pk = int(node[1:])
            assemblies[node] = core.Assembly(weights.get(pk, 0), positions.get(pk))
        elif tree.children.get(node):
            councils[node] = core_council(tree.councils[int(node[1:])], tuple(tree.children[node]))
        else:  # a council nobody has joined yet speaks for nobody
            assemblies[node] = core.Assembly(0, None)
    if f"c{root}" in assemblies:
        return {f"c{root}": core.NodeResult(None, 0, quorum_met=False)}
    return core.roll_up(councils, assemblies, f"c{root}")


def question_roll_up(
    question: Question, kind: str, tree: Tree | None = None
) -> dict[str, core.NodeResult]:
    """The mandates (``kind="mandate"``) or the ratification (``"ratify"``) so far.

    An assembly's weight is its poll's electorate once the poll has opened (who could
    vote then), else its verified members today.
    """
    tree = tree or load_tree(question.council.chapter_id)
    rows = AssemblyVote.objects.filter(question=question, kind=kind).values_list(
        "institution_id",
        "poll__outcome",
        "poll__result",
        "poll__closed_at",
        "poll__electorate",
    )
    positions: dict[int, str | None] = {}
    weights: dict[int, int] = {}
    for pk, outcome, result, closed_at, electorate in rows:
        positions[pk] = poll_position(outcome, result, closed_at is not None)
        if electorate is not None:
            weights[pk] = electorate
    missing = [pk for pk in tree.assemblies_below(question.council_id) if pk not in weights]
    weights.update(member_counts(missing))
    return roll_up(tree, question.council_id, positions, weights)


def as_json(results: dict[str, core.NodeResult]) -> dict[str, Any]:
    return {node: {**asdict(r), "counted": dict(r.counted)} for node, r in results.items()}


def from_json(data: dict[str, Any]) -> dict[str, core.NodeResult]:
    return {node: core.NodeResult(**values) for node, values in (data or {}).items()}
