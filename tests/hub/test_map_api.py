"""The map as GeoJSON: anyone by members, organizers by every measure."""

from __future__ import annotations

import pytest

from bloc.actors import SYSTEM
from bloc.hub import services
from tests.conftest import make_person
from tests.hub.health_map_helpers import blocks, join, organizer_of

API = "/api/v1/hub/riverside/map"


@pytest.fixture
def drawn(chapter):  # type: ignore[no-untyped-def]
    made = blocks(chapter, 3)
    for i, institution in enumerate(made):
        for j in range(i):
            join(institution, make_person(f"q{i}{j}@example.org", "Q"))
    blocks(chapter, 1, start=40, drawn=False)
    services.refresh(SYSTEM, chapter=chapter)
    return made


def test_anyone_gets_the_members_map_as_geojson(client, drawn):  # type: ignore[no-untyped-def]
    data = client.get(API).json()
    assert data["type"] == "FeatureCollection" and data["measure"] == "members"
    props = {f["properties"]["slug"]: f["properties"] for f in data["features"]}
    assert {k: p["value"] for k, p in props.items()} == {
        "block-000": 0,
        "block-001": 1,
        "block-002": 2,
    }
    assert props["block-002"]["text"] == "2 members"
    assert data["not_on_map"] == 1
    geometry = data["features"][0]["geometry"]
    assert geometry["type"] == "MultiPolygon"
    ring = geometry["coordinates"][0][0]
    assert ring[0] == ring[-1] and all(round(c, 5) == c for point in ring for c in point)
    assert [b["label"] for b in data["legend"]] == ["0", "1", "2"]


def test_organizers_measures_are_refused_to_others(client, drawn, alice):  # type: ignore[no-untyped-def]
    for measure in ("participation", "charter_distance", "open_concerns", "health"):
        response = client.get(f"{API}?measure={measure}")
        assert response.status_code == 403, measure
        assert response.json()["message"] == "You need to log in first."
    client.force_login(alice)
    response = client.get(f"{API}?measure=health")
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Only the chapter's organizers can see the organizers' hub."
    )


def test_organizers_get_every_measure(client, drawn):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(drawn[0].chapter))
    data = client.get(f"{API}?measure=charter_distance&kind=block_association").json()
    assert data["measure"] == "charter_distance" and len(data["features"]) == 3
    assert client.get(f"{API}?measure=nonsense").status_code == 422
    assert client.get(f"{API}?kind=nonsense").status_code == 422


def test_an_unknown_chapter_is_not_found(client, drawn):  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/hub/nowhere/map").status_code == 404
