"""Paper ballots entered twice, in a real browser, on the demo chapter.

The facilitator of Maple Street checks two members off the roster of an open poll
and enters a stack of two paper ballots; the secretary (who reads bloc in Spanish)
enters the same stack again without seeing the first entry, and the desk shows the
stack counted. With JavaScript off and on; the paper entry page is axe-checked.
Fields and buttons are found by name, not wording, since the secretary's pages are
in Spanish.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "bloc-demo-2026"
FACILITATOR = "facilitator@demo.bloc.example"  # Marcus Green
SECRETARY = "secretary@demo.bloc.example"  # Lucía Herrera, in Spanish
MAPLE_SLUG = "maple-street-block"
LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"

# An open motion, set up by the facilitator (as the poll-creation page would); it opens
# now, so members the demo has just verified are on its list of voters.
CREATE_POLL = """
import datetime
from django.utils import timezone
from bloc.accounts.models import User
from bloc.decisions.polls import poll_create
from bloc.institutions.models import Institution
now = timezone.now()
poll = poll_create(
    actor=User.objects.get(email="{facilitator}"),
    institution=Institution.objects.get(slug="{slug}"),
    title="{title}", rule="majority",
    opens_at=now, closes_at=now + datetime.timedelta(days=1),
)
print("POLL=%s" % poll.pk)
"""


def create_poll(server: Any, title: str) -> int:
    code = CREATE_POLL.format(facilitator=FACILITATOR, slug=MAPLE_SLUG, title=title)
    output = server.run("shell", "-c", code).stdout
    return int(re.search(r"POLL=(\d+)", output).group(1))  # type: ignore[union-attr]


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    form.locator("button[type='submit']").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def enter_stack(page: Any, check_page: Any) -> None:
    """Box 1: one paper "for", one "against" (option positions 0 and 1)."""
    check_page(page)
    page.locator("input[name='label']").fill("box 1")
    page.locator("select[name='l0-choice']").select_option("0")
    page.locator("select[name='l1-choice']").select_option("1")
    page.locator("button[name='enter']").click()


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_two_people_enter_the_same_stack(
    demo_server: Any, another_page: Any, check_page: Any, javascript: bool
) -> None:
    title = f"Repaint the bench? {secrets.token_hex(3)}"
    poll_id = create_poll(demo_server, title)
    room = f"/institutions/{MAPLE_SLUG}/polls/{poll_id}/room/"

    page = another_page(javascript=javascript)
    log_in(page, FACILITATOR)
    page.goto(room)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    check_page(page, axe=False)  # layout and structure; axe runs on the paper entry page
    boxes = page.locator("input[name='voters']")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("form[action$='/room/roster/'] button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("2 checked off as voting in the room.")
    expect(page.get_by_text("checked off (in the room)")).to_have_count(2)

    page.locator(f"main a[href$='/polls/{poll_id}/room/paper/']").click()
    enter_stack(page, check_page)
    expect(page.locator(".messages")).to_contain_text("Someone else must now enter")
    check_page(page, axe=False)
    page.locator(LOGOUT_BUTTON).click()

    other = another_page(javascript=javascript)
    log_in(other, SECRETARY)
    other.goto(room)
    # The link to the second entry names the stack; the form starts empty.
    other.locator("main a[href*='/room/paper/?label=box']").click()
    expect(other.locator("#pending-note")).to_contain_text("Marcus Green")
    expect(other.locator("select[name='l0-choice']")).to_have_value("")
    enter_stack(other, check_page)
    expect(other).to_have_url(re.compile(re.escape(room) + "$"))
    expect(other.locator("main table tr", has_text="box 1")).to_contain_text("Marcus Green")
    expect(other.locator("main table tr", has_text="box 1")).to_contain_text("Lucía Herrera")
    expect(other.locator("[data-state='counted']")).to_have_count(1)
    check_page(other, axe=False)
