"""An officeholder's scorecard: their actions judged against their pledges.

Organizers enter actions (a vote, a bill, a statement) with a source and match each to
a pledge as ``kept``, ``partial`` or ``broken``. The score is the share of the judged
actions' points: kept 1, partial 1/2, broken 0, as an exact fraction shown as a
percentage; None before any action is judged. ``history`` is the score after each
day with actions, so the page can show how it moved and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

KEPT, PARTIAL, BROKEN = "kept", "partial", "broken"
VERDICTS = (KEPT, PARTIAL, BROKEN)
POINTS = {KEPT: Fraction(1), PARTIAL: Fraction(1, 2), BROKEN: Fraction(0)}


@dataclass(frozen=True)
class Action:
    pledge: str
    verdict: str
    on: date

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")


@dataclass(frozen=True)
class Score:
    score: Fraction | None  # from 0 to 1
    kept: int = 0
    partial: int = 0
    broken: int = 0
    #: Per pledge: (kept, partial, broken).
    by_pledge: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    #: (day, score after that day's actions), oldest first.
    history: tuple[tuple[date, Fraction], ...] = ()

    @property
    def percent(self) -> float | None:
        return None if self.score is None else float(self.score * 100)


def score(actions: Iterable[Action]) -> Score:
    ordered = sorted(actions, key=lambda a: a.on)
    counts = {v: 0 for v in VERDICTS}
    by_pledge: dict[str, list[int]] = {}
    history: list[tuple[date, Fraction]] = []
    total = Fraction(0)
    for n, action in enumerate(ordered, start=1):
        counts[action.verdict] += 1
        by_pledge.setdefault(action.pledge, [0, 0, 0])[VERDICTS.index(action.verdict)] += 1
        total += POINTS[action.verdict]
        now = total / n
        if history and history[-1][0] == action.on:
            history[-1] = (action.on, now)
        else:
            history.append((action.on, now))
    return Score(
        score=total / len(ordered) if ordered else None,
        kept=counts[KEPT],
        partial=counts[PARTIAL],
        broken=counts[BROKEN],
        by_pledge={k: (v[0], v[1], v[2]) for k, v in by_pledge.items()},
        history=tuple(history),
    )
