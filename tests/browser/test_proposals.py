"""A proposal in a real browser, on the demo chapter, with JavaScript on and off.

A member writes a proposal through the sub-navigation and opens it to discussion;
the facilitator comments with a stance and proposes an amendment; the author
accepts it as friendly, and the page shows the text as amended with the change
marked. Every page is checked at 360 px and, with JavaScript, with axe-core.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import (
    FACILITATOR,
    MAPLE,
    RESIDENT,
    log_in,
    open_institution,
    open_sub_page,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_proposal_is_discussed_and_amended(
    javascript: bool, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    author = another_page(javascript=javascript)
    facilitator = another_page(javascript=javascript)
    log_in(author, check_page, RESIDENT)
    log_in(facilitator, check_page, FACILITATOR)
    title = f"Plant trees on Maple Street {secrets.token_hex(3)}"

    open_institution(author, check_page, MAPLE)
    open_sub_page(author, check_page, "Proposals")
    author.locator("main").get_by_role("link", name="Write a new proposal").click()
    check_page(author)
    form = author.locator("main form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("What do you propose?").fill("We plant **six** oak trees in spring.")
    form.get_by_label("How the vote is counted").select_option("majority")
    form.get_by_role("button", name="Save as a draft").click()
    expect(author.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(author.locator("main strong", has_text="six")).to_be_visible()  # Markdown
    check_page(author)
    author.get_by_role("button", name="Open it for discussion").click()
    expect(author.get_by_role("status")).to_contain_text("open for discussion")
    url = author.url

    facilitator.goto(url)
    comment = facilitator.locator(
        "main form", has=facilitator.get_by_role("button", name="Post the comment")
    )
    comment.get_by_label("Your stance").select_option("concern")
    comment.get_by_label("Comment").fill("Oaks grow slowly; who waters them?")
    comment.get_by_role("button", name="Post the comment").click()
    expect(facilitator.locator("main")).to_contain_text("Oaks grow slowly")
    check_page(facilitator)
    amend = facilitator.locator(
        "main form", has=facilitator.get_by_role("button", name="Propose the amendment")
    )
    amend.get_by_label("Passage to change").fill("oak trees")
    amend.get_by_label("New wording").fill("linden trees")
    amend.get_by_role("button", name="Propose the amendment").click()
    expect(facilitator.locator("main del", has_text="oak")).to_be_visible()
    check_page(facilitator)

    author.goto(url)
    author.get_by_role("button", name="Accept as friendly").click()
    expect(author.locator("main")).to_contain_text("six linden trees in spring")
    expect(author.locator("main ins", has_text="linden").first).to_be_visible()
    check_page(author)
