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

What makes it fast (the float work only has to find the right candidates; which project
wins is decided as above, so none of this changes an outcome):

* Each round looks at as few projects as it can: projects wait in line by a lower bound
  of their ρ, a look at one is a Newton step or two over its supporters' budgets
  (``_Runner._evaluate``), and one that cannot win the round is put back in line after
  a single step. Bounds on the money left settle some projects without a look.
* Add1 makes its runs in blocks from the top down (``_add1``): a run with one unit less
  per voter that funds the same projects in the same order has nowhere more money, so
  every ρ in it is at least the ρ one unit up, and the bounds that run ended each round
  with spare most looks. Only the run that is returned is made again with all the
  details the explanation shows; the others hold back the charges of their first rounds
  while nobody is capped in them, and take them off in one pass (``_Runner._look``).
"""

from __future__ import annotations

import heapq
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


def _dot(a: FloatArray, b: FloatArray) -> float:
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
        nb = len(election.ballots)
        lens = np.fromiter(map(len, election.ballots), dtype=np.intp, count=nb)
        total = int(lens.sum())
        flat_p = np.fromiter(chain.from_iterable(election.ballots), dtype=np.intp, count=total)
        flat_j = np.repeat(np.arange(nb, dtype=np.intp), lens)
        if sat == "points":
            flat_u = np.fromiter(chain.from_iterable(election.points or ()), dtype=np.int64,
                                 count=total)  # fmt: skip
            keep = flat_u > 0
            flat_p, flat_j, flat_u = flat_p[keep], flat_j[keep], flat_u[keep]
        elif sat == "cost":
            flat_u = np.array(election.costs, dtype=np.int64)[flat_p]
        else:
            flat_u = np.ones(len(flat_p), dtype=np.int64)
        self._flat = (flat_j, flat_p, flat_u)
        self._ballot_u: list[dict[int, int]] | None = None
        # (a stable sort of 16-bit keys is a radix sort: several times faster)
        keys = flat_p.astype(np.int16) if m < 2**15 else flat_p
        order = np.argsort(keys, kind="stable")
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
        # For the NumPy runner (see ``_Runner._evaluate``): per project a 2×n matrix
        # whose first row is cnt·u and whose second is written at each look (cnt·b), and
        # a scratch row as long (the capped mask)
        self.mat: list[FloatArray] = []
        self.scratch: list[FloatArray] = []
        self.gathered: list[FloatArray] = []
        if len(flat_p) > SMALL:
            for p in range(m):
                u_p = self.u_scalar[p]
                self.mat.append(np.stack((self.cw[p] if u_p is None else self.cnt[p] * u_p,
                                          self.cnt[p])))  # fmt: skip
            scratch = np.empty(max(len(i) for i in self.idx))
            self.scratch = [scratch[: len(i)] for i in self.idx]
            # and where each project's supporters' budgets are gathered (a look at a
            # project is good for its round: a charge comes at the end of one)
            gathered = np.empty(len(flat_p))
            self.gathered = [gathered[bounds[p] : bounds[p + 1]] for p in range(m)]
        #: the budgets of runs made without the explanation's details (one array for all)
        self.lite_budget: FloatArray | None = None
        #: the charges nobody was capped in that a run began with (project, ρ), and after
        #: each, what every distinct ballot had paid (see ``_Runner._look``)
        self.ref_charges: list[tuple[int, float]] = []
        self.ref_paid: list[FloatArray] = []
        self.ref_limit = max(1, 2**22 // max(1, len(election.ballots)))  # at most 32 MB
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
        #: per project: the most a supporter pays at ρ = cost/W (with a margin of 1e-9);
        #: when every budget is above it, nobody is capped and ρ is cost/W
        self.base_share: list[float] = [
            self.cost_scaled[p] / self.w_int[p] * self.max_u[p] * (1 + EPS)
            if self.w_int[p] > 0
            else math.inf
            for p in range(m)
        ]
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


@dataclass(slots=True)
class _Round:
    project: int
    rho: float  # in scaled money per unit of utility
    price: float  # the full share of a voter with utility 1 (cost/card) in scaled money
    votes: int
    #: how many voters paid all they had, or (voters per supporting ballot, their budgets
    #: after the round) to count them only if asked; 0 in a run made without the
    #: explanation's details (``lite``), which only says which projects win
    paid: int | tuple[FloatArray, FloatArray]
    exact: Fraction | None = None

    @property
    def paid_all(self) -> int:
        if not isinstance(self.paid, int):
            cnt, after = self.paid
            self.paid = int(round(_dot(cnt, (after == 0).astype(np.float64))))
        return self.paid

    @property
    def paid_full(self) -> int:
        return self.votes - self.paid_all


@dataclass
class _Run:
    voter_budget: int  # scaled (currency × n)
    prefunded: list[int]
    rounds: list[_Round]
    budgets: FloatArray | list[float]  # left per distinct ballot, scaled
    dropped: dict[int, int] = field(default_factory=dict)  # project -> round it was dropped
    #: per round, lower bounds of every project's ρ at its end (inf: cannot be funded)
    bounds: list[list[float]] = field(default_factory=list)

    @property
    def selected(self) -> list[int]:
        return self.prefunded + [r.project for r in self.rounds]


class _Runner:
    """One MES run at a given per-voter budget, floats first, exact when close.

    ``budget`` holds what each distinct ballot's voters have left. Each round looks at as
    few projects as it can: projects wait in line by a lower bound of their ρ (ρ only
    grows as budgets shrink), and a project is looked at (its supporters' budgets
    gathered) only when its bound is below the best ρ found so far in the round.
    """

    def __init__(self, prep: _Prepared, voter_budget: int) -> None:
        self.prep = prep
        self.b0 = voter_budget
        self.budget: FloatArray = np.empty(0)  # set by ``run``
        self.rounds: list[_Round] = []
        self.funded_round = [-1] * prep.m
        self._sig_cache: dict[tuple[tuple[int, int], ...], Fraction] = {}
        #: budgets of the supporters of the projects evaluated this round (for the charge)
        self._held: dict[int, FloatArray] = {}
        #: what the funded projects cost, and the most any one voter paid for them: every
        #: budget is at least b0 - paid_max, and since a project's supporters held
        #: ``seen_avail[p]`` they lost at most what was spent after (both scaled)
        self.spent = 0.0
        self.paid_max = 0.0
        #: every budget is above this (b0 - paid_max, with margins)
        self.floor = voter_budget * (1 - EPS)
        self.seen_avail = [float(v) * voter_budget for v in prep.votes]
        self.seen_spent = [0.0] * prep.m
        #: charges held back (see ``_look``), None once budgets have been looked at
        self._pending: list[tuple[int, float]] | None = []

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
        b = self._look()[prep.idx[p]]
        u = prep.u_scalar[p]
        return float(np.min(b - (rho * u if u is not None else rho * prep.u_arr[p])))

    def _exact_affordable(self, p: int, r: int) -> bool:
        groups = self._exact_groups(p, r)
        return sum(b * c for b, _, c in groups) >= self.prep.cost_scaled[p]

    # --- the run ------------------------------------------------------------------------
    def run(self, warm: _Run | None = None, lite: bool = False) -> _Run:
        """The run; ``warm``: the run one unit up (see ``_add1``); ``lite``: without what
        only the explanation uses (who paid all they had)."""
        prep = self.prep
        self.lite = lite
        self._start()
        #: per round, the lower bounds of ρ at its end (for a run with less money)
        self.bounds: list[list[float]] = []
        warm_rounds = warm.rounds if warm is not None else []
        warm_bounds = warm.bounds if warm is not None else []
        active: set[int] = set()
        prefunded: list[int] = []
        lb = [math.inf] * prep.m
        rank = prep.rank
        #: (lower bound of ρ, rank of the id, project): stale entries (lb since raised,
        #: project gone) are skipped when they come up
        heap: list[tuple[float, int, int]] = []
        dropped: dict[int, int] = {}
        for p in prep.id_order:
            if prep.w_int[p] <= 0:
                continue
            if prep.cost_scaled[p] == 0:
                prefunded.append(p)
                continue
            if prep.votes[p] * self.b0 < prep.cost_scaled[p]:
                dropped[p] = 0  # even with every supporter's whole budget
                continue
            active.add(p)
            lb[p] = prep.cost_scaled[p] / prep.w_int[p]
            heap.append((lb[p], rank[p], p))
        heapq.heapify(heap)
        heappop, heappush, up = heapq.heappop, heapq.heappush, 1 + EPS
        while active:
            r = len(self.rounds)
            self._held.clear()
            # ``warm`` had one unit more per voter: while the same projects were funded in
            # the same order, every budget here is at most what it was there (the price
            # is no lower and the budget no higher, round after round), so every ρ is at
            # least its ρ there, and the bounds ``warm`` ended this round with hold here.
            if r and warm_bounds:
                there = warm_rounds[r - 1].project if r <= len(warm_rounds) else -1
                if there != self.rounds[r - 1].project:
                    warm_bounds = []
            wb = warm_bounds[r] if r < len(warm_bounds) else None
            # Candidates come in order of (lower bound, id). Each is asked whether its ρ
            # is above the next one's bound (or the best ρ found): if so its bound rises
            # and it goes back in line, else its ρ is found. The round ends when the
            # best ρ is below every remaining bound.
            best = top = math.inf  # (top: best·(1 + EPS))
            evaluated: list[tuple[float, int]] = []
            while heap:
                low, _, p = heap[0]
                if p not in active or low != lb[p]:
                    heappop(heap)
                    continue
                if low > top:
                    break
                heappop(heap)
                while heap and (heap[0][2] not in active or heap[0][0] != lb[heap[0][2]]):
                    heappop(heap)
                stop = heap[0][0] * up if heap and heap[0][0] < best else top
                if wb is not None and wb[p] > low:
                    if wb[p] == math.inf:
                        active.remove(p)
                        dropped[p] = r
                        lb[p] = math.inf
                        continue
                    low = lb[p] = wb[p]
                    if low > stop:
                        heappush(heap, (low, rank[p], p))
                        continue
                    rho = self._evaluate(p, r, low, stop, probe=False)
                else:
                    rho = self._evaluate(p, r, low, stop)
                if rho is None:
                    active.remove(p)
                    dropped[p] = r
                    lb[p] = math.inf  # (bounds: it cannot be funded)
                    continue
                lb[p] = rho
                if rho > stop:  # a lower bound: back in line
                    heappush(heap, (rho, rank[p], p))
                    continue
                evaluated.append((rho, p))
                if rho < best:
                    best, top = rho, rho * up
            for rho, p in evaluated:
                heappush(heap, (rho, rank[p], p))
            del self.bounds[r:]  # (a round is gone through again after a drop)
            self.bounds.append(lb[:])
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
                            lb[p] = math.inf
                    continue  # (their heap entries are skipped from now on)
                winner = min(tied, key=lambda q: (exact_values[q], rank[q]))
                exact = exact_values[winner]
                rho_w = float(exact)
            self._fund(winner, rho_w, exact)
            active.remove(winner)
        return _Run(self.b0, prefunded, self.rounds, self.final_budgets(), dropped, self.bounds)

    def _start(self) -> None:
        prep = self.prep
        if self.lite:  # its budgets are not kept: one array serves every such run
            if prep.lite_budget is None:
                prep.lite_budget = np.empty(len(prep.election.ballots))
            self.budget = prep.lite_budget
            self.budget.fill(float(self.b0))
        else:
            self.budget = np.full(len(prep.election.ballots), float(self.b0))
            self._pending = None  # (charges are made as they come)

    def final_budgets(self) -> FloatArray | list[float]:
        return self._look()

    def _look(self) -> FloatArray:
        """The budgets, once the charges held back are made.

        A run without the explanation's details holds back the charges of its first
        rounds while nobody is capped in them: they are plain subtractions. The runs of
        Add1 mostly begin with the same ones (same projects at the same ρ), so what each
        distinct ballot paid for them is worked out once (``_Prepared.ref_paid``) and
        taken off every budget in one pass. (Sums of the same prices in another order
        may differ in the last bit: those runs only decide which projects win, and
        their decisions do not depend on it.)"""
        pending = self._pending
        if pending is None:
            return self.budget
        self._pending = None
        prep = self.prep
        ref, paid = prep.ref_charges, prep.ref_paid
        same = 0
        while same < min(len(ref), len(pending)) and ref[same] == pending[same]:
            same += 1
        while same == len(ref) < min(len(pending), prep.ref_limit):
            total = paid[-1].copy() if paid else np.zeros(len(self.budget))
            p, rho = pending[same]
            total[prep.idx[p]] += self._share(p, rho)
            ref.append(pending[same])
            paid.append(total)
            same += 1
        if same:
            np.subtract(float(self.b0), paid[same - 1], out=self.budget)
        for p, rho in pending[same:]:
            idx = prep.idx[p]
            self.budget[idx] = self.budget[idx] - self._share(p, rho)
        return self.budget

    def _share(self, p: int, rho: float) -> float | FloatArray:
        """What each of p's supporters pays at ρ when nobody is capped."""
        u = self.prep.u_scalar[p]
        return rho * u if u is not None else rho * self.prep.u_arr[p]

    def _evaluate(
        self, p: int, r: int, low: float, stop: float, probe: bool = True
    ) -> float | None:
        """p's ρ in floats (or, once it is clearly above ``stop``, a lower bound of it
        above ``stop``: p cannot win this round), or None when its supporters cannot
        afford it (checked exactly when close).

        ρ solves Σ cnt·min(b, ρ·u) = cost. Newton's method from ``low``, a lower bound
        (ρ only grows as budgets shrink): each step caps the supporters who cannot pay
        ρ·u and stays below the answer (the sum is concave in ρ), so it ends when the
        capped set stops growing. A step is one comparison and one product with the
        2×n matrix (cnt·u, cnt·b). With ``probe`` (and ``stop`` finite) the first step
        is taken from ``stop``: Newton's step from any point is a lower bound, so if it
        lands above ``stop`` that is all this round needs to know; without, ``low`` is
        known to be close (a bound from the run one unit up, or an earlier step)."""
        prep = self.prep
        cost = float(prep.cost_scaled[p])
        w = float(prep.w_int[p])
        # Margins of 1e-9 cover the float sums the bounds below come from
        if self.floor > prep.base_share[p]:
            return cost / w  # every supporter can pay its share of cost/W: nobody is capped
        mat = prep.mat[p]
        u = prep.u_scalar[p]
        ua = prep.u_arr[p]
        buf = prep.scratch[p]
        b = self._held.get(p)
        # affordable for sure (asked before in this round, or by the bound on what p's
        # supporters lost since their money was last counted)?
        sure = b is not None
        probe = probe and not sure  # (asked before: ``low`` is its last step, close)
        if b is None:
            b = self._held[p] = np.take(
                self._look(), prep.idx[p], out=prep.gathered[p], mode="wrap"
            )
            np.multiply(prep.cnt[p], b, out=mat[1])
            sure = self.seen_avail[p] - (self.spent - self.seen_spent[p]) * (1 + EPS) >= cost * (
                1 + EPS
            )
        rho = max(cost / w, low)
        capped_prev = -1.0
        if probe and stop < math.inf:
            np.less(b, stop * u if u is not None else stop * ua, out=buf, casting="unsafe")
            sums: list[float] = (mat @ buf).tolist()
            capped_w, capped_b = sums
            # the money p's supporters would give at ``stop`` is at most all they hold
            if not sure and capped_b + stop * (w - capped_w) < cost * (1 + EPS):
                if not self._affordable(p, r):
                    return None
            sure = True
            if w - capped_w > 0:
                step = (cost - capped_b) / (w - capped_w)
                if step > stop:
                    return step
                rho = max(rho, step)
                capped_prev = capped_w
        if not sure and not self._affordable(p, r):
            return None
        for _ in range(200):
            if u is not None:
                np.less(b, rho * u, out=buf, casting="unsafe")
            else:
                np.less(b, rho * ua, out=buf, casting="unsafe")
            sums = (mat @ buf).tolist()
            capped_w, capped_b = sums
            if w - capped_w <= 0:
                return float(np.max(b / (u if u is not None else ua)))
            step = (cost - capped_b) / (w - capped_w)
            if capped_w == capped_prev:  # the capped set did not grow: ρ solves the sum
                return step
            capped_prev = capped_w
            rho = step
            if rho > stop:
                return rho
        return rho  # pragma: no cover - converges in a few steps

    def _affordable(self, p: int, r: int) -> bool:
        """Whether p's supporters hold its cost (their budgets times cnt are in
        ``mat[p][1]``): in floats, exactly when close."""
        prep = self.prep
        cost = float(prep.cost_scaled[p])
        avail = float(np.add.reduce(prep.mat[p][1]))
        self.seen_avail[p] = avail
        self.seen_spent[p] = self.spent
        return avail >= cost * (1 + EPS) or (
            avail >= cost * (1 - EPS) and self._exact_affordable(p, r)
        )

    def _charge(self, p: int, rho: float) -> int | tuple[FloatArray, FloatArray]:
        """Charge p's supporters; return what counts those who paid all they had."""
        prep = self.prep
        idx = prep.idx[p]
        b = self._held.pop(p, None)
        if b is None and self._pending is not None and self.floor > rho * prep.max_u[p] * (1 + EPS):
            self._pending.append((p, rho))  # nobody is capped: made later (``_look``)
            return 0
        if b is None:
            b = self._look()[idx]
        u = prep.u_scalar[p]
        # max(b - share, 0) is 0 exactly when b <= share (a float difference is 0 only
        # between equal numbers)
        np.subtract(b, rho * u if u is not None else rho * prep.u_arr[p], out=b)
        np.maximum(b, 0.0, out=b)
        self.budget[idx] = b
        return 0 if self.lite else (prep.cnt[p], b.copy())  # (``b`` may be a shared buffer)

    def _fund(self, p: int, rho: float, exact: Fraction | None) -> None:
        prep = self.prep
        u = prep.u_scalar[p]
        paid = self._charge(p, rho)
        self.spent += prep.cost_scaled[p]
        self.paid_max += rho * prep.max_u[p]
        self.floor = self.b0 * (1 - EPS) - self.paid_max * (1 + EPS)
        self.funded_round[p] = len(self.rounds)
        self.rounds.append(
            _Round(p, rho, rho * (u if u is not None else 1.0), prep.votes[p], paid, exact)
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
        self._held = {}
        self.spent = self.paid_max = 0.0

    def _start(self) -> None:
        pass  # (``blist`` is made with the runner)

    def final_budgets(self) -> FloatArray | list[float]:
        return self.blist  # made an array only for the run whose result is returned

    def _min_slack(self, p: int, rho: float) -> float:
        budget = self.blist
        return min(budget[j] - rho * u for j, _, u in self.prep.rows[p])

    def _evaluate(
        self, p: int, r: int, low: float, stop: float, probe: bool = True
    ) -> float | None:
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
            return cost / w  # nobody is capped
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
            if rho > stop:
                return rho  # a lower bound: p cannot win this round
        return rho  # pragma: no cover - converges in a few steps

    def _charge(self, p: int, rho: float) -> int | tuple[FloatArray, FloatArray]:
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
            final, runs = _add1(prep, exhaustive_stop, bound_k)
            notes.append(
                f"Add1 completion{' with the exhaustiveness stop' if exhaustive_stop else ''}: "
                f"{runs} MES runs; the outcome used gives each voter "
                f"{Fraction(final.voter_budget, n)} (B/n + {(final.voter_budget - e.budget) // n})."
            )
    return _result(prep, rule, final, completion, notes, runs)


def _add1(prep: _Prepared, exhaustive_stop: bool, bound_k: int) -> tuple[_Run, int]:
    """Add1: the first run (per-voter budget B/n + k, k = 0, 1, ...) that is exhaustive
    (when ``exhaustive_stop``), or the one before the first that overspends; and how many
    runs that takes (as if made one by one).

    Runs are made in blocks of consecutive k from the top down: with one unit less per
    voter and the same projects funded so far, every budget is at most what it was one
    unit up, so every ρ is at least its ρ there, and the bounds a run ends its rounds with
    spare the next one down most of its looks at projects. A block may go past the stop
    (the runs past it are thrown away): blocks grow 1, 2, 4, 8, then 16."""
    e = prep.election
    n = prep.n

    def done(run: _Run) -> bool:
        return exhaustive_stop and _exhaustive(e, run.selected)

    prev = _runner(prep, e.budget).run(lite=True)
    k, runs, size = 0, 1, 1
    while not done(prev):
        top = min(k + size, bound_k)
        if top <= k:
            break
        block: list[_Run] = []
        warm: _Run | None = None
        for j in range(top, k, -1):
            cur = _runner(prep, e.budget + j * n).run(warm, lite=True)
            if warm is not None:
                warm.bounds = []  # (used: only the run just below needs them)
            warm = cur
            block.append(cur)
        stopped = False
        for cur in reversed(block):
            runs += 1
            if _total(e, cur.selected) > e.budget:
                stopped = True
                break
            prev = cur
            if done(prev):
                stopped = True
                break
        if stopped:
            break
        k, size = top, min(2 * size, 16)
    # the chosen run again, with everything the explanation shows
    return _runner(prep, prev.voter_budget).run(), runs


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
    held = [_dot(prep.cnt[p], budgets[prep.idx[p]]) for p in range(prep.m)]
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
