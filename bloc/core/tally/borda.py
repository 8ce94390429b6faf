"""Borda count, in its symmetric form for truncated ballots.

On each ballot a candidate scores the number of candidates ranked below it minus the
number ranked above it, unranked candidates being tied below every ranked one. With
``m`` candidates and a ballot ranking ``L`` of them, the one in place ``k`` (from 0)
scores ``m - 1 - 2k`` and each unranked one ``-L``; an empty ballot gives everyone 0.
On complete rankings this is ``2 * classic Borda - (m - 1)``, so it orders candidates
exactly as classic Borda (m - 1, m - 2, ..., 0) does; on truncated ballots it does not
reward ranking fewer candidates. This is pref_voting's ``symmetric_borda_scores`` /
``borda_for_profile_with_ties``, the reference in ``shared/data/ranked``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bloc.core.tally.ballots import IntArray, RankedProfile
from bloc.core.tally.pairwise import positions
from bloc.core.tally.result import REASON_MOST_POINTS, Result, highest_total

#: Rows handled at a time (bounds the temporary per-ballot score matrix).
_CHUNK = 1 << 16

BORDA_NOTE = (
    "Symmetric Borda: on each ballot a candidate scores (candidates ranked below) - "
    "(candidates ranked above); unranked candidates tie last."
)


def borda_scores(profile: RankedProfile) -> IntArray:
    """Each candidate's symmetric Borda score (index = candidate), exact int64."""
    m = profile.num_candidates
    scores = np.zeros(m, dtype=np.int64)
    rankings, counts = profile.rankings, profile.counts
    if m == 0 or rankings.shape[0] == 0 or rankings.shape[1] == 0:
        return scores
    # Per-ballot scores and 2 * place fit in int16 while m < 2**14: small temporaries.
    small: type[np.signedinteger[Any]] = np.int16 if m < 1 << 14 else np.int64
    for start in range(0, rankings.shape[0], _CHUNK):
        chunk = rankings[start : start + _CHUNK]
        weights = counts[start : start + _CHUNK]
        place = positions(chunk, m).astype(small)
        ranked = place < m
        ranked_count = np.add.reduce(ranked, axis=0, dtype=small)
        per_ballot = np.where(ranked, (m - 1) - 2 * place, -ranked_count)
        for c in range(m):
            # An integer dot product: exact, unlike np.bincount's float weights.
            scores[c] += per_ballot[c] @ weights
    return scores


def borda(profile: RankedProfile) -> Result:
    """Count ``profile`` by symmetric Borda; the candidates with the highest score win.

    One round: every candidate's score; ties are not broken (all candidates level at
    the top win, in candidate order, as pref_voting's ``borda_for_profile_with_ties``
    returns them). Empty ballots are reported as exhausted: they score nobody.
    """
    return highest_total(
        "borda",
        profile.candidates,
        tuple(int(v) for v in borda_scores(profile)),
        total_ballots=profile.total,
        exhausted=profile.empty_ballots,
        reason=REASON_MOST_POINTS,
        notes=(BORDA_NOTE,),
    )
