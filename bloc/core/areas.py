"""An institution's area drawn as a GeoJSON boundary: validation and point-in-area.

A boundary is a GeoJSON Polygon or MultiPolygon (or a Feature or a
FeatureCollection of exactly one such geometry), in longitude/latitude.
Each ring must be closed (first position equal to the last), have at least
four positions, and the shape must not cross itself. Bad geometry is refused
with a message that says what is wrong and where.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shapely import geometry as shapely_geometry
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity


class AreaError(ValueError):
    """The boundary cannot be used. ``code`` and ``params`` let the caller say why in the
    reader's language; ``str()`` is the English message."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.code = code
        self.params = params


def _geometry_of(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise AreaError("not_geojson", "The boundary must be a GeoJSON object.")
    kind = data.get("type")
    if kind == "Feature":
        return _geometry_of(data.get("geometry"))
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise AreaError(
                "one_feature", "A FeatureCollection boundary must hold exactly one feature."
            )
        return _geometry_of(features[0])
    if kind not in ("Polygon", "MultiPolygon"):
        raise AreaError(
            "not_polygon",
            "The boundary must be a Polygon or a MultiPolygon, not %(kind)s.",
            kind=str(kind),
        )
    return data


def _check_ring(ring: Any, where: dict[str, int]) -> None:
    """``where`` numbers the polygon and the ring (ring 1 is the outer one), from 1."""
    if not isinstance(ring, list) or len(ring) < 4:
        raise AreaError(
            "too_few_positions",
            "Ring %(ring)s of polygon %(polygon)s needs at least 4 positions.",
            **where,
        )
    for index, position in enumerate(ring):
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in position[:2])
        ):
            raise AreaError(
                "bad_position",
                "Ring %(ring)s of polygon %(polygon)s: position %(position)s is not "
                "[longitude, latitude].",
                position=index + 1,
                **where,
            )
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise AreaError(
                "outside_world",
                "Ring %(ring)s of polygon %(polygon)s: position %(position)s is outside the "
                "world (longitude %(lon)s, latitude %(lat)s); is it [longitude, latitude]?",
                position=index + 1,
                lon=lon,
                lat=lat,
                **where,
            )
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise AreaError(
            "not_closed",
            "Ring %(ring)s of polygon %(polygon)s is not closed: its last position must repeat "
            "its first.",
            **where,
        )


def parse_boundary(data: Any) -> tuple[dict[str, Any], BaseGeometry]:
    """Validate a boundary (GeoJSON text or object); return its geometry dict and shape."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise AreaError(
                "bad_json", "The boundary is not valid JSON: %(error)s.", error=str(exc)
            ) from None
    geometry = dict(_geometry_of(data))
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise AreaError("no_coordinates", "The boundary has no coordinates.")
    for p, polygon in enumerate(polygons):
        if not isinstance(polygon, list) or not polygon:
            raise AreaError("no_ring", "Each polygon needs at least an outer ring.")
        for r, ring in enumerate(polygon):
            _check_ring(ring, {"polygon": p + 1, "ring": r + 1})
    shape = shapely_geometry.shape(geometry)
    if not shape.is_valid:
        raise AreaError(
            "not_simple",
            "The boundary crosses itself or is otherwise not a simple shape: %(detail)s.",
            detail=explain_validity(shape),
        )
    if shape.area == 0:
        raise AreaError("no_area", "The boundary encloses no area.")
    clean = {"type": geometry["type"], "coordinates": coordinates}
    return clean, shape


def contains(boundary: Mapping[str, Any], longitude: float, latitude: float) -> bool:
    """Whether the point lies inside (or on the edge of) a stored, valid boundary."""
    shape = shapely_geometry.shape(boundary)
    return bool(shape.covers(shapely_geometry.Point(longitude, latitude)))
