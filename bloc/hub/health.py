"""STUB (the health helper replaces it): per-institution figures and health score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bloc.institutions.models import Chapter


@dataclass(frozen=True)
class HealthFigures:
    members: int
    verified: int
    charter_percent: int
    open_concerns: int
    health: int
    reasons: list[dict[str, Any]] = field(default_factory=list)


def compute(*, chapter: Chapter, now: datetime) -> dict[int, HealthFigures]:
    return {i.pk: HealthFigures(0, 0, 0, 0, 100) for i in chapter.institutions.all()}
