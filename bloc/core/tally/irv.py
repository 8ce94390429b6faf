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

from bloc.core.tally.ballots import IntArray, RankedProfile
from bloc.core.tally.result import (
    REASON_FEWEST_VOTES,
    REASON_LAST_REMAINING,
    REASON_MAJORITY,
    Result,
    Round,
    TieBreak,
)
from bloc.core.tally.tiebreak import DEFAULT_SEED, Lot, break_tie_backwards


def _round_totals(
    profile: RankedProfile, continuing: np.ndarray[tuple[int], np.dtype[np.bool_]]
) -> tuple[IntArray, int]:
    """Each candidate's votes (0 for eliminated ones) and the exhausted ballots."""
    m = profile.num_candidates
    totals = np.zeros(m, dtype=np.int64)
    rankings = profile.rankings
    if rankings.shape[0] == 0 or rankings.shape[1] == 0:
        return totals, profile.total
    # Index PAD (-1) lands on the extra last entry, which is False: padding never counts.
    live = np.append(continuing, False)[rankings]
    top = np.argmax(live, axis=1)
    rows = np.arange(rankings.shape[0])
    counted = live[rows, top]
    np.add.at(totals, rankings[rows, top][counted], profile.counts[counted])
    exhausted = int(profile.counts[~counted].sum())
    return totals, exhausted


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
    lot = Lot(seed)
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    history: list[tuple[int | None, ...]] = []
    while True:
        number = len(rounds) + 1
        totals_array, exhausted = _round_totals(profile, continuing)
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
