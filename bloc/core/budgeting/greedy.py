"""Greedy utilitarian welfare: the "most votes first" rule most cities use.

Projects are ranked by total satisfaction per unit of cost and walked down in that
order; each project that still fits in what is left of the budget is funded, one that
does not is skipped and the walk goes on. As in pabutools (``greedy_utilitarian_welfare``),
with satisfaction ``sat``:

* ``"cost"`` (``Cost_Sat``, u = cost if supported): the score is the number of
  supporters — plain "most votes first";
* ``"card"`` (``Cardinality_Sat``, u = 1): supporters per unit of cost;
* ``"points"`` (cumulative ballots only, u = the points given): points per unit of cost.

A project with no satisfaction scores 0 (still funded at the end if it fits); a free
project with some scores infinity. Scores are compared exactly (fractions), and ties go
to the smaller project id *as a string* ("11" before "2"), as pabutools breaks them.
A voter *supports* a project her ballot names, whatever its rank or points.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import chain

import numpy as np

from bloc.core.budgeting.election import CUMULATIVE, Election
from bloc.core.budgeting.result import BudgetResult, Step, Value

SATS = ("cost", "card", "points")
_ALIASES = {"cardinality": "card", "cost": "cost", "card": "card", "points": "points"}


def supporters(election: Election) -> list[int]:
    """How many voters name each project."""
    m = len(election.ids)
    lengths = [len(b) for b in election.ballots]
    flat = np.fromiter(chain.from_iterable(election.ballots), dtype=np.int64, count=sum(lengths))
    weights = np.repeat(np.asarray(election.counts, dtype=np.int64), lengths)
    totals = np.zeros(m, dtype=np.int64)
    np.add.at(totals, flat, weights)
    return [int(x) for x in totals]


def total_points(election: Election) -> list[int]:
    """Cumulative ballots: the points each project received, all voters together."""
    if election.points is None:
        raise ValueError("only cumulative ballots give points")
    totals = [0] * len(election.ids)
    for ballot, points, n in zip(election.ballots, election.points, election.counts, strict=True):
        for p, x in zip(ballot, points, strict=True):
            totals[p] += x * n
    return totals


def greedy(election: Election, sat: str = "cost", initial: Sequence[int] = ()) -> BudgetResult:
    """Fund projects by score, skipping those that no longer fit.

    ``initial`` are projects already funded (e.g. by MES before a greedy completion):
    they stay funded, their cost comes off the budget, and the walk covers the others.
    """
    if sat not in _ALIASES:
        raise ValueError(f"unknown satisfaction {sat!r} (cost, card or points)")
    sat = _ALIASES[sat]
    if sat == "points" and election.kind != CUMULATIVE:
        raise ValueError("points satisfaction needs cumulative ballots")
    m = len(election.ids)
    ids, costs = election.ids, election.costs
    votes = supporters(election)
    welfare = total_points(election) if sat == "points" else votes

    def score(p: int) -> Fraction | None:  # None: infinite
        total = votes[p] * costs[p] if sat == "cost" else welfare[p]
        if total <= 0:
            return Fraction(0)
        if costs[p] == 0:
            return None
        return Fraction(total, costs[p])

    funded = set(initial)
    scores = {p: score(p) for p in range(m) if p not in funded}
    order = sorted(scores, key=lambda p: (scores[p] is not None, -(scores[p] or 0), ids[p]))

    left = election.budget - sum(costs[p] for p in initial)
    if left < 0:
        raise ValueError("the projects already funded cost more than the budget")
    selected = list(initial)
    steps: list[Step] = []
    for p in order:
        s = scores[p]
        detail: dict[str, Value] = {"votes": votes[p]}
        if sat == "points":
            detail["points"] = welfare[p]
        if sat != "cost":
            detail["score"] = "infinite" if s is None else s
        if costs[p] <= left:
            left -= costs[p]
            selected.append(p)
            detail["left"] = left
            steps.append(Step(p, "funded", detail))
        else:
            detail.update(reason="does_not_fit", left=left, short=costs[p] - left)
            steps.append(Step(p, "skipped", detail))

    by = {
        "cost": "number of supporters",
        "card": "supporters per unit of cost",
        "points": "points per unit of cost",
    }[sat]
    notes = [
        f"Projects are considered by {by}, highest first; ties go to the smaller "
        "project id compared as text. Each project that fits in the money left is funded; "
        "one that does not fit is skipped and the next one is considered."
    ]
    if initial:
        notes.insert(
            0,
            f"{len(initial)} projects were already funded before the greedy walk "
            f"({', '.join(ids[p] for p in initial)}).",
        )
    return BudgetResult(
        rule=f"greedy_{sat}",
        ids=ids,
        costs=costs,
        budget=election.budget,
        selected=tuple(selected),
        steps=tuple(steps),
        notes=tuple(notes),
        extra={"sat": sat, "initial": list(initial), "left": left},
    )
