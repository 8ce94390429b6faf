"""Ranked questions before councils: rankings rolled up the tree by Schulze's method.

When a council ranks options (which site first, which demand to lead with), each
assembly's position is a **ranking**: the order its own ranked poll produced. A
council combines its members' rankings by Schulze's method on the head-to-head counts,
each member weighing

* ``assemblies`` — one: one assembly, one ranking;
* ``members`` — the people it represents;
* ``double`` — the order both counts agree on: the two rankings above are combined
  as two equal voters, so an option defeats another only where one count puts it
  above and the other does not put it below. An option first under both is first;
  when the counts disagree on first place, nothing is first alone.

A ranking is a tuple of tiers, best first; options in one tier are tied, and options
missing from every tier are tied last. The quorum is as for motions: at least
``quorum`` members must have given a ranking, else the council ranks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bloc.core.confederation import ASSEMBLIES, DOUBLE, MEMBERS, Council, walk
from bloc.core.tally.condorcet import strongest_paths

Ranking = tuple[tuple[int, ...], ...]


def normal(ranking: Sequence[Sequence[int]], options: int) -> Ranking:
    """``ranking`` as canonical tiers: each sorted, empty ones dropped, the options it
    leaves out tied last. ``ValueError`` on an unknown or repeated option."""
    seen: set[int] = set()
    tiers = []
    for tier in ranking:
        items = sorted(int(o) for o in tier)
        if (
            any(not 0 <= o < options for o in items)
            or seen & set(items)
            or len(set(items)) != len(items)
        ):
            raise ValueError("a ranking names each option at most once")
        seen.update(items)
        if items:
            tiers.append(tuple(items))
    rest = tuple(o for o in range(options) if o not in seen)
    if rest:
        tiers.append(rest)
    return tuple(tiers)


def from_paths(paths: Sequence[Sequence[int]] | np.ndarray) -> Ranking:
    """The order of Schulze's strongest paths: ``a`` defeats ``b`` when its path to ``b``
    is stronger than the one back. The first tier is the undefeated options (Schulze's
    winners), the next those undefeated once the first are set aside, and so on: an
    option is always above any option it defeats, and tied with those it neither
    defeats nor is defeated by in its layer."""
    p = np.asarray(paths, dtype=np.int64)
    defeats = p > p.T
    left = list(range(p.shape[0]))
    tiers = []
    while left:
        # (never empty for real paths, which cannot defeat in a cycle; a guard anyway)
        tier = tuple(b for b in left if not any(defeats[a, b] for a in left)) or tuple(left)
        tiers.append(tier)
        left = [o for o in left if o not in tier]
    return tuple(tiers)


def combine(rankings: Sequence[tuple[Ranking, int]], options: int) -> Ranking:
    """Schulze over weighted rankings: ``[(ranking, weight), ...]``."""
    support = np.zeros((options, options), dtype=np.int64)
    for ranking, weight in rankings:
        place = np.full(options, len(ranking), dtype=np.int64)
        for i, tier in enumerate(ranking):
            place[list(tier)] = i
        support += weight * (place[:, None] < place[None, :])
    return from_paths(strongest_paths(support - support.T))


def winner(ranking: Ranking | None) -> int | None:
    """The option ranked first alone, or None (a tie, or no ranking)."""
    if not ranking or len(ranking[0]) != 1:
        return None
    return ranking[0][0]


@dataclass(frozen=True)
class RankedAssembly:
    members: int
    ranking: Ranking | None = None


@dataclass(frozen=True)
class RankedResult:
    ranking: Ranking | None  # None: below the quorum, or no member ranked
    weight: int
    by_assemblies: Ranking | None = None
    by_members: Ranking | None = None
    quorum_met: bool = True
    counted: Mapping[str, Ranking | None] = field(default_factory=dict)


def decide_ranked(
    council: Council, below: list[tuple[str, RankedResult]], options: int
) -> RankedResult:
    taken = [(r.ranking, r.weight) for _, r in below if r.ranking is not None]
    weight = sum(r.weight for _, r in below)
    counted = {name: r.ranking for name, r in below}
    quorum_met = len(taken) >= max(council.quorum, 1)
    if not quorum_met:
        return RankedResult(None, weight, quorum_met=False, counted=counted)
    by_assemblies = combine([(r, 1) for r, _ in taken], options)
    by_members = combine(taken, options)
    ranking = {
        ASSEMBLIES: by_assemblies,
        MEMBERS: by_members,
        DOUBLE: combine([(by_assemblies, 1), (by_members, 1)], options),
    }[council.rule]
    return RankedResult(ranking, weight, by_assemblies, by_members, True, counted)


def rank_up(
    councils: Mapping[str, Council],
    assemblies: Mapping[str, RankedAssembly],
    root: str,
    options: int,
) -> dict[str, RankedResult]:
    """Every node's ranking, from the assemblies' rankings up to ``root``."""
    return walk(
        councils,
        assemblies,
        root,
        lambda a: RankedResult(
            None if a.ranking is None else normal(a.ranking, options), a.members
        ),
        lambda council, below: decide_ranked(council, below, options),
    )
