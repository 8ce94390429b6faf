"""The hub's map: institutions' and councils' areas, and the server-rendered map of them.

``areas`` and ``council_areas`` run at refresh time (``bloc.hub.services.refresh``):
they read the boundaries, simplify them and keep only what the map draws, so that a
page reads one JSON column per institution and computes nothing geometric.

``map_context`` builds what ``hub/_map.html`` shows (the map page and the chapter's
public page both include it): an SVG of every area coloured by a measure in five
classes of a colour-blind-safe sequential palette, its legend with each class's
range, and a table of the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from shapely import geometry as shapely_geometry
from shapely.errors import ShapelyError
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from bloc.hub.models import InstitutionFigures
from bloc.institutions.models import Chapter, Institution, InstitutionKind

# Simplification tolerance, as a share of the larger side of a shape's bounding box.
SIMPLIFY_SHARE = 0.01
DECIMALS = 5  # about a metre: more than a map of blocks needs
PER_PAGE = 50
SVG_WIDTH = 1000  # the viewBox's width; its height follows the areas' shape
SVG_MAX_HEIGHT = 1600
UNMAPPED_LISTED = 20  # names listed under the map; the rest are counted

# Viridis in five steps (light to dark): sequential and readable with any colour vision.
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
CLASSES = len(PALETTE)


@dataclass(frozen=True)
class Area:
    rings: list[list[list[float]]]  # [[lon, lat], ...] per ring, simplified
    centroid: tuple[float, float]  # (lon, lat)


# --- geometry (refresh time) ------------------------------------------------------


def _rounded_ring(coords: Iterable[Sequence[float]]) -> list[list[float]]:
    ring: list[list[float]] = []
    for x, y, *_rest in coords:
        point = [round(float(x), DECIMALS), round(float(y), DECIMALS)]
        if not ring or ring[-1] != point:
            ring.append(point)
    return ring


def _rings_of(shape: BaseGeometry) -> list[list[list[float]]]:
    """Rings of a (multi)polygon, each polygon's exterior (counter-clockwise) then its
    holes (clockwise), so that ``geometry_of`` can rebuild the polygons."""
    polygons = getattr(shape, "geoms", [shape])
    rings: list[list[list[float]]] = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        polygon = orient(polygon, sign=1.0)
        for ring in (polygon.exterior, *polygon.interiors):
            points = _rounded_ring(ring.coords)
            if len(points) >= 4:
                rings.append(points)
    return rings


def _simplified(shape: BaseGeometry) -> BaseGeometry:
    minx, miny, maxx, maxy = shape.bounds
    tolerance = max(maxx - minx, maxy - miny) * SIMPLIFY_SHARE
    simple = shape.simplify(tolerance, preserve_topology=True)
    return shape if simple.is_empty else simple


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    return sum(
        ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)
    )


def drawing_order(rings: Sequence[Sequence[Sequence[float]]]) -> float:
    """Sort key that draws larger areas first, so that smaller ones inside them (a
    building inside its block, a block inside a town) stay visible on top."""
    return -abs(sum(_signed_area(ring) for ring in rings))


def geometry_of(rings: Sequence[Sequence[Sequence[float]]]) -> dict[str, Any]:
    """The GeoJSON MultiPolygon of stored rings (an exterior starts each polygon)."""
    polygons: list[list[Any]] = []
    for ring in rings:
        if _signed_area(ring) >= 0 or not polygons:
            polygons.append([ring])
        else:
            polygons[-1].append(ring)
    return {"type": "MultiPolygon", "coordinates": polygons}


def _area_of(shape: BaseGeometry) -> Area | None:
    rings = _rings_of(_simplified(shape))
    if not rings:
        return None
    centroid = shape.centroid
    return Area(rings=rings, centroid=(round(centroid.x, DECIMALS), round(centroid.y, DECIMALS)))


def areas(*, chapter: Chapter) -> dict[int, Area]:
    """Every institution of ``chapter`` that has a boundary: its simplified area.

    Institutions without a boundary have no area (the map lists them apart). One query.
    """
    found: dict[int, Area] = {}
    rows = Institution.objects.filter(chapter=chapter, boundary__isnull=False).values_list(
        "pk", "boundary"
    )
    for pk, boundary in rows:
        try:
            shape = shapely_geometry.shape(boundary)
        except (ShapelyError, ValueError, TypeError, KeyError, AttributeError):
            continue  # stored before validation: leave it off the map rather than fail
        if shape.is_empty or not shape.is_valid:
            shape = shape.buffer(0)
        if shape.is_empty:
            continue
        area = _area_of(shape)
        if area is not None:
            found[pk] = area
    return found


def council_areas(*, chapter: Chapter, areas: dict[int, Area]) -> list[dict[str, Any]]:
    """Each council of ``chapter`` with the union of its members' areas (members are
    institutions and, recursively, lower councils): ``{"pk", "name", "slug", "level",
    "rings"}``, ``rings`` empty when none of its members is on the map. Two queries."""
    from bloc.confederation.models import Council, Seat

    councils = list(Council.objects.filter(chapter=chapter).order_by("level", "name", "pk"))
    institutions: dict[int, set[int]] = {c.pk: set() for c in councils}
    below: dict[int, set[int]] = {c.pk: set() for c in councils}
    seats = Seat.objects.filter(council__chapter=chapter, left_at__isnull=True).values_list(
        "council_id", "institution_id", "member_council_id"
    )
    for council_id, institution_id, member_council_id in seats:
        if institution_id is not None:
            institutions[council_id].add(institution_id)
        elif member_council_id in below:
            below[council_id].add(member_council_id)

    shapes: dict[int, BaseGeometry] = {}
    for pk, area in areas.items():
        shapes[pk] = shapely_geometry.shape(geometry_of(area.rings)).buffer(0)
    unions: dict[int, BaseGeometry | None] = {}

    def union(pk: int, seen: frozenset[int]) -> BaseGeometry | None:
        # Bottom up: a council's area is its institutions' and its lower councils' unions.
        if pk not in unions:
            parts = [shapes[i] for i in sorted(institutions.get(pk, ())) if i in shapes]
            for lower in sorted(below.get(pk, ())):
                if lower not in seen:  # a cycle cannot be stored, but never loop on one
                    part = union(lower, seen | {lower})
                    if part is not None:
                        parts.append(part)
            unions[pk] = unary_union(parts) if parts else None
        return unions[pk]

    result = []
    for council in councils:
        whole = union(council.pk, frozenset({council.pk}))
        rings: list[list[list[float]]] = []
        if whole is not None and not whole.is_empty:
            rings = _rings_of(_simplified(whole))
        result.append(
            {
                "pk": council.pk,
                "name": council.name,
                "slug": council.slug,
                "level": council.level,
                "rings": rings,
            }
        )
    return result


# --- measures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    code: str
    label: Promise  # what the map shows, e.g. "Members"
    public: bool  # anyone may see the map by it
    # The darkest colour marks the lowest values (health: low scores need attention).
    darker_is_lower: bool = False


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        Measure("members", gettext_lazy("Members"), public=True),
        Measure(
            "participation",
            gettext_lazy("Participation (% of members who took part in the last year)"),
            public=False,
        ),
        Measure(
            "charter_distance",
            gettext_lazy("Distance from the charter (% of its points not met)"),
            public=False,
        ),
        Measure("open_concerns", gettext_lazy("Open concerns"), public=False),
        Measure(
            "health",
            gettext_lazy("Health score (100 is best)"),
            public=False,
            darker_is_lower=True,
        ),
    )
}
DEFAULT_MEASURE = "members"


def measure_value(figures: InstitutionFigures | MapFigures, measure: str) -> int | None:
    """The institution's value for ``measure`` (whole numbers; None when it has none:
    participation of an institution without members)."""
    if measure == "members":
        return figures.members
    if measure == "participation":
        if not figures.members:
            return None
        return round(100 * figures.participants / figures.members)
    if measure == "charter_distance":
        return 100 - figures.charter_percent
    if measure == "open_concerns":
        return figures.open_concerns
    if measure == "health":
        return figures.health
    raise KeyError(measure)


def measure_text(measure: str, value: int | None) -> str:
    """A value in words, for the map's titles and the table."""
    if value is None:
        return _("no members")
    if measure == "members":
        return ngettext("%(count)s member", "%(count)s members", value) % {"count": value}
    if measure in ("participation", "charter_distance"):
        return _("%(percent)s%%") % {"percent": value}
    if measure == "open_concerns":
        return ngettext("%(count)s open concern", "%(count)s open concerns", value) % {
            "count": value
        }
    return _("%(score)s of 100") % {"score": value}


def measure_cell(measure: str, value: int | None) -> str:
    """A value as the table shows it, under the measure's heading."""
    if value is None:
        return "\u2014"
    if measure in ("participation", "charter_distance"):
        return f"{value}%"
    return str(value)


def measure_choices(*, organizer: bool) -> list[tuple[str, str]]:
    return [(m.code, str(m.label)) for m in MEASURES.values() if organizer or m.public]


def measure_allowed(measure: str, *, organizer: bool) -> bool:
    m = MEASURES.get(measure)
    return m is not None and (organizer or m.public)


# --- classes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """One class of the legend: values ``low`` to ``high`` (inclusive), its colour."""

    index: int  # 1..5, the CSS class hub-map-c<index>
    low: int
    high: int
    colour: str
    count: int

    @property
    def label(self) -> str:
        if self.low == self.high:
            return str(self.low)
        return _("%(low)s to %(high)s") % {"low": self.low, "high": self.high}


def bands(values: Sequence[int]) -> list[Band]:
    """Up to five classes of whole-number ``values`` by quantiles: each class holds
    about a fifth of the institutions, ranges never overlap, and a value that fills
    more than a fifth gets a class of its own. Empty input gives no class."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return []
    uppers: list[int] = []
    for k in range(1, CLASSES + 1):
        upper = ordered[math.ceil(k * n / CLASSES) - 1]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    # Spread the palette over however many classes there are, lightest to darkest.
    if len(uppers) == 1:
        steps = [CLASSES - 1]
    else:
        steps = [round(i * (CLASSES - 1) / (len(uppers) - 1)) for i in range(len(uppers))]
    result = []
    low = ordered[0]
    start = 0
    for step, high in zip(steps, uppers, strict=True):
        count = 0
        while start + count < n and ordered[start + count] <= high:
            count += 1
        result.append(Band(step + 1, low, high, PALETTE[step], count))
        start += count
        low = high + 1
    return result


def band_of(value: int | None, classes: Sequence[Band]) -> Band | None:
    if value is None:
        return None
    for band in classes:
        if value <= band.high:
            return band
    return classes[-1] if classes else None


# --- the SVG ----------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Equirectangular, shrinking longitudes by cos(mid-latitude), fitted to the viewBox."""

    west: float
    north: float
    scale: float  # viewBox units per degree of latitude
    squash: float  # cos(mid-latitude)
    left: float  # where the west edge lands, centring the areas
    top: float
    width: int
    height: int

    @classmethod
    def fit(cls, rings: Iterable[Sequence[Sequence[float]]]) -> Projection | None:
        west = south = math.inf
        east = north = -math.inf
        for ring in rings:
            for lon, lat in ring:
                west, east = min(west, lon), max(east, lon)
                south, north = min(south, lat), max(north, lat)
        if west == math.inf:
            return None
        squash = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * squash, 1e-9)
        span_y = max(north - south, 1e-9)
        margin = 4
        scale = min((SVG_WIDTH - 2 * margin) / span_x, (SVG_MAX_HEIGHT - 2 * margin) / span_y)
        height = max(math.ceil(span_y * scale) + 2 * margin, 40)
        left = (SVG_WIDTH - span_x * scale) / 2
        top = (height - span_y * scale) / 2
        return cls(west, north, scale, squash, left, top, SVG_WIDTH, height)

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        return (
            round(self.left + (lon - self.west) * self.squash * self.scale),
            round(self.top + (self.north - lat) * self.scale),
        )

    def path(self, rings: Iterable[Sequence[Sequence[float]]]) -> str:
        """Compact path data: an absolute move, then relative lines, per ring."""
        parts = []
        for ring in rings:
            points = []
            for lon, lat in ring:
                p = self.point(lon, lat)
                if not points or points[-1] != p:
                    points.append(p)
            if len(points) > 1 and points[-1] == points[0]:
                points.pop()
            x0, y0 = points[0]
            if len(points) < 3:  # smaller than a unit at this scale: a dot
                parts.append(f"M{x0} {y0}h1v1h-1z")
                continue
            steps = []
            for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
                steps.append(_pair(bx - ax, by - ay))
            parts.append(f"M{x0} {y0}l" + _joined(steps) + "z")
        return "".join(parts)


def _pair(dx: int, dy: int) -> str:
    return f"{dx}-{-dy}" if dy < 0 else f"{dx} {dy}"


def _joined(pairs: list[str]) -> str:
    out = pairs[0]
    for pair in pairs[1:]:
        out += pair if pair.startswith("-") else " " + pair
    return out


# --- what the template shows --------------------------------------------------------


@dataclass
class MapRow:
    pk: int
    name: str
    slug: str
    kind: str
    kind_label: str
    value: int | None
    value_text: str
    value_cell: str  # the figure in the table: "12", "45%", "—"
    band: Band | None
    on_map: bool
    url: str


@dataclass
class HubMap:
    """Everything ``hub/_map.html`` shows."""

    chapter: Chapter
    measure: str
    measure_label: str
    organizer: bool
    note: str  # why the map shows members when another measure was asked for
    svg: SafeString
    legend: list[Band]
    no_value: int  # institutions with no value for the measure (drawn grey)
    rows: list[MapRow]  # the table's page
    page: Any  # django Page of rows
    sort: str
    direction: str
    unmapped: list[str]  # names of the first institutions that have no area
    unmapped_count: int
    mapped_count: int
    total: int
    kind: str
    councils_shown: bool
    council_count: int
    query: str  # the GET parameters (measure, kind, councils) for links
    sort_links: dict[str, str] = field(default_factory=dict)
    measure_choices: list[tuple[str, str]] = field(default_factory=list)
    kind_choices: list[tuple[str, str]] = field(default_factory=list)

    api_url: str = ""  # the same map as GeoJSON, for the script
    tiles: str = ""  # the tile server's URL template ("" for none)
    institution_url: str = ""  # an institution's page, "SLUG" standing for its slug

    def page_link(self, number: int) -> str:
        return "?" + _query(self.query, sort=self.sort, dir=self.direction, page=number)

    @property
    def page_link_previous(self) -> str:
        return self.page_link(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def page_link_next(self) -> str:
        return self.page_link(self.page.next_page_number()) if self.page.has_next() else ""


def _query(base: str, **extra: Any) -> str:
    parts = [base] if base else []
    extra_part = urlencode({k: v for k, v in extra.items() if v not in ("", None)})
    if extra_part:
        parts.append(extra_part)
    return "&".join(parts)


@dataclass(frozen=True, slots=True)
class MapInstitution:
    pk: int
    name: str
    slug: str
    kind: str


@dataclass(frozen=True, slots=True)
class MapFigures:
    """The columns of ``InstitutionFigures`` the map reads (same attribute names)."""

    institution: MapInstitution
    members: int
    participants: int
    charter_percent: int
    open_concerns: int
    health: int
    area: list[list[list[float]]] | None


def map_figures(*, chapter: Chapter, kind: str = "") -> list[MapFigures]:
    """The rows ``map_context`` needs: only the columns it reads, as plain values (one
    query; no model instances, which on 5,000 institutions cost more than the map)."""
    rows = InstitutionFigures.objects.filter(institution__chapter=chapter)
    if kind:
        rows = rows.filter(institution__kind=kind)
    return [
        MapFigures(MapInstitution(pk, name, slug, kind_), *rest)
        for pk, name, slug, kind_, *rest in rows.order_by().values_list(
            "institution_id",
            "institution__name",
            "institution__slug",
            "institution__kind",
            "members",
            "participants",
            "charter_percent",
            "open_concerns",
            "health",
            "area",
        )
    ]


@dataclass
class Valued:
    """Institutions with their value for one measure, its class, and the legend."""

    rows: list[MapRow]
    areas: list[list[list[list[float]]] | None]  # each row's rings, None off the map
    legend: list[Band]


def valued_rows(rows: Iterable[InstitutionFigures | MapFigures], measure: str) -> Valued:
    """Each institution's value for ``measure`` and its class among the others'."""
    spec = MEASURES[measure]
    template_url = reverse("institutions:detail", args=["SLUG"])
    kinds = dict(InstitutionKind.choices)
    table: list[MapRow] = []
    rings: list[list[list[list[float]]] | None] = []
    texts: dict[int | None, tuple[str, str]] = {}
    for figures in rows:
        institution = figures.institution
        value = measure_value(figures, measure)
        if value not in texts:
            texts[value] = (measure_text(measure, value), measure_cell(measure, value))
        text, cell = texts[value]
        table.append(
            MapRow(
                pk=institution.pk,
                name=institution.name,
                slug=institution.slug,
                kind=institution.kind,
                kind_label=str(kinds.get(institution.kind, institution.kind)),
                value=value,
                value_text=text,
                value_cell=cell,
                band=None,
                on_map=bool(figures.area),
                url=template_url.replace("SLUG", institution.slug),
            )
        )
        rings.append(figures.area or None)
    legend = bands([r.value for r in table if r.value is not None])
    if spec.darker_is_lower:
        # Low health needs attention: the darkest colour marks the lowest scores.
        legend = [
            Band(CLASSES + 1 - b.index, b.low, b.high, PALETTE[CLASSES - b.index], b.count)
            for b in legend
        ]
    for row in table:
        row.band = band_of(row.value, legend)
    return Valued(table, rings, legend)


def map_context(
    chapter: Chapter,
    rows: Iterable[InstitutionFigures | MapFigures],
    measure: str = DEFAULT_MEASURE,
    organizer: bool = False,
    *,
    kind: str = "",
    page: Any = 1,
    sort: str = "value",
    direction: str = "",
    councils: list[dict[str, Any]] | None = None,
    show_councils: bool = False,
) -> dict[str, Any]:
    """What ``hub/_map.html`` needs, as ``{"hub_map": HubMap}``.

    ``rows``: the institutions' figures with their institution (``map_figures``,
    or ``selectors.institution_figures``), already filtered by ``kind`` if any.
    A measure that is unknown, or for organizers only when ``organizer`` is False,
    falls back to members with a note saying so. ``councils`` (the chapter
    figures' council areas) are outlined when ``show_councils``. No query.
    """
    note = ""
    if measure not in MEASURES:
        measure = DEFAULT_MEASURE
    elif not measure_allowed(measure, organizer=organizer):
        note = _("Only the chapter's organizers can see the map by this measure; it shows members.")
        measure = DEFAULT_MEASURE
    spec = MEASURES[measure]
    valued = valued_rows(rows, measure)
    table = valued.rows
    legend = valued.legend
    shapes = [(row, rings) for row, rings in zip(table, valued.areas, strict=True) if rings]
    shapes.sort(key=lambda shape: drawing_order(shape[1]))
    unmapped = [row.name for row in table if not row.on_map][:UNMAPPED_LISTED]
    unmapped_count = sum(1 for row in table if not row.on_map)
    council_list = [c for c in (councils or []) if c.get("rings")]
    svg = _svg(
        chapter,
        spec,
        shapes,
        council_list if show_councils else [],
    )
    direction = direction if direction in ("asc", "desc") else ""
    if sort not in ("value", "name"):
        sort = "value"
    if not direction:
        direction = "asc" if sort == "name" else "desc"
    if sort == "name":
        table.sort(key=lambda r: (r.name.casefold(), r.pk), reverse=direction == "desc")
    else:
        missing = [r for r in table if r.value is None]
        present = [r for r in table if r.value is not None]
        present.sort(key=lambda r: (r.value, r.name.casefold()), reverse=direction == "desc")
        table = present + sorted(missing, key=lambda r: r.name.casefold())
    paginator = Paginator(table, PER_PAGE)
    page_obj = paginator.get_page(page)
    query = _query(
        "",
        measure=measure if measure != DEFAULT_MEASURE else "",
        kind=kind,
        councils="1" if show_councils else "",
    )
    flip = {"asc": "desc", "desc": "asc"}
    sort_links = {
        "value": "?"
        + _query(query, sort="value", dir=flip[direction] if sort == "value" else "desc"),
        "name": "?" + _query(query, sort="name", dir=flip[direction] if sort == "name" else "asc"),
    }
    hub_map = HubMap(
        chapter=chapter,
        measure=measure,
        measure_label=str(spec.label),
        organizer=organizer,
        note=note,
        svg=svg,
        legend=legend,
        no_value=sum(1 for r in table if r.value is None),
        rows=list(page_obj.object_list),
        page=page_obj,
        sort=sort,
        direction=direction,
        unmapped=unmapped,
        unmapped_count=unmapped_count,
        mapped_count=len(shapes),
        total=len(table),
        kind=kind,
        councils_shown=show_councils,
        council_count=len(council_list),
        query=query,
        sort_links=sort_links,
        measure_choices=measure_choices(organizer=organizer),
        kind_choices=[(k, str(label)) for k, label in InstitutionKind.choices],
        api_url=reverse("api-v1:hub_map", kwargs={"chapter": chapter.slug})
        + "?"
        + urlencode({"measure": measure, "kind": kind}),
        tiles=getattr(settings, "BLOC_MAP_TILES", ""),
        institution_url=reverse("institutions:detail", args=["SLUG"]),
    )
    return {"hub_map": hub_map}


def _svg(
    chapter: Chapter,
    spec: Measure,
    shapes: list[tuple[MapRow, list[list[list[float]]]]],
    councils: list[dict[str, Any]],
) -> SafeString:
    if not shapes:
        return mark_safe("")  # noqa: S308 - empty
    projection = Projection.fit(
        [ring for _, rings in shapes for ring in rings]
        + [ring for c in councils for ring in c["rings"]]
    )
    assert projection is not None  # noqa: S101 - shapes is not empty
    title = _("Map of the institutions of %(chapter)s by %(measure)s") % {
        "chapter": chapter.name,
        "measure": str(spec.label).lower(),
    }
    desc = _(
        "Each institution's area, coloured by its value (darker is higher, except for "
        "the health score, where darker is lower). The table below gives the same numbers."
    )
    out = [
        f'<svg class="hub-map-svg" viewBox="0 0 {projection.width} {projection.height}" '
        f'role="img" aria-labelledby="hub-map-title hub-map-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="hub-map-title">{escape(title)}</title>'
        f'<desc id="hub-map-desc">{escape(desc)}</desc><g class="hub-map-areas">'
    ]
    for row, rings in shapes:
        cls = f"c{row.band.index}" if row.band else "c0"  # short: 5,000 of them
        out.append(
            # No link on the area: an image holds no controls (the table's rows link).
            f'<path class="{cls}" d="{projection.path(rings)}">'
            f"<title>{escape(row.name)}: {escape(row.value_text)}</title></path>"
        )
    out.append("</g>")
    if councils:
        out.append('<g class="hub-map-councils">')
        for council in councils:
            out.append(
                f'<path d="{projection.path(council["rings"])}"><title>'
                f"{escape(_('Council: %(name)s') % {'name': council['name']})}</title></path>"
            )
        out.append("</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def chapter_figures_for_map(*, chapter: Chapter, councils: bool) -> Any:
    """The chapter's figures with only what the map reads: when they were computed and,
    if ``councils``, the councils' areas (the row also holds the growth series and the
    equity tables, which a map page need not decode). None before the first refresh."""
    from bloc.hub.models import ChapterFigures

    fields = ["chapter_id", "computed_at", *(["councils"] if councils else [])]
    return ChapterFigures.objects.filter(chapter=chapter).only(*fields).first()
