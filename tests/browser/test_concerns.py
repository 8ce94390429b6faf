"""Concerns in a real browser, on the demo chapter.

A resident of Maple Street reports a concern with a photo; the facilitator sets
up a working group, joins it, takes the concern on, acknowledges and resolves it
with public updates; the concern page shows the photo and the timeline. With
JavaScript on (axe checks every page) and off (the forms alone do it).

Each run sets up a working group and a concern with names of its own, so the
tests do not depend on each other or on the demo's own concerns.
"""

from __future__ import annotations

import io
import re
import secrets
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_membership import FACILITATOR, MAPLE_SLUG, RESIDENT, log_in

pytestmark = pytest.mark.browser

LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"
CONCERNS = f"/institutions/{MAPLE_SLUG}/concerns/"
GROUPS = f"/institutions/{MAPLE_SLUG}/working-groups/"


def small_png() -> bytes:
    image = Image.new("RGB", (120, 80), (90, 90, 90))
    image.paste((30, 30, 30), (40, 30, 80, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def log_out(page: Any) -> None:
    page.locator(LOGOUT_BUTTON).click()
    page.wait_for_load_state("load")


def report_with_photo(page: Any, check_page: Any, place: str) -> None:
    page.goto(CONCERNS)
    check_page(page)
    page.locator("main").get_by_role("link", name="Report a concern").click()
    expect(page.get_by_role("heading", level=1, name="Report a concern")).to_be_visible()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("What kind of concern").select_option("safety")
    form.get_by_label("Where").fill(place)
    form.get_by_label("What is wrong").fill("The lamp over the crossing is out.")
    form.get_by_label("Photos (optional)").set_input_files(
        {"name": "lamp.png", "mimeType": "image/png", "buffer": small_png()}
    )
    form.get_by_label("What the photos show (optional)").fill("A dark lamp post")
    form.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_contain_text("Your concern is reported.")
    expect(page.get_by_role("heading", level=1, name=f"Safety: {place}")).to_be_visible()
    photo = page.locator("main figure img")
    expect(photo).to_have_attribute("alt", "A dark lamp post")
    if page.bloc_javascript:
        # The photo loaded: the browser decoded what the server re-encoded.
        # decode() waits until the image has loaded (or fails if it cannot be decoded).
        assert photo.evaluate("img => img.decode().then(() => img.naturalWidth)") == 120
    check_page(page)


def set_up_group(page: Any, check_page: Any, name: str) -> None:
    page.goto(GROUPS)
    check_page(page)
    form = page.locator("main form", has=page.get_by_role("button", name="Set it up"))
    form.get_by_label("Name").fill(name)
    form.get_by_label("What it takes on").fill("Lights on the block")
    form.get_by_role("button", name="Set it up").click()
    expect(page.get_by_role("status")).to_contain_text(f"The working group {name} is set up.")
    page.get_by_role("button", name=f"Join {name}").click()
    expect(page.get_by_role("status")).to_contain_text(f"You joined {name}.")
    expect(page.get_by_role("button", name=f"Leave {name}")).to_be_visible()
    check_page(page)


def take_on_and_resolve(page: Any, check_page: Any, place: str, group: str) -> None:
    page.goto(CONCERNS)
    page.locator("main").get_by_role("link", name=f"Safety: {place}").click()
    check_page(page)
    page.locator("main").get_by_label("Working group").select_option(label=group)
    page.locator("main").get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("The concern is assigned.")

    update = page.locator("main form", has=page.get_by_role("button", name="Publish the update"))
    update.get_by_label("Move it to").select_option("acknowledged")
    update.get_by_label("Public update").fill("We asked the city to replace the lamp.")
    update.get_by_role("button", name="Publish the update").click()
    expect(page.locator("#concern-state")).to_have_text("Acknowledged")

    # Resolving without saying how is refused, and the concern stays where it was.
    update.get_by_label("Move it to").select_option("in_progress")
    update.get_by_role("button", name="Publish the update").click()
    expect(page.locator("#concern-state")).to_have_text("In progress")
    update.get_by_label("Move it to").select_option("resolved")
    update.get_by_role("button", name="Publish the update").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(update.get_by_label("Public update")).to_have_accessible_description(
        re.compile("Say what was done")
    )
    expect(page.locator("#concern-state")).to_have_text("In progress")
    check_page(page)
    update.get_by_label("Move it to").select_option("resolved")
    update.get_by_label("Public update").fill("A crew replaced the lamp.")
    update.get_by_role("button", name="Publish the update").click()
    expect(page.locator("#concern-state")).to_have_text("Resolved")

    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(4)
    expect(timeline.nth(0)).to_contain_text("Reported")
    expect(timeline.nth(1)).to_contain_text("We asked the city to replace the lamp.")
    expect(timeline.nth(2)).to_contain_text("In progress")
    expect(timeline.nth(3)).to_contain_text("A crew replaced the lamp.")
    check_page(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_report_with_a_photo_then_a_working_group_resolves_it(
    javascript: bool, page: Any, page_without_js: Any, demo_server: Any, check_page: Any
) -> None:
    page = page if javascript else page_without_js
    tag = secrets.token_hex(3)
    place = f"Lamp post {tag}"
    group = f"Lights {tag}"

    log_in(page, check_page, RESIDENT)
    report_with_photo(page, check_page, place)
    log_out(page)

    log_in(page, check_page, FACILITATOR)
    set_up_group(page, check_page, group)
    take_on_and_resolve(page, check_page, place, group)

    page.goto(CONCERNS + "?state=resolved")
    expect(page.locator("main").get_by_role("link", name=f"Safety: {place}")).to_be_visible()
    check_page(page)
    assert re.search(r"\d+ concerns? in all", page.locator("main").inner_text())
