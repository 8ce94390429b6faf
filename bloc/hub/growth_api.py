"""The growth part of the hub's API, under /api/v1/hub/ (the chapter's organizers)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from bloc import permissions
from bloc.core.errors import ValidationFailed
from bloc.hub import growth, selectors
from bloc.institutions.models import InstitutionKind

router = Router(tags=["hub"])


class HubGrowthQuery(Schema):
    kind: str = Field("", description="A kind of institution; empty: all of them.")


class HubGrowthOut(Schema):
    chapter: str
    kind: str = Field(description="The kind of institution, or empty for all.")
    computed_at: datetime | None = Field(description="The last refresh; null before the first.")
    as_of: str = Field(description="The day the last (current) week is counted to.")
    weeks: list[str] = Field(description="Each week's last day (a Sunday), oldest first.")
    members: list[int] = Field(description="Current memberships at the end of each week.")
    verified: list[int]
    institutions: list[int]
    councils: list[int] | None = Field(description="The chapter's councils; null for a kind.")


@router.get(
    "/{chapter}/growth",
    response=HubGrowthOut,
    url_name="hub_growth",
    summary="A chapter's growth week by week (organizers)",
)
def hub_growth(request: HttpRequest, chapter: str, query: Query[HubGrowthQuery]) -> object:
    the_chapter = selectors.chapter_get(slug=chapter)
    permissions.require(request.user, "hub.organize", the_chapter)
    kind = query.kind
    if kind and kind not in InstitutionKind.values:
        raise ValidationFailed.for_field(
            "kind",
            _("Unknown kind of institution; one of: %(kinds)s.")
            % {"kinds": ", ".join(InstitutionKind.values)},
        )
    figures = selectors.chapter_figures(chapter=the_chapter)
    stored = figures.growth if figures else {}
    series = growth.series(stored, kind=kind)
    weeks = list(stored.get("weeks") or [])
    return {
        "chapter": the_chapter.slug,
        "kind": kind,
        "computed_at": figures.computed_at if figures else None,
        "as_of": stored.get("as_of", ""),
        "weeks": weeks,
        "members": series.get("members", []),
        "verified": series.get("verified", []),
        "institutions": series.get("institutions", []),
        "councils": None if kind else series.get("councils", []),
    }
