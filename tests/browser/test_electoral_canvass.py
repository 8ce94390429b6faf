"""A canvasser on a phone with JavaScript off logs contacts on their turf.

The campaign, its turf of eight doors on one block and the canvasser's role are made
with the services in the server's database (``bloc shell``); a tag keeps this test's
chapter, slugs and emails apart from the other tests'. Then, at 360 px with
JavaScript disabled, the canvasser finds their turf from the campaign page, logs a
conversation with a supporter and a door where nobody was home (one small form per
door, big touch targets), is refused a support level without a conversation (nothing
saved), marks the supporter as voted on election day and sees the progress change.
The same pages with JavaScript on are checked by axe-core.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_councils import PASSWORD, db, log_in

pytestmark = pytest.mark.browser

CAMPAIGN = """
import secrets
from bloc.confederation.councils import council_create
from bloc.electoral.campaigns import (
    campaign_create, campaign_role_set, turf_canvassers_set, turfs_split,
)
from bloc.electoral.models import Candidate, Cycle
from bloc.institutions.services import chapter_create, chapter_organizer_add, institution_create

tag = P["tag"]
chapter = chapter_create(actor=SYSTEM, name=f"Canvass {tag}", slug=f"canvass-{tag}")
block = institution_create(
    actor=SYSTEM, chapter=chapter, name=f"Elm Block {tag}", slug=f"elm-{tag}",
    kind="block_association", addresses=[f"{n} Elm Street" for n in range(1, 9)],
)
council = council_create(actor=SYSTEM, chapter=chapter, name="City", slug=f"city-{tag}", level=1)
cycle = Cycle.objects.create(
    chapter=chapter, title="City elections", council=council,
    election_date=timezone.localdate() + datetime.timedelta(days=20),
)
candidate = Candidate.objects.create(
    cycle=cycle, name="Rosa Marquez", office="City council", level="local",
    token_hash=secrets.token_hex(32), stage="endorsed",
)
people = {}
for key, name in (("olga", "Olga Organizer"), ("cara", "Cara Canvasser")):
    people[key] = User.objects.create_user(
        email=f"{key}-{tag}@example.org", password=P["password"], full_name=name
    )
chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=people["olga"])
campaign = campaign_create(
    actor=people["olga"], chapter=chapter, title=f"Rosa for council {tag}", candidate=candidate
)
campaign_role_set(actor=people["olga"], campaign=campaign, user=people["cara"], role="canvasser")
[turf] = turfs_split(actor=people["olga"], campaign=campaign, institution=block, parts=1,
                     name="Elm north")
turf_canvassers_set(actor=people["olga"], turf=turf, canvassers=[people["cara"]])
doors = {a.address: a.pk for a in turf.addresses.all()}
done(campaign=campaign.pk, turf=turf.pk, doors=doors)
"""


def door(page: Any, address: str) -> Any:
    return page.locator("li.door", has=page.get_by_role("heading", level=3, name=address))


def test_a_canvasser_logs_contacts_on_a_phone_without_javascript(
    bloc_server: Any, page_without_js: Any, another_page: Any, check_page: Any
) -> None:
    tag = secrets.token_hex(3)
    made = db(bloc_server, CAMPAIGN, tag=tag, password=PASSWORD)
    email = f"cara-{tag}@example.org"
    page = page_without_js

    log_in(page, email)
    page.goto("/electoral/campaigns/")
    check_page(page)
    page.get_by_role("link", name=f"Rosa for council {tag}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rosa for council {tag}")
    expect(page.get_by_role("heading", level=2, name="Your turfs")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Elm north").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Canvass Elm north")
    progress = page.locator("#turf-progress")
    expect(progress).to_have_text(
        "Doors knocked: 0 of 8. Talked: 0. Supporters: 0. Not yet voted: 0."
    )
    check_page(page)
    assert page.locator("li.door").count() == 8

    # A conversation with a supporter at 1 Elm Street.
    first = door(page, "1 Elm Street")
    save = first.get_by_role("button", name="Save 1 Elm Street")
    box = save.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300
    first.get_by_label("Talked", exact=True).check()
    first.get_by_label("Resident's name").fill("June Ortiz")
    first.get_by_label("5 strongly for").check()
    first.locator("summary").click()  # a <details>: opens without JavaScript
    first.get_by_label("Local ecology").check()
    first.get_by_label("Note").fill("Wants a crosswalk on Elm.")
    save.click()
    expect(page).to_have_url(re.compile(rf"/turfs/{made['turf']}/#door-\d+$"))
    expect(page.locator(".messages")).to_contain_text("Saved: 1 Elm Street.")
    expect(progress).to_have_text(
        "Doors knocked: 1 of 8. Talked: 1. Supporters: 1. Not yet voted: 1."
    )
    first = door(page, "1 Elm Street")
    expect(first.locator(".status")).to_contain_text("June Ortiz")
    expect(first.locator(".status")).to_contain_text("Supporter")
    check_page(page)

    # Nobody home at 2 Elm Street.
    second = door(page, "2 Elm Street")
    second.get_by_label("Knocked, nobody home").check()
    second.get_by_role("button", name="Save 2 Elm Street").click()
    expect(progress).to_have_text(
        "Doors knocked: 2 of 8. Talked: 1. Supporters: 1. Not yet voted: 1."
    )

    # A support level without a conversation is refused, and nothing is saved.
    third = door(page, "3 Elm Street")
    third.get_by_label("Knocked, nobody home").check()
    third.get_by_label("3 undecided").check()
    third.get_by_role("button", name="Save 3 Elm Street").click()
    alert = page.locator("main [role='alert']").first
    expect(alert).to_contain_text("Not saved: 3 Elm Street.")
    expect(alert).to_contain_text("Give a support level only when you talked with someone.")
    expect(progress).to_have_text(
        "Doors knocked: 2 of 8. Talked: 1. Supporters: 1. Not yet voted: 1."
    )
    check_page(page)

    # Election day: June voted.
    door(page, "1 Elm Street").get_by_role("button", name="Mark as voted at 1 Elm Street").click()
    expect(page.locator(".messages")).to_contain_text("Marked as voted: 1 Elm Street.")
    expect(progress).to_have_text(
        "Doors knocked: 2 of 8. Talked: 1. Supporters: 1. Not yet voted: 0."
    )

    # The campaign page shows the turf's progress; the GOTV list is empty now.
    page.get_by_role("link", name="Back to the campaign").click()
    row = page.locator("main table tbody tr", has=page.get_by_role("link", name="Elm north"))
    expect(row.locator("td")).to_have_text(["8", "2", "1", "1", "0", "Cara Canvasser"])
    page.get_by_role("link", name=re.compile("^Get out the vote")).click()
    expect(page.locator("main")).to_contain_text("Nobody on the list")
    check_page(page)

    # The same pages with JavaScript on: axe-core finds nothing serious.
    viewer = another_page(javascript=True)
    log_in(viewer, email)
    for url in (
        f"/electoral/campaigns/{made['campaign']}/",
        f"/electoral/campaigns/{made['campaign']}/turfs/{made['turf']}/",
        f"/electoral/campaigns/{made['campaign']}/gotv/",
        "/electoral/campaigns/",
    ):
        viewer.goto(url)
        check_page(viewer)

    # The organizer's page for roles, turfs and canvassers, also checked by axe-core.
    organizer = another_page(javascript=True)
    log_in(organizer, f"olga-{tag}@example.org")
    organizer.goto(f"/electoral/campaigns/{made['campaign']}/manage/")
    expect(organizer.get_by_role("group", name="Canvassers of Elm north")).to_be_visible()
    check_page(organizer)
    form = organizer.locator("main form", has=organizer.get_by_label("Split into this many turfs"))
    form.get_by_label("Block").select_option(label=f"Elm Block {tag}")
    form.get_by_role("button", name="Make the turfs").click()
    expect(organizer.locator("main [role='alert']")).to_be_visible()
    expect(form).to_contain_text("is already on one of the campaign's turfs")
    check_page(organizer)
