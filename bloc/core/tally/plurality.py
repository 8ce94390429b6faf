"""Plurality: the candidate with the most first preferences wins."""

from __future__ import annotations

from bloc.core.tally.ballots import RankedProfile
from bloc.core.tally.result import REASON_MOST_VOTES, Result, highest_total


def plurality(profile: RankedProfile) -> Result:
    """Count first preferences; the candidates with the most win.

    One round: every candidate's first preferences, empty ballots counted as
    exhausted. Ties are not broken: all candidates level at the top are returned, in
    candidate order (as pref_voting's ``plurality`` does, the reference in
    ``shared/data/ranked``). With no candidates, or no ballot naming anyone, every
    candidate has 0 votes and all of them are tied winners.
    """
    return highest_total(
        "plurality",
        profile.candidates,
        tuple(int(v) for v in profile.first_preferences()),
        total_ballots=profile.total,
        exhausted=profile.empty_ballots,
        reason=REASON_MOST_VOTES,
    )
