"""A BudgetResult told in words (``to_text``) and as plain data (``to_json``).

Both work for every rule: each step is one line (greedy: the order considered, votes or
score, funded or skipped and the money left; MES: the round's price per supporter...).
Fractions become strings ``"p/q"`` in JSON and ``p/q (≈ decimal)`` in text.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bloc.core.budgeting.result import BudgetResult, Step

#: Detail keys shown as their own columns, in this order, when a step has them.
_COLUMNS = ("votes", "points", "score", "left")
_REASONS = {
    "does_not_fit": "does not fit",
}


def _plain(value: Any) -> Any:
    """JSON-ready: Fractions as "p/q", tuples as lists, numpy numbers as ints/floats."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_plain(v) for v in items]
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    if hasattr(value, "tolist"):  # numpy array
        return _plain(value.tolist())
    return str(value)


def to_json(result: BudgetResult) -> dict[str, Any]:
    """The result as plain data: ids rather than indices, Fractions as "p/q"."""
    ids = result.ids
    return {
        "rule": result.rule,
        "budget": result.budget,
        "selected": [ids[p] for p in result.selected],
        "total_cost": result.total_cost,
        "left": result.budget - result.total_cost,
        "steps": [
            {
                "project": ids[s.project],
                "cost": result.costs[s.project],
                "outcome": s.outcome,
                **{k: _plain(v) for k, v in s.detail.items()},
            }
            for s in result.steps
        ],
        "notes": list(result.notes),
        "extra": _plain(result.extra),
    }


def _number(value: Any) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return f"{value.numerator:,}"
        return f"{value} (≈ {float(value):,.4g})"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _why(step: Step) -> str:
    reason = step.detail.get("reason")
    parts = []
    if reason is not None:
        parts.append(_REASONS.get(str(reason), str(reason).replace("_", " ")))
    if "short" in step.detail:
        parts.append(f"{_number(step.detail['short'])} short")
    for key, value in step.detail.items():
        if key not in _COLUMNS and key not in ("reason", "short"):
            parts.append(f"{key} {_number(value)}")
    return ", ".join(parts)


def to_text(result: BudgetResult) -> str:
    """A readable table of the steps, then the total, the money left and the notes."""
    ids, costs = result.ids, result.costs
    columns = [k for k in _COLUMNS if any(k in s.detail for s in result.steps)]
    header = ["#", "project", "cost", *columns, "outcome", "why / details"]
    rows = [
        [
            str(i),
            ids[s.project],
            _number(costs[s.project]),
            *(_number(s.detail[k]) if k in s.detail else "" for k in columns),
            s.outcome,
            _why(s),
        ]
        for i, s in enumerate(result.steps, start=1)
    ]
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    numeric = {2, *range(3, 3 + len(columns))}

    def line(cells: list[str]) -> str:
        out = [
            cell.rjust(w) if c in numeric or c == 0 else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    lines = [f"Rule: {result.rule}", f"Budget: {_number(result.budget)}", ""]
    if rows:
        lines += [line(header), line(["-" * w for w in widths]), *map(line, rows), ""]
    funded = ", ".join(ids[p] for p in result.selected) or "none"
    lines += [
        f"Funded ({len(result.selected)}, in order): {funded}",
        f"Total cost: {_number(result.total_cost)}",
        f"Money left: {_number(result.budget - result.total_cost)}",
    ]
    if result.notes:
        lines += ["", *(f"Note: {n}" for n in result.notes)]
    return "\n".join(lines) + "\n"
