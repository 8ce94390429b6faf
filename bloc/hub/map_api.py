"""The map part of the hub's API, under /api/v1/hub/: the map as GeoJSON."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.core.errors import ValidationFailed
from bloc.hub import maps, selectors
from bloc.institutions.models import InstitutionKind

router = Router(tags=["hub"])


class HubMapProperties(Schema):
    name: str
    slug: str
    kind: str
    value: int | None = Field(description="The measure's value; null for none (no members).")
    text: str = Field(description="The value in words, as the map's title says it.")
    colour: str = Field(description="The class's colour; grey when the value is null.")


class HubMapFeature(Schema):
    type: str = "Feature"
    geometry: dict[str, Any] = Field(description="A GeoJSON MultiPolygon (longitude, latitude).")
    properties: HubMapProperties


class HubMapCouncilProperties(Schema):
    name: str
    slug: str
    level: int


class HubMapCouncil(Schema):
    type: str = "Feature"
    geometry: dict[str, Any]
    properties: HubMapCouncilProperties


class HubMapBand(Schema):
    low: int
    high: int
    colour: str
    label: str
    count: int


class HubMapOut(Schema):
    type: str = "FeatureCollection"
    measure: str
    label: str
    legend: list[HubMapBand]
    features: list[HubMapFeature] = Field(
        description="Larger areas first, so smaller ones draw on top."
    )
    councils: list[HubMapCouncil]
    not_on_map: int = Field(description="Institutions without a boundary (left off the map).")


NO_VALUE_COLOUR = "#d1d5db"


@router.get(
    "/{chapter}/map",
    response=HubMapOut,
    auth=optional_auth,
    url_name="hub_map",
    summary="The chapter's map as GeoJSON",
    description=(
        "Every institution with a boundary, as a GeoJSON feature with its value for "
        "`measure` (members, participation, charter_distance, open_concerns, health) and "
        "the colour of its class. Anyone may ask for members; the other measures are for "
        "the chapter's organizers (403 otherwise). `kind` keeps one kind of institution. "
        "Figures as of the last refresh."
    ),
)
def hub_map(
    request: HttpRequest, chapter: str, measure: str = maps.DEFAULT_MEASURE, kind: str = ""
) -> HttpResponse:
    the_chapter = selectors.chapter_get(slug=chapter)
    if measure not in maps.MEASURES:
        raise ValidationFailed.for_field(
            "measure",
            _("Choose one of the measures: %(measures)s.") % {"measures": ", ".join(maps.MEASURES)},
        )
    if kind and kind not in InstitutionKind.values:
        raise ValidationFailed.for_field("kind", _("Choose one of the kinds of institution."))
    if not maps.MEASURES[measure].public:
        permissions.require(request.user, "hub.organize", the_chapter)
    valued = maps.valued_rows(maps.map_figures(chapter=the_chapter, kind=kind), measure)
    drawn = sorted(
        ((row, rings) for row, rings in zip(valued.rows, valued.areas, strict=True) if rings),
        key=lambda pair: maps.drawing_order(pair[1]),
    )
    features = [
        {
            "type": "Feature",
            "geometry": maps.geometry_of(rings),
            "properties": {
                "name": row.name,
                "slug": row.slug,
                "kind": row.kind,
                "value": row.value,
                "text": row.value_text,
                "colour": row.band.colour if row.band else NO_VALUE_COLOUR,
            },
        }
        for row, rings in drawn
    ]
    figures = maps.chapter_figures_for_map(chapter=the_chapter, councils=True)
    councils = [
        {
            "type": "Feature",
            "geometry": maps.geometry_of(c["rings"]),
            "properties": {"name": c["name"], "slug": c["slug"], "level": c["level"]},
        }
        for c in (figures.councils if figures else [])
        if c.get("rings")
    ]
    body = {
        "type": "FeatureCollection",
        "measure": measure,
        "label": str(maps.MEASURES[measure].label),
        "legend": [
            {"low": b.low, "high": b.high, "colour": b.colour, "label": b.label, "count": b.count}
            for b in valued.legend
        ],
        "features": features,
        "councils": councils,
        "not_on_map": len(valued.rows) - len(features),
    }
    # Written directly (compact, not checked field by field against the schema, which
    # documents it): 5,000 areas would otherwise take a second to validate.
    return HttpResponse(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
