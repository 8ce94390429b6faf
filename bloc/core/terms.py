"""Terms of office and term limits: how many terms in a row a person has held a role.

A term follows another "in a row" when it starts no more than ``GAP_DAYS``
after the other ended: a short break between two terms does not reset the
count, so a limit cannot be dodged by stepping down for a week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

GAP_DAYS = 90


@dataclass(frozen=True)
class Term:
    starts_on: date
    last_day: date  # the day it ended: its planned end, or earlier if cut short


def consecutive_terms(previous: Iterable[Term], new_start: date) -> int:
    """How many of ``previous`` terms run in an unbroken chain up to ``new_start``."""
    chain = 0
    boundary = new_start
    for term in sorted(previous, key=lambda t: t.last_day, reverse=True):
        if term.starts_on >= new_start:
            continue
        if term.last_day >= boundary - timedelta(days=GAP_DAYS):
            chain += 1
            boundary = term.starts_on
        else:
            break
    return chain


def overlaps(previous: Iterable[Term], starts_on: date, ends_on: date) -> bool:
    """Whether a new term would overlap one already held (same person, same role)."""
    return any(t.starts_on < ends_on and starts_on < t.last_day for t in previous)


def exceeds_limit(previous: Iterable[Term], new_start: date, limit: int | None) -> bool:
    """Whether one more term starting on ``new_start`` would break a limit of ``limit`` in a row."""
    if limit is None:
        return False
    return consecutive_terms(previous, new_start) + 1 > limit
