"""The map's areas: simplified, rounded boundaries; councils as the union of their members;
classes of values for the legend; the projection."""

from __future__ import annotations

import math

from shapely import geometry as shapely_geometry

from bloc.actors import SYSTEM
from bloc.confederation.councils import council_create, seat_add
from bloc.hub import maps
from bloc.institutions.services import institution_create
from tests.hub.health_map_helpers import blocks, square


def test_areas_are_simplified_rounded_rings_with_a_centroid(chapter):  # type: ignore[no-untyped-def]
    # A circle of 720 points: simplified to far fewer, within 1% of its size.
    circle = [
        [-73.95 + 0.01 * math.cos(math.radians(a / 2)), 40.8 + 0.01 * math.sin(math.radians(a / 2))]
        for a in range(720)
    ]
    circle.append(circle[0])
    round_block = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Round",
        kind="assembly",
        boundary={"type": "Polygon", "coordinates": [circle]},
    )
    (plain,) = blocks(chapter, 1)
    institution_create(actor=SYSTEM, chapter=chapter, name="Nowhere", kind="other")
    found = maps.areas(chapter=chapter)
    assert set(found) == {round_block.pk, plain.pk}
    area = found[round_block.pk]
    assert len(area.rings) == 1 and 8 < len(area.rings[0]) < 100
    assert all(round(c, 5) == c for point in area.rings[0] for c in point)
    assert area.rings[0][0] == area.rings[0][-1]
    assert math.isclose(area.centroid[0], -73.95, abs_tol=1e-4)
    assert math.isclose(area.centroid[1], 40.8, abs_tol=1e-4)
    shape = shapely_geometry.shape(maps.geometry_of(area.rings))
    original = shapely_geometry.Polygon(circle)
    assert shape.symmetric_difference(original).area < 0.05 * original.area
    assert found[plain.pk].rings == [
        [[-73.99, 40.7], [-73.986, 40.7], [-73.986, 40.704], [-73.99, 40.704], [-73.99, 40.7]]
    ]


def test_holes_and_several_polygons_survive(chapter):  # type: ignore[no-untyped-def]
    outer = square(-73.9, 40.7, 0.01)["coordinates"][0]
    hole = list(reversed(square(-73.897, 40.703, 0.003)["coordinates"][0]))
    other = square(-73.85, 40.7, 0.005)["coordinates"][0]
    made = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Islands",
        kind="assembly",
        boundary={"type": "MultiPolygon", "coordinates": [[outer, hole], [other]]},
    )
    area = maps.areas(chapter=chapter)[made.pk]
    geometry = maps.geometry_of(area.rings)
    assert [len(p) for p in geometry["coordinates"]] == [2, 1]
    shape = shapely_geometry.shape(geometry)
    assert math.isclose(shape.area, 0.01**2 - 0.003**2 + 0.005**2, rel_tol=1e-6)


def test_a_council_is_the_union_of_its_members_down_the_tree(chapter):  # type: ignore[no-untyped-def]
    a, b, c = blocks(chapter, 3)
    (undrawn,) = blocks(chapter, 1, start=30, drawn=False)
    low = council_create(actor=SYSTEM, chapter=chapter, name="East Council", level=1)
    other = council_create(actor=SYSTEM, chapter=chapter, name="West Council", level=1)
    high = council_create(actor=SYSTEM, chapter=chapter, name="City Council", level=2)
    empty = council_create(actor=SYSTEM, chapter=chapter, name="Empty Council", level=1)
    seat_add(actor=SYSTEM, council=low, member=a)
    seat_add(actor=SYSTEM, council=low, member=b)
    seat_add(actor=SYSTEM, council=other, member=c)
    seat_add(actor=SYSTEM, council=empty, member=undrawn)
    seat_add(actor=SYSTEM, council=high, member=low)
    seat_add(actor=SYSTEM, council=high, member=other)
    found = maps.areas(chapter=chapter)
    councils = {c["name"]: c for c in maps.council_areas(chapter=chapter, areas=found)}
    assert councils["Empty Council"]["rings"] == []
    # Blocks 0 and 1 lie apart: two polygons; the city holds all three blocks.
    east = shapely_geometry.shape(maps.geometry_of(councils["East Council"]["rings"]))
    assert len(east.geoms) == 2
    assert math.isclose(east.area, 2 * 0.004**2, rel_tol=1e-3)
    city = shapely_geometry.shape(maps.geometry_of(councils["City Council"]["rings"]))
    assert math.isclose(city.area, 3 * 0.004**2, rel_tol=1e-3)
    assert councils["City Council"]["pk"] == high.pk and councils["City Council"]["level"] == 2


def test_five_classes_by_quantiles_that_never_overlap():  # type: ignore[no-untyped-def]
    values = list(range(100))
    classes = maps.bands(values)
    assert [(b.low, b.high, b.count) for b in classes] == [
        (0, 19, 20),
        (20, 39, 20),
        (40, 59, 20),
        (60, 79, 20),
        (80, 99, 20),
    ]
    assert [b.colour for b in classes] == list(maps.PALETTE)
    assert [b.label for b in classes][0] == "0 to 19"
    # Skewed: many zeros get one class; each value falls in exactly one class.
    skewed = [0] * 60 + [1, 2, 3, 5, 8, 13, 21, 34, 55, 89] * 4
    classes = maps.bands(skewed)
    assert classes[0].low == classes[0].high == 0 and classes[0].count == 60
    assert sum(b.count for b in classes) == len(skewed)
    for v in skewed:
        assert sum(1 for b in classes if b.low <= v <= b.high) == 1
    assert maps.bands([]) == []
    (only,) = maps.bands([7, 7])
    assert (only.low, only.high, only.colour) == (7, 7, maps.PALETTE[-1])


def test_the_projection_squashes_longitude_by_the_mid_latitude():  # type: ignore[no-untyped-def]
    # One degree square at latitude 60: half as wide as tall.
    ring = [[10.0, 59.5], [11.0, 59.5], [11.0, 60.5], [10.0, 60.5], [10.0, 59.5]]
    projection = maps.Projection.fit([ring])
    assert projection is not None
    (x0, y0), (x1, y1) = projection.point(10.0, 60.5), projection.point(11.0, 59.5)
    assert math.isclose((x1 - x0) / (y1 - y0), 0.5, rel_tol=0.02)
    assert projection.height <= maps.SVG_MAX_HEIGHT
    path = projection.path([ring])
    assert path.startswith("M") and "l" in path and path.endswith("z") and "." not in path


def test_a_boundary_stored_before_validation_never_breaks_the_refresh(chapter):  # type: ignore[no-untyped-def]
    from bloc.institutions.models import Institution

    bow_tie, garbage, good = blocks(chapter, 3)
    Institution.objects.filter(pk=bow_tie.pk).update(
        boundary={
            "type": "Polygon",
            "coordinates": [[[0, 0], [0.01, 0.01], [0.01, 0], [0, 0.01], [0, 0]]],
        }
    )
    Institution.objects.filter(pk=garbage.pk).update(boundary={"type": "Nope"})
    found = maps.areas(chapter=chapter)
    assert good.pk in found and garbage.pk not in found
    assert bow_tie.pk in found  # mended (two triangles)
