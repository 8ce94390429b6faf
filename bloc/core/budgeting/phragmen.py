"""Sequential Phragmén for participatory budgeting (as pabutools 1.2.3 computes it).

Every voter carries a load, 0 at first. Each round, for every project not yet funded
(whose cost is at most the budget), the new maximal load of its supporters would be
``t_p = (Σ loads of its supporters + cost(p)) / #supporters``; the project with the
smallest ``t_p`` is funded (ties: smaller id as a string) and its supporters' loads all
become ``t_p``. The rule stops as soon as that project, or any project tied with it, no
longer fits in what is left of the budget: it does not skip and go on. Projects nobody
supports have ``t_p = ∞`` and come last.

Loads take few distinct values (one per round), so each distinct ballot keeps the
number of the round that set its load; ``t_p`` is computed in floats for all projects
at once and, when candidates are within 1e-9 of each other, again exactly (Fractions).
Ballots are read as approval ballots (a ranked or points ballot supports the projects
it names).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .election import APPROVAL, Election
from .result import BudgetResult, Step, Value

EPS = 1e-9


def phragmen(election: Election) -> BudgetResult:
    e = election
    m = len(e.ids)
    sup: list[list[int]] = [[] for _ in range(m)]
    for j, ballot in enumerate(e.ballots):
        for p in ballot:
            sup[p].append(j)
    counts = np.array(e.counts, dtype=np.int64)
    votes = [int(counts[s].sum()) if s else 0 for s in sup]
    flat = np.array([j for s in sup for j in s], dtype=np.intp)
    owner = np.repeat(np.arange(m), [len(s) for s in sup])
    cnt_flat = counts[flat].astype(np.float64)
    costs_f = np.array(e.costs, dtype=np.float64)
    votes_f = np.array(votes, dtype=np.float64)
    # load of each distinct ballot: an index into values (0: load 0)
    load_id = np.zeros(len(e.ballots), dtype=np.intp)
    values: list[Fraction] = [Fraction(0)]
    values_f = [0.0]
    rank = {p: r for r, p in enumerate(sorted(range(m), key=lambda q: e.ids[q]))}
    remaining = {p for p in range(m) if e.costs[p] <= e.budget}
    spent = 0
    selected: list[int] = []
    steps: list[Step] = []
    stop_detail: tuple[list[int], Value] | None = None

    sup_arr = [np.array(s, dtype=np.intp) for s in sup]
    sup_cnt = [counts[a] for a in sup_arr]

    def exact_t(p: int) -> Fraction:
        ids = load_id[sup_arr[p]]
        per: dict[int, int] = {}
        if len(ids) > 200:
            bins = np.bincount(ids, weights=sup_cnt[p], minlength=len(values)).tolist()
            per = {i: int(c) for i, c in enumerate(bins) if c}
        else:
            for i, c in zip(ids.tolist(), sup_cnt[p].tolist(), strict=True):
                per[i] = per.get(i, 0) + c
        total = sum((values[i] * c for i, c in per.items() if i), Fraction(0))
        return (total + e.costs[p]) / votes[p]

    while remaining:
        vals = np.asarray(values_f)[load_id[flat]] * cnt_flat
        sums = np.bincount(owner, weights=vals, minlength=m)
        t_all = np.where(votes_f > 0, (sums + costs_f) / np.maximum(votes_f, 1), math.inf)
        cand = sorted(remaining, key=lambda q: (t_all[q], rank[q]))
        best = float(t_all[cand[0]])
        if math.isinf(best):
            tied = cand
            exact: Fraction | None = None
        else:
            close = [q for q in cand if t_all[q] <= best * (1 + EPS)]
            if len(close) > 1:
                ex = {q: exact_t(q) for q in close}
                low = min(ex.values())
                tied = [q for q in close if ex[q] == low]
                exact = low
            else:
                tied = close
                exact = exact_t(close[0])
        if any(spent + e.costs[q] > e.budget for q in tied):
            over = [q for q in tied if spent + e.costs[q] > e.budget]
            stop_detail = (over, e.budget - spent)
            break
        winner = min(tied, key=lambda q: rank[q])
        remaining.discard(winner)
        spent += e.costs[winner]
        selected.append(winner)
        detail: dict[str, Value] = {"round": len(selected), "votes": votes[winner],
                                    "left": e.budget - spent}  # fmt: skip
        if exact is not None:
            values.append(exact)
            values_f.append(float(exact))
            load_id[sup_arr[winner]] = len(values) - 1
            detail["load"] = exact
        steps.append(Step(winner, "funded", detail))
    chosen = set(selected)
    stopper = set(stop_detail[0]) if stop_detail else set()
    for p in sorted(range(m), key=lambda q: e.ids[q]):
        if p in chosen:
            continue
        if e.costs[p] > e.budget:
            reason = "costs_more_than_budget"
        elif p in stopper:
            reason = "stopped_here_does_not_fit"
        else:
            reason = "not_reached"
        steps.append(Step(p, "not_funded", {"reason": reason, "votes": votes[p],
                                            "left": e.budget - spent}))  # fmt: skip
    notes = ["Sequential Phragmén stops at the first project that does not fit (no skipping)."]
    if e.kind != APPROVAL:
        notes.append("Ballots read as approval ballots: a voter supports every project she names.")
    return BudgetResult("phragmen", e.ids, e.costs, e.budget, tuple(selected), tuple(steps),
                        tuple(notes), {})  # fmt: skip
