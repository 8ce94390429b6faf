"""Single transferable vote by the Scottish rules, in exact fixed-point arithmetic.

The rule is the Scottish Local Government Elections Order 2007 (SSI 2007/42),
schedule 1, rules 45–52, as ``shared/data/ranked/README.md`` states it:

* **quota** (rule 46): ⌊valid votes / (seats + 1)⌋ + 1, where the valid votes leave
  out empty ballots; a candidate whose votes equal or exceed it is elected (rule 47).
  Several reaching it at once are all elected, the one with more votes first;
* **surplus** (rules 48–49), weighted inclusive Gregory: every paper the elected
  candidate holds moves to its next continuing preference at the value
  ``surplus × the paper's value ÷ the candidate's total``, **truncated to 5 decimal
  places**; a paper with no continuing preference left is non-transferable, and what
  the truncation drops is lost. The candidate keeps exactly the quota and their papers
  are gone, so each surplus is transferred once (pref_voting's ``stv_scottish``, the
  reference, instead leaves the truncated remainder with the candidate and may pass it
  on later: its module docstring notes the deviation; the outcomes differ only then).
  The largest surplus goes first; equal surpluses: the candidate who had more votes at
  the most recent earlier stage where they differed, else by lot;
* **exclusion** (rules 50–51): when no surplus is left, the continuing candidate with
  fewest votes is excluded and their papers move at the value they carry. Equal
  fewest: the one with fewer votes at the most recent earlier stage where they
  differed, else by lot (``tiebreak.break_tie_backwards``, one seeded ``Lot`` per count);
* **last vacancies** (rule 52): when the continuing candidates are as many as the seats
  left, they are all elected and nothing more is transferred.

Every value is an integer number of hundred-thousandths of a vote, so the count is
exact; the arrays keep one entry per distinct ballot row (its papers always travel
together, at one value per paper). ``Result`` reports them as ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from bloc.core.tally.ballots import PAD, IntArray, RankedProfile, sum_by
from bloc.core.tally.result import (
    REASON_FEWEST_VOTES,
    REASON_QUOTA,
    REASON_SEATS_LEFT,
    TRANSFER_EXCLUSION,
    TRANSFER_SURPLUS,
    Result,
    Round,
    TieBreak,
    Transfer,
)
from bloc.core.tally.tiebreak import DEFAULT_SEED, Lot, break_tie_backwards

#: One vote, in the fixed-point unit: values are kept to 5 decimal places (rule 48(3)).
SCALE = 100_000

BoolArray = npt.NDArray[np.bool_]
Totals = tuple[int | None, ...]


def to_decimal(units: int) -> Decimal:
    """A fixed-point amount (hundred-thousandths of a vote) as the exact ``Decimal``."""
    return Decimal(units).scaleb(-5)


class _Papers:
    """Where each distinct ballot row's papers are and what each paper is worth."""

    def __init__(self, profile: RankedProfile) -> None:
        self.rankings = profile.rankings
        self.counts = profile.counts
        self.width = profile.rankings.shape[1]
        rows = profile.rankings.shape[0]
        #: Rank index of the candidate holding the row's papers (-1: nobody).
        self.position = np.zeros(rows, dtype=np.int64)
        first = self.rankings[:, 0] if self.width else np.full(rows, PAD, dtype=np.int32)
        #: Candidate holding the row's papers (-1: empty or non-transferable).
        self.holder = first.astype(np.int64)
        #: Value of one paper of the row, in hundred-thousandths.
        self.value = np.where(self.holder >= 0, SCALE, 0).astype(np.int64)

    def held_by(self, candidate: int) -> IntArray:
        """The rows whose papers ``candidate`` holds."""
        rows: IntArray = np.flatnonzero(self.holder == candidate)
        return rows

    def move(self, rows: IntArray, continuing: BoolArray, m: int) -> tuple[IntArray, int]:
        """Pass the papers of ``rows`` to their next continuing preference, at their value.

        Returns what each candidate received and the non-transferable amount.
        """
        ranked = self.rankings[rows]
        later = np.arange(self.width)[None, :] > self.position[rows][:, None]
        # PAD (-1) indexes the appended False: padding is never a continuing candidate.
        live = np.append(continuing, False)[ranked] & later
        found = live.any(axis=1)
        step = live.argmax(axis=1)
        target = np.where(found, ranked[np.arange(rows.size), step], PAD).astype(np.int64)
        self.position[rows] = np.where(found, step, -1)
        self.holder[rows] = target
        amounts = self.value[rows] * self.counts[rows]
        received = sum_by(target[found], amounts[found], m)
        return received, int(amounts[~found].sum())


def stv(profile: RankedProfile, seats: int, *, seed: int = DEFAULT_SEED) -> Result:
    """Count ``profile`` for ``seats`` seats by the Scottish STV rules (module docstring).

    Each ``Round`` is one stage: the totals at its start (elected candidates keep
    theirs, the quota once their surplus has moved; ``None`` after exclusion), who was
    elected or excluded, and the ``Transfer`` made. A stage that elects someone and has
    no surplus to move is followed by a stage with the same totals for the exclusion or
    the last vacancies. ``Round.exhausted`` counts empty ballots, non-transferable
    papers and what truncation lost (each ``Transfer`` separates the last two), so
    ``continuing + exhausted`` is every ballot. ``Transfer.value`` is the transfer value
    of a paper worth 1; a paper worth less moves at its own truncated share.

    ``seed`` seeds the lot, drawn only for ties level at every earlier stage;
    ``Result.seed`` is set only if it was drawn. Raises ``ValueError`` for no
    candidates, fewer than one seat, or more ballots than the 64-bit arithmetic allows.
    """
    m = profile.num_candidates
    if m == 0:
        raise ValueError("STV needs at least one candidate")
    if seats < 1:
        raise ValueError(f"STV needs at least one seat, got {seats}")
    valid = profile.total - profile.empty_ballots
    # surplus × paper value must fit in int64.
    if valid * SCALE * SCALE >= 2**62:
        raise ValueError(f"{valid:,} ballots are too many for 64-bit fixed-point arithmetic")
    quota = (valid // (seats + 1) + 1) * SCALE
    papers = _Papers(profile)
    voting = papers.holder >= 0
    totals = sum_by(papers.holder[voting], papers.counts[voting] * SCALE, m)
    continuing = np.ones(m, dtype=np.bool_)
    excluded: set[int] = set()
    pending: list[int] = []  # elected, surplus not yet transferred
    winners: list[int] = []
    exhausted = profile.empty_ballots * SCALE
    lot = Lot(seed)
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    history: list[Totals] = []

    while True:
        number = len(rounds) + 1
        snapshot: Totals = tuple(None if c in excluded else int(totals[c]) for c in range(m))
        newly = sorted(
            (c for c in np.flatnonzero(continuing).tolist() if totals[c] >= quota),
            key=lambda c: (-int(totals[c]), c),
        )
        for c in newly:
            continuing[c] = False
            winners.append(c)
            if totals[c] > quota:
                pending.append(c)
        seats_left = seats - len(winners)
        still_in = np.flatnonzero(continuing).tolist()
        elected: tuple[int, ...] = tuple(newly)
        eliminated: tuple[int, ...] = ()
        reason = REASON_QUOTA if newly else ""
        transfer: Transfer | None = None
        tiebreak: TieBreak | None = None
        exhausted_at_start = exhausted
        finished = False
        if seats_left == 0:
            finished = True
        elif len(still_in) <= seats_left:
            # Rule 52; a stage that has just elected someone leaves it to the next stage.
            if not newly:
                if not still_in:
                    break  # fewer candidates than seats, and all of them are elected
                elected = tuple(sorted(still_in, key=lambda c: (-int(totals[c]), c)))
                winners.extend(elected)
                continuing[:] = False
                reason = REASON_SEATS_LEFT
                finished = True
        elif pending:
            source, tiebreak = _largest_surplus(pending, totals, history, number, lot)
            pending.remove(source)
            total = int(totals[source])
            surplus = total - quota
            rows = papers.held_by(source)
            # Rule 48(3): surplus × paper value ÷ total, truncated to 5 decimals.
            papers.value[rows] = surplus * papers.value[rows] // total
            received, gone = papers.move(rows, continuing, m)
            lost = surplus - int(received.sum()) - gone
            totals += received
            totals[source] = quota
            exhausted += gone + lost
            transfer = Transfer(
                source=source,
                kind=TRANSFER_SURPLUS,
                received=_decimals(received),
                exhausted=to_decimal(gone),
                value=to_decimal(surplus * SCALE // total),
                surplus=to_decimal(surplus),
                lost=to_decimal(lost),
            )
        elif not newly:
            fewest = min(int(totals[c]) for c in still_in)
            lowest = [c for c in still_in if totals[c] == fewest]
            if len(lowest) == 1:
                source = lowest[0]
            else:
                tiebreak = break_tie_backwards(lowest, history, round_number=number, lot=lot)
                source = tiebreak.chosen
            continuing[source] = False
            excluded.add(source)
            received, gone = papers.move(papers.held_by(source), continuing, m)
            totals += received
            totals[source] = 0
            exhausted += gone
            transfer = Transfer(
                source=source,
                kind=TRANSFER_EXCLUSION,
                received=_decimals(received),
                exhausted=to_decimal(gone),
            )
            eliminated, reason = (source,), REASON_FEWEST_VOTES
        if tiebreak is not None:
            ties.append(tiebreak)
        rounds.append(
            Round(
                number=number,
                totals=tuple(None if v is None else to_decimal(v) for v in snapshot),
                continuing=to_decimal(sum(v for v in snapshot if v is not None)),
                exhausted=to_decimal(exhausted_at_start),
                elected=elected,
                eliminated=eliminated,
                reason=reason,
                tiebreak=tiebreak,
                quota=to_decimal(quota),
                transfer=transfer,
            )
        )
        history.append(snapshot)
        if finished:
            break
    return Result(
        rule="stv",
        candidates=profile.candidates,
        winners=tuple(winners),
        rounds=tuple(rounds),
        total_ballots=profile.total,
        ties=tuple(ties),
        seed=seed if lot.drawn else None,
        seats=seats,
        notes=(
            f"Scottish STV (SSI 2007/42 rules 45-52): quota {to_decimal(quota):,f}; "
            "transfer values truncated to 5 decimal places; Exhausted includes "
            "non-transferable papers and what truncation lost.",
        ),
    )


def _largest_surplus(
    pending: list[int], totals: IntArray, history: list[Totals], number: int, lot: Lot
) -> tuple[int, TieBreak | None]:
    """Rule 49: the largest surplus first; equal ones by more votes at an earlier stage.

    ``break_tie_backwards`` looks for the fewest votes, so it is given the earlier
    totals negated: fewest of the negated is most of the real ones.
    """
    most = max(int(totals[c]) for c in pending)
    tied = [c for c in pending if totals[c] == most]
    if len(tied) == 1:
        return tied[0], None
    negated = [tuple(None if v is None else -v for v in stage) for stage in history]
    tiebreak = break_tie_backwards(tied, negated, round_number=number, lot=lot)
    return tiebreak.chosen, tiebreak


def _decimals(amounts: IntArray) -> tuple[Decimal, ...]:
    return tuple(to_decimal(int(v)) for v in amounts)
