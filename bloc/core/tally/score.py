"""Score (range) voting: the candidates with the highest total or mean score win.

Each voter gives each candidate a score from ``low`` to ``high`` or leaves it blank.
Two ways to rank candidates, chosen with ``by``:

* ``"sum"`` — each candidate's total score; a blank adds nothing (it is not a score).
* ``"mean"`` — each candidate's total divided by the voters who scored them, blanks
  left out, as an exact ``Fraction``. A candidate nobody scored has no mean (``None``
  in the round) and cannot win; if nobody scored anyone, nobody wins.

Ties at the top are not broken: all tied candidates are returned, in candidate order.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from bloc.core.tally.ballots import ScoreProfile
from bloc.core.tally.result import REASON_MOST_POINTS, Number, Result, highest_total

_BY = ("sum", "mean")


def score(profile: ScoreProfile, *, by: str = "mean") -> Result:
    """Count ``profile`` by score voting, ranking candidates ``by`` ``"sum"`` or ``"mean"``.

    One round: ``totals`` are the sums or the exact means (``None`` for a candidate
    nobody scored); ballots leaving every candidate blank are counted as exhausted. A
    note in ``Result.notes`` says which measure was used and names candidates without a
    mean. Raises ``ValueError`` for any other ``by``.
    """
    if by not in _BY:
        raise ValueError(f"score voting ranks by 'sum' or 'mean', not {by!r}")
    sums = [int(v) for v in profile.sums()]
    raters = [int(v) for v in profile.raters()]
    totals: list[Number | None]
    if by == "sum":
        totals = list(sums)
        notes = [
            f"Ranked by total score (sum of scores {profile.low}..{profile.high}; "
            "a blank adds nothing)."
        ]
    else:
        totals = [Fraction(s, r) if r else None for s, r in zip(sums, raters, strict=True)]
        notes = [
            f"Ranked by mean score ({profile.low}..{profile.high}) over the voters who "
            "scored each candidate; blanks are left out."
        ]
        unscored = [profile.candidates[c] for c, r in enumerate(raters) if r == 0]
        if unscored:
            notes.append(f"Nobody scored {', '.join(unscored)}: no mean, so they cannot win.")
    blank = int(profile.counts[~np.asarray(profile.scored).any(axis=1)].sum())
    return highest_total(
        "score",
        profile.candidates,
        tuple(totals),
        total_ballots=profile.total,
        exhausted=blank,
        reason=REASON_MOST_POINTS,
        notes=tuple(notes),
    )
