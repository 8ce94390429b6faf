"""The demo chapter's geography: its institutions and the addresses of their areas.

Each institution is described by the addresses it covers. Neighborhood
assemblies and the town hall cover the smaller bodies' streets, so residents
belong to several institutions at once, as they do in life.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bloc.core.bylaws import BylawsSettings


@dataclass(frozen=True)
class DemoInstitution:
    slug: str
    name: str
    kind: str
    description: str
    addresses: tuple[str, ...]


def _street(name: str, start: int, stop: int, step: int = 2) -> tuple[str, ...]:
    return tuple(f"{n} {name}" for n in range(start, stop, step))


def _building(address: str, floors: int, per_floor: str) -> tuple[str, ...]:
    return tuple(
        f"{address}, Apt {floor}{unit}" for floor in range(1, floors + 1) for unit in per_floor
    )


MAPLE = _street("Maple Street", 100, 160)
OAK = _street("Oak Avenue", 201, 261)
GRAND = _building("1400 Grand Concourse", 6, "ABCD")
PALMAS = _building("85 Calle Las Palmas", 5, "ABC")
RIVER = _building("220 River Road", 4, "ABCDE")
WILLOW = _street("Willow Creek Lane", 1, 41, 1)
CEDAR = _street("Cedar Glen Court", 2, 42)
MARKET = _street("Market Street", 300, 360)
LIBERTAD = _street("Avenida Libertad", 11, 71)
HARBOR = _street("Harbor View Road", 500, 540)

NORTH = MAPLE + OAK + GRAND + RIVER + MARKET
SOUTH = PALMAS + WILLOW + CEDAR + LIBERTAD + HARBOR

INSTITUTIONS: tuple[DemoInstitution, ...] = (
    DemoInstitution(
        "maple-street-block",
        "Maple Street Block Association",
        "block_association",
        "Neighbors of the 100 block of Maple Street.",
        MAPLE,
    ),
    DemoInstitution(
        "oak-avenue-block",
        "Oak Avenue Block Association",
        "block_association",
        "The 200 block of Oak Avenue, both sides.",
        OAK,
    ),
    DemoInstitution(
        "grand-concourse-tenants",
        "1400 Grand Concourse Tenants' Union",
        "tenants_union",
        "Tenants of 1400 Grand Concourse organizing for repairs and fair rents.",
        GRAND,
    ),
    DemoInstitution(
        "las-palmas-tenants",
        "Sindicato de Inquilinos Las Palmas",
        "tenants_union",
        "Inquilinos de Calle Las Palmas 85: reparaciones, alquileres justos.",
        PALMAS,
    ),
    DemoInstitution(
        "river-road-220",
        "220 River Road Residents' Meeting",
        "building_meeting",
        "The monthly meeting of everyone who lives at 220 River Road.",
        RIVER,
    ),
    DemoInstitution(
        "willow-creek-hoa",
        "Willow Creek Homeowners' Association",
        "hoa",
        "Homeowners of Willow Creek Lane.",
        WILLOW,
    ),
    DemoInstitution(
        "cedar-glen-hoa",
        "Cedar Glen Homeowners' Association",
        "hoa",
        "Homeowners of Cedar Glen Court.",
        CEDAR,
    ),
    DemoInstitution(
        "market-street-club",
        "Market Street Neighborhood Club",
        "neighborhood_club",
        "Block parties, a tool library and a community garden on Market Street.",
        MARKET,
    ),
    DemoInstitution(
        "barrio-libertad",
        "Club Vecinal Barrio Libertad",
        "neighborhood_club",
        "Vecinos de la Avenida Libertad.",
        LIBERTAD,
    ),
    DemoInstitution(
        "harbor-view-assembly",
        "Harbor View Neighborhood Assembly",
        "assembly",
        "Open assembly of the residents of Harbor View Road.",
        HARBOR,
    ),
    DemoInstitution(
        "riverside-north-assembly",
        "Riverside North Assembly",
        "assembly",
        "The neighborhood assembly of Riverside North.",
        NORTH,
    ),
    DemoInstitution(
        "riverside-south-assembly",
        "Riverside South Assembly",
        "assembly",
        "The neighborhood assembly of Riverside South.",
        SOUTH,
    ),
    DemoInstitution(
        "riverside-town-hall",
        "Riverside Town Hall",
        "town_hall",
        "The town meeting of all of Riverside.",
        NORTH + SOUTH,
    ),
)

ALL_ADDRESSES: tuple[str, ...] = NORTH + SOUTH

# Bylaws at different distances from the democratic charter, so that the
# charter page has something to say about each institution.
CHARTER = BylawsSettings(
    quorum_percent=10, term_months=12, term_limit=2, recall=True, public_records=True
)
BOARD_RUN = BylawsSettings(one_member_one_vote=False, member_decisions=False, open_membership=False)
HALFWAY = BylawsSettings(quorum_percent=20, term_months=24, recall=True)
TERMS_ONLY = BylawsSettings(term_months=12, term_limit=3, custom_roles=("garden-keeper",))

RULES: dict[str, BylawsSettings] = {
    "maple-street-block": CHARTER,
    "oak-avenue-block": HALFWAY,
    "grand-concourse-tenants": HALFWAY,
    "las-palmas-tenants": CHARTER,
    "willow-creek-hoa": BOARD_RUN,
    "cedar-glen-hoa": TERMS_ONLY,
    "market-street-club": TERMS_ONLY,
    "harbor-view-assembly": CHARTER,
    "riverside-north-assembly": CHARTER,
    "riverside-south-assembly": HALFWAY,
}


def _square(lon: float, lat: float, size: float) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


# Two areas also drawn on the map (residents may join by location).
BOUNDARIES: dict[str, dict[str, Any]] = {
    "maple-street-block": _square(-73.9210, 40.8410, 0.0030),
    "riverside-north-assembly": _square(-73.9300, 40.8350, 0.0200),
}


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# Every institution's area, for the hub's map (bloc.demo.hub sets those not drawn yet):
# the town hall covers Riverside, the two assemblies its halves, the rest their streets
# and buildings inside them.
AREAS: dict[str, dict[str, Any]] = {
    **BOUNDARIES,
    "riverside-town-hall": _box(-73.9300, 40.8150, -73.9100, 40.8550),
    "riverside-south-assembly": _box(-73.9300, 40.8150, -73.9100, 40.8350),
    "oak-avenue-block": _box(-73.9170, 40.8410, -73.9140, 40.8440),
    "grand-concourse-tenants": _box(-73.9265, 40.8480, -73.9250, 40.8492),
    "river-road-220": _box(-73.9285, 40.8380, -73.9272, 40.8391),
    "market-street-club": _box(-73.9240, 40.8500, -73.9180, 40.8525),
    "las-palmas-tenants": _box(-73.9262, 40.8290, -73.9250, 40.8301),
    "willow-creek-hoa": _box(-73.9160, 40.8180, -73.9115, 40.8225),
    "cedar-glen-hoa": _box(-73.9240, 40.8190, -73.9195, 40.8230),
    "barrio-libertad": _box(-73.9285, 40.8240, -73.9215, 40.8265),
    "harbor-view-assembly": _box(-73.9180, 40.8270, -73.9120, 40.8330),
}
