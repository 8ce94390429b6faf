"""Approval voting: one winner (``approval``) or a committee of the most approved (``av``).

The rules, as abcvoting 2.19.2 defines rule ``av`` (the reference in
``shared/data/ranked``):

* ``approval`` — the candidates with most approvals win; a tie at the top is not
  broken (all tied candidates are returned), like ``plurality``.
* ``av`` — the ``seats`` candidates with most approvals. Only a tie at the boundary
  (more candidates level on the last seat's approvals than seats left for them) has to
  be broken; it is broken by the count's seeded ``Lot``, one draw per seat left, each
  draw recorded in ``Result.ties``.

Approvals are exact integer sums over the distinct approval sets (identical ballots
merged first by ``committees.merge_approvals``, which is what makes a million ballots
cheap).
"""

from __future__ import annotations

import numpy as np

from bloc.core.tally.ballots import ApprovalProfile
from bloc.core.tally.committees import merge_approvals
from bloc.core.tally.result import (
    REASON_MOST_VOTES,
    TIEBREAK_LOT,
    Result,
    Round,
    TieBreak,
)
from bloc.core.tally.tiebreak import DEFAULT_SEED, Lot


def _approvals(profile: ApprovalProfile) -> tuple[list[int], int]:
    """Each candidate's approvals, and the voters approving nobody."""
    approvals, counts, empty = merge_approvals(profile)
    return [int(v) for v in counts @ approvals.astype(np.int64)], empty


def _approval_round(
    profile: ApprovalProfile,
    totals: list[int],
    empty: int,
    elected: tuple[int, ...],
    tiebreak: TieBreak | None = None,
) -> Round:
    return Round(
        number=1,
        totals=tuple(totals),
        continuing=profile.total - empty,
        exhausted=empty,
        elected=elected,
        reason=REASON_MOST_VOTES,
        tiebreak=tiebreak,
    )


def approval(profile: ApprovalProfile) -> Result:
    """Single-winner approval voting: the most approved candidates win, ties unbroken.

    One round: every candidate's approvals; ballots approving nobody are counted as
    exhausted. With no ballot approving anyone, every candidate is a tied winner (0).
    """
    totals, empty = _approvals(profile)
    best = max(totals, default=0)
    winners = tuple(c for c, v in enumerate(totals) if v == best)
    return Result(
        rule="approval",
        candidates=profile.candidates,
        winners=winners,
        rounds=(_approval_round(profile, totals, empty, winners),),
        total_ballots=profile.total,
    )


def av(profile: ApprovalProfile, seats: int, *, seed: int = DEFAULT_SEED) -> Result:
    """Approval voting for a committee: the ``seats`` most approved candidates.

    Winners are listed by approvals, most first (candidate order among equals, then
    the lot's draws). Candidates with more approvals than the ``seats``-th best are
    elected outright; if more candidates share the boundary score than seats remain,
    the lot draws them one at a time from those still undrawn, each draw a ``TieBreak``
    in ``Result.ties`` (the round's ``tiebreak`` is the first). ``Result.seed`` is set
    only if a lot was drawn. Raises ``ValueError`` unless ``1 <= seats <= candidates``.
    """
    m = profile.num_candidates
    if not 1 <= seats <= m:
        raise ValueError(f"seats must be between 1 and the {m} candidates, got {seats}")
    totals, empty = _approvals(profile)
    by_approvals = sorted(range(m), key=lambda c: (-totals[c], c))
    cutoff = totals[by_approvals[seats - 1]]
    elected = [c for c in by_approvals if totals[c] > cutoff]
    boundary = [c for c in by_approvals if totals[c] == cutoff]
    lot = Lot(seed)
    ties: list[TieBreak] = []
    if len(elected) + len(boundary) == seats:
        elected.extend(boundary)
    else:
        pool = list(boundary)
        while len(elected) < seats:
            chosen = lot.draw(pool)
            ties.append(
                TieBreak(
                    round=1,
                    tied=tuple(sorted(pool)),
                    chosen=chosen,
                    method=TIEBREAK_LOT,
                    seed=seed,
                )
            )
            elected.append(chosen)
            pool.remove(chosen)
    notes: tuple[str, ...] = ()
    if ties:
        names = ", ".join(profile.candidates[c] for c in boundary)
        drawn = ", ".join(profile.candidates[t.chosen] for t in ties)
        notes = (
            f"{names} tied on {cutoff:,} approvals for the last "
            f"{len(ties)} seat(s); drawn by lot (seed {seed}): {drawn}",
        )
    winners = tuple(elected)
    first_tie = ties[0] if ties else None
    return Result(
        rule="av",
        candidates=profile.candidates,
        winners=winners,
        rounds=(_approval_round(profile, totals, empty, winners, first_tie),),
        total_ballots=profile.total,
        ties=tuple(ties),
        seed=seed if lot.drawn else None,
        seats=seats,
        notes=notes,
    )
