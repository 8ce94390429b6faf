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
from bloc.core import ranked_mandates as ranked
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


def _tree_for(
    tree: Tree, root: int, leaf: Any
) -> tuple[dict[str, core.Council], dict[str, Any]] | None:
    """The core's councils and leaves under council ``root`` (``leaf(institution_id)``);
    None when nobody sits under it."""
    councils: dict[str, core.Council] = {}
    leaves: dict[str, Any] = {}
    for node in [f"c{root}", *tree.below(f"c{root}")]:
        if node[0] == "i":
            leaves[node] = leaf(int(node[1:]))
        elif tree.children.get(node):
            councils[node] = core_council(tree.councils[int(node[1:])], tuple(tree.children[node]))
        else:  # a council nobody has joined yet speaks for nobody
            leaves[node] = leaf(None)
    return None if f"c{root}" in leaves else (councils, leaves)


def roll_up(
    tree: Tree,
    root: int,
    positions: dict[int, str | None],
    weights: dict[int, int],
) -> dict[str, core.NodeResult]:
    """Every node's result under council ``root``: ``positions`` and ``weights`` by
    institution id (a missing position: the assembly took none)."""
    built = _tree_for(
        tree,
        root,
        lambda pk: (
            core.Assembly(0, None)
            if pk is None
            else core.Assembly(weights.get(pk, 0), positions.get(pk))
        ),
    )
    if built is None:
        return {f"c{root}": core.NodeResult(None, 0, quorum_met=False)}
    return core.roll_up(*built, f"c{root}")


def rank_up(
    tree: Tree,
    root: int,
    rankings: dict[int, ranked.Ranking | None],
    weights: dict[int, int],
    options: int,
) -> dict[str, ranked.RankedResult]:
    """As ``roll_up``, for a ranked question: each assembly's ranking."""
    built = _tree_for(
        tree,
        root,
        lambda pk: (
            ranked.RankedAssembly(0, None)
            if pk is None
            else ranked.RankedAssembly(weights.get(pk, 0), rankings.get(pk))
        ),
    )
    if built is None:
        return {f"c{root}": ranked.RankedResult(None, 0, quorum_met=False)}
    return ranked.rank_up(*built, f"c{root}", options)


def poll_ranking(
    result: dict[str, Any] | None, outcome: str, closed: bool
) -> ranked.Ranking | None:
    """The order an assembly's ranked (Schulze) poll put the options in, or None."""
    if not closed or not result or outcome == "no_quorum" or not result.get("total_ballots"):
        return None
    paths = (result.get("pairwise") or {}).get("strongest_paths")
    return ranked.from_paths(paths) if paths else None


def question_roll_up(question: Question, kind: str, tree: Tree | None = None) -> dict[str, Any]:
    """The mandates (``kind="mandate"``) or the ratification (``"ratify"``) so far:
    ``NodeResult``s, or ``RankedResult``s for a ranked question's mandates.

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
    is_ranked = bool(question.options) and kind == "mandate"
    positions: dict[int, Any] = {}
    weights: dict[int, int] = {}
    for pk, outcome, result, closed_at, electorate in rows:
        closed = closed_at is not None
        positions[pk] = (
            poll_ranking(result, outcome, closed)
            if is_ranked
            else poll_position(outcome, result, closed)
        )
        if electorate is not None:
            weights[pk] = electorate
    missing = [pk for pk in tree.assemblies_below(question.council_id) if pk not in weights]
    weights.update(member_counts(missing))
    if is_ranked:
        return rank_up(tree, question.council_id, positions, weights, len(question.options))
    return roll_up(tree, question.council_id, positions, weights)


def as_json(results: dict[str, Any]) -> dict[str, Any]:
    """Results as stored (a ranking's tiers become lists)."""
    return {node: plain({**asdict(r), "counted": dict(r.counted)}) for node, r in results.items()}


def plain(value: Any) -> Any:
    """Tuples as lists, all the way down (what JSON gives back)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def from_json(data: dict[str, Any]) -> dict[str, Any]:
    """Stored results back: ``NodeResult``s, or ``RankedResult``s (they have ``ranking``)."""
    out: dict[str, Any] = {}
    for node, values in (data or {}).items():
        if "ranking" in values:
            out[node] = ranked.RankedResult(
                **{k: _tiers(v) if k in RANKINGS else v for k, v in values.items()}
                | {"counted": {m: _tiers(r) for m, r in values["counted"].items()}}
            )
        else:
            out[node] = core.NodeResult(**values)
    return out


RANKINGS = ("ranking", "by_assemblies", "by_members")


def _tiers(value: Any) -> ranked.Ranking | None:
    return None if value is None else tuple(tuple(tier) for tier in value)
