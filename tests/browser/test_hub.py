"""The hub in a real browser, on the demo chapter, 360 px wide, axe-checked.

An organizer opens the map, colours it by health, and goes to the institutions that
need help and reads why; with JavaScript Leaflet draws the map, without it the
server's SVG does. A visitor reads the chapter's public page, with and without
JavaScript, and cannot open the organizers' pages.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import log_in

pytestmark = pytest.mark.browser

ORGANIZER = "organizer@demo.bloc.example"
HUB = "/hub/riverside/"
WORST = "Willow Creek Homeowners' Association"  # board-run, never meets (bloc.demo.hub)


def in_english(page: Any) -> None:
    """The demo organizer reads bloc in Spanish; these tests read it in English."""
    page.locator("#language-select").select_option("en")
    page.locator("form.language-form button[type='submit']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def colour_by_health(page: Any, check_page: Any) -> None:
    page.goto(HUB)
    check_page(page)
    page.locator("nav.hub-nav").get_by_role("link", name="Map", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Map of Riverside")).to_be_visible()
    check_page(page)
    form = page.locator("form.hub-map-form")
    form.get_by_label("Colour by").select_option(label="Health score (100 is best)")
    form.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"measure=health"))
    expect(
        page.get_by_role("heading", level=2, name="Institutions by Health score")
    ).to_be_visible()
    table = page.locator("main table", has=page.locator("#hub-map-caption"))
    expect(table.locator("caption")).to_contain_text("13 institutions by Health score")
    expect(table.locator("tbody tr")).to_have_count(13)
    expect(table).to_contain_text(WORST)
    expect(page.locator(".hub-map-legend li").first).to_contain_text("institution")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_an_organizer_colours_the_map_and_finds_who_needs_help(
    javascript: bool, page: Any, page_without_js: Any, demo_server: Any, check_page: Any
) -> None:
    browser_page = page if javascript else page_without_js
    log_in(browser_page, check_page, ORGANIZER)
    in_english(browser_page)
    colour_by_health(browser_page, check_page)
    if javascript:
        # Leaflet takes over the drawing (no tiles are reachable here: areas still draw).
        expect(browser_page.locator("#hub-map .leaflet-container")).to_be_visible()
        expect(browser_page.locator("#hub-map .leaflet-overlay-pane path")).not_to_have_count(0)
    else:
        svg = browser_page.locator("main svg[role='img']").first
        expect(svg).to_be_visible()
        expect(svg.locator("path")).not_to_have_count(0)
        # Each area names its institution and value (a tooltip; its link is the table's).
        expect(svg.locator("path > title", has_text=f"{WORST}: 50")).to_have_count(1)
    check_page(browser_page)

    browser_page.locator("nav.hub-nav").get_by_role("link", name="Who needs help").click()
    expect(browser_page.get_by_role("heading", level=1, name="Who needs help")).to_be_visible()
    check_page(browser_page)
    first = browser_page.locator("ol.hub-help-list > li").first
    expect(first.get_by_role("heading", level=3)).to_have_text(WORST)
    expect(first).to_contain_text("It has never held a meeting.")
    expect(first).to_contain_text("points)")
    expect(first.get_by_role("link", name=re.compile("charter page"))).to_be_visible()
    # Worst first: the scores read in rising order.
    scores = [
        int(re.search(r"Health: (\d+) of 100", text).group(1))  # type: ignore[union-attr]
        for text in browser_page.locator("p.hub-help-score").all_inner_texts()
    ]
    assert scores == sorted(scores) and len(scores) == 13, scores

    # Filter by kind: only the homeowners' associations are left.
    form = browser_page.locator("form.hub-help-form")
    form.get_by_label("Kind of institution").select_option(label="Homeowners' association")
    form.get_by_role("button", name="Show").click()
    expect(browser_page.locator("ol.hub-help-list > li")).to_have_count(2)
    check_page(browser_page)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_visitor_reads_the_chapters_public_page(
    javascript: bool, page: Any, page_without_js: Any, demo_server: Any, check_page: Any
) -> None:
    visitor = page if javascript else page_without_js
    visitor.goto("/")
    visitor.locator("header nav").get_by_role("link", name="Hub").click()
    # One chapter: straight to it; more (other tests add some): the list of chapters.
    visitor.wait_for_load_state()
    if not visitor.url.endswith("/hub/riverside/"):
        expect(visitor.get_by_role("heading", level=1, name="Chapters")).to_be_visible()
        check_page(visitor)
        visitor.locator("main").get_by_role("link", name="Riverside", exact=True).click()
    expect(visitor).to_have_url(re.compile(r"/hub/riverside/$"))
    expect(visitor.get_by_role("heading", level=1, name="Riverside")).to_be_visible()
    check_page(visitor)
    main = visitor.locator("main")
    expect(main.get_by_role("heading", level=2, name="What this network is")).to_be_visible()
    expect(main.get_by_role("heading", level=2, name="In numbers")).to_be_visible()
    expect(main).to_contain_text("13")
    expect(main.get_by_role("heading", level=2, name="Recent decisions")).to_be_visible()
    expect(main.get_by_role("heading", level=2, name="How to join")).to_be_visible()
    # The map by members, for everyone; the organizers' part is not offered.
    table = main.locator("table", has=visitor.locator("#hub-map-caption"))
    expect(table.locator("caption")).to_contain_text("13 institutions by Members")
    nav = visitor.locator("nav.hub-nav")
    expect(nav.get_by_role("link", name="Who needs help")).to_have_count(0)
    expect(nav.get_by_role("link", name="Participation and equity")).to_have_count(0)
    expect(visitor.get_by_role("button", name="Refresh the figures")).to_have_count(0)

    # The calendar is public too; the organizers' pages ask to log in.
    nav.get_by_role("link", name="Calendar").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Calendar")
    check_page(visitor)
    visitor.goto(f"{HUB}help/")
    expect(visitor).to_have_url(re.compile(r"/accounts/login/"))
