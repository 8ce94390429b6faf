"""What a budgeting rule returns: the funded projects and why, step by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

Value = int | Fraction | str


@dataclass(frozen=True)
class Step:
    """One thing the rule did to one project, e.g. ``("funded", {"votes": 812})``,
    ``("skipped", {"reason": "does_not_fit", "left": 1200})`` or, for MES,
    ``("funded", {"rho": Fraction(..), "paid": .., "supporters": ..})``."""

    project: int
    outcome: str  # funded | skipped | dropped | ...
    detail: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class BudgetResult:
    rule: str
    ids: tuple[str, ...]
    costs: tuple[int, ...]
    budget: int
    selected: tuple[int, ...]  # project indices in the order funded
    steps: tuple[Step, ...] = ()
    #: Plain-language remarks (which completion ran, what Add1 did when all fit...).
    notes: tuple[str, ...] = ()
    #: Rule-specific extras (e.g. MES: the per-voter budget of the final run).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_cost(self) -> int:
        return sum(self.costs[p] for p in self.selected)

    @property
    def selected_ids(self) -> tuple[str, ...]:
        return tuple(self.ids[p] for p in self.selected)
