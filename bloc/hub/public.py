"""What the chapter's public page and public API show: totals, recent decisions and
the next public dates, read in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bloc.hub import calendar, growth, recent
from bloc.hub.models import ChapterFigures
from bloc.institutions.models import Chapter

COMING_DAYS = 60
COMING_MOST = 10


@dataclass(frozen=True)
class PublicSummary:
    chapter: Chapter
    figures: ChapterFigures | None
    totals: dict[str, Any]
    counted_at: datetime
    recent: recent.Recent
    coming: list[calendar.CalendarItem]


def public_summary(*, chapter: Chapter, now: datetime) -> PublicSummary:
    """The totals of the last refresh (counted now, cheaply, before the first one), the
    recent public decisions and the next public calendar items."""
    # Only what the page shows (not the map areas, growth or equity, which can be large).
    figures = ChapterFigures.objects.filter(chapter=chapter).only("computed_at", "totals").first()
    if figures is not None and figures.totals:
        totals, counted_at = figures.totals, figures.computed_at
    else:
        totals, counted_at = growth.totals(chapter=chapter, now=now), now
    scope = calendar.public_scope(chapter=chapter)
    coming = calendar.items(
        chapter=chapter,
        scope=scope,
        start=now,
        end=now + timedelta(days=COMING_DAYS),
        limit=COMING_MOST,
        cancelled=False,
    )
    return PublicSummary(
        chapter=chapter,
        figures=figures,
        totals=totals,
        counted_at=counted_at,
        recent=recent.recent_decisions(chapter=chapter, public_ids=scope.public_ids),
        coming=coming,
    )
