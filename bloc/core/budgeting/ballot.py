"""What a voter may submit in a participatory budget, checked and made canonical.

Four ballot forms:

* ``approval``: tick projects, at least ``min_projects`` and at most ``max_projects``;
* ``knapsack``: tick projects whose costs add up to no more than the budget (and
  within the same count limits) — the voter plays the budget committee;
* ``cumulative``: spread at most ``max_points`` points (whole numbers, each project at
  most ``max_per_project`` when set) over the projects;
* ``ordinal``: rank projects, 1 = first; at most ``max_projects`` ranked.

``check`` turns what a page or the API received into the canonical ballot or raises
``BudgetBallotProblem`` with a stable code and the figures a message needs (the app
words it in the voter's language). ``encode`` gives the one text each ballot has.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

APPROVAL, KNAPSACK, CUMULATIVE, ORDINAL = "approval", "knapsack", "cumulative", "ordinal"
FORMS = (APPROVAL, KNAPSACK, CUMULATIVE, ORDINAL)

#: approval/knapsack/ordinal: project keys; cumulative: (key, points) pairs.
Ballot = tuple[int, ...] | tuple[tuple[int, int], ...]


class BudgetBallotProblem(ValueError):
    """A submitted ballot is not valid; ``code`` and ``params`` say why.

    Codes: ``unknown_project``, ``empty``, ``too_few`` (``least``), ``too_many``
    (``most``), ``over_budget`` (``total``, ``budget``, ``over``), ``bad_points``,
    ``too_many_points`` (``total``, ``most``, ``over``), ``project_points``
    (``most``), ``same_rank`` (``rank``), ``bad_rank`` (``rank``, ``most``).
    """

    def __init__(self, code: str, **params: int) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class BudgetBallotForm:
    """What a budget's ballot asks. ``costs`` maps each project on the ballot to its cost."""

    kind: str
    costs: Mapping[int, int]
    budget: int
    min_projects: int = 0
    max_projects: int | None = None
    max_points: int = 10
    max_per_project: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in FORMS:
            raise ValueError(f"unknown ballot form {self.kind!r}")
        if self.min_projects < 0 or (
            self.max_projects is not None and self.max_projects < max(self.min_projects, 1)
        ):
            raise ValueError("the project limits are inconsistent")
        if self.kind == CUMULATIVE and self.max_points < 1:
            raise ValueError("a cumulative ballot needs at least one point to give")


def _key(form: BudgetBallotForm, value: Any) -> int:
    if isinstance(value, bool):
        raise BudgetBallotProblem("unknown_project")
    try:
        key = int(value)
    except (TypeError, ValueError):
        raise BudgetBallotProblem("unknown_project") from None
    if key not in form.costs:
        raise BudgetBallotProblem("unknown_project")
    return key


def _whole(value: Any, code: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BudgetBallotProblem(code)
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise BudgetBallotProblem(code) from None
    if isinstance(value, float) and value != number:
        raise BudgetBallotProblem(code)
    return number


def _count(form: BudgetBallotForm, chosen: int) -> None:
    if chosen == 0 and form.min_projects > 0:
        raise BudgetBallotProblem("empty")
    if chosen < form.min_projects:
        raise BudgetBallotProblem("too_few", least=form.min_projects)
    if form.max_projects is not None and chosen > form.max_projects:
        raise BudgetBallotProblem("too_many", most=form.max_projects)


def check(form: BudgetBallotForm, data: Any) -> Ballot:
    """The canonical ballot for ``data``.

    ``data`` by form: approval and knapsack a list of project keys; cumulative a
    mapping of key to points (blank or 0: none); ordinal a mapping of key to rank
    (blank: unranked). Keys and numbers may be strings, as forms send them.
    """
    if form.kind in (APPROVAL, KNAPSACK):
        if not isinstance(data, Sequence | set | frozenset) or isinstance(data, str | bytes):
            raise BudgetBallotProblem("unknown_project")
        chosen = tuple(sorted({_key(form, item) for item in data}))
        _count(form, len(chosen))
        if form.kind == KNAPSACK:
            total = sum(form.costs[p] for p in chosen)
            if total > form.budget:
                raise BudgetBallotProblem(
                    "over_budget", total=total, budget=form.budget, over=total - form.budget
                )
        return chosen
    if not isinstance(data, Mapping):
        raise BudgetBallotProblem("unknown_project")
    if form.kind == CUMULATIVE:
        points: dict[int, int] = {}
        for raw_key, raw_points in data.items():
            key = _key(form, raw_key)
            given = _whole(raw_points, "bad_points")
            if given is None or given == 0:
                continue
            if given < 0:
                raise BudgetBallotProblem("bad_points")
            if form.max_per_project is not None and given > form.max_per_project:
                raise BudgetBallotProblem("project_points", most=form.max_per_project)
            points[key] = given
        total = sum(points.values())
        if total > form.max_points:
            raise BudgetBallotProblem(
                "too_many_points", total=total, most=form.max_points, over=total - form.max_points
            )
        _count(form, len(points))
        return tuple(sorted(points.items()))
    ranks: dict[int, int] = {}
    most = len(form.costs)
    for raw_key, raw_rank in data.items():
        key = _key(form, raw_key)
        rank = _whole(raw_rank, "bad_rank")
        if rank is None:
            continue
        if not 1 <= rank <= most:
            raise BudgetBallotProblem("bad_rank", rank=rank, most=most)
        if rank in ranks.values():
            raise BudgetBallotProblem("same_rank", rank=rank)
        ranks[key] = rank
    _count(form, len(ranks))
    # Gaps close up: ranks 1 and 3 read as first and second.
    return tuple(key for key, _ in sorted(ranks.items(), key=lambda item: item[1]))


def encode(ballot: Ballot) -> str:
    """The one text of a canonical ballot (what is stored, hashed and published)."""
    return json.dumps([list(x) if isinstance(x, tuple) else x for x in ballot],
                      separators=(",", ":"))  # fmt: skip


def decode(text: str) -> Ballot:
    items = json.loads(text)
    if items and isinstance(items[0], list):
        return tuple((int(k), int(v)) for k, v in items)
    return tuple(int(k) for k in items)
