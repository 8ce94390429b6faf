"""An opinion conversation in a real browser, on the demo chapter, at 360 px.

Maple Street's facilitator opens a conversation with seed statements (JavaScript on,
so axe checks every page). A verified member, with JavaScript off, submits a statement
that is too long (a clear message), then votes through the conversation one statement
at a time, and sees the opinion map: an SVG with a table beside it.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import FACILITATOR, MAPLE_SLUG, RESIDENT, log_in

pytestmark = pytest.mark.browser

OPINIONS = f"/listening/{MAPLE_SLUG}/opinions/"
SEEDS = ["The park should stay open at night", "We need more streetlights", "Rents rose too much"]


def vote_through(page: Any, check_page: Any, votes: list[str]) -> None:
    for vote in votes:
        page.locator("main form").get_by_role("button", name=vote, exact=True).click()
        check_page(page)
    expect(page.locator("main")).to_contain_text("You have voted on every statement.")


def test_vote_without_javascript_then_see_the_map(
    page: Any, page_without_js: Any, demo_server: Any, check_page: Any
) -> None:
    topic = f"What should the block work on? {secrets.token_hex(3)}"

    log_in(page, check_page, FACILITATOR)
    page.goto(OPINIONS)
    check_page(page)
    page.locator("main").get_by_role("link", name="Open a conversation").click()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Question").fill(topic)
    form.get_by_label("Seed statements, one a line").fill("\n".join(SEEDS))
    form.get_by_role("button", name="Open it").click()
    expect(page.get_by_role("heading", level=1, name=topic)).to_be_visible()
    check_page(page)
    conversation_url = page.url

    member = page_without_js
    log_in(member, check_page, RESIDENT)
    member.goto(conversation_url)
    expect(member.get_by_role("heading", level=1, name=topic)).to_be_visible()
    check_page(member)
    member.get_by_label("Your statement").fill("x" * 2000)
    member.get_by_role("button", name="Submit the statement").click()
    expect(member.locator("main")).to_contain_text("Keep it under 280 characters.")
    check_page(member)
    member.get_by_label("Your statement").fill("Bike racks would help")
    member.get_by_role("button", name="Submit the statement").click()
    expect(member.get_by_role("status")).to_contain_text("once a moderator accepts it")

    member.locator("main").get_by_role("link", name="Vote").first.click()
    expect(member.locator("main")).to_contain_text(SEEDS[0])
    check_page(member)
    vote_through(member, check_page, ["Agree", "Disagree", "Pass / unsure"])
    member.locator("main").get_by_role("link", name="See the opinion map").click()
    expect(member.locator("main svg[role='img']")).to_be_visible()
    expect(member.locator("main table").first).to_contain_text("Group 1")
    check_page(member)

    # The facilitator accepts the new statement, votes, and reads the map (axe on).
    page.goto(conversation_url)
    expect(page.locator("main")).to_contain_text("Waiting for moderation")
    waiting = page.locator("main li", has_text="Bike racks would help")
    waiting.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text("Statement accepted.")
    check_page(page)
    page.locator("main").get_by_role("link", name="Vote").first.click()
    check_page(page)
    vote_through(page, check_page, ["Disagree", "Agree", "Agree", "Agree"])
    page.locator("main").get_by_role("link", name="See the opinion map").click()
    expect(page.locator("main svg[role='img'] title")).to_contain_text(topic)
    expect(page.locator("main")).to_contain_text("What unites the groups")
    check_page(page)
