"""Proportional committees from approval ballots: seq-Phragmén and Equal Shares.

Each rule is defined exactly as abcvoting 2.19.2 defines rules ``seqphragmen`` and
``equal-shares`` (the reference in ``shared/data/ranked``), in
exact arithmetic: integers, and rationals kept as integer numerators over one common
denominator (reduced by their gcd after every step), never floats. ``n`` is every
voter, empty ballots included; ``k`` the seats.

* **seq-Phragmén** — seats are filled one at a time. Every voter carries a load (0 at
  the start). Electing ``c`` costs 1, spread so that all of ``c``'s supporters end with
  the same load: (their current loads summed + 1) / supporters. The candidate for
  whom this new load is smallest is elected and its supporters' loads set to it.
* **Equal Shares** (the Method of Equal Shares, Rule X) — each voter starts with a
  budget of k/n. Electing ``c`` costs 1, paid by its supporters: each pays the same
  price ρ, or all they have left if that is less, so that the payments sum to 1. The
  affordable candidate (supporters holding at least 1 together) with the lowest ρ is
  elected and paid for. When no candidate is affordable and seats are left, the
  committee is **completed by seq-Phragmén** (abcvoting's default completion),
  starting each voter's load at minus their unspent budget.

Ties. Where several candidates are equally good in a sequential rule, the count first
checks whether it matters: if every way of breaking this tie and every later one ends
in the same committee (the search abcvoting makes with ``resolute=False``), the
lowest-numbered tied candidate is taken and a note says so, with no lot. Otherwise the
count's seeded ``Lot`` draws among them and the draw is recorded as a ``TieBreak``.
``Result.seed`` is set only if a lot was drawn. Candidates nobody
approves come after every approved one (abcvoting gives them a load above any real
one); once only they are left, they tie.

Distinct ballots are merged first, so the cost depends on the distinct approval sets,
not on the number of voters.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from bloc.core.tally.ballots import ApprovalProfile, BoolArray, IntArray, sum_by
from bloc.core.tally.result import (
    REASON_LOWEST_LOAD,
    REASON_LOWEST_PRICE,
    TIEBREAK_LOT,
    Result,
    Round,
    TieBreak,
)
from bloc.core.tally.tiebreak import DEFAULT_SEED, Lot

ObjArray = npt.NDArray[np.object_]

#: A tie in a sequential rule counts as immaterial only if the search of every way of
#: breaking it (and later ties) settles within this many distinct states; otherwise
#: it is treated as material and drawn by lot.
LOOKAHEAD_STATES = 10_000


class Voters:
    """The distinct non-empty approval sets of a profile, with exact integer weights."""

    def __init__(self, profile: ApprovalProfile) -> None:
        approvals, counts, empty = merge_approvals(profile)
        self.m = profile.num_candidates
        self.total = profile.total
        self.empty = empty
        self.approvals: BoolArray = approvals
        self.counts: IntArray = counts
        # Python ints in object arrays: sums of loads and budgets may outgrow int64.
        self.weights: ObjArray = counts.astype(object)
        self.columns: ObjArray = approvals.astype(np.int64).astype(object)
        self.support = tuple(int(v) for v in counts @ approvals.astype(np.int64))


def merge_approvals(profile: ApprovalProfile) -> tuple[BoolArray, IntArray, int]:
    """Identical approval sets merged, empty ones dropped; and the voters approving nobody.

    Each set is encoded as an integer (bit ``c`` = approves ``c``); up to 20 candidates
    the voters are counted per code directly, up to 62 after sorting the codes.
    """
    approvals = np.asarray(profile.approvals)
    counts = np.asarray(profile.counts)
    rows, m = approvals.shape
    if rows == 0:
        return approvals, counts.astype(np.int64), 0
    if m <= 62:
        bits = np.int64(1) << np.arange(m, dtype=np.int64)
        keys = approvals.astype(np.int64) @ bits
        if m <= 20:
            per_key = sum_by(keys, counts, 1 << m)
            codes = np.flatnonzero(per_key)
            merged = per_key[codes]
        else:
            codes, inverse = np.unique(keys, return_inverse=True)
            merged = sum_by(inverse.reshape(-1), counts, codes.shape[0])
        distinct: BoolArray = (codes[:, None] & bits) != 0
    else:
        distinct, inverse = np.unique(approvals, axis=0, return_inverse=True)
        merged = sum_by(inverse.reshape(-1), counts, distinct.shape[0])
    voting = distinct.any(axis=1)
    return distinct[voting], merged[voting], int(merged[~voting].sum())


def _reduced(num: ObjArray, den: int) -> tuple[ObjArray, int]:
    """``num / den`` with the common factor of all numerators and the denominator removed."""
    g = math.gcd(den, *num.tolist())
    if g > 1:
        return num // g, den // g
    return num, den


class _State:
    """A point in a sequential count: the committee so far and what each voter holds.

    ``values()`` gives each candidate's measure for the next seat (lower wins; ``None``
    for a candidate already elected or not eligible), ``choose(c)`` the state after
    electing ``c``, ``settle()`` the state in which the next seat is filled (Equal
    Shares hands over to seq-Phragmén there), ``key()`` a canonical identity.
    """

    measure = ""
    reason = ""

    def __init__(self, voters: Voters, committee: tuple[int, ...]) -> None:
        self.voters = voters
        self.committee = committee

    def values(self) -> list[Fraction | None]:
        raise NotImplementedError

    def choose(self, candidate: int) -> _State:
        raise NotImplementedError

    def settle(self) -> _State:
        return self

    def key(self) -> Hashable:
        raise NotImplementedError

    def best(self) -> list[int]:
        """The candidates with the lowest measure; all remaining ones if none has a value."""
        values = self.values()
        remaining = [c for c in range(self.voters.m) if c not in self.committee]
        valued = [c for c in remaining if values[c] is not None]
        if not valued:
            return remaining
        low = min(v for v in values if v is not None)
        return [c for c in valued if values[c] == low]


class _Phragmen(_State):
    """Seq-Phragmén: each voter's load is ``num[v] / den``."""

    measure = "load"
    reason = REASON_LOWEST_LOAD

    def __init__(self, voters: Voters, committee: tuple[int, ...], num: ObjArray, den: int) -> None:
        super().__init__(voters, committee)
        self.num, self.den = _reduced(num, den)
        self._sums: list[int] | None = None

    def _load_sums(self) -> list[int]:
        """Each candidate's supporters' loads summed (numerators over ``den``)."""
        if self._sums is None:
            weighted = self.voters.weights * self.num
            self._sums = [int(s) for s in weighted @ self.voters.columns]
        return self._sums

    def values(self) -> list[Fraction | None]:
        sums = self._load_sums()
        support = self.voters.support
        return [
            None
            if c in self.committee or support[c] == 0
            else Fraction(sums[c] + self.den, self.den * support[c])
            for c in range(self.voters.m)
        ]

    def choose(self, candidate: int) -> _State:
        committee = (*self.committee, candidate)
        support = self.voters.support[candidate]
        if support == 0:
            return _Phragmen(self.voters, committee, self.num, self.den)
        # Scale every load to the denominator den * support, then give the supporters
        # their new common load (sum + 1) / support.
        num = self.num * support
        num[self.voters.approvals[:, candidate]] = self._load_sums()[candidate] + self.den
        return _Phragmen(self.voters, committee, num, self.den * support)

    def key(self) -> Hashable:
        return ("load", frozenset(self.committee), self.den, tuple(self.num.tolist()))


class _Shares(_State):
    """Equal Shares: each voter's unspent budget is ``num[v] / den``."""

    measure = "price"
    reason = REASON_LOWEST_PRICE

    def __init__(self, voters: Voters, committee: tuple[int, ...], num: ObjArray, den: int) -> None:
        super().__init__(voters, committee)
        self.num, self.den = _reduced(num, den)
        self._prices: list[tuple[int, int] | None] | None = None

    def _price_parts(self) -> list[tuple[int, int] | None]:
        """Per candidate ``(a, r)`` with price ρ = a / (den · r), or ``None`` if unaffordable.

        Supporters sorted by budget: the poorest pay all they have while their budget
        is below ρ; the ``r`` voters from the first one who can pay ρ upwards pay ρ each.
        The first split where that voter can pay is the one solution of
        Σ min(budget, ρ) = 1.
        """
        if self._prices is None:
            prices: list[tuple[int, int] | None] = []
            for c in range(self.voters.m):
                prices.append(None if c in self.committee else self._price_of(c))
            self._prices = prices
        return self._prices

    def _price_of(self, candidate: int) -> tuple[int, int] | None:
        mask = self.voters.approvals[:, candidate]
        budgets = self.num[mask]
        weights = self.voters.weights[mask]
        if budgets.shape[0] == 0 or int((weights * budgets).sum()) < self.den:
            return None
        order = np.argsort(budgets, kind="stable")
        budgets, weights = budgets[order], weights[order]
        spent = weights * budgets
        before = np.cumsum(spent) - spent  # what the poorer supporters hold in all
        payers = np.cumsum(weights[::-1])[::-1]  # this supporter and the richer ones
        can_pay = (budgets * payers) >= (self.den - before)
        first = int(np.argmax(can_pay))
        return int(self.den - before[first]), int(payers[first])

    def values(self) -> list[Fraction | None]:
        return [None if p is None else Fraction(p[0], self.den * p[1]) for p in self._price_parts()]

    def settle(self) -> _State:
        if any(p is not None for p in self._price_parts()):
            return self
        # Nothing affordable: complete by seq-Phragmén, loads = minus unspent budgets.
        return _Phragmen(self.voters, self.committee, -self.num, self.den)

    def choose(self, candidate: int) -> _State:
        parts = self._price_parts()[candidate]
        if parts is None:
            raise ValueError("an unaffordable candidate cannot be bought")
        paid, payers = parts
        # Scale budgets to den * payers; each supporter pays ρ = paid / (den * payers),
        # or all they have left if that is less.
        num = self.num * payers
        mask = self.voters.approvals[:, candidate]
        left = num[mask] - paid
        num[mask] = np.where(left > 0, left, 0)
        return _Shares(self.voters, (*self.committee, candidate), num, self.den * payers)

    def key(self) -> Hashable:
        return ("price", frozenset(self.committee), self.den, tuple(self.num.tolist()))


def _outcome_is_fixed(state: _State, seats: int) -> bool:
    """Whether every way of breaking every tie from ``state`` on ends in one committee.

    Depth-first over all tie branches (abcvoting's irresolute search), stopping at the
    second distinct committee; ``False`` as well if it would visit more than
    ``LOOKAHEAD_STATES`` distinct states.
    """
    found: frozenset[int] | None = None
    stack: list[_State] = [state]
    visited: set[Hashable] = set()
    while stack:
        current = stack.pop()
        if len(current.committee) == seats:
            committee = frozenset(current.committee)
            if found is None:
                found = committee
            elif committee != found:
                return False
            continue
        current = current.settle()
        key = current.key()
        if key in visited:
            continue
        visited.add(key)
        if len(visited) > LOOKAHEAD_STATES:
            return False
        stack.extend(current.choose(c) for c in current.best())
    return True


def check_seats(profile: ApprovalProfile, seats: int) -> None:
    m = profile.num_candidates
    if not 1 <= seats <= m:
        raise ValueError(f"seats must be between 1 and the {m} candidates, got {seats}")


def _sequential(
    rule: str,
    profile: ApprovalProfile,
    seats: int,
    start: _State,
    seed: int,
    notes: list[str],
) -> Result:
    """Fill the seats one per round from ``start``, breaking ties as the module says."""
    voters = start.voters
    names = profile.candidates
    lot = Lot(seed)
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    state = start
    fixed = False  # once the outcome is known to be fixed, later ties are immaterial too
    while len(state.committee) < seats:
        number = len(rounds) + 1
        state = state.settle()
        if rounds and state.measure != rounds[-1].measure:
            notes.append(
                f"From round {number} no candidate was affordable: the remaining seats "
                "were filled by seq-Phragmén (abcvoting's default completion), each "
                "voter's load starting at minus their unspent budget; those rounds show "
                "loads (lowest wins)."
            )
        values = state.values()
        tied = state.best()
        tiebreak: TieBreak | None = None
        chosen = tied[0]
        if len(tied) > 1:
            if fixed or _outcome_is_fixed(state, seats):
                fixed = True
                notes.append(
                    f"Round {number}: {', '.join(names[c] for c in tied)} tied; every way "
                    "of breaking the tie elects the same committee, so the lowest-numbered, "
                    f"{names[chosen]}, was taken without a lot."
                )
            else:
                chosen = lot.draw(tied)
                tiebreak = TieBreak(
                    round=number,
                    tied=tuple(tied),
                    chosen=chosen,
                    method=TIEBREAK_LOT,
                    seed=seed,
                )
                ties.append(tiebreak)
        rounds.append(
            Round(
                number=number,
                totals=tuple(values),
                continuing=voters.total - voters.empty,
                exhausted=voters.empty,
                elected=(chosen,),
                reason=state.reason,
                tiebreak=tiebreak,
                measure=state.measure,
            )
        )
        state = state.choose(chosen)
    return Result(
        rule=rule,
        candidates=names,
        winners=state.committee,
        rounds=tuple(rounds),
        total_ballots=profile.total,
        ties=tuple(ties),
        seed=seed if lot.drawn else None,
        seats=seats,
        notes=tuple(notes),
    )


def seq_phragmen(profile: ApprovalProfile, seats: int, *, seed: int = DEFAULT_SEED) -> Result:
    """Sequential Phragmén (abcvoting ``seqphragmen``), exact; see the module docstring.

    One round per seat: ``totals[c]`` is the load every supporter of ``c`` would carry
    if ``c`` were elected next (``measure="load"``, lowest wins); ``None`` for candidates
    already elected or approved by nobody. Winners are in the order elected. Raises
    ``ValueError`` unless ``1 <= seats <= candidates``.
    """
    check_seats(profile, seats)
    voters = Voters(profile)
    start = _Phragmen(
        voters, (), np.zeros(voters.counts.shape[0], dtype=np.int64).astype(object), 1
    )
    notes = [
        "Each round shows, for every candidate, the load each supporter would carry if "
        "that candidate were elected next: (supporters' current loads + 1) / supporters. "
        "Blank: already elected, or approved by nobody."
    ]
    return _sequential("seq_phragmen", profile, seats, start, seed, notes)


def equal_shares(profile: ApprovalProfile, seats: int, *, seed: int = DEFAULT_SEED) -> Result:
    """The Method of Equal Shares with seq-Phragmén completion (abcvoting ``equal-shares``).

    One round per seat. While some candidate is affordable, ``totals[c]`` is the price
    ρ each supporter of ``c`` would pay (``measure="price"``, lowest wins; ``None`` if
    elected or unaffordable). Rounds of the completion phase show seq-Phragmén loads
    instead (``measure="load"``) and a note says from which round. Winners are in the
    order elected. Raises ``ValueError`` unless ``1 <= seats <= candidates``.
    """
    check_seats(profile, seats)
    voters = Voters(profile)
    rows = voters.counts.shape[0]
    budget = np.full(rows, seats, dtype=np.int64).astype(object)
    start = _Shares(voters, (), budget, max(voters.total, 1))
    budget_text = f"{seats}/{voters.total}" if voters.total else "0 (no voters)"
    notes = [
        f"Each voter starts with a budget of {budget_text}; a candidate costs 1, shared "
        "by the supporters, each paying the same price or all they have left. Each "
        "round shows each candidate's price per supporter; blank: elected or "
        "unaffordable."
    ]
    return _sequential("equal_shares", profile, seats, start, seed, notes)


__all__ = [
    "LOOKAHEAD_STATES",
    "equal_shares",
    "merge_approvals",
    "seq_phragmen",
]
