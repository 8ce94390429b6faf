"""Writes of the hub: refreshing a chapter's figures.

Every hub page reads the snapshot this writes (``InstitutionFigures``,
``ChapterFigures``), so a page costs a bounded number of queries however large the
chapter. ``bloc hub refresh`` runs it for every chapter (run it every hour); an
organizer can also refresh from the hub.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from bloc import permissions
from bloc.actors import is_system
from bloc.hub import equity, growth, health, maps
from bloc.hub.models import ChapterFigures, InstitutionFigures
from bloc.institutions.models import Chapter


def refresh(actor: Any, *, chapter: Chapter, now: datetime | None = None) -> ChapterFigures:
    """Recompute ``chapter``'s figures and replace the stored ones in one transaction."""
    if not is_system(actor):
        permissions.require(actor, "hub.organize", chapter)
    now = now or timezone.now()
    healths = health.compute(chapter=chapter, now=now)
    equities = equity.compute(chapter=chapter, now=now)
    areas = maps.areas(chapter=chapter)
    rows = []
    for institution_id, h in healths.items():
        area = areas.get(institution_id)
        rows.append(
            InstitutionFigures(
                institution_id=institution_id,
                computed_at=now,
                members=h.members,
                verified=h.verified,
                participants=equities.participants.get(institution_id, 0),
                charter_percent=h.charter_percent,
                open_concerns=h.open_concerns,
                health=h.health,
                reasons=h.reasons,
                equity=equities.per_institution.get(institution_id, {}),
                area=area.rings if area else None,
                centroid_lon=area.centroid[0] if area else None,
                centroid_lat=area.centroid[1] if area else None,
            )
        )
    defaults = {
        "computed_at": now,
        "totals": growth.totals(chapter=chapter, now=now),
        "growth": growth.compute(chapter=chapter, now=now),
        "equity": equities.overall,
        "councils": maps.council_areas(chapter=chapter, areas=areas),
    }
    with transaction.atomic():
        InstitutionFigures.objects.filter(institution__chapter=chapter).delete()
        InstitutionFigures.objects.bulk_create(rows, batch_size=500)
        figures, _ = ChapterFigures.objects.update_or_create(chapter=chapter, defaults=defaults)
    return figures


def refresh_all(now: datetime | None = None) -> list[ChapterFigures]:
    """Refresh every chapter (``bloc hub refresh``)."""
    from bloc.actors import SYSTEM

    return [refresh(SYSTEM, chapter=c, now=now) for c in Chapter.objects.order_by("pk")]
