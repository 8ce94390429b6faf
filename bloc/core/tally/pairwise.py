"""Head-to-head counts: how many voters rank each candidate above each other one.

Every Condorcet rule (and Borda, which is a sum of them) reads a ballot the way
``shared/data/ranked/README.md`` states: ranked candidates in their order, unranked
candidates below every ranked one and tied with each other, and an empty ballot
preferring nobody (it counts as a voter but adds to no pair).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from bloc.core.tally.ballots import PAD, IntArray, RankArray, RankedProfile

#: Rows handled at a time: the places of one chunk stay in cache while all the pairs
#: are compared on them.
_CHUNK = 1 << 16
#: Up to this many candidates ``positions`` compares instead of scattering: m * width
#: byte comparisons per ballot beat width random writes while m is small.
_COMPARE_UP_TO = 24


def _position_dtype(m: int) -> type[np.signedinteger[Any]]:
    """The smallest integer type holding places ``0..m`` (``m`` = unranked) and PAD."""
    if m < np.iinfo(np.int8).max:
        return np.int8
    if m < np.iinfo(np.int16).max:
        return np.int16
    return np.int32


def positions(rankings: RankArray, m: int) -> npt.NDArray[np.signedinteger[Any]]:
    """``out[c, b]``: the 0-based place at which ballot ``b`` ranks candidate ``c``, or ``m``.

    Candidate-major, so that one candidate's places over all ballots are contiguous.
    Unranked candidates all get ``m``: below every ranked one and level with each other.
    """
    n = rankings.shape[0]
    width = min(rankings.shape[1], m)  # a strict ranking has at most m places; the rest is PAD
    dtype = _position_dtype(m)
    if m <= _COMPARE_UP_TO:
        by_place = np.ascontiguousarray(rankings.astype(dtype).T)
        out = np.full((m, n), m, dtype=dtype)
        hit = np.empty(n, dtype=np.bool_)
        step = np.empty(n, dtype=dtype)
        for place in range(width):
            for c in range(m):
                # A candidate appears at most once per ballot: subtract (m - place) once.
                np.equal(by_place[place], c, out=hit)
                np.multiply(hit, dtype(m - place), out=step)
                np.subtract(out[c], step, out=out[c])
        return out
    # One extra row (index m) absorbs the padding, so no masked writes are needed.
    flat = np.full((m + 1) * n, m, dtype=dtype)
    rows = np.arange(n, dtype=np.intp)
    for place in range(width):
        column = rankings[:, place].astype(np.intp)
        np.putmask(column, column == PAD, m)
        column *= n
        column += rows
        flat[column] = place
    return flat.reshape(m + 1, n)[:m]


def support_matrix(profile: RankedProfile) -> IntArray:
    """``support[i, j]``: voters ranking ``i`` above ``j`` (unranked = tied last).

    Exact int64: each pair is a comparison of two rows of places, summed over the
    ballots with their counts (an integer dot product, or a plain count when every
    ballot has count 1). The diagonal is 0.
    """
    m = profile.num_candidates
    support = np.zeros((m, m), dtype=np.int64)
    rankings, counts = profile.rankings, profile.counts
    pairs = [(i, j) for i in range(m) for j in range(i + 1, m)]
    if not pairs or rankings.shape[0] == 0 or rankings.shape[1] == 0:
        return support
    unit = bool((counts == 1).all())
    for start in range(0, rankings.shape[0], _CHUNK):
        place = positions(rankings[start : start + _CHUNK], m)
        weights = counts[start : start + _CHUNK]
        for i, j in pairs:
            above, below = place[i] < place[j], place[j] < place[i]
            if unit:
                support[i, j] += np.count_nonzero(above)
                support[j, i] += np.count_nonzero(below)
            else:
                support[i, j] += above.view(np.int8) @ weights
                support[j, i] += below.view(np.int8) @ weights
    return support


def margins(support: IntArray) -> IntArray:
    """``margin[i, j] = support[i, j] - support[j, i]`` (antisymmetric)."""
    result: IntArray = support - support.T
    return result


def condorcet_winner(support: IntArray) -> int | None:
    """The candidate a majority prefers to each other candidate, or ``None``.

    "Majority" means more voters rank them above than below (margin > 0), as in
    pref_voting. A lone candidate is vacuously the Condorcet winner.
    """
    margin = margins(support)
    np.fill_diagonal(margin, 1)
    beats_all = np.flatnonzero((margin > 0).all(axis=1))
    return int(beats_all[0]) if beats_all.size else None


def condorcet_loser(support: IntArray) -> int | None:
    """The candidate each other candidate beats head to head (margin < 0), or ``None``.

    A lone candidate is vacuously the Condorcet loser too (pref_voting agrees).
    """
    margin = margins(support)
    np.fill_diagonal(margin, -1)
    loses_all = np.flatnonzero((margin < 0).all(axis=1))
    return int(loses_all[0]) if loses_all.size else None


def as_rows(matrix: IntArray) -> tuple[tuple[int, ...], ...]:
    """A matrix as nested tuples of Python ints (what ``Pairwise`` stores)."""
    return tuple(tuple(int(v) for v in row) for row in matrix)
