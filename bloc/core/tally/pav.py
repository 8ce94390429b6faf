"""Proportional approval voting (PAV): the committee with the best PAV score, exactly.

The committee ``W`` of ``k`` seats maximising Σ over voters of H(|A_v ∩ W|) =
1 + 1/2 + … + 1/|A_v ∩ W|, as abcvoting 2.19.2 defines rule ``pav``, found by an
exact branch and bound in integers (scores scaled by lcm(1..k)). A lot is drawn
exactly when several committees have the best score; ``Result.seed`` is set only
then. Shares the merged-voter representation and the seat check with
``committees``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from bloc.core.tally.ballots import ApprovalProfile, IntArray
from bloc.core.tally.committees import Voters, check_seats
from bloc.core.tally.result import REASON_BEST_COMMITTEE, TIEBREAK_LOT, Result, Round, TieBreak
from bloc.core.tally.tiebreak import DEFAULT_SEED, Lot

#: PAV gives up (``ValueError``) after examining this many partial committees.
PAV_MAX_NODES = 1_000_000


def _pav_scale(seats: int) -> tuple[int, list[int]]:
    """``L = lcm(1..seats)`` and ``L·H(j)`` for ``j = 0..seats``: PAV in exact integers."""
    scale = math.lcm(*range(1, seats + 1))
    harmonic = [0]
    for j in range(1, seats + 1):
        harmonic.append(harmonic[-1] + scale // j)
    return scale, harmonic


class _PavSearch:
    """Branch and bound over committees, keeping every best one and the runner-up score.

    Candidates are tried in order of approvals (most first), each committee once as an
    increasing sequence in that order. At a partial committee P with r seats left the
    bound is score(P) plus the r largest marginal gains of the candidates still
    allowed: PAV is submodular (gains only shrink as P grows), so no completion can
    gain more. A subtree is skipped when its bound can neither reach the best score
    nor beat the runner-up; a child is first checked with its parent's gains, so most
    are dropped before their own gains are computed. The greedy committee (best gain
    at each step) is scored first, so pruning starts from a good committee.
    """

    def __init__(self, voters: Voters, seats: int, max_nodes: int) -> None:
        self.voters = voters
        self.seats = seats
        self.max_nodes = max_nodes
        scale, harmonic = _pav_scale(seats)
        self.scale = scale
        # Scores are integers (scaled by lcm(1..seats)): int64 while every sum fits,
        # Python ints beyond. einsum, not a BLAS product: exact, and never slowed by
        # BLAS threads competing for a busy machine's cores.
        self.exact_int64 = voters.total * harmonic[-1] < 2**62
        dtype: type = np.int64 if self.exact_int64 else object
        gains = [harmonic[j + 1] - harmonic[j] for j in range(seats)]
        self.gains: npt.NDArray[Any] = np.array(gains, dtype=dtype)
        self.weights: npt.NDArray[Any] = voters.counts.astype(dtype)
        # Candidates by rows, each row contiguous over the ballots.
        self.by_candidate: npt.NDArray[Any] = np.ascontiguousarray(
            voters.approvals.T.astype(np.int64).astype(dtype)
        )
        self.best = -1
        self.best_committees: list[tuple[int, ...]] = []
        self._best_set: set[tuple[int, ...]] = set()
        self.runner = -1
        self.runner_committee: tuple[int, ...] | None = None
        self.nodes = 0

    def _offer(self, committee: tuple[int, ...], score: int) -> None:
        if committee in self._best_set:
            return  # the greedy committee, met again by the search
        if score > self.best:
            if self.best_committees:
                self.runner, self.runner_committee = self.best, self.best_committees[0]
            self.best, self.best_committees, self._best_set = score, [committee], {committee}
        elif score == self.best:
            self.best_committees.append(committee)
            self._best_set.add(committee)
            self.runner, self.runner_committee = score, self.best_committees[0]
        elif score > self.runner and committee != self.runner_committee:
            self.runner, self.runner_committee = score, committee

    def _useful(self, bound: int) -> bool:
        return bound >= self.best or bound > self.runner

    def _gains(self, overlap: IntArray) -> list[int]:
        """Each candidate's marginal gain given how many members each row approves."""
        per_row = self.weights * self.gains[overlap]
        if self.exact_int64:
            return [int(g) for g in np.einsum("cb,b->c", self.by_candidate, per_row)]
        return [int(g) for g in self.by_candidate @ per_row]

    def _greedy(self) -> None:
        overlap = np.zeros(self.voters.counts.shape[0], dtype=np.int64)
        chosen: list[int] = []
        score = 0
        for _ in range(self.seats):
            gains = self._gains(overlap)
            best = max((c for c in range(self.voters.m) if c not in chosen), key=gains.__getitem__)
            chosen.append(best)
            score += gains[best]
            overlap = overlap + self.voters.approvals[:, best]
        self._offer(tuple(sorted(chosen)), score)

    def run(self, order: list[int]) -> None:
        self._greedy()
        k = self.seats
        rows = self.voters.counts.shape[0]
        column = self.voters.approvals
        stack: list[tuple[int, tuple[int, ...], IntArray, int]] = [
            (0, (), np.zeros(rows, dtype=np.int64), 0)
        ]
        while stack:
            start, chosen, overlap, score = stack.pop()
            self.nodes += 1
            if self.nodes > self.max_nodes:
                raise ValueError(
                    f"PAV search examined more than {self.max_nodes:,} partial committees "
                    f"({self.voters.m} candidates, {k} seats): too large to count exactly"
                )
            left = k - len(chosen)
            allowed = order[start:]
            gains = self._gains(overlap)
            allowed_gains = [gains[c] for c in allowed]
            if not self._useful(score + sum(sorted(allowed_gains, reverse=True)[:left])):
                continue
            if left == 1:
                for c, g in zip(allowed, allowed_gains, strict=True):
                    if self._useful(score + g):
                        self._offer(tuple(sorted((*chosen, c))), score + g)
                continue
            tails = _tail_top_sums(allowed_gains, left - 1)
            for i in range(len(allowed) - left, -1, -1):
                if self._useful(score + allowed_gains[i] + tails[i]):
                    c = allowed[i]
                    child = (start + i + 1, (*chosen, c), overlap + column[:, c])
                    stack.append((*child, score + allowed_gains[i]))


def _tail_top_sums(values: list[int], count: int) -> list[int]:
    """``out[i]`` = the sum of the ``count`` largest of ``values[i + 1:]``."""
    out = [0] * len(values)
    if count == 0:
        return out
    heap: list[int] = []  # the largest ``count`` seen so far, smallest on top
    total = 0
    for i in range(len(values) - 1, -1, -1):
        out[i] = total
        heapq.heappush(heap, values[i])
        total += values[i]
        if len(heap) > count:
            total -= heapq.heappop(heap)
    return out


def _fraction_text(value: Fraction) -> str:
    """``461 + 1/3 (≈ 461.33333)``: exact first, then the decimal a reader compares."""
    whole, rest = divmod(value, 1)
    if rest == 0:
        return f"{int(whole):,}"
    exact = f"{rest}" if whole == 0 else f"{int(whole):,} + {rest}"
    return f"{exact} (≈ {float(value):,.5f})"


def pav(
    profile: ApprovalProfile,
    seats: int,
    *,
    seed: int = DEFAULT_SEED,
    max_nodes: int = PAV_MAX_NODES,
) -> Result:
    """Proportional approval voting (abcvoting ``pav``): an optimal committee, exactly.

    Maximises Σ over voters of H(|A_v ∩ W|) (H the harmonic numbers), computed in
    integers scaled by lcm(1..seats), by the branch and bound of ``_PavSearch`` over
    the distinct ballots (vectorised: one matrix product per partial committee). It
    finds every optimal committee and the best score of any other committee; if
    several committees are optimal, the lot draws one candidate at a time among those
    in some but not all of the still-possible committees (each draw a ``TieBreak``)
    until one committee is left.

    Limit: at most ``max_nodes`` partial committees (default ``PAV_MAX_NODES``, one
    million) are examined; beyond that ``ValueError`` is raised rather than a result
    that might not be optimal. Typical elections (20 candidates, 5 seats) need a few
    thousand. Also raises ``ValueError`` unless ``1 <= seats <= candidates``.

    One round: ``totals`` are approvals, ``elected`` the committee (in candidate order);
    ``Result.notes`` give the committee's PAV score and the runner-up committee's.
    """
    check_seats(profile, seats)
    voters = Voters(profile)
    approvals = list(voters.support)
    order = sorted(range(voters.m), key=lambda c: (-approvals[c], c))
    search = _PavSearch(voters, seats, max_nodes)
    search.run(order)
    lot = Lot(seed)
    ties: list[TieBreak] = []
    pool = [frozenset(w) for w in search.best_committees]
    while len(pool) > 1:
        common = frozenset.intersection(*pool)
        contested = sorted(frozenset.union(*pool) - common)
        chosen = lot.draw(contested)
        ties.append(
            TieBreak(round=1, tied=tuple(contested), chosen=chosen, method=TIEBREAK_LOT, seed=seed)
        )
        pool = [w for w in pool if chosen in w]
    committee = tuple(sorted(pool[0]))
    names = profile.candidates
    scale = search.scale
    best = Fraction(search.best, scale)
    notes = [
        f"PAV score of the elected committee (Σ over voters of 1 + 1/2 + … + 1/j for j "
        f"approved members): {_fraction_text(best)}."
    ]
    if len(search.best_committees) > 1:
        notes.append(
            f"{len(search.best_committees)} committees share the best score; "
            f"the lot (seed {seed}) chose one."
        )
    elif search.runner_committee is None:
        notes.append(f"No other committee of {seats} is possible.")
    else:
        runner = Fraction(search.runner, scale)
        runner_names = ", ".join(names[c] for c in sorted(search.runner_committee))
        notes.append(
            f"Runner-up committee: {runner_names}, score {_fraction_text(runner)} "
            f"(margin {_fraction_text(best - runner)})."
        )
    round_one = Round(
        number=1,
        totals=tuple(approvals),
        continuing=voters.total - voters.empty,
        exhausted=voters.empty,
        elected=committee,
        reason=REASON_BEST_COMMITTEE,
        tiebreak=ties[0] if ties else None,
    )
    return Result(
        rule="pav",
        candidates=names,
        winners=committee,
        rounds=(round_one,),
        total_ballots=profile.total,
        ties=tuple(ties),
        seed=seed if lot.drawn else None,
        seats=seats,
        notes=tuple(notes),
    )


def pav_score(profile: ApprovalProfile, committee: Sequence[int]) -> Fraction:
    """The exact PAV score Σ_v H(|A_v ∩ committee|) of any committee."""
    scale, harmonic = _pav_scale(max(len(committee), 1))
    overlap = np.asarray(profile.approvals)[:, list(committee)].sum(axis=1)
    counts = profile.counts.tolist()
    return Fraction(
        sum(n * harmonic[j] for n, j in zip(counts, overlap.tolist(), strict=True)), scale
    )
