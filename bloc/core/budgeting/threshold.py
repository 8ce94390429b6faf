"""A vote threshold: projects with fewer supporters than it are not eligible for funding.

Cities add it to greedy counting (Warsaw: "greedy-threshold", META
``min_project_score_threshold``: a project needed 3,000 votes in 2026, 10% of the
district's voters in 2018). The rule then counts only the eligible projects; ballots
keep their other projects, and a ballot left with none no longer counts.
"""

from __future__ import annotations

from bloc.core.budgeting.election import Election
from bloc.core.budgeting.greedy import supporters


def eligible(election: Election, min_votes: int) -> tuple[Election, list[int]]:
    """The election restricted to projects with at least ``min_votes`` supporters, and
    the indices (in ``election``) of the projects it leaves out."""
    votes = supporters(election)
    keep = [p for p in range(len(election.ids)) if votes[p] >= min_votes]
    if len(keep) == len(election.ids):
        return election, []
    index = {p: i for i, p in enumerate(keep)}
    ballots, points, counts = [], [], []
    for k, (ballot, n) in enumerate(zip(election.ballots, election.counts, strict=True)):
        chosen = [(index[p], j) for j, p in enumerate(ballot) if p in index]
        if not chosen:
            continue
        ballots.append(tuple(i for i, _ in chosen))
        if election.points is not None:
            points.append(tuple(election.points[k][j] for _, j in chosen))
        counts.append(n)
    left_out = [p for p in range(len(election.ids)) if p not in index]
    restricted = Election(
        ids=tuple(election.ids[p] for p in keep),
        costs=tuple(election.costs[p] for p in keep),
        budget=election.budget,
        kind=election.kind,
        ballots=tuple(ballots),
        counts=tuple(counts),
        points=tuple(points) if election.points is not None else None,
        limits=dict(election.limits),
    )
    return restricted, left_out
