"""The platform: the assemblies' rankings of legislative priorities combined into one.

Each assembly ranks the priorities by its own poll (a ranking: tiers of priority
indices, best first, as ``bloc.core.ranked_mandates``). The chapter combines them by

* ``schulze`` — Schulze's method on the head-to-head counts;
* ``borda`` — each assembly gives a priority one point for each priority it ranks
  below it and half a point for each tied with it; most points first;

each assembly counting once (``assemblies``) or by its members (``members``).
``PlatformResult`` keeps what the explanation needs: the Borda points, or the
head-to-head support.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from bloc.core import ranked_mandates as ranked
from bloc.core.tally.condorcet import strongest_paths

SCHULZE, BORDA = "schulze", "borda"
METHODS = (SCHULZE, BORDA)
ASSEMBLIES, MEMBERS = "assemblies", "members"
WEIGHTINGS = (ASSEMBLIES, MEMBERS)


@dataclass(frozen=True)
class Ballot:
    """One assembly's ranking and the members it speaks for."""

    ranking: ranked.Ranking
    members: int = 1


@dataclass(frozen=True)
class PlatformResult:
    ranking: ranked.Ranking  # tiers of priority indices, best first
    method: str
    weighting: str
    assemblies: int  # rankings counted
    weight: int  # their total weight
    #: Borda: each priority's points (exact); Schulze: support[a][b], the weight
    #: ranking a above b.
    points: tuple[Fraction, ...] = ()
    support: tuple[tuple[int, ...], ...] = ()


def _weights(ballots: Sequence[Ballot], weighting: str) -> list[int]:
    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown weighting {weighting!r}")
    return [1 if weighting == ASSEMBLIES else b.members for b in ballots]


def _places(ranking: ranked.Ranking, options: int) -> np.ndarray:
    place = np.full(options, len(ranking), dtype=np.int64)
    for i, tier in enumerate(ranking):
        place[list(tier)] = i
    return place


def combine(
    ballots: Sequence[Ballot], options: int, *, method: str = SCHULZE, weighting: str = ASSEMBLIES
) -> PlatformResult:
    """The platform's order from the assemblies' rankings (each normalised first)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    if options < 1:
        raise ValueError("a platform needs at least one priority")
    weights = _weights(ballots, weighting)
    rankings = [ranked.normal(b.ranking, options) for b in ballots]
    support = np.zeros((options, options), dtype=np.int64)
    points = [Fraction(0)] * options
    for ranking, weight in zip(rankings, weights, strict=True):
        place = _places(ranking, options)
        support += weight * (place[:, None] < place[None, :])
        if method == BORDA:
            for o in range(options):
                below = int((place > place[o]).sum())
                tied = int((place == place[o]).sum()) - 1
                points[o] += weight * (below + Fraction(tied, 2))
    if method == SCHULZE:
        order = ranked.from_paths(strongest_paths(support - support.T))
    else:
        levels = sorted(set(points), reverse=True)
        order = tuple(tuple(o for o in range(options) if points[o] == p) for p in levels)
    return PlatformResult(
        ranking=order,
        method=method,
        weighting=weighting,
        assemblies=len(rankings),
        weight=sum(weights),
        points=tuple(points) if method == BORDA else (),
        support=tuple(tuple(int(x) for x in row) for row in support),
    )
