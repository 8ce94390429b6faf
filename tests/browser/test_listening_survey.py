"""A survey in a real browser, on the demo chapter, at 360 px.

Maple Street's facilitator builds a survey one question per page (JavaScript on, so
axe checks every page); a member answers it with JavaScript off: a required question
left blank gets a clear message, then the answers go in, and a second try is refused.
The facilitator then reads the results, a chart beside a table.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import FACILITATOR, MAPLE_SLUG, RESIDENT, log_in

pytestmark = pytest.mark.browser

LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"
SURVEYS = f"/listening/{MAPLE_SLUG}/surveys/"


def add_question(page: Any, check_page: Any, kind: str, text: str, options: str = "") -> None:
    form = page.locator("main form", has=page.get_by_role("button", name="Add the question"))
    form.get_by_label("Kind of question").select_option(kind)
    form.get_by_label("Question in English").fill(text)
    form.get_by_label("An answer is required").check()
    if options:
        form.get_by_label("Choices, one a line").fill(options)
    form.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("status")).to_contain_text("The question is added.")
    check_page(page)


def test_build_answer_without_javascript_and_read_results(
    page: Any, page_without_js: Any, demo_server: Any, check_page: Any
) -> None:
    title = f"Spring on the block {secrets.token_hex(3)}"

    log_in(page, check_page, FACILITATOR)
    page.goto(SURVEYS)
    check_page(page)
    page.locator("main").get_by_role("link", name="Start a survey").click()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Title").fill(title)
    form.get_by_role("button", name="Make the survey").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    check_page(page)
    add_question(page, check_page, "single", "Which matters most?", "Rent\nRepairs\nSafety")
    add_question(page, check_page, "scale", "How safe is the block at night?")
    survey_url = page.locator("main").get_by_role("link", name="Answer page").get_attribute("href")

    member = page_without_js
    log_in(member, check_page, RESIDENT)
    member.goto(survey_url)
    expect(member.get_by_role("heading", level=1, name=title)).to_be_visible()
    check_page(member)
    member.get_by_role("group", name="Which matters most? (required)").get_by_label(
        "Repairs"
    ).check()
    member.get_by_role("button", name="Send my answers").click()
    expect(member.get_by_role("alert")).to_contain_text("Some answers need another look.")
    expect(member.locator("main")).to_contain_text("Answer this question.")
    check_page(member)
    # The choice made before stays checked.
    scale = member.get_by_role("group", name="How safe is the block at night? (required)")
    scale.get_by_label("4").check()
    member.get_by_role("button", name="Send my answers").click()
    expect(member.get_by_role("status")).to_contain_text("Thank you: your answers are in.")
    expect(member.locator("main")).to_contain_text("You have answered this survey.")
    check_page(member)

    page.goto(survey_url + "results/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("1 response")
    expect(page.locator("main svg[role='img']").first).to_be_visible()
    row = page.locator("main table").first.get_by_role("row", name="Repairs")
    expect(row).to_contain_text("1")
    check_page(page)


def test_record_a_need_at_the_door_without_javascript(
    page: Any, page_without_js: Any, demo_server: Any, check_page: Any
) -> None:
    need = f"The stairwell light is out ({secrets.token_hex(3)})."
    phone = f"555-{secrets.randbelow(10_000):04d}"

    canvasser = page_without_js
    log_in(canvasser, check_page, RESIDENT)
    canvasser.goto(f"/listening/{MAPLE_SLUG}/needs/new/")
    check_page(canvasser)
    form = canvasser.locator("main form")
    form.get_by_label("Or where (when not on the list)").fill("Maple and 3rd")
    form.get_by_label("What they need").fill(need)
    form.get_by_label("Their phone (only with their consent)").fill(phone)
    form.get_by_role("button", name="Record it").click()
    expect(canvasser.get_by_role("alert")).to_be_visible()
    expect(canvasser.locator("main")).to_contain_text("Choose at least one category.")
    check_page(canvasser)
    form = canvasser.locator("main form")
    form.get_by_role("group", name="What it is about").get_by_label("Safety").check()
    form.get_by_label("They agree to be contacted").check()
    form.get_by_role("button", name="Record it").click()
    expect(canvasser.get_by_role("status")).to_contain_text("Recorded. On to the next door.")
    check_page(canvasser)

    log_in(page, check_page, FACILITATOR)
    page.goto(f"/listening/{MAPLE_SLUG}/needs/")
    item = page.locator("main li", has_text=need)
    expect(item).to_contain_text(phone)
    expect(
        page.locator("main table").first.get_by_role("row", name="Maple and 3rd")
    ).to_be_visible()
    check_page(page)
