"""A meeting in a real browser, on the demo chapter, with JavaScript on and off.

The facilitator schedules a meeting that is starting now (fewest spoken first) and
shows the door code; the resident and the secretary check in with it and ask to
speak. The resident speaks once and asks again before the secretary: the
secretary, who has not spoken, is called first. With JavaScript the queue updates
by itself; without it, the "Refresh" link shows the same. The secretary writes the
minutes and the facilitator approves them at the next meeting.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import FACILITATOR, MAPLE_SLUG, RESIDENT, SECRETARY, log_in
from tests.browser.test_voting import server_now

pytestmark = pytest.mark.browser

MEETINGS = f"/institutions/{MAPLE_SLUG}/meetings/"
RESIDENT_NAME, SECRETARY_NAME = "Sam Okafor", "Lucía Herrera"


def schedule(page: Any, check_page: Any, title: str, starts: datetime.datetime) -> str:
    """Schedule a meeting through the pages; returns its page's path."""
    page.goto(MEETINGS)
    check_page(page)
    page.locator("main").get_by_role("link", name="Schedule a meeting").click()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Ends at").fill(
        (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_label("Place").fill("Community room")
    form.get_by_label("Order of the speakers' queue").select_option("fewest_spoken")
    form.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    check_page(page)
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


def check_in_and_join(page: Any, check_page: Any, meeting: str, code: str) -> None:
    # By field names and form targets: the secretary reads bloc in Spanish.
    page.goto(meeting)
    check_page(page)
    form = page.locator("main form[action$='/check-in/']")
    form.locator("input[name='code']").fill(code.lower())
    form.locator("button[type='submit']").click()
    expect(page.locator("main form[action$='/queue/join/']")).to_be_visible()
    check_page(page)
    join(page)


def join(page: Any) -> None:
    page.locator("main form[action$='/queue/join/'] button").click()
    expect(page.locator("#queue-live")).to_be_visible()


def see(page: Any, javascript: bool, where: str, text: str) -> None:
    """With JavaScript the region updates by itself; without it, follow Refresh."""
    if not javascript:
        page.locator("#queue-refresh").click()
    expect(page.locator(where)).to_contain_text(text, timeout=10_000)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_meeting_with_door_code_queue_and_minutes(
    javascript: bool, another_page: Any, demo_server: Any, check_page: Any
) -> None:
    facilitator = another_page(javascript=javascript)
    resident = another_page(javascript=javascript)
    secretary = another_page(javascript=javascript)
    log_in(facilitator, check_page, FACILITATOR)
    log_in(resident, check_page, RESIDENT)
    log_in(secretary, check_page, SECRETARY)
    tag = secrets.token_hex(3)
    title = f"Meeting {tag}"

    meeting = schedule(facilitator, check_page, title, server_now() - datetime.timedelta(minutes=5))
    facilitator.locator("main").get_by_role("link", name="Door code").click()
    facilitator.locator("main form").get_by_role("button", name="Make a door code").click()
    code = facilitator.locator("[data-door-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    check_page(facilitator)

    # A wrong code is refused with a clear message.
    resident.goto(meeting)
    form = resident.locator("main form[action$='/check-in/']")
    form.locator("input[name='code']").fill("WRONG1")
    form.locator("button[type='submit']").click()
    expect(resident.locator("main [role='alert']")).to_contain_text("not the door code")
    check_page(resident)

    check_in_and_join(resident, check_page, meeting, code)
    expect(resident.locator("#queue-live")).to_contain_text("You are next.")
    facilitator.goto(meeting + "queue/")
    check_page(facilitator)
    facilitator.get_by_role("button", name="Call the next speaker").click()
    expect(facilitator.locator("#queue-live")).to_contain_text(RESIDENT_NAME)
    see(resident, javascript, "#queue-live", "You have the floor.")
    check_page(resident)
    facilitator.get_by_role("button", name="End this turn").click()
    expect(facilitator.locator("#queue-live")).to_contain_text("Nobody has the floor.")

    # The resident asks again before the secretary, who has not spoken yet.
    join(resident)
    check_in_and_join(secretary, check_page, meeting, code)
    see(facilitator, javascript, "#queue-order li >> nth=0", SECRETARY_NAME)
    expect(facilitator.locator("#queue-order li")).to_have_count(2)
    check_page(facilitator)
    facilitator.get_by_role("button", name="Call the next speaker").click()
    expect(facilitator.locator("#queue-live")).to_contain_text(f"{SECRETARY_NAME} ·")
    see(resident, javascript, "#queue-live", "You are next.")

    # The secretary writes the minutes; they are a draft for members.
    secretary.goto(meeting)
    secretary.locator("main a[href$='/minutes/']").click()
    check_page(secretary)
    secretary.locator("main textarea[name='text']").fill(f"We agreed on **{tag}**.")
    secretary.locator("main form button[type='submit']").click()
    expect(secretary.locator("main .minutes")).to_contain_text(tag)
    resident.goto(meeting)
    expect(resident.locator("main")).to_contain_text("Draft: not approved yet.")
    check_page(resident)

    # The next meeting approves them.
    later = schedule(
        facilitator, check_page, f"Next {title}", server_now() + datetime.timedelta(minutes=30)
    )
    approve = facilitator.locator(
        f"main form[action$='/minutes/{meeting.split('/')[-2]}/approve/']"
    )
    approve.get_by_role("button").click()
    expect(facilitator.locator("main .messages")).to_contain_text("are approved")
    assert facilitator.url.split("#")[0].endswith(later)
    resident.goto(meeting)
    expect(resident.locator("main")).to_contain_text(f"Approved at “Next {title}”")
    check_page(resident)
