"""Volunteer shifts and calendars in a real browser, on the demo chapter.

The facilitator of Maple Street sets up an event with a shift of two places; the
resident signs up, the secretary takes the last place, and the facilitator is
refused with the reason. The resident downloads the event's .ics and finds the
shift on their calendar page. Run with JavaScript on and off.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import icalendar
import pytest
from playwright.sync_api import expect

from tests.browser.test_membership import FACILITATOR, MAPLE_SLUG, RESIDENT, SECRETARY, log_in

pytestmark = pytest.mark.browser

SIGN_UP = "main form[action$='/sign-up/'] button"


def set_up_event(page: Any, check_page: Any, title: str, task: str) -> str:
    """As an officer: the event, then a shift of two places; returns the event's path."""
    page.goto(f"/institutions/{MAPLE_SLUG}/events/new/")
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Place (optional)").fill("Maple Street")
    form.get_by_label("Starts at").fill("2030-06-01T09:00")
    form.get_by_label("Ends at").fill("2030-06-01T13:00")
    form.get_by_role("button", name="Set up the event").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    check_page(page)
    form = page.locator("main form[action$='/shifts/']")
    form.get_by_label("Task").fill(task)
    form.get_by_label("People needed").fill("2")
    form.get_by_role("button", name="Add the shift").click()
    expect(page.locator("main table")).to_contain_text("0 of 2 taken, 2 free")
    check_page(page)
    return re.sub(r"^https?://[^/]+", "", page.url)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_three_volunteers_for_two_places_and_the_calendar(
    another_page: Any, demo_server: Any, check_page: Any, javascript: bool
) -> None:
    title = f"Street cleaning {secrets.token_hex(3)}"
    task = "Sweep the sidewalks"
    facilitator = another_page(javascript=javascript)
    log_in(facilitator, check_page, FACILITATOR)
    event_path = set_up_event(facilitator, check_page, title, task)

    resident = another_page(javascript=javascript)
    log_in(resident, check_page, RESIDENT)
    resident.goto(event_path)
    resident.get_by_role("button", name=f"Sign up for {task}").click()
    expect(resident.get_by_role("status")).to_contain_text(f"You signed up for “{task}”.")
    expect(resident.locator("main table")).to_contain_text("1 of 2 taken, 1 free")
    check_page(resident)

    secretary = another_page(javascript=javascript)  # reads bloc in Spanish
    log_in(secretary, check_page, SECRETARY)
    secretary.goto(event_path)
    secretary.locator(SIGN_UP).click()
    expect(secretary.locator("main form[action$='/withdraw/']")).to_have_count(1)
    check_page(secretary)

    facilitator.goto(event_path)
    facilitator.locator(SIGN_UP).click()
    expect(facilitator.get_by_role("alert")).to_contain_text(
        "This shift is full: all 2 places are taken."
    )
    expect(facilitator.locator("main table")).to_contain_text("Full (2 of 2)")
    check_page(facilitator)

    # The event's .ics: a calendar file with this one event in it.
    resident.goto(event_path)
    link = resident.get_by_role("link", name=re.compile(r"^Add to my calendar"))
    response = resident.request.get(link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    (item,) = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    assert str(item["SUMMARY"]) == title
    assert re.fullmatch(r"event-\d+@\S+", str(item["UID"]))

    resident.goto("/calendar/")
    expect(resident.get_by_role("heading", level=1, name="Your calendar")).to_be_visible()
    expect(resident.locator("main")).to_contain_text(f"{task} ({title})")
    feed = resident.get_by_label("Your calendar's address").input_value()
    assert re.search(r"/calendar/[A-Za-z0-9_-]{43}\.ics$", feed)
    check_page(resident)
