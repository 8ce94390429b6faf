"""The Method of Equal Shares (MES), with the Add1 completions cities use.

Rules (names as in ``shared/data/pb/README.md``):

* ``mes(e, "cost")``, ``mes(e, "card")``, ``mes(e, "points")``: plain MES with cost,
  cardinality or points satisfaction, no completion.
* ``completion="add1"`` (``mes_cost_add1``, equalshares.net "add1e"): raise every voter's
  budget by one currency unit and rerun MES from scratch until the outcome is exhaustive
  (return it) or overspends the budget (return the previous outcome).
* ``completion="add1_overspend"`` (``mes_cost_add1_overspend``, equalshares.net "add1"): the
  same without the exhaustiveness stop.
* ``completion="add1_greedy"`` (``mes_cost_add1_greedy``, "add1eu"): ``add1``, then greedy by
  number of supporters from what is left of the budget.

How it is computed: identical ballots are merged, and money is counted in units of
1/n currency (n = number of voters) so every voter's starting budget ``B/n + k`` is the
whole number ``B + k·n``. A run works in floats (NumPy, per distinct ballot) to find
each round's candidates; whenever two candidates' ρ are within 1e-9 of each other, or a
project's supporters hold within 1e-9 of its cost, the decision is made again in exact
rationals (``Fraction``), replaying the exact prices of the earlier rounds the
supporters paid for. Ties that remain exact go to the smaller project id as a string.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain
from operator import mul
from typing import Any

import numpy as np
import numpy.typing as npt

from .election import CUMULATIVE, Election
from .result import BudgetResult, Step, Value

EPS = 1e-9
SATS = ("cost", "card", "points")
COMPLETIONS = (None, "add1", "add1_overspend", "add1_greedy")

FloatArray = npt.NDArray[np.float64]


def _dot(a: FloatArray, b: npt.NDArray[Any]) -> float:
    """Σ a·b. OpenBLAS splits dot products longer than 10,000 over threads, whose start-up
    and spinning cost far more than they save here: long vectors go through einsum."""
    if len(a) > 8192:
        return float(np.einsum("i,i->", a, b))
    return float(np.dot(a, b))


IntArray = npt.NDArray[np.intp]


class _Prepared:
    """What every MES run on one election shares (supporters, utilities, scaled costs)."""

    def __init__(self, election: Election, sat: str) -> None:
        if sat not in SATS:
            raise ValueError(f"unknown satisfaction {sat!r}: choose cost, card or points")
        if sat == "points" and election.kind != CUMULATIVE:
            raise ValueError("points satisfaction needs cumulative ballots")
        self.election = election
        self.sat = sat
        m = len(election.ids)
        self.m = m
        self.n = election.voters
        counts = np.array(election.counts, dtype=np.int64)
        lens = [len(b) for b in election.ballots]
        flat_p = np.fromiter(chain.from_iterable(election.ballots), dtype=np.intp, count=sum(lens))
        flat_j = np.repeat(np.arange(len(lens), dtype=np.intp), lens)
        if sat == "points":
            flat_u = np.fromiter(chain.from_iterable(election.points or ()), dtype=np.int64,
                                 count=sum(lens))  # fmt: skip
            keep = flat_u > 0
            flat_p, flat_j, flat_u = flat_p[keep], flat_j[keep], flat_u[keep]
        elif sat == "cost":
            flat_u = np.array(election.costs, dtype=np.int64)[flat_p]
        else:
            flat_u = np.ones(len(flat_p), dtype=np.int64)
        self._flat = (flat_j, flat_p, flat_u)
        self._ballot_u: list[dict[int, int]] | None = None
        order = np.argsort(flat_p, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(flat_p, minlength=m))))
        sj, su = flat_j[order], flat_u[order]
        self.idx: list[IntArray] = [sj[bounds[p] : bounds[p + 1]] for p in range(m)]
        uts = [su[bounds[p] : bounds[p + 1]] for p in range(m)]
        cnt_all = counts.astype(np.float64)
        self.cnt: list[FloatArray] = [cnt_all[i] for i in self.idx]
        self.cnt_i: list[npt.NDArray[np.int64]] = [counts[i] for i in self.idx]
        self.w_int: list[int] = [int(np.dot(c, u)) for c, u in zip(self.cnt_i, uts, strict=True)]
        #: utility: a scalar (cost, card) or one value per supporter (points)
        self.u_scalar: list[float | None] = [
            None if sat == "points" else float(election.costs[p] if sat == "cost" else 1)
            for p in range(m)
        ]
        self.u_arr: list[FloatArray] = [
            u.astype(np.float64) if sat == "points" else np.empty(0) for u in uts
        ]
        self.cw: list[FloatArray] = [
            self.cnt[p] * self.u_arr[p] if sat == "points" else np.empty(0) for p in range(m)
        ]
        self.votes = [int(c.sum()) for c in self.cnt_i]
        #: per project: the largest utility a supporter has for it (for error margins)
        self.max_u: list[float] = [float(u.max()) if len(u) else 0.0 for u in uts]
        self.pairs = len(flat_p)
        #: per project: (ballot, voters, utility) of each supporting ballot, as Python lists
        self.rows: list[list[tuple[int, float, float]]] = (
            [
                list(zip(i.tolist(), c.tolist(), u.tolist(), strict=True))
                for i, c, u in zip(self.idx, self.cnt, uts, strict=True)
            ]
            if self.pairs <= SMALL
            else []
        )
        #: the same split by field, for C-level sums
        self.rows_j: list[list[int]] = [[j for j, _, _ in row] for row in self.rows]
        self.rows_c: list[list[float]] = [[c for _, c, _ in row] for row in self.rows]
        self.cost_scaled = [c * self.n for c in election.costs]
        self.id_order = sorted(range(m), key=lambda p: election.ids[p])
        self.rank = [0] * m
        for r, p in enumerate(self.id_order):
            self.rank[p] = r

    @property
    def ballot_u(self) -> list[dict[int, int]]:
        """Per distinct ballot: project -> utility (for the exact replay; built on demand)."""
        if self._ballot_u is None:
            rows: list[dict[int, int]] = [{} for _ in self.election.ballots]
            for j, p, u in zip(*(a.tolist() for a in self._flat), strict=True):
                rows[j][p] = u
            self._ballot_u = rows
        return self._ballot_u


@dataclass
class _Round:
    project: int
    rho: float  # in scaled money per unit of utility
    price: float  # the full share of a voter with utility 1 (cost/card) in scaled money
    paid_full: int
    paid_all: int
    exact: Fraction | None = None


@dataclass
class _Run:
    voter_budget: int  # scaled (currency × n)
    prefunded: list[int]
    rounds: list[_Round]
    budgets: FloatArray | list[float]  # left per distinct ballot, scaled
    dropped: dict[int, int] = field(default_factory=dict)  # project -> round it was dropped

    @property
    def selected(self) -> list[int]:
        return self.prefunded + [r.project for r in self.rounds]


def _float_rho(cost: float, w: float, b: FloatArray, cnt: FloatArray, cb: FloatArray | None,
               u: float | None, ua: FloatArray, cw: FloatArray, low_rho: float) -> float:  # fmt: skip
    """Smallest ρ with Σ cnt·min(b, ρ·u) = cost (``cb`` = cnt·b, computed here when
    None and needed; ``cw`` = cnt·u).

    Starts from ``low_rho``, a lower bound (ρ only grows as budgets shrink): each step
    caps the voters who cannot pay ρ·u and stays below the answer, so it converges."""
    rho = max(cost / w, low_rho)
    low = float(b.min())
    if u is not None and low >= rho * u:
        return rho
    ncap = -1
    for _ in range(200):
        mask = b < rho * u if u is not None else b < rho * ua
        k = int(np.count_nonzero(mask))
        if k == ncap:
            return rho
        ncap = k
        capped_w = float(_dot(cnt, mask)) * u if u is not None else float(_dot(cw, mask))
        if w - capped_w <= 0:
            return float(np.max(b / (u if u is not None else ua)))
        if cb is None:
            cb = cnt * b
        rho = (cost - float(_dot(cb, mask))) / (w - capped_w)
    return rho  # pragma: no cover - converges in a few steps


class _Runner:
    """One MES run at a given per-voter budget, floats first, exact when close.

    Voters whose ballots meet the funded projects in the same way (and were charged the
    same) hold the same budget: they form a class. ``cls`` gives each distinct ballot its
    class, ``cbudget`` each class's budget; funding a project moves its supporters into
    new classes. A project's supporters are then a handful of (class, utility) groups.
    """

    def __init__(self, prep: _Prepared, voter_budget: int) -> None:
        self.prep = prep
        self.b0 = voter_budget
        self.budget = np.full(len(prep.election.ballots), float(voter_budget))
        self.rounds: list[_Round] = []
        self.funded_round = [-1] * prep.m
        self._sig_cache: dict[tuple[tuple[int, int], ...], Fraction] = {}

    # --- exact replay -------------------------------------------------------------------
    def _exact_round_rho(self, s: int) -> Fraction:
        rnd = self.rounds[s]
        if rnd.exact is None:
            value = self._exact_rho(rnd.project, s)
            if value is None:  # pragma: no cover - a funded project was affordable
                raise RuntimeError("exact replay disagrees with the run")
            rnd.exact = value
        return rnd.exact

    def _exact_budget(self, sig: tuple[tuple[int, int], ...]) -> Fraction:
        cached = self._sig_cache.get(sig)
        if cached is None:
            b = Fraction(self.b0)
            for s, u in sig:
                b -= min(b, self._exact_round_rho(s) * u)
            cached = self._sig_cache[sig] = b
        return cached

    def _exact_groups(self, p: int, r: int) -> list[tuple[Fraction, int, int]]:
        """(exact budget, utility for p, voters) of p's supporters before round r."""
        prep = self.prep
        groups: dict[tuple[tuple[tuple[int, int], ...], int], int] = {}
        for j, c in zip(prep.idx[p].tolist(), prep.cnt_i[p].tolist(), strict=True):
            row = prep.ballot_u[j]
            sig = tuple(
                sorted((self.funded_round[q], u) for q, u in row.items()
                       if 0 <= self.funded_round[q] < r)
            )  # fmt: skip
            key = (sig, row[p])
            groups[key] = groups.get(key, 0) + c
        return [(self._exact_budget(sig), u, c) for (sig, u), c in groups.items()]

    def _exact_rho(self, p: int, r: int) -> Fraction | None:
        groups = self._exact_groups(p, r)
        cost = self.prep.cost_scaled[p]
        if sum(b * c for b, _, c in groups) < cost:
            return None
        groups.sort(key=lambda g: g[0] / g[1])
        paid: Fraction = Fraction(0)
        denom = self.prep.w_int[p]
        for b, u, c in groups:
            rho = (cost - paid) / denom
            if rho * u <= b:
                return rho
            paid += b * c
            denom -= u * c
        return None  # pragma: no cover - affordable projects return above

    def _base_rho(self, p: int) -> Fraction | None:
        """p's exact ρ when every supporter can clearly pay cost/W·u (then ρ is cost/W
        exactly: nobody is capped), else None. The float budgets are within far less than
        the margin of the exact ones."""
        prep = self.prep
        base = prep.cost_scaled[p] / prep.w_int[p]
        slack = self._min_slack(p, base)
        if slack > 1e-7 * (self.b0 + base * prep.max_u[p]):
            return Fraction(prep.cost_scaled[p], prep.w_int[p])
        return None

    def _min_slack(self, p: int, rho: float) -> float:
        """min over p's supporters of (budget − ρ·u), in floats."""
        prep = self.prep
        b = self.budget[prep.idx[p]]
        u = prep.u_scalar[p]
        return float(np.min(b - (rho * u if u is not None else rho * prep.u_arr[p])))

    def _exact_affordable(self, p: int, r: int) -> bool:
        groups = self._exact_groups(p, r)
        return sum(b * c for b, _, c in groups) >= self.prep.cost_scaled[p]

    # --- the run ------------------------------------------------------------------------
    def run(self) -> _Run:
        prep = self.prep
        active: list[int] = []
        prefunded: list[int] = []
        lb = [math.inf] * prep.m
        for p in prep.id_order:
            if prep.w_int[p] <= 0:
                continue
            if prep.cost_scaled[p] == 0:
                prefunded.append(p)
                continue
            active.append(p)
            lb[p] = prep.cost_scaled[p] / prep.w_int[p]
        dropped: dict[int, int] = {}
        rank = prep.rank
        while active:
            r = len(self.rounds)
            # ``active`` stays in id order; a stable sort by lb then orders by (lb, id)
            best = math.inf
            evaluated: list[tuple[float, int]] = []
            for p in sorted(active, key=lb.__getitem__):
                if lb[p] > best * (1 + EPS):
                    break
                rho = self._evaluate(p, r, lb[p])
                if rho is None:
                    active.remove(p)
                    dropped[p] = r
                    continue
                lb[p] = rho
                evaluated.append((rho, p))
                best = min(best, rho)
            if not evaluated:
                break
            tied = [p for rho, p in evaluated if rho <= best * (1 + EPS)]
            exact: Fraction | None = None
            if len(tied) == 1:
                winner = tied[0]
                rho_w = lb[winner]
            else:
                values = {p: self._base_rho(p) or self._exact_rho(p, r) for p in tied}
                exact_values = {p: v for p, v in values.items() if v is not None}
                if len(exact_values) < len(tied):  # pragma: no cover - caught by the check above
                    for p in tied:
                        if p not in exact_values:
                            active.remove(p)
                            dropped[p] = r
                    continue
                winner = min(tied, key=lambda q: (exact_values[q], rank[q]))
                exact = exact_values[winner]
                rho_w = float(exact)
            self._fund(winner, rho_w, exact)
            active.remove(winner)
        return _Run(self.b0, prefunded, self.rounds, self.final_budgets(), dropped)

    def final_budgets(self) -> FloatArray | list[float]:
        return self.budget

    def _evaluate(self, p: int, r: int, low: float) -> float | None:
        """p's ρ in floats, or None when its supporters cannot afford it (checked exactly
        when close)."""
        prep = self.prep
        b = self.budget[prep.idx[p]]
        cnt = prep.cnt[p]
        cost = float(prep.cost_scaled[p])
        avail = float(_dot(cnt, b))
        if avail < cost * (1 - EPS) or (
            avail < cost * (1 + EPS) and not self._exact_affordable(p, r)
        ):
            return None
        return _float_rho(cost, float(prep.w_int[p]), b, cnt, None, prep.u_scalar[p],
                          prep.u_arr[p], prep.cw[p], low)  # fmt: skip

    def _charge(self, p: int, rho: float) -> int:
        """Charge p's supporters; return how many paid all they had."""
        prep = self.prep
        idx = prep.idx[p]
        b = self.budget[idx]
        u = prep.u_scalar[p]
        share = rho * u if u is not None else rho * prep.u_arr[p]
        capped = b <= share
        self.budget[idx] = np.where(capped, 0.0, b - share)
        return int(round(float(_dot(prep.cnt[p], capped))))

    def _fund(self, p: int, rho: float, exact: Fraction | None) -> None:
        prep = self.prep
        u = prep.u_scalar[p]
        paid_all = self._charge(p, rho)
        self.funded_round[p] = len(self.rounds)
        self.rounds.append(
            _Round(
                p,
                rho,
                rho * (u if u is not None else 1.0),
                prep.votes[p] - paid_all,
                paid_all,
                exact,
            )  # fmt: skip
        )


class _SmallRunner(_Runner):
    """The same run with Python lists: faster than NumPy calls on small elections."""

    def __init__(self, prep: _Prepared, voter_budget: int) -> None:
        self.prep = prep
        self.b0 = voter_budget
        self.rounds = []
        self.funded_round = [-1] * prep.m
        self._sig_cache = {}
        self.blist = [float(voter_budget)] * len(prep.election.ballots)

    def final_budgets(self) -> FloatArray | list[float]:
        return self.blist  # made an array only for the run whose result is returned

    def _min_slack(self, p: int, rho: float) -> float:
        budget = self.blist
        return min(budget[j] - rho * u for j, _, u in self.prep.rows[p])

    def _evaluate(self, p: int, r: int, low: float) -> float | None:
        prep = self.prep
        budget = self.blist
        rows = prep.rows[p]
        cost = float(prep.cost_scaled[p])
        held = list(map(budget.__getitem__, prep.rows_j[p]))
        avail = sum(map(mul, prep.rows_c[p], held))
        if avail < cost * (1 - EPS) or (
            avail < cost * (1 + EPS) and not self._exact_affordable(p, r)
        ):
            return None
        w = float(prep.w_int[p])
        rho = max(cost / w, low)
        u_p = prep.u_scalar[p]
        if u_p is not None and min(held) >= rho * u_p:
            return rho  # nobody is capped (as in ``_float_rho``)
        ncap = -1
        for _ in range(200):
            capped = [(c, u, b) for (_, c, u), b in zip(rows, held, strict=True) if b < rho * u]
            if len(capped) == ncap:
                return rho
            ncap = len(capped)
            capped_w = sum(c * u for c, u, _ in capped)
            if w - capped_w <= 0:
                return max(budget[j] / u for j, _, u in rows)
            rho = (cost - sum(c * b for c, _, b in capped)) / (w - capped_w)
        return rho  # pragma: no cover - converges in a few steps

    def _charge(self, p: int, rho: float) -> int:
        budget = self.blist
        paid_all = 0.0
        for j, c, u in self.prep.rows[p]:
            share = rho * u
            if budget[j] <= share:
                budget[j] = 0.0
                paid_all += c
            else:
                budget[j] -= share
        return int(round(paid_all))


#: below this many (ballot, project) pairs a run uses Python lists instead of NumPy
SMALL = 4000


def _runner(prep: _Prepared, voter_budget: int) -> _Runner:
    if prep.pairs <= SMALL:
        return _SmallRunner(prep, voter_budget)
    return _Runner(prep, voter_budget)


def _total(e: Election, projects: list[int]) -> int:
    return sum(e.costs[p] for p in projects)


def _exhaustive(e: Election, projects: list[int]) -> bool:
    left = e.budget - _total(e, projects)
    chosen = set(projects)
    return all(e.costs[p] > left for p in range(len(e.ids)) if p not in chosen)


def _money(scaled: float, n: int) -> str:
    return f"{scaled / n:.2f}"


def mes(election: Election, sat: str = "cost", completion: str | None = None) -> BudgetResult:
    """The Method of Equal Shares; see the module docstring for the variants."""
    if completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}")
    prep = _Prepared(election, sat)
    e = election
    n = prep.n
    rule = f"mes_{sat}" + (f"_{completion}" if completion else "")
    notes: list[str] = []
    runs = 1
    if n == 0:
        final = _Run(0, [], [], np.zeros(len(e.ballots)), {})
    elif completion is None:
        final = _runner(prep, e.budget).run()
    else:
        exhaustive_stop = completion != "add1_overspend"
        supported = [p for p in range(prep.m) if prep.w_int[p] > 0]
        bound_k = e.budget  # pabutools' default bound: budget B·(n+1), steps of n
        if not exhaustive_stop and _total(e, supported) <= e.budget:
            # Every supported project fits: no outcome can overspend, so the loop runs to
            # its bound; its last run (per-voter budget B/n + B) funds every supported one.
            final = _runner(prep, e.budget + bound_k * n).run()
            notes.append(
                "All supported projects fit in the budget together, so Add1 never "
                "overspends: as pabutools does, the per-voter budget is raised to its bound "
                "(B/n + B) and every supported project is funded. (equalshares.net would "
                "skip Add1 here and return plain MES.)"
            )
        else:
            k = 0
            prev = _runner(prep, e.budget).run()
            final = prev
            while True:
                if exhaustive_stop and _exhaustive(e, prev.selected):
                    final = prev
                    break
                k += 1
                if k > bound_k:
                    final = prev
                    break
                cur = _runner(prep, e.budget + k * n).run()
                runs += 1
                if _total(e, cur.selected) > e.budget:
                    final = prev
                    break
                prev = cur
            notes.append(
                f"Add1 completion{' with the exhaustiveness stop' if exhaustive_stop else ''}: "
                f"{runs} MES runs; the outcome used gives each voter "
                f"{Fraction(final.voter_budget, n)} (B/n + {(final.voter_budget - e.budget) // n})."
            )
    return _result(prep, rule, final, completion, notes, runs)


def _result(prep: _Prepared, rule: str, run: _Run, completion: str | None, notes: list[str],
            runs: int) -> BudgetResult:  # fmt: skip
    e = prep.election
    n = max(prep.n, 1)
    steps: list[Step] = []
    for p in run.prefunded:
        steps.append(Step(p, "funded", {"reason": "costs_nothing", "votes": prep.votes[p]}))
    for i, rnd in enumerate(run.rounds):
        detail: dict[str, Value] = {
            "round": i + 1,
            "votes": prep.votes[rnd.project],
            "rho": rnd.exact / n if rnd.exact is not None else f"{rnd.rho / n:.6g}",
            "price": _money(rnd.price, n),
            "paid_full": rnd.paid_full,
            "paid_all": rnd.paid_all,
        }
        steps.append(Step(rnd.project, "funded", detail))
    selected = run.selected
    budgets = np.asarray(run.budgets, dtype=np.float64)
    held = [float(prep.cnt[p] @ budgets[prep.idx[p]]) for p in range(prep.m)]
    if completion == "add1_greedy":
        left = e.budget - _total(e, selected)
        chosen = set(selected)
        order = sorted(range(prep.m), key=lambda q: (-prep.votes[q], e.ids[q]))
        for p in order:
            if p in chosen:
                continue
            if e.costs[p] <= left:
                left -= e.costs[p]
                selected.append(p)
                chosen.add(p)
                steps.append(Step(p, "funded", {"by": "greedy", "votes": prep.votes[p],
                                                 "left": left}))  # fmt: skip
        notes.append("Then greedy by number of supporters, skipping projects that do not fit.")
    chosen = set(selected)
    for p in sorted(range(prep.m), key=lambda q: e.ids[q]):
        if p in chosen:
            continue
        detail = {
            "reason": "supporters_could_not_afford" if prep.w_int[p] > 0 else "no_supporters",
            "held": _money(held[p], n),
            "cost": e.costs[p],
            "votes": prep.votes[p],
        }
        if p in run.dropped:
            detail["dropped_round"] = run.dropped[p] + 1
        if completion == "add1_greedy":
            detail["left"] = e.budget - _total(e, selected)
        steps.append(Step(p, "not_funded", detail))
    notes.insert(0, "Money amounts in the explanation are rounded to 0.01; decisions are exact.")
    extra: dict[str, Any] = {
        "voter_budget": Fraction(run.voter_budget, n),
        "runs": runs,
        "left_by_ballot": tuple(np.round(budgets / n, 2).tolist()),
        "held_by_project": tuple(round(h / n, 2) for h in held),
    }
    return BudgetResult(rule, e.ids, e.costs, e.budget, tuple(selected), tuple(steps),
                        tuple(notes), extra)  # fmt: skip
