"""Condorcet rules: the Condorcet winner, Schulze (beat path) and Tideman's ranked pairs.

All three work on the head-to-head counts of ``pairwise.support_matrix`` (unranked
candidates tied last, empty ballots preferring nobody), and Schulze and ranked pairs
on **margins**: ``margin(i, j)`` = voters ranking ``i`` above ``j`` minus those ranking
``j`` above ``i``. They match pref_voting's ``condorcet_winner``, ``beat_path`` and
``ranked_pairs`` (the references in ``shared/data/ranked``). None of them breaks a tie:
several winners mean an unbroken tie, as plurality reports one. The explanation of the
count is ``Result.pairwise``; there are no rounds.
"""

from __future__ import annotations

import numpy as np

from bloc.core.tally.ballots import IntArray, RankedProfile
from bloc.core.tally.pairwise import (
    as_rows,
    condorcet_loser,
    condorcet_winner,
    margins,
    support_matrix,
)
from bloc.core.tally.result import Pairwise, Result

#: A majority ``(winner, loser, margin)``, the unit ranked pairs locks.
Edge = tuple[int, int, int]

SCHULZE_NOTE = (
    "Schulze (beat path) on margins: a path's strength is its weakest margin; a "
    "candidate wins when no one has a stronger path to them than they have back "
    "(0 = no path)."
)
RANKED_PAIRS_NOTE = (
    "Ranked pairs on margins: majorities are locked strongest first, skipping any that "
    "would make a cycle. Equal margins are taken in candidate order (winner, then "
    "loser) for the sequence shown; the winners are everyone who wins under some order "
    "of equal margins."
)


def _pairwise(
    support: IntArray,
    *,
    paths: IntArray | None = None,
    locked: tuple[Edge, ...] = (),
    skipped: tuple[Edge, ...] = (),
) -> Pairwise:
    return Pairwise(
        support=as_rows(support),
        condorcet_winner=condorcet_winner(support),
        condorcet_loser=condorcet_loser(support),
        strongest_paths=None if paths is None else as_rows(paths),
        locked=locked,
        skipped=skipped,
    )


def condorcet(profile: RankedProfile) -> Result:
    """The candidate who beats every other one head to head, or no winner at all.

    ``winners`` is ``(w,)`` or ``()`` when there is no Condorcet winner (a majority cycle
    or a tie at the top). A lone candidate wins.
    """
    support = support_matrix(profile)
    pairwise = _pairwise(support)
    cw = pairwise.condorcet_winner
    return Result(
        rule="condorcet",
        candidates=profile.candidates,
        winners=() if cw is None else (cw,),
        rounds=(),
        total_ballots=profile.total,
        pairwise=pairwise,
    )


def strongest_paths(margin: IntArray) -> IntArray:
    """Schulze's widest paths on margins, by Floyd–Warshall.

    A path follows majorities (positive margins) and is as strong as its weakest link;
    ``out[i, j]`` is the strongest path from ``i`` to ``j``, 0 when there is none (every
    majority has margin >= 1) and on the diagonal.
    """
    paths: IntArray = np.where(margin > 0, margin, 0)
    for k in range(paths.shape[0]):
        np.maximum(paths, np.minimum(paths[:, k : k + 1], paths[k : k + 1, :]), out=paths)
    np.fill_diagonal(paths, 0)
    return paths


def schulze(profile: RankedProfile) -> Result:
    """Schulze's method (beat path) on margins: every undefeated candidate wins.

    ``i`` defeats ``j`` when the strongest path from ``i`` to ``j`` is stronger than the
    one back (pref_voting's ``beat_path``). At least one candidate is always undefeated;
    several undefeated candidates are an unbroken tie, all reported.
    """
    support = support_matrix(profile)
    paths = strongest_paths(margins(support))
    undefeated = ~(paths.T > paths).any(axis=1)
    return Result(
        rule="schulze",
        candidates=profile.candidates,
        winners=tuple(int(c) for c in np.flatnonzero(undefeated)),
        rounds=(),
        total_ballots=profile.total,
        pairwise=_pairwise(support, paths=paths),
        notes=(SCHULZE_NOTE,),
    )


def _majorities(margin: IntArray) -> list[Edge]:
    """Every majority, strongest first; equal margins by (winner, loser)."""
    winners, losers = np.nonzero(margin > 0)
    edges = [(int(i), int(j), int(margin[i, j])) for i, j in zip(winners, losers, strict=True)]
    return sorted(edges, key=lambda e: (-e[2], e[0], e[1]))


# --- ranked pairs: the lock sequence -----------------------------------------------
#
# A locked order is a tuple of bitmasks, ``below[c]`` holding every candidate the locked
# majorities put ``c`` above (directly or through others).

Closure = tuple[int, ...]


def _lock(below: Closure, winner: int, loser: int) -> Closure:
    """``below`` with ``winner`` over ``loser`` added, transitively closed."""
    gained = below[loser] | 1 << loser
    return tuple(
        mask | gained if c == winner or mask >> winner & 1 else mask for c, mask in enumerate(below)
    )


def _lock_in_order(m: int, edges: list[Edge]) -> tuple[list[Edge], list[Edge]]:
    """Lock ``edges`` in the order given, skipping those closing a cycle: (locked, skipped)."""
    below: Closure = (0,) * m
    locked: list[Edge] = []
    skipped: list[Edge] = []
    for edge in edges:
        winner, loser, _ = edge
        if below[loser] >> winner & 1:
            skipped.append(edge)
        else:
            below = _lock(below, winner, loser)
            locked.append(edge)
    return locked, skipped


def _tops(below: Closure) -> int:
    """The candidates nothing is locked above, as a bitmask."""
    beaten = 0
    for mask in below:
        beaten |= mask
    return ((1 << len(below)) - 1) & ~beaten


# --- ranked pairs: who wins under some order of equal margins -----------------------
#
# Deciding whether a candidate wins under some order is NP-complete (Brill and Fischer
# 2012), so it takes a search. Two exact searches are raced on each candidate, with a
# budget of states that grows until one of them settles it: searching orders of
# locking (fast when few margins are equal) and searching stacks (fast when many are).


class _OutOfBudget(Exception):
    pass


class _Budget:
    def __init__(self, states: int) -> None:
        self.left = states

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _OutOfBudget


def _reach(below: Closure, extra: frozenset[Edge]) -> list[int]:
    """Who reaches whom through the locked order and the ``extra`` majorities (bitmasks)."""
    reach = list(below)
    for winner, loser, _ in extra:
        reach[winner] |= 1 << loser
    for k in range(len(reach)):  # Warshall's transitive closure, on bitmasks
        for i, mask in enumerate(reach):
            if mask >> k & 1:
                reach[i] = mask | reach[k]
    return reach


def _settle(below: Closure, pending: frozenset[Edge]) -> tuple[Closure, frozenset[Edge]]:
    """Do what every order of the equal-margin ``pending`` does alike; return the rest.

    A majority already implied or contradicted by the locked order does nothing
    whenever it comes. The orders' outcomes are exactly the maximal sets of pending
    majorities that make no cycle with the locked order, so one on no cycle of the
    locked order plus the pending majorities is in every outcome: it is locked now.
    """
    while True:
        pending = frozenset(
            e for e in pending if not (below[e[0]] >> e[1] & 1 or below[e[1]] >> e[0] & 1)
        )
        reach = _reach(below, pending)
        free = [e for e in pending if not reach[e[1]] >> e[0] & 1]
        if not free:
            return below, pending
        for winner, loser, _ in free:
            below = _lock(below, winner, loser)


def _may_win(target: int, below: Closure, rest: list[Edge]) -> bool:
    """Whether ``target`` can still come out on top, given the majorities ``rest`` to come.

    ``rest`` is in order of decreasing margin. ``target`` wins only if nothing is locked
    above it and each majority over it, by ``d``, is skipped: when it comes, ``target``
    must reach its winner through majorities of at least ``d`` that are locked or still
    to come and not yet contradicted. A necessary condition only.
    """
    if any(mask >> target & 1 for mask in below):
        return False
    graph = list(below)
    added = 0
    for winner, loser, strength in rest:
        if loser != target:
            continue
        while added < len(rest) and rest[added][2] >= strength:
            w, lo, _ = rest[added]
            if not below[lo] >> w & 1:
                graph[w] |= 1 << lo
            added += 1
        reached = frontier = 1 << target
        while frontier:
            step = 0
            for c, mask in enumerate(graph):
                if frontier >> c & 1:
                    step |= mask
            frontier = step & ~reached
            reached |= step
        if not reached >> winner & 1:
            return False
    return True


def _win_by_locking(target: int, m: int, groups: list[list[Edge]], budget: _Budget) -> int:
    """The winners of an order of equal margins under which ``target`` wins, or 0.

    Depth first over the majorities ``_settle`` leaves to choose, trying first those
    from candidates ``target`` already reaches (extending its reach, so that majorities
    over it close cycles and are skipped) and the majorities over it last; a branch
    stops where ``_may_win`` rules ``target`` out, and failed states are remembered.
    Raises ``_OutOfBudget`` when the budget of states runs out.
    """
    failed: set[tuple[int, Closure, frozenset[Edge]]] = set()

    def priority(reach: int, edge: Edge) -> tuple[int, int, int]:
        rank = 0 if reach >> edge[0] & 1 else 2 if edge[1] == target else 1
        return rank, edge[0], edge[1]

    def search(group: int, below: Closure, pending: frozenset[Edge]) -> int:
        budget.spend()
        while True:
            below, pending = _settle(below, pending)
            rest = sorted(pending) + [e for later in groups[group:] for e in later]
            if not _may_win(target, below, rest):
                return 0
            if pending:
                break
            if group == len(groups):
                return _tops(below)
            pending, group = frozenset(groups[group]), group + 1
        state = (group, below, pending)
        if state in failed:
            return 0
        reach = below[target] | 1 << target
        for edge in sorted(pending, key=lambda e: priority(reach, e)):
            tops = search(group, _lock(below, edge[0], edge[1]), pending - {edge})
            if tops:
                return tops
        failed.add(state)
        return 0

    try:
        return search(0, (0,) * m, frozenset())
    except RecursionError:  # one branch per equal majority: only huge ties go this deep
        raise _OutOfBudget from None  # the stack search, at most m deep, settles it


#: A partial stack: the placed candidates, and per candidate and margin level the set
#: it reaches going down (``reach[a][t]``, ``a`` included).
Reach = tuple[tuple[int, ...], ...]


class _Stacks:
    """Searches for a *stack* headed by a given candidate (Zavist and Tideman 1989).

    A stack is an order of all candidates in which, whenever ``a`` is above ``b`` but
    ``b`` beats ``a`` by ``d``, ``a`` reaches ``b`` going down the order through
    majorities each of at least ``d``. A candidate wins ranked pairs under some order
    of equal margins exactly when it heads a stack (pref_voting's
    ``ranked_pairs(..., algorithm="from_stacks")``). The search builds the order from
    the top, ``target`` first; what the rest needs from a placed prefix is only who
    reaches whom at each margin level, so failed states are remembered, and a branch
    stops as soon as some unplaced candidate can no longer be reached by a placed one
    it beats.
    """

    def __init__(self, margin: IntArray) -> None:
        m = margin.shape[0]
        self.m = m
        self.full = (1 << m) - 1
        levels = sorted({int(v) for v in margin.ravel() if v > 0})
        level_of = {d: t for t, d in enumerate(levels)}
        self.levels = len(levels)
        #: feeds[t][b]: who beats ``b`` by at least the ``t``-th smallest margin.
        self.feeds = [
            [sum(1 << u for u in range(m) if margin[u, b] >= d) for b in range(m)] for d in levels
        ]
        #: beaten[b]: ``(a, t)`` for each ``a`` that ``b`` beats, by margin level ``t``.
        self.beaten = [
            [(a, level_of[int(margin[b, a])]) for a in range(m) if margin[b, a] > 0]
            for b in range(m)
        ]
        #: beats[b]: who ``b`` beats, as a bitmask.
        self.beats = [sum(1 << a for a, _ in self.beaten[b]) for b in range(m)]
        self.beaten_by = [sum(1 << u for u in range(m) if margin[u, b] > 0) for b in range(m)]

    def headed_by(self, target: int, budget: _Budget) -> bool:
        """Whether some stack has ``target`` on top."""
        failed: set[tuple[int, Reach]] = set()

        def search(placed: int, reach: Reach) -> bool:
            budget.spend()
            if placed == self.full:
                return True
            if (placed, reach) in failed or not self._alive(placed, reach):
                return False
            unplaced = self.full & ~placed
            # Candidates fewest unplaced ones beat first: they add the fewest obligations.
            fits = sorted(
                (b for b in range(self.m) if unplaced >> b & 1 and self._fits(b, placed, reach)),
                key=lambda b: ((self.beaten_by[b] & unplaced).bit_count(), b),
            )
            for b in fits:
                if search(*self._place(b, placed, reach)):
                    return True
            failed.add((placed, reach))
            return False

        empty: Reach = tuple((0,) * self.levels for _ in range(self.m))
        return search(*self._place(target, 0, empty))

    def _fits(self, b: int, placed: int, reach: Reach) -> bool:
        """Whether ``b`` can go next: each placed candidate it beats reaches it."""
        return all(not placed >> a & 1 or reach[a][t] & self.feeds[t][b] for a, t in self.beaten[b])

    def _place(self, b: int, placed: int, reach: Reach) -> tuple[int, Reach]:
        """Put ``b`` next: it joins the reach of everyone reaching it, and reaches itself."""
        bit = 1 << b
        grown = tuple(
            tuple(r | bit if r & self.feeds[t][b] else r for t, r in enumerate(reach[a]))
            if placed >> a & 1
            else (bit,) * self.levels
            if a == b
            else reach[a]
            for a in range(self.m)
        )
        return placed | bit, grown

    def _alive(self, placed: int, reach: Reach) -> bool:
        """Whether each unplaced candidate can still be reached by every placed one it beats.

        Paths can only go on through unplaced candidates (they all come below the
        placed ones), so each placed candidate's reach is widened through those.
        """
        unplaced = self.full & ~placed
        widened: dict[tuple[int, int], int] = {}
        for c in range(self.m):
            if not unplaced >> c & 1 or not self.beats[c] & placed:
                continue
            for a, t in self.beaten[c]:
                if not placed >> a & 1:
                    continue
                if (a, t) not in widened:
                    reached, grew = reach[a][t], True
                    while grew:
                        grew = False
                        for v in range(self.m):
                            if unplaced >> v & 1 and not reached >> v & 1:
                                if self.feeds[t][v] & reached:
                                    reached |= 1 << v
                                    grew = True
                    widened[(a, t)] = reached
                if not widened[(a, t)] >> c & 1:
                    return False
        return True


def _ranked_pairs_winners(margin: IntArray) -> int:
    """Everyone who wins ranked pairs under some order of equal margins, as a bitmask.

    Each candidate not yet known to win is settled by racing the two searches with a
    budget of states that grows fourfold until one finishes; both are exact, so the
    answer does not depend on which does. A lock order that elects one candidate
    elects everyone on top of it.

    When every majority is decided, each candidate nothing is locked above wins:
    those candidates are level with each other (a majority between two of them would
    have been locked or skipped, ranking one over the other), and pref_voting locks
    level pairs last, in every order, so any of them can come first.
    """
    m = margin.shape[0]
    edges = _majorities(margin)
    groups: list[list[Edge]] = []
    for edge in edges:
        if groups and groups[-1][0][2] == edge[2]:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    stacks = _Stacks(margin)
    found = 0
    for target in range(m):
        states = 64
        while not found >> target & 1:
            try:
                found |= _win_by_locking(target, m, groups, _Budget(states))
                break
            except _OutOfBudget:
                pass
            try:
                found |= stacks.headed_by(target, _Budget(states)) << target
                break
            except _OutOfBudget:
                states *= 4
    return found


def ranked_pairs(profile: RankedProfile) -> Result:
    """Tideman's ranked pairs on margins: every candidate who wins under some tie order.

    Majorities (positive margins) are locked strongest first, each unless it would make
    a cycle with those already locked; the winner is the candidate nothing is locked
    above. Equal margins can be taken in any order, and, as in pref_voting's
    ``ranked_pairs``, the winners are every candidate who wins under some order (a
    Condorcet winner wins under all of them; see ``_Stacks`` for how they are found).
    ``Result.pairwise.locked`` / ``skipped`` record one canonical order: equal margins
    by winner, then loser (candidate order, pref_voting's first order); its winner is
    always among the winners.
    """
    m = profile.num_candidates
    support = support_matrix(profile)
    margin = margins(support)
    locked, skipped = _lock_in_order(m, _majorities(margin))
    cw = condorcet_winner(support)
    found = 1 << cw if cw is not None else _ranked_pairs_winners(margin)
    winners = tuple(c for c in range(m) if found >> c & 1)
    return Result(
        rule="ranked_pairs",
        candidates=profile.candidates,
        winners=winners,
        rounds=(),
        total_ballots=profile.total,
        pairwise=_pairwise(support, locked=tuple(locked), skipped=tuple(skipped)),
        notes=(RANKED_PAIRS_NOTE,),
    )
