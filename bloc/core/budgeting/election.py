"""A participatory-budgeting election as the rules count it.

Projects are numbered 0..m-1 in the order of the file; ``ids`` keeps their ids as
written (tie-breaks compare them as strings, as pabutools does). Identical ballots
are merged: ``ballots[k]`` was cast by ``counts[k]`` voters. Costs, the budget and
points are whole numbers (Pabulib files have no fractional costs; a reader refuses
them rather than round).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

import numpy as np

APPROVAL, CUMULATIVE, ORDINAL = "approval", "cumulative", "ordinal"
KINDS = (APPROVAL, CUMULATIVE, ORDINAL)


@dataclass(frozen=True, eq=False)
class Election:
    ids: tuple[str, ...]
    costs: tuple[int, ...]
    budget: int
    kind: str
    #: Each distinct ballot: the projects it supports (approval: approved; cumulative:
    #: given points; ordinal: ranked, in rank order).
    ballots: tuple[tuple[int, ...], ...]
    #: How many voters cast each distinct ballot.
    counts: tuple[int, ...]
    #: Cumulative only: the points given to each project of the ballot, aligned.
    points: tuple[tuple[int, ...], ...] | None = None
    #: Ballot limits from META (approval: min/max projects; cumulative: max points...).
    limits: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        m = len(self.ids)
        if len(self.costs) != m or len(set(self.ids)) != m:
            raise ValueError("each project needs one cost and a distinct id")
        if self.kind not in KINDS:
            raise ValueError(f"unknown ballot kind {self.kind!r}")
        if any(c < 0 for c in self.costs) or self.budget < 0:
            raise ValueError("costs and the budget cannot be negative")
        if len(self.counts) != len(self.ballots) or (self.counts and min(self.counts) < 1):
            raise ValueError("each distinct ballot needs a positive count")
        bad = _first_bad_ballot(self.ballots, m)
        if bad is not None:
            raise ValueError(
                f"a ballot names a project twice or an unknown one: {self.ballots[bad]}"
            )
        if (self.kind == CUMULATIVE) != (self.points is not None):
            raise ValueError("points are given exactly for cumulative ballots")
        if self.points is not None and [len(p) for p in self.points] != [
            len(b) for b in self.ballots
        ]:
            raise ValueError("points must align with the ballots' projects")

    @property
    def voters(self) -> int:
        return sum(self.counts)


def _bad(ballot: tuple[int, ...], m: int) -> bool:
    return len(set(ballot)) != len(ballot) or any(not 0 <= p < m for p in ballot)


def _first_bad_ballot(ballots: tuple[tuple[int, ...], ...], m: int) -> int | None:
    """The index of the first ballot naming a project twice or one not in 0..m-1.

    Large elections are checked with NumPy (a real city's file has ~10^5 ballots): a
    ballot cannot name a project twice when its projects increase, as the reader and most
    callers give them; ballots that do not are looked at one by one, or, when there are
    many (ranked ballots), all pairs are sorted by project to find a ballot twice."""
    if len(ballots) < 500:
        return next((j for j, ballot in enumerate(ballots) if _bad(ballot, m)), None)
    lens = np.fromiter(map(len, ballots), dtype=np.intp, count=len(ballots))
    try:
        flat = np.fromiter(chain.from_iterable(ballots), dtype=np.int64, count=int(lens.sum()))
    except (TypeError, ValueError, OverflowError):  # not all whole numbers: the slow way
        return next((j for j, ballot in enumerate(ballots) if _bad(ballot, m)), None)
    owner = np.repeat(np.arange(len(ballots)), lens)
    unknown = (flat < 0) | (flat >= m)
    same = owner[1:] == owner[:-1]
    unsorted = owner[1:][same & (flat[1:] <= flat[:-1])]
    if len(unsorted) > 1000:
        known = ~unknown
        projects, owners = flat[known], owner[known]
        order = np.argsort(projects.astype(np.int16) if m < 2**15 else projects, kind="stable")
        projects, owners = projects[order], owners[order]
        twice = (projects[1:] == projects[:-1]) & (owners[1:] == owners[:-1])
        unsorted = owners[1:][twice]
    suspects = np.concatenate((owner[unknown], unsorted))
    for j in np.unique(suspects).tolist():
        if _bad(ballots[j], m):
            return int(j)
    return None
