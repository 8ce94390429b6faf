"""Single transferable vote by Meek's method, in exact fixed-point arithmetic.

Meek's method (Hill, Wichmann & Woodall, "Algorithm 123", Computer Journal 30, 1987)
as New Zealand's STV calculator does it (Local Electoral Regulations 2001, schedule
1A) and OpenSTV's MeekSTV: every candidate has a **keep value** — 1 while hopeful, 0
once excluded, and for an elected candidate the share of each vote reaching them that
they keep. Each ballot starts worth 1 and walks down its ranking: a candidate keeps
``keep value × what reaches them`` and passes on the rest; what is left after the last
preference is non-transferable (the excess).

The exact reading here:

* arithmetic: integers in units of 10⁻⁹ of a vote (9 decimals). What a candidate keeps
  from a ballot is rounded **up** to 9 decimals and the rest passed on, so each
  ballot's kept parts and excess add up to exactly 1 (the NZ calculator's rounding);
* quota, recomputed at every iteration: ``(valid votes − excess) / (seats + 1)``
  truncated to 9 decimals, **plus 10⁻⁹** as in NZ (so that ``votes ≥ quota`` can
  hold for at most ``seats`` candidates); valid votes leave out empty ballots;
* a hopeful candidate with ``votes ≥ quota`` is elected at once (several: more votes
  first). Otherwise each elected candidate's keep value becomes
  ``keep × quota / votes``, each product rounded **up** to 9 decimals (NZ), capped
  at 1, and the votes are redistributed;
* the iteration stops when a hopeful candidate reaches the quota, when the elected
  candidates' total deviation from the quota ``Σ |votes − quota|`` is at most
  ``TOLERANCE`` (10⁻⁶ of a vote), or when that deviation stops decreasing (9-decimal
  keep values cannot get closer);
* then, if no one was elected, the hopeful candidate with fewest votes is excluded
  (keep value 0). Equal fewest: the one with fewer votes at the most recent earlier
  round where they differed, else by seeded lot (``tiebreak.break_tie_backwards``), as
  in ``stv``. Only exactly equal totals tie (NZ also treats near-ties within the
  surplus as ties; this does not);
* when the hopeful candidates are as many as the seats left, they are all elected.

Vectorised: a ballot's flow depends only on its candidates up to its first hopeful one
(hopefuls keep everything) with excluded candidates dropped (they keep nothing). So
whenever a candidate is elected or excluded, every distinct ballot row is cut to that
short path and rows with the same path are merged; each iteration then runs over these
few groups, multiplying the remaining weight by (1 − keep) position by position — the
cumulative product along the ranking, kept in integers so that it rounds exactly as
stated (a float ``np.cumprod`` would not).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from bloc.core.tally.ballots import PAD, IntArray, RankArray, RankedProfile
from bloc.core.tally.result import (
    REASON_FEWEST_VOTES,
    REASON_QUOTA,
    REASON_SEATS_LEFT,
    Result,
    Round,
    TieBreak,
)
from bloc.core.tally.tiebreak import DEFAULT_SEED, Lot, break_tie_backwards

#: One vote, in the fixed-point unit (9 decimal places).
SCALE = 10**9
#: The iteration has converged when Σ |votes − quota| over elected candidates is this
#: small (10⁻⁶ of a vote).
TOLERANCE = 1_000

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2


def to_decimal(units: int) -> Decimal:
    """A fixed-point amount (units of 10⁻⁹) as the exact ``Decimal``."""
    return Decimal(units).scaleb(-9)


class _Groups:
    """Ballot rows merged by their path, with each group's path and number of voters."""

    def __init__(self, path: IntArray, counts: IntArray) -> None:
        #: ``path[g]``: the candidates group ``g``'s ballots reach, PAD-padded.
        self.path = path
        self.counts = counts

    def distribute(self, keep: IntArray, m: int) -> tuple[IntArray, int]:
        """Every candidate's votes and the excess under the keep values ``keep``."""
        weight = np.full(self.counts.shape[0], SCALE, dtype=np.int64)  # per ballot
        votes = np.zeros(m, dtype=np.int64)
        keep_of = np.append(keep, 0)  # PAD keeps nothing
        for r in range(self.path.shape[1]):
            candidate = self.path[:, r]
            factor = keep_of[candidate]
            # Kept part rounded up to 9 decimals: ceil(weight × keep / SCALE).
            kept = -((-weight * factor) // SCALE)
            weight -= kept
            named = candidate != PAD
            np.add.at(votes, candidate[named], (kept * self.counts)[named])
        return votes, int((weight * self.counts).sum())


#: Keys below this are grouped with a dense ``np.bincount`` rather than a sort.
_DENSE_KEYS = 1 << 22


class _Paths:
    """Each ballot row's path: its non-excluded candidates up to its first hopeful one.

    A path ``a, b, …`` is kept as an integer key with digits ``a+1, b+1, …`` in base
    ``m + 1`` (no digit is 0, so paths of different lengths differ). A path holds at
    most ``seats`` digits (the elected candidates, then one hopeful), so when
    ``(m + 1) ** (seats + 1)`` fits in 64 bits the keys are kept up to date: a status
    change only touches the rows whose path ended at that candidate. Otherwise every
    grouping compares whole paths (``np.unique`` on rows), which is slower.
    """

    def __init__(self, rankings: RankArray, counts: IntArray, status: IntArray, seats: int):
        self.rankings = rankings
        self.counts = counts
        self.base = status.shape[0] + 1
        self.keyed = self.base ** (seats + 1) < 2**62
        rows = rankings.shape[0]
        self.keys = np.zeros(rows, dtype=np.int64)
        #: The hopeful candidate each row's path ends at (PAD: it runs out).
        self.last = np.full(rows, PAD, dtype=np.int64)
        if self.keyed:
            self._walk(np.arange(rows), status)

    def changed(self, candidates: list[int], status: IntArray) -> None:
        """Re-walk the rows whose path ended at one of ``candidates`` (no longer hopeful)."""
        if self.keyed:
            ended = self.last == candidates[0]
            for c in candidates[1:]:
                ended |= self.last == c
            self._walk(np.flatnonzero(ended), status)

    def _walk(self, rows: IntArray, status: IntArray) -> None:
        state = np.append(status, EXCLUDED)  # PAD reads as excluded: it keeps nothing
        keys = np.zeros(rows.shape[0], dtype=np.int64)
        last = np.full(rows.shape[0], PAD, dtype=np.int64)
        walking = np.arange(rows.shape[0])
        for r in range(self.rankings.shape[1]):
            if walking.size == 0:
                break
            candidate = self.rankings[rows[walking], r]
            kind = state[candidate]
            counted = kind != EXCLUDED
            keys[walking[counted]] = keys[walking[counted]] * self.base + candidate[counted] + 1
            stop = kind == HOPEFUL
            last[walking[stop]] = candidate[stop]
            walking = walking[~stop & (candidate != PAD)]
        self.keys[rows] = keys
        self.last[rows] = last

    def groups(self, status: IntArray) -> _Groups:
        """The rows merged by path."""
        rows = self.rankings.shape[0]
        if self.keyed:
            keys = self.keys
        else:
            keys = np.unique(_paths(self.rankings, status), axis=0, return_inverse=True)[1]
            keys = keys.reshape(-1).astype(np.int64)
        if rows and int(keys.max()) < _DENSE_KEYS:
            # Few possible keys: add up by key directly (float sums of voter counts are
            # exact below 2**53) and take any row of each key as its representative.
            sums = np.bincount(keys, weights=self.counts.astype(np.float64))
            used = np.flatnonzero(sums)
            representative = np.zeros(sums.shape[0], dtype=np.int64)
            representative[keys] = np.arange(rows)
            first = representative[used]
            counts = np.rint(sums[used]).astype(np.int64)
        else:
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            counts = np.zeros(first.shape[0], dtype=np.int64)
            np.add.at(counts, inverse.reshape(-1), self.counts)
        return _Groups(_paths(self.rankings[first], status), counts)


def _paths(rankings: RankArray, status: IntArray) -> IntArray:
    """The path of each row of ``rankings``, PAD-padded."""
    rows, width = rankings.shape
    depth = int((status == ELECTED).sum()) + 1  # the elected ones, then one hopeful
    path = np.full((rows, depth), PAD, dtype=np.int64)
    length = np.zeros(rows, dtype=np.int64)
    done = np.zeros(rows, dtype=np.bool_)
    state = np.append(status, EXCLUDED)
    for r in range(width):
        candidate = rankings[:, r]
        kind = state[candidate]
        take = np.flatnonzero(~done & (kind != EXCLUDED))
        path[take, length[take]] = candidate[take]
        length[take] += 1
        done |= kind == HOPEFUL
    return path


def meek(profile: RankedProfile, seats: int, *, seed: int = DEFAULT_SEED) -> Result:
    """Count ``profile`` for ``seats`` seats by Meek's method (module docstring).

    Each ``Round`` is the state when an iteration stopped: the votes at that point
    (``None`` for excluded candidates), the quota then, and who was elected or
    excluded. ``Round.exhausted`` is the excess plus the empty ballots, so ``continuing
    + exhausted`` is every ballot. A round that elects someone is followed by a new
    iteration; when it leaves as many hopefuls as seats, the next round (same votes)
    elects them. ``seed`` seeds the lot for ties level in every earlier round;
    ``Result.seed`` is set only if it was drawn. Raises ``ValueError`` for no
    candidates, fewer than one seat, or more ballots than 64-bit arithmetic allows.
    """
    m = profile.num_candidates
    if m == 0:
        raise ValueError("Meek STV needs at least one candidate")
    if seats < 1:
        raise ValueError(f"Meek STV needs at least one seat, got {seats}")
    voting = profile.lengths > 0
    valid = int(profile.counts[voting].sum())
    if valid * SCALE >= 2**62:
        raise ValueError(f"{valid:,} ballots are too many for 64-bit fixed-point arithmetic")
    rankings = profile.rankings[voting]
    counts = profile.counts[voting]
    empty = (profile.total - valid) * SCALE
    status = np.full(m, HOPEFUL, dtype=np.int64)
    keep = [SCALE] * m
    winners: list[int] = []
    lot = Lot(seed)
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    history: list[tuple[int | None, ...]] = []
    iterations = 0
    paths = _Paths(rankings, counts, status, seats)
    groups = paths.groups(status)
    while True:
        number = len(rounds) + 1
        votes, excess, quota, steps = _iterate(groups, keep, status, valid, seats)
        iterations += steps
        snapshot = tuple(None if status[c] == EXCLUDED else int(votes[c]) for c in range(m))
        hopeful = np.flatnonzero(status == HOPEFUL).tolist()
        newly = sorted((c for c in hopeful if votes[c] >= quota), key=lambda c: (-votes[c], c))
        seats_left = seats - len(winners) - len(newly)
        elected: tuple[int, ...] = tuple(newly)
        eliminated: tuple[int, ...] = ()
        reason = REASON_QUOTA if newly else ""
        tiebreak: TieBreak | None = None
        finished = seats_left == 0
        if newly:
            status[newly] = ELECTED
            winners.extend(newly)
            finished = finished or len(hopeful) == len(newly)
        elif len(hopeful) <= seats_left:
            elected = tuple(sorted(hopeful, key=lambda c: (-votes[c], c)))
            winners.extend(elected)
            status[hopeful] = ELECTED
            reason, finished = REASON_SEATS_LEFT, True
        else:
            fewest = min(int(votes[c]) for c in hopeful)
            lowest = [c for c in hopeful if votes[c] == fewest]
            if len(lowest) == 1:
                loser = lowest[0]
            else:
                tiebreak = break_tie_backwards(lowest, history, round_number=number, lot=lot)
                ties.append(tiebreak)
                loser = tiebreak.chosen
            status[loser] = EXCLUDED
            keep[loser] = 0
            eliminated, reason = (loser,), REASON_FEWEST_VOTES
        rounds.append(
            Round(
                number=number,
                totals=tuple(None if v is None else to_decimal(v) for v in snapshot),
                continuing=to_decimal(valid * SCALE - excess),
                exhausted=to_decimal(excess + empty),
                elected=elected,
                eliminated=eliminated,
                reason=reason,
                tiebreak=tiebreak,
                quota=to_decimal(quota),
            )
        )
        history.append(snapshot)
        if finished:
            break
        if newly and int((status == HOPEFUL).sum()) <= seats - len(winners):
            rounds.append(_fill_last_seats(rounds[-1], status, votes, winners))
            break
        paths.changed([*newly, *eliminated], status)
        groups = paths.groups(status)
    return Result(
        rule="meek",
        candidates=profile.candidates,
        winners=tuple(winners),
        rounds=tuple(rounds),
        total_ballots=profile.total,
        ties=tuple(ties),
        seed=seed if lot.drawn else None,
        seats=seats,
        notes=(
            "Meek STV (NZ rounding): 9 decimal places, keep values rounded up, quota "
            f"(votes - excess)/(seats + 1) + 0.000000001; {iterations} iterations.",
        ),
    )


def _iterate(
    groups: _Groups, keep: list[int], status: IntArray, valid: int, seats: int
) -> tuple[IntArray, int, int, int]:
    """Redistribute until a hopeful reaches the quota or the elected ones settle on it.

    Returns the votes, the excess, the quota and the number of distributions. Updates
    ``keep`` in place. Terminates: the deviation is a non-negative integer that must
    strictly decrease for the loop to go on.
    """
    m = status.shape[0]
    elected = np.flatnonzero(status == ELECTED).tolist()
    hopeful = status == HOPEFUL
    last_deviation: int | None = None
    steps = 0
    while True:
        steps += 1
        votes, excess = groups.distribute(np.array(keep, dtype=np.int64), m)
        quota = (valid * SCALE - excess) // (seats + 1) + 1
        if not elected or bool((votes[hopeful] >= quota).any()):
            return votes, excess, quota, steps
        deviation = sum(abs(int(votes[c]) - quota) for c in elected)
        if deviation <= TOLERANCE or (last_deviation is not None and deviation >= last_deviation):
            return votes, excess, quota, steps
        last_deviation = deviation
        for c in elected:
            held = int(votes[c])
            if held > 0:
                product = -(-keep[c] * quota // SCALE)  # keep × quota, rounded up
                keep[c] = min(SCALE, -(-product * SCALE // held))  # ÷ votes, rounded up


def _fill_last_seats(
    previous: Round, status: IntArray, votes: IntArray, winners: list[int]
) -> Round:
    """The round electing every hopeful left, on the previous round's votes."""
    hopeful = np.flatnonzero(status == HOPEFUL).tolist()
    elected = tuple(sorted(hopeful, key=lambda c: (-votes[c], c)))
    winners.extend(elected)
    status[hopeful] = ELECTED
    return Round(
        number=previous.number + 1,
        totals=previous.totals,
        continuing=previous.continuing,
        exhausted=previous.exhausted,
        elected=elected,
        reason=REASON_SEATS_LEFT,
        quota=previous.quota,
    )
