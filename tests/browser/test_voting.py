"""Voting in a real browser, on the demo chapter, with JavaScript on and off.

The facilitator of Maple Street sets up a ranked (instant-runoff) poll through the
form, opening now and closing a few seconds later. The facilitator and a member
each rank the options with the rank selects and see their receipt; once the poll
closes, the results page shows the round-by-round table and the published
ballots find the member's receipt. The poll page, the receipt and the results
are checked at 360 px and, with JavaScript, with axe-core.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
import time
import zoneinfo
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import FACILITATOR, MAPLE_SLUG, RESIDENT, log_in

pytestmark = pytest.mark.browser

POLLS = f"/institutions/{MAPLE_SLUG}/polls/"
OPEN_FOR = 12  # seconds between setting up the poll and its close


def server_now() -> datetime.datetime:
    # datetime-local fields are read in the server's time zone (bloc's TIME_ZONE).
    return datetime.datetime.now(zoneinfo.ZoneInfo(os.environ.get("TIME_ZONE", "UTC")))


def rank(page: Any, ranks: dict[str, str]) -> None:
    ballot = page.locator("main form.ballot")
    for option, value in ranks.items():
        ballot.get_by_label(option, exact=True).select_option(value)


def expect_receipt(page: Any, check_page: Any, words: str) -> str:
    expect(page.get_by_role("heading", level=1, name="Your vote is recorded")).to_be_visible()
    expect(page.locator("main")).to_contain_text(words)
    expect(page.locator("main")).to_contain_text("It is not stored with your name.")
    receipt = page.locator("main .receipt")
    assert re.fullmatch(r"([0-9a-f]{4} ){15}[0-9a-f]{4}", receipt.inner_text().strip())
    check_page(page)
    return receipt.inner_text().strip()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_ranked_poll_from_set_up_to_results(
    javascript: bool, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    facilitator = another_page(javascript=javascript)
    member = another_page(javascript=javascript)
    log_in(facilitator, check_page, FACILITATOR)
    log_in(member, check_page, RESIDENT)
    title = f"Who chairs the garden committee? {secrets.token_hex(3)}"

    # The facilitator sets up the poll from the list of polls.
    facilitator.goto(POLLS)
    check_page(facilitator)
    facilitator.locator("main").get_by_role("link", name="Set up a poll").click()
    check_page(facilitator)
    form = facilitator.locator("main form")
    form.get_by_label("Question").fill(title)
    form.get_by_label("Counting rule").select_option("irv")
    form.get_by_label("Options, one per line").fill("Ana\nBo\nCy")
    # Opening to the second: the demo members were verified moments ago, and the
    # list of voters holds those verified when the poll opens.
    opens = server_now()
    closes = opens + datetime.timedelta(seconds=OPEN_FOR)
    form.get_by_label("Voting opens at").fill(opens.strftime("%Y-%m-%dT%H:%M:%S"))
    form.get_by_label("Voting closes at").fill(closes.strftime("%Y-%m-%dT%H:%M:%S"))
    form.get_by_role("button", name="Set up the poll").click()
    expect(facilitator.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(facilitator.get_by_role("status")).to_contain_text("The poll is set up.")
    check_page(facilitator)
    rank(facilitator, {"Cy": "1", "Ana": "2"})
    facilitator.get_by_role("button", name="Cast my vote").click()
    expect_receipt(facilitator, check_page, "1. Cy, 2. Ana")

    # The member finds it in the list, first ranks two options the same (refused) ...
    member.goto(POLLS)
    member.locator("main").get_by_role("link", name=title).click()
    expect(member.locator("main")).to_contain_text("nobody can see how you voted")
    check_page(member)
    rank(member, {"Bo": "1", "Ana": "1"})
    member.get_by_role("button", name="Cast my vote").click()
    expect(member.get_by_role("alert")).to_contain_text("Two options are both ranked 1.")
    check_page(member)
    # ... then votes Bo first, Ana second.
    rank(member, {"Ana": "2"})
    member.get_by_role("button", name="Cast my vote").click()
    receipt = expect_receipt(member, check_page, "1. Bo, 2. Ana")
    member.get_by_role("link", name="Back to the poll").click()
    expect(member.locator("main")).to_contain_text("You have voted.")

    # After the close: the rounds, and the receipt in the published ballots.
    time.sleep(max(0.0, (closes - server_now()).total_seconds()) + 1)
    member.reload()
    member.get_by_role("link", name="Results and how they were counted").click()
    rounds = member.locator("main section", has=member.locator("#rounds-heading"))
    expect(rounds.get_by_role("columnheader", name="Round 2")).to_be_visible()
    expect(rounds).to_contain_text("eliminated")
    expect(member.locator("main")).to_contain_text("2 ballots of")
    expect(member.locator("main svg[role='img']").first).to_be_attached()
    check_page(member)
    member.get_by_role("link", name="The published ballots: find your receipt").click()
    member.get_by_label("Find my receipt").fill(receipt)
    member.get_by_role("button", name="Find").click()
    expect(member.get_by_role("status")).to_contain_text("Found: your ballot is in the list")
    expect(member.locator("tr.found")).to_contain_text("1. Bo, 2. Ana")
    check_page(member)
