"""Participation against residents: shares, an equity index, small-group suppression.

Input is, per group of one dimension (tenure, age band, language, ...), a
``Count``: how many people took part and how many residents the baseline
holds (residents who described themselves, or census figures).

- ``shares`` gives each group's share of participants and of residents and its
  representation ratio (participant share / resident share; ``None`` when the
  resident share is 0 or undefined).
- ``equity_index`` is ``1 - D`` where ``D = 1/2 * sum_g |p_g - r_g|`` is the
  dissimilarity (Duncan) index between the participant distribution ``p`` and
  the resident distribution ``r``. 1 means participation mirrors the residents
  exactly, 0 that the two are disjoint. Exact (``Fraction``), with a float for
  display; ``None`` when either total is 0.
- ``suppress_small`` merges groups so that no figure about fewer than
  ``minimum`` people is ever reported (see its docstring).

Pure Python: no Django, no floats in the arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

# Name of the group that collects the groups too small to report on their own.
OTHER = "other"
# No aggregate about fewer people than this is ever reported.
MINIMUM = 5


@dataclass(frozen=True)
class Count:
    """Participants and residents of one group (both non-negative)."""

    participants: int
    residents: int

    def __post_init__(self) -> None:
        if self.participants < 0 or self.residents < 0:
            raise ValueError("counts must be non-negative")

    def __add__(self, other: Count) -> Count:
        return Count(self.participants + other.participants, self.residents + other.residents)

    def at_least(self, minimum: int) -> bool:
        return self.participants >= minimum and self.residents >= minimum


Counts = Mapping[str, Count]


def _totals(counts: Counts) -> Count:
    total = Count(0, 0)
    for count in counts.values():
        total = total + count
    return total


@dataclass(frozen=True)
class GroupShare:
    """One group's shares; a share is ``None`` when its total is 0."""

    group: str
    count: Count
    participant_share: Fraction | None
    resident_share: Fraction | None

    @property
    def ratio(self) -> Fraction | None:
        """Participant share / resident share; ``None`` when undefined."""
        if self.participant_share is None or not self.resident_share:
            return None
        return self.participant_share / self.resident_share


def shares(counts: Counts) -> tuple[GroupShare, ...]:
    """Each group's shares, in the order of ``counts``."""
    total = _totals(counts)
    return tuple(
        GroupShare(
            group=group,
            count=count,
            participant_share=(
                Fraction(count.participants, total.participants) if total.participants else None
            ),
            resident_share=(
                Fraction(count.residents, total.residents) if total.residents else None
            ),
        )
        for group, count in counts.items()
    )


@dataclass(frozen=True)
class EquityIndex:
    """``value`` = 1 - ``dissimilarity``, exact; ``display`` is its float."""

    value: Fraction
    dissimilarity: Fraction

    @property
    def display(self) -> float:
        return float(self.value)


def equity_index(counts: Counts) -> EquityIndex | None:
    """``1 - D`` with ``D`` the dissimilarity index; ``None`` if a total is 0."""
    total = _totals(counts)
    if total.participants == 0 or total.residents == 0:
        return None
    dissimilarity = (
        sum(
            (
                abs(
                    Fraction(c.participants, total.participants)
                    - Fraction(c.residents, total.residents)
                )
                for c in counts.values()
            ),
            Fraction(0),
        )
        / 2
    )
    return EquityIndex(value=1 - dissimilarity, dissimilarity=dissimilarity)


@dataclass(frozen=True)
class ReportedGroup:
    """A group that may be reported, and the original groups merged into it."""

    group: str
    count: Count
    members: tuple[str, ...]


def suppress_small(counts: Counts, minimum: int = MINIMUM) -> tuple[ReportedGroup, ...]:
    """Merge groups so that every reported count is at least ``minimum``.

    Every group whose participants or residents are below ``minimum`` goes
    into one ``OTHER`` group. While that group is itself below the minimum on
    either count and other groups remain, it absorbs the smallest remaining
    group (smallest by its lesser count, then its total, then its name). If
    what is left is still below the minimum (the whole total is too small),
    nothing is reported: the result is empty. Groups that are kept stay in the
    order of ``counts``; ``OTHER`` comes last. The totals are kept whenever
    anything is reported.
    """
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    kept: dict[str, Count] = {}
    merged: list[str] = []
    other = Count(0, 0)
    for group, count in counts.items():
        # An original group named like the merged one joins it, so names stay unique.
        if count.at_least(minimum) and group != OTHER:
            kept[group] = count
        else:
            merged.append(group)
            other = other + count
    if merged and not other.at_least(minimum):
        while kept and not other.at_least(minimum):
            smallest = min(
                kept,
                key=lambda g: (
                    min(kept[g].participants, kept[g].residents),
                    kept[g].participants + kept[g].residents,
                    g,
                ),
            )
            other = other + kept.pop(smallest)
            merged.append(smallest)
        if not other.at_least(minimum):
            return ()
    reported = [ReportedGroup(group, count, (group,)) for group, count in kept.items()]
    if merged:
        reported.append(ReportedGroup(OTHER, other, tuple(sorted(merged))))
    return tuple(reported)


def suppressed_counts(counts: Counts, minimum: int = MINIMUM) -> dict[str, Count]:
    """``suppress_small`` as a mapping, ready for ``shares`` and ``equity_index``."""
    return {r.group: r.count for r in suppress_small(counts, minimum)}
