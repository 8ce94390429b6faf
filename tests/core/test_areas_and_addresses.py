"""Areas: GeoJSON boundaries refused with a reason, points inside; addresses matched loosely."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core import addresses, areas
from bloc.core.bylaws import BylawsSettings, BylawsSettingsError, parse_settings

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def test_a_square_contains_its_middle_and_its_edge_but_not_outside():
    geometry, _shape = areas.parse_boundary(SQUARE)
    assert areas.contains(geometry, 0.5, 0.5)
    assert areas.contains(geometry, 1.0, 0.5)
    assert not areas.contains(geometry, 1.5, 0.5)


def test_features_and_collections_of_one_polygon_are_accepted():
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    assert areas.parse_boundary(feature)[0] == SQUARE
    collection = {"type": "FeatureCollection", "features": [feature]}
    assert areas.parse_boundary(collection)[0] == SQUARE
    assert areas.parse_boundary('{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}')


def test_a_polygon_with_a_hole_excludes_the_hole():
    hole = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]
    geometry, _ = areas.parse_boundary(
        {"type": "Polygon", "coordinates": [SQUARE["coordinates"][0], hole]}
    )
    assert not areas.contains(geometry, 0.5, 0.5)
    assert areas.contains(geometry, 0.1, 0.1)


@pytest.mark.parametrize(
    ("boundary", "code"),
    [
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "not_closed"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "not_simple",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "too_few_positions"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [4, 0], [0, 0]]]}, "not_simple"),
        ({"type": "Point", "coordinates": [0, 0]}, "not_polygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}, "outside_world"),
        ({"type": "Polygon", "coordinates": [[[0, 0], ["a", 0], [1, 1], [0, 0]]]}, "bad_position"),
        ({"type": "Polygon", "coordinates": []}, "no_ring"),
        ({"type": "MultiPolygon", "coordinates": []}, "no_coordinates"),
        ({"type": "FeatureCollection", "features": []}, "one_feature"),
        ("{not json", "bad_json"),
        ([1, 2], "not_geojson"),
    ],
)
def test_bad_geometry_is_refused_with_a_reason(boundary, code):
    with pytest.raises(areas.AreaError) as refused:
        areas.parse_boundary(boundary)
    assert refused.value.code == code
    assert str(refused.value)


@pytest.mark.parametrize(
    ("written", "listed"),
    [
        ("112 Maple St.", "112 Maple Street"),
        ("112 maple street", "112 Maple Street"),
        ("1400 Grand Concourse #3B", "1400 Grand Concourse, Apt 3B"),
        ("1400 Grand Concourse, Apartment 3b", "1400 Grand Concourse, Apt 3B"),
        ("85 Calle Las Palmas, Apt 2B", "85 calle las palmas apt 2b"),
        ("11 Avenida Libertad", "11 avenida libertad"),
        ("11 Avenída Libertad", "11 Avenida Libertad"),
    ],
)
def test_the_same_address_written_differently_matches(written, listed):
    assert addresses.covers({addresses.normalize(listed)}, written)


def test_a_listed_building_covers_its_flats_but_a_listed_flat_not_its_neighbours():
    building = {addresses.normalize("1400 Grand Concourse")}
    assert addresses.covers(building, "1400 Grand Concourse, Apt 5D")
    flat = {addresses.normalize("1400 Grand Concourse, Apt 3B")}
    assert not addresses.covers(flat, "1400 Grand Concourse, Apt 3C")
    assert not addresses.covers(flat, "1401 Grand Concourse, Apt 3B")


@given(st.text(max_size=60))
def test_normalizing_twice_changes_nothing(text):
    once = addresses.normalize(text)
    assert addresses.normalize(once) == once


def test_bylaws_settings_round_trip_and_refuse_bad_values():
    settings = BylawsSettings(quorum_percent=10, term_limit=2, custom_roles=("garden-keeper",))
    assert parse_settings(settings.to_dict()) == settings
    assert parse_settings({}) == BylawsSettings()
    assert "garden-keeper" in settings.roles and "facilitator" in settings.roles
    with pytest.raises(BylawsSettingsError) as refused:
        parse_settings(
            {
                "quorum_percent": 0,
                "recall": "yes",
                "colour": "red",
                "custom_roles": ["Bad Role!"],
                "term_limit": True,
            }
        )
    assert set(refused.value.problems) == {
        "quorum_percent",
        "recall",
        "colour",
        "custom_roles",
        "term_limit",
    }
