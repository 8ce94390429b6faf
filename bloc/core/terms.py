"""Terms of office and term limits: how many terms in a row a person has held a role.

A term is the half-open span of days ``[starts_on, last_day)``: it is held
from ``starts_on`` up to the day before ``last_day``, so one term may end on
the day the next one starts. A term follows another "in a row" when it
starts no more than ``GAP_DAYS`` after the other ended: a short break
between two terms does not reset the count, so a limit cannot be dodged by
stepping down for a week.

A term cut short before it began (``last_day <= starts_on``, e.g. a future
term cancelled, or ended when its holder left) was never served: it counts
for nothing and overlaps nothing.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

GAP_DAYS = 90


@dataclass(frozen=True)
class Term:
    starts_on: date
    last_day: date  # the day it ended: its planned end, or earlier if cut short

    @property
    def served(self) -> bool:
        """Whether the term lasted at least a day (it was not cancelled before it began)."""
        return self.last_day > self.starts_on


def _follows(earlier_last_day: date, later_start: date) -> bool:
    """Whether a term starting on ``later_start`` is in a row with one ending on ``earlier_last_day``."""
    return later_start - earlier_last_day <= timedelta(days=GAP_DAYS)


def consecutive_terms(previous: Iterable[Term], new_start: date) -> int:
    """How many of ``previous`` terms run in an unbroken chain up to ``new_start``.

    Only terms that start before ``new_start`` count; the order of
    ``previous`` does not matter; no terms gives 0.
    """
    chain = 0
    boundary = new_start
    earlier = (t for t in previous if t.served and t.starts_on < new_start)
    for term in sorted(earlier, key=lambda t: (t.last_day, t.starts_on), reverse=True):
        if not _follows(term.last_day, boundary):
            break
        chain += 1
        boundary = min(boundary, term.starts_on)
    return chain


def consecutive_after(following: Iterable[Term], new_start: date, new_last_day: date) -> int:
    """How many terms that start after ``new_start`` run in an unbroken chain from ``new_last_day``.

    The mirror of ``consecutive_terms``: it matters when a term is recorded
    in a gap between terms already on file (recording terms after the fact).
    """
    chain = 0
    boundary = new_last_day
    later = (t for t in following if t.served and t.starts_on > new_start)
    for term in sorted(later, key=lambda t: (t.starts_on, t.last_day)):
        if not _follows(boundary, term.starts_on):
            break
        chain += 1
        boundary = max(boundary, term.last_day)
    return chain


def overlaps(previous: Iterable[Term], starts_on: date, ends_on: date) -> bool:
    """Whether a new term ``[starts_on, ends_on)`` would share a day with one already held."""
    return any(t.served and t.starts_on < ends_on and starts_on < t.last_day for t in previous)


def exceeds_limit(
    previous: Iterable[Term],
    new_start: date,
    limit: int | None,
    new_last_day: date | None = None,
) -> bool:
    """Whether one more term starting on ``new_start`` would break a limit of ``limit`` in a row.

    ``None`` means the bylaws set no limit. Given ``new_last_day``, terms on
    file after the new one count too, so that filling a gap cannot join two
    runs into one longer than the limit.
    """
    if limit is None:
        return False
    return run_length(previous, new_start, new_last_day) > limit


def run_length(previous: Iterable[Term], new_start: date, new_last_day: date | None = None) -> int:
    """How many terms in a row the person would have with a new term (the new one included)."""
    held = list(previous)
    run = consecutive_terms(held, new_start) + 1
    if new_last_day is not None:
        run += consecutive_after(held, new_start, new_last_day)
    return run


def longest_run(held: Iterable[Term]) -> int:
    """The most terms in a row among ``held`` (0 for none); input order does not matter."""
    longest = 0
    current = 0
    last_day: date | None = None
    for term in sorted((t for t in held if t.served), key=lambda t: (t.starts_on, t.last_day)):
        if last_day is not None and _follows(last_day, term.starts_on):
            current += 1
            last_day = max(last_day, term.last_day)
        else:
            current = 1
            last_day = term.last_day
        longest = max(longest, current)
    return longest


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day if it is shorter).

    A term of 12 months from 29 February ends on 28 February.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
