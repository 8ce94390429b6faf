"""Shared setup of the health and map tests: a chapter of many small square institutions."""

from __future__ import annotations

from typing import Any

from bloc.actors import SYSTEM
from bloc.institutions.models import Chapter, ChapterOrganizer, Institution
from bloc.institutions.services import institution_create
from tests.conftest import make_person


def square(lon: float, lat: float, side: float = 0.004) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]]
        ],
    }


def blocks(
    chapter: Chapter, n: int, *, start: int = 0, kind: str = "block_association", drawn: bool = True
) -> list[Institution]:
    """``n`` institutions in a grid of squares south-west of Maple Street."""
    made = []
    for i in range(start, start + n):
        made.append(
            institution_create(
                actor=SYSTEM,
                chapter=chapter,
                name=f"Block {i:03d}",
                slug=f"block-{i:03d}",
                kind=kind,
                boundary=square(-73.99 + (i % 10) * 0.005, 40.70 + (i // 10) * 0.005)
                if drawn
                else None,
            )
        )
    return made


def organizer_of(chapter: Chapter, email: str = "olga@example.org") -> Any:
    person = make_person(email, "Olga Organizer")
    ChapterOrganizer.objects.create(chapter=chapter, user=person)
    return person


def join(institution: Institution, user: Any, *, verified: bool = False, **extra: Any) -> Any:
    """A membership row as the membership services leave it (no area check: the
    areas here are made up)."""
    from django.utils import timezone

    from bloc.membership.models import Membership

    return Membership.objects.create(
        institution=institution,
        user=user,
        verified_at=timezone.now() if verified else None,
        verification_method="in_person" if verified else "",
        **extra,
    )
