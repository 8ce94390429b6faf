"""The "who needs help" part of the hub's API, under /api/v1/hub/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from bloc import permissions
from bloc.core.errors import ValidationFailed
from bloc.hub import health, maps, reasons, selectors
from bloc.institutions.models import InstitutionKind

router = Router(tags=["hub"])


class HubHealthReason(Schema):
    code: str = Field(description="Stable: charter_distance, irregular_meetings, ...")
    params: dict[str, int]
    points: str = Field(description="Points lost, with one decimal.")
    sentence: str
    step: str = Field(description="A suggested next step.")
    url: str = Field(description="The institution's page where one acts on it.")


class HubHealthInstitution(Schema):
    name: str
    slug: str
    kind: str
    health: int = Field(description="0 to 100; 100 is best.")
    members: int
    charter_percent: int
    open_concerns: int
    reasons: list[HubHealthReason]


class HubHealthQuery(Schema):
    kind: str = Field(default="", description="Keep one kind of institution.")
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=1000)


class HubHealthOut(Schema):
    count: int
    computed_at: str | None
    institutions: list[HubHealthInstitution]


@router.get(
    "/{chapter}/health",
    response=HubHealthOut,
    summary="Who needs help: institutions, worst health first",
    description=(
        "For the chapter's organizers. The institutions by health score, the lowest first "
        "(then by name), each with the reasons it lost points, worst first. Figures as of "
        "the last refresh. `kind` keeps one kind of institution; `offset` and `limit` page."
    ),
)
def hub_health(request: HttpRequest, chapter: str, query: Query[HubHealthQuery]) -> dict[str, Any]:
    the_chapter = selectors.chapter_get(slug=chapter)
    permissions.require(request.user, "hub.organize", the_chapter)
    kind, offset, limit = query.kind, query.offset, query.limit
    if kind and kind not in InstitutionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose one of the kinds of institution."))
    ranking = health.health_ranking(chapter=the_chapter, kind=kind)
    figures = maps.chapter_figures_for_map(chapter=the_chapter, councils=False)
    rows = list(ranking[offset : offset + limit])
    return {
        "count": ranking.count(),
        "computed_at": figures.computed_at.isoformat() if figures else None,
        "institutions": [
            {
                "name": f.institution.name,
                "slug": f.institution.slug,
                "kind": f.institution.kind,
                "health": f.health,
                "members": f.members,
                "charter_percent": f.charter_percent,
                "open_concerns": f.open_concerns,
                "reasons": [
                    {
                        "code": r.code,
                        "params": r.params,
                        "points": r.points,
                        "sentence": r.sentence,
                        "step": r.step,
                        "url": r.url,
                    }
                    for r in reasons.reasons_in_words(f.reasons, slug=f.institution.slug)
                ],
            }
            for f in rows
        ],
    }
