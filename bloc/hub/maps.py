"""STUB (the map helper replaces it): institutions' and councils' areas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bloc.institutions.models import Chapter


@dataclass(frozen=True)
class Area:
    rings: list[list[list[float]]]  # [[lon, lat], ...] per ring, simplified
    centroid: tuple[float, float]  # (lon, lat)


def areas(*, chapter: Chapter) -> dict[int, Area]:
    return {}


def council_areas(*, chapter: Chapter, areas: dict[int, Area]) -> list[dict[str, Any]]:
    return []
