"""Breaking a tie for elimination: earlier rounds first, then a seeded lot.

The rule (issue 5; the same as the Scottish STV order's rule for exclusions, SSI
2007/42 rule 50): among the candidates tied for fewest votes, eliminate the one who had
fewer votes in the most recent earlier round where the tied candidates' votes
differed. If that round leaves several level at the bottom, keep looking further back
among just those. If they were level in every earlier round, draw a lot with
``random.Random(seed)``; the seed is recorded in the ``Result`` so anyone can redraw it.

``DEFAULT_SEED`` is 0, the seed pref_voting's ``stv_scottish`` uses for its draws.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bloc.core.tally.result import TIEBREAK_EARLIER_ROUND, TIEBREAK_LOT, TieBreak

DEFAULT_SEED = 0


class Lot:
    """The draws of one count: one ``random.Random(seed)``, consumed in order.

    Created once per count so that a second draw in the same count is not a repeat of
    the first; ``drawn`` says whether any draw happened (then the seed goes in the
    Result).
    """

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self.drawn = False
        # Not for security: a published, reproducible draw is the point.
        self._random = random.Random(seed)  # noqa: S311

    def draw(self, candidates: Sequence[int]) -> int:
        """Pick one of ``candidates`` (sorted first, so the draw depends only on the set)."""
        self.drawn = True
        return self._random.choice(sorted(candidates))


def break_tie_backwards(
    tied: Sequence[int],
    earlier: Sequence[Sequence[int | None]],
    *,
    round_number: int,
    lot: Lot,
) -> TieBreak:
    """Choose which of ``tied`` to eliminate in round ``round_number``.

    ``earlier[i]`` holds the totals of round ``i + 1`` (index = candidate); every tied
    candidate was still in the count in each earlier round, so their totals there are
    ints. Looks from the most recent earlier round backwards for the first round where
    the tied candidates differ and narrows to those with fewest votes there; a single
    candidate left is chosen, otherwise the lot draws among the survivors.
    """
    if len(tied) < 2:
        raise ValueError("a tie needs at least two candidates")
    remaining = sorted(tied)
    decided_by: int | None = None
    for index in range(len(earlier) - 1, -1, -1):
        totals = earlier[index]
        votes = {c: _votes(totals, c) for c in remaining}
        fewest = min(votes.values())
        lowest = [c for c in remaining if votes[c] == fewest]
        if len(lowest) < len(remaining):
            remaining = lowest
            decided_by = index + 1
            if len(remaining) == 1:
                return TieBreak(
                    round=round_number,
                    tied=tuple(sorted(tied)),
                    chosen=remaining[0],
                    method=TIEBREAK_EARLIER_ROUND,
                    decided_by_round=decided_by,
                )
    return TieBreak(
        round=round_number,
        tied=tuple(sorted(tied)),
        chosen=lot.draw(remaining),
        method=TIEBREAK_LOT,
        decided_by_round=decided_by,
        seed=lot.seed,
    )


def _votes(totals: Sequence[int | None], candidate: int) -> int:
    value = totals[candidate]
    if value is None:
        raise ValueError(f"candidate {candidate} was not in the count in an earlier round")
    return value
