"""STUB (the equity helper replaces it): participation against residents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bloc.institutions.models import Chapter


@dataclass
class EquityFigures:
    per_institution: dict[int, dict[str, Any]] = field(default_factory=dict)
    overall: dict[str, Any] = field(default_factory=dict)
    participants: dict[int, int] = field(default_factory=dict)


def compute(*, chapter: Chapter, now: datetime) -> EquityFigures:
    return EquityFigures()
