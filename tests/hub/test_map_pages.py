"""The hub's map: every drawn institution on the SVG and in the table, coloured by a
measure that only organizers may change, with a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bloc.actors import SYSTEM
from bloc.confederation.councils import council_create, seat_add
from bloc.hub import services
from bloc.hub.models import InstitutionFigures
from tests.conftest import make_person
from tests.hub.health_map_helpers import blocks, join, organizer_of

URL = "/hub/riverside/map/"


@pytest.fixture
def drawn(chapter):  # type: ignore[no-untyped-def]
    """Three drawn blocks with 1, 2 and 3 members, and one with no boundary."""
    made = blocks(chapter, 3)
    for i, institution in enumerate(made):
        for j in range(i + 1):
            join(institution, make_person(f"p{i}{j}@example.org", f"Person {i}{j}"))
    blocks(chapter, 1, start=50, drawn=False)
    services.refresh(SYSTEM, chapter=chapter)
    return made


def _titles(html: str) -> list[str]:
    svg = html[html.index("<svg") : html.index("</svg>")]
    return re.findall(r"<path [^>]*><title>([^<]*)</title>", svg)


def test_every_drawn_institution_is_on_the_map_with_its_members(client, drawn):  # type: ignore[no-untyped-def]
    html = client.get(URL).content.decode()
    assert sorted(_titles(html)) == [
        "Block 000: 1 member",
        "Block 001: 2 members",
        "Block 002: 3 members",
    ]
    assert 'role="img"' in html and 'aria-labelledby="hub-map-title hub-map-desc"' in html
    # The table's rows link; the map is an image and holds no links (axe: nested-interactive).
    assert html.count('<a href="/institutions/block-00') == 3
    assert "Not on the map: one institution has no boundary drawn." in html
    assert "Block 050" in html


def test_the_table_gives_the_same_numbers_sorted_by_the_measure(client, drawn):  # type: ignore[no-untyped-def]
    html = client.get(URL).content.decode()
    table = html[html.index('<table class="hub-map-table"') :]
    rows = re.findall(
        r'<a href="/institutions/([^/]+)/">[^<]*</a></th>\s*<td>[^<]*</td>\s*<td class="num">([^<]*)</td>',
        table,
    )
    assert rows == [("block-002", "3"), ("block-001", "2"), ("block-000", "1"), ("block-050", "0")]
    html = client.get(URL + "?sort=value&dir=asc").content.decode()
    table = html[html.index('<table class="hub-map-table"') :]
    assert table.index("block-050") < table.index("block-000") < table.index("block-002")


def test_the_legend_states_each_class_range(client, drawn):  # type: ignore[no-untyped-def]
    html = client.get(URL).content.decode()
    legend = html[
        html.index('<ul class="hub-map-legend">') : html.index(
            "</ul>", html.index("hub-map-legend")
        )
    ]
    labels = re.findall(r'hub-map-c(\d)" aria-hidden="true"></span> ([^<]*?) <span', legend)
    assert labels == [("1", "0"), ("2", "1"), ("4", "2"), ("5", "3")]


def test_paths_are_compact_relative_commands_with_whole_numbers(client, drawn):  # type: ignore[no-untyped-def]
    html = client.get(URL).content.decode()
    for d in re.findall(r' d="([^"]*)"', html):
        assert re.fullmatch(r"(M\d+ \d+(l[-\d ]+z|h1v1h-1z))+", d), d
    assert re.search(r'viewBox="0 0 \d+ \d+"', html)


def test_a_visitor_asking_for_an_organizers_measure_gets_members_with_a_note(client, drawn, alice):  # type: ignore[no-untyped-def]
    for who in (None, alice):
        if who:
            client.force_login(who)
        html = client.get(URL + "?measure=health").content.decode()
        assert "Only the chapter&#x27;s organizers can see the map by this measure" in html
        assert "Block 000: 1 member" in html
        assert 'value="health"' not in html  # not offered either


def test_organizers_colour_the_map_by_every_measure(client, drawn):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(drawn[0].chapter))
    InstitutionFigures.objects.filter(institution=drawn[0]).update(open_concerns=4)
    html = client.get(URL + "?measure=open_concerns").content.decode()
    assert "Block 000: 4 open concerns" in html
    assert "organizers can see the map by this measure" not in html
    for measure in ("participation", "charter_distance", "health"):
        assert client.get(URL + f"?measure={measure}").status_code == 200


def test_filter_by_kind(client, drawn):  # type: ignore[no-untyped-def]
    blocks(drawn[0].chapter, 2, start=20, kind="tenants_union")
    services.refresh(SYSTEM, chapter=drawn[0].chapter)
    html = client.get(URL + "?kind=tenants_union").content.decode()
    assert sorted(_titles(html)) == ["Block 020: 0 members", "Block 021: 0 members"]


def test_councils_are_outlined_when_asked(client, drawn):  # type: ignore[no-untyped-def]
    chapter = drawn[0].chapter
    council = council_create(actor=SYSTEM, chapter=chapter, name="Riverside Council")
    for institution in drawn[:2]:
        seat_add(actor=SYSTEM, council=council, member=institution)
    services.refresh(SYSTEM, chapter=chapter)
    assert "Council: Riverside Council" not in client.get(URL).content.decode()
    html = client.get(URL + "?councils=1").content.decode()
    assert "Council: Riverside Council" in html
    assert 'class="hub-map-councils"' in html


def test_a_chapter_without_figures_or_boundaries_still_has_a_page(client, chapter):  # type: ignore[no-untyped-def]
    blocks(chapter, 2, drawn=False)
    assert client.get(URL).status_code == 200
    services.refresh(SYSTEM, chapter=chapter)
    html = client.get(URL).content.decode()
    assert "<svg" not in html and "Block 001" in html


def test_the_table_is_paginated_by_fifty(client, chapter):  # type: ignore[no-untyped-def]
    blocks(chapter, 55)
    services.refresh(SYSTEM, chapter=chapter)
    html = client.get(URL).content.decode()
    assert "Page 1 of 2" in html and "Block 054" in html[: html.index("hub-map-table")]
    assert 'rel="next"' in html
    second = client.get(URL + "?sort=value&dir=desc&page=2").content.decode()
    assert second.count('<th scope="row">') == 5


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("measure", ["members", "health"])
def test_the_map_costs_the_same_queries_for_3_or_30_institutions(client, chapter, measure):  # type: ignore[no-untyped-def]
    client.force_login(organizer_of(chapter))
    blocks(chapter, 3)
    services.refresh(SYSTEM, chapter=chapter)
    few = _queries(client, URL + f"?measure={measure}&councils=1")
    blocks(chapter, 27, start=3)
    services.refresh(SYSTEM, chapter=chapter)
    many = _queries(client, URL + f"?measure={measure}&councils=1")
    assert few == many <= 10


def test_leaflet_is_served_by_bloc_and_loaded_deferred_without_inline_script(
    client, drawn, settings
):  # type: ignore[no-untyped-def]
    settings.BLOC_MAP_TILES = ""
    html = client.get(URL + "?councils=1").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    hub_scripts = [attrs for attrs, body in scripts if "leaflet" in attrs or "hub-map" in attrs]
    assert len(hub_scripts) == 2 and all(" defer" in attrs for attrs in hub_scripts)
    assert all(not body.strip() for _, body in scripts)
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'data-tiles=""' in html and 'data-councils="1"' in html
    assert 'data-geojson="/api/v1/hub/riverside/map?measure=members&amp;kind="' in html
    for asset in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "bloc/hub-map.js"):
        assert client.get(f"/static/{asset}").status_code == 200, asset


def test_the_tile_server_is_a_setting(client, drawn, settings):  # type: ignore[no-untyped-def]
    settings.BLOC_MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get(URL).content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
