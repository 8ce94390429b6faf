"""Instant-runoff voting (IRV, the alternative vote), counted on NumPy arrays.

The rule, as ``shared/data/ranked/README.md`` states the reference (pref_voting's
``instant_runoff_for_truncated_linear_orders``) and issue 5 the tie-break:

* each round every ballot counts for its highest-ranked continuing candidate; a ballot
  with no continuing candidate left is **exhausted** (an empty ballot is exhausted from
  round 1) and the exhausted ballots are reported every round;
* a candidate with **more than half of the continuing ballots** (not of all ballots)
  wins and the count stops; so does it when one candidate is left;
* otherwise the candidate with fewest votes is eliminated, **one per round**. A tie for
  fewest is broken by ``tiebreak.break_tie_backwards``: the most recent earlier round
  in which the tied candidates differed, else a lot from ``random.Random(seed)``,
  recorded in the Result. (The reference eliminates all tied candidates at once; no
  reference file has a tie for last place, so both give the same rounds there.)

Overvotes are cut by the reader (``read_preflib``), so a ballot here is a strict,
possibly truncated ranking.
"""

from __future__ import annotations

import numpy as np

from bloc.core.tally.ballots import PAD, BoolArray, IntArray, RankedProfile, sum_by
from bloc.core.tally.result import (
    REASON_FEWEST_VOTES,
    REASON_LAST_REMAINING,
    REASON_MAJORITY,
    Result,
    Round,
    TieBreak,
)
from bloc.core.tally.tiebreak import DEFAULT_SEED, Lot, break_tie_backwards


class _Tops:
    """Each distinct ballot's highest-ranked continuing candidate, kept up to date.

    Round 1 reads the first column; after an elimination only the ballots whose top
    was the eliminated candidate move down their ranking, so a round costs what it
    transfers rather than a pass over the whole profile (the IRV benchmark's hot loop).
    Totals are exact integer sums (``ballots.sum_by``).
    """

    def __init__(self, profile: RankedProfile) -> None:
        self.rankings = profile.rankings
        self.counts = profile.counts
        n, width = self.rankings.shape
        self.position = np.zeros(n, dtype=np.int64)
        self.top = (
            self.rankings[:, 0].astype(np.int64) if width else np.full(n, PAD, dtype=np.int64)
        )
        voting = self.top != PAD
        self.totals = sum_by(self.top[voting], self.counts[voting], profile.num_candidates)
        self.exhausted = int(self.counts[~voting].sum())

    def eliminate(self, candidate: int, continuing: BoolArray) -> None:
        """Move every ballot whose top is ``candidate`` to its next continuing choice.

        Steps the moved ballots down their rankings one rank at a time: most find a
        continuing candidate at the next rank, so each step touches fewer ballots.
        """
        rows = np.flatnonzero(self.top == candidate)
        self.totals[candidate] = 0
        width = self.rankings.shape[1]
        flat = self.rankings.reshape(-1)
        # Index PAD (-1) lands on the appended False: padding is never continuing.
        live = np.append(continuing, False)
        position = self.position[rows] + 1
        exhausted: list[IntArray] = [rows[:0]]
        while rows.size:
            inside = position < width
            exhausted.append(rows[~inside])
            rows, position = rows[inside], position[inside]
            choice = flat[rows * width + position]
            found = live[choice]
            done = rows[found]
            self.top[done] = choice[found]
            self.position[done] = position[found]
            self.totals += sum_by(choice[found], self.counts[done], self.totals.shape[0])
            # A PAD ends the ranking: nothing later on it.
            ended = choice == PAD
            exhausted.append(rows[ended])
            rest = ~found & ~ended
            rows, position = rows[rest], position[rest] + 1
        gone = np.concatenate(exhausted)
        self.top[gone] = PAD
        self.exhausted += int(self.counts[gone].sum())


def irv(profile: RankedProfile, *, seed: int = DEFAULT_SEED) -> Result:
    """Count ``profile`` by instant runoff (see the module docstring for the rule).

    ``seed`` seeds the lot used only when candidates tie for fewest votes in the current
    round and in every earlier round; ``Result.seed`` is set only if a lot was drawn.
    Raises ``ValueError`` for a profile with no candidates. With no ballot naming
    anyone, every round is a tie at 0 and candidates leave by lot until one is left.
    """
    m = profile.num_candidates
    if m == 0:
        raise ValueError("IRV needs at least one candidate")
    continuing = np.ones(m, dtype=np.bool_)
    tops = _Tops(profile)
    lot = Lot(seed)
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    history: list[tuple[int | None, ...]] = []
    while True:
        number = len(rounds) + 1
        totals_array, exhausted = tops.totals, tops.exhausted
        in_count = [int(c) for c in np.flatnonzero(continuing)]
        totals = tuple(int(totals_array[c]) if continuing[c] else None for c in range(m))
        live_ballots = profile.total - exhausted
        leader = max(in_count, key=lambda c: int(totals_array[c]))
        votes = int(totals_array[leader])
        elected: tuple[int, ...] = ()
        eliminated: tuple[int, ...] = ()
        tiebreak: TieBreak | None = None
        if 2 * votes > live_ballots:
            elected, reason = (leader,), REASON_MAJORITY
        elif len(in_count) == 1:
            elected, reason = (leader,), REASON_LAST_REMAINING
        else:
            fewest = min(int(totals_array[c]) for c in in_count)
            lowest = [c for c in in_count if int(totals_array[c]) == fewest]
            if len(lowest) == 1:
                eliminated = (lowest[0],)
            else:
                tiebreak = break_tie_backwards(lowest, history, round_number=number, lot=lot)
                ties.append(tiebreak)
                eliminated = (tiebreak.chosen,)
            reason = REASON_FEWEST_VOTES
        rounds.append(
            Round(
                number=number,
                totals=totals,
                continuing=live_ballots,
                exhausted=exhausted,
                elected=elected,
                eliminated=eliminated,
                reason=reason,
                tiebreak=tiebreak,
            )
        )
        if elected:
            break
        history.append(totals)
        continuing[eliminated[0]] = False
        tops.eliminate(eliminated[0], continuing)
    winner = rounds[-1].elected
    return Result(
        rule="irv",
        candidates=profile.candidates,
        winners=winner,
        rounds=tuple(rounds),
        total_ballots=profile.total,
        ties=tuple(ties),
        seed=seed if lot.drawn else None,
    )
