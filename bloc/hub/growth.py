"""STUB (the growth helper replaces it): members and institutions over time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bloc.institutions.models import Chapter


def totals(*, chapter: Chapter, now: datetime) -> dict[str, Any]:
    return {"institutions": chapter.institutions.count()}


def compute(*, chapter: Chapter, now: datetime) -> dict[str, Any]:
    return {}
