"""A participatory-budgeting election as the rules count it.

Projects are numbered 0..m-1 in the order of the file; ``ids`` keeps their ids as
written (tie-breaks compare them as strings, as pabutools does). Identical ballots
are merged: ``ballots[k]`` was cast by ``counts[k]`` voters. Costs, the budget and
points are whole numbers (Pabulib files have no fractional costs; a reader refuses
them rather than round).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
        if len(self.counts) != len(self.ballots) or any(n < 1 for n in self.counts):
            raise ValueError("each distinct ballot needs a positive count")
        for ballot in self.ballots:
            if len(set(ballot)) != len(ballot) or any(not 0 <= p < m for p in ballot):
                raise ValueError(f"a ballot names a project twice or an unknown one: {ballot}")
        if (self.kind == CUMULATIVE) != (self.points is not None):
            raise ValueError("points are given exactly for cumulative ballots")
        if self.points is not None and [len(p) for p in self.points] != [
            len(b) for b in self.ballots
        ]:
            raise ValueError("points must align with the ballots' projects")

    @property
    def voters(self) -> int:
        return sum(self.counts)
