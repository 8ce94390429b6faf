"""Candidates from the base in a real browser: an assembly's facilitator nominates one
of its members on the page and gets the private link once; the candidate opens it
with JavaScript off, answers the questionnaire (free text, yes/no, scale) and signs
pledges by typing their name; the public page hides the answers until the cycle's
public time, then shows them.

The chapter, its block, council, platform and cycle are made with the services in
``bloc shell`` (a tag keeps them apart from the other tests'); the database side also
stands in for the clock, moving the public time to now. Every page is checked with
``check_page`` (360 px, one <main>, one <h1> and, where JavaScript runs, axe-core).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_councils import PASSWORD, db, log_in

pytestmark = pytest.mark.browser

WORLD = """
from bloc.confederation.councils import council_create, seat_add
from bloc.electoral.candidates import cycle_create
from bloc.electoral.platforms import platform_create, priority_propose
from bloc.electoral.questionnaires import question_add
from bloc.institutions.services import chapter_create, institution_create
from bloc.membership.roles import role_term_assign
from bloc.membership.services import membership_join, membership_verify

tag = P["tag"]
today = timezone.localdate()
chapter = chapter_create(actor=SYSTEM, name=f"Candidates {tag}", slug=f"candidates-{tag}")
block = institution_create(
    actor=SYSTEM, chapter=chapter, name=f"Elm Block {tag}", slug=f"elm-{tag}",
    kind="block_association", addresses=[f"{n} Elm{tag} Street" for n in range(1, 9)],
)
people = []
for n, name in enumerate(["Fay Facilitator", "Rosa Runner"]):
    person = User.objects.create_user(
        email=f"p{n}-{tag}@example.org", password=P["password"], full_name=f"{name} {tag}",
        address=f"{n + 1} Elm{tag} Street",
    )
    membership = membership_verify(
        actor=SYSTEM, membership=membership_join(actor=SYSTEM, institution=block, user=person)
    )
    if n == 0:
        role_term_assign(
            actor=SYSTEM, membership=membership, role="facilitator",
            starts_on=today - datetime.timedelta(days=10),
            ends_on=today + datetime.timedelta(days=300),
        )
    people.append(person)
council = council_create(actor=SYSTEM, chapter=chapter, name=f"City {tag}", slug=f"city-{tag}",
                         level=1)
seat_add(actor=SYSTEM, council=council, member=block)
priorities = [
    priority_propose(actor=SYSTEM, institution=block, title=f"{title} {tag}", category=category)
    for title, category in (("Land trust", "land_trusts"), ("Daylight the creek", "ecology"),
                            ("Civilian police board", "police"))
]
platform = platform_create(actor=SYSTEM, chapter=chapter, title=f"Platform {tag}",
                           priorities=priorities)
cycle = cycle_create(
    actor=SYSTEM, chapter=chapter, title=f"City elections {tag}",
    election_date=today + datetime.timedelta(days=120), council=council, platform=platform,
    pledges_needed=2, answers_public_at=timezone.now() + datetime.timedelta(days=20),
)
question_add(actor=SYSTEM, cycle=cycle, text="Why do you run?", kind="text")
question_add(actor=SYSTEM, cycle=cycle, text="Will you fund the land trust?", kind="yes_no",
             priority=priorities[0])
question_add(actor=SYSTEM, cycle=cycle, text="Rent control is urgent.", kind="scale")
done(cycle=cycle.pk, runner=people[1].full_name, priorities=[p.title for p in priorities])
"""

PUBLISH = """
from bloc.electoral.models import Cycle
Cycle.objects.filter(pk=P["cycle"]).update(answers_public_at=timezone.now())
done()
"""


def test_a_candidate_from_the_base_answers_by_the_private_link(
    bloc_server: Any, another_page: Any, check_page: Any
) -> None:
    tag = secrets.token_hex(3)
    made = db(bloc_server, WORLD, tag=tag, password=PASSWORD)
    cycle_url = f"/electoral/cycles/{made['cycle']}/"

    # The block's facilitator finds the cycle and nominates Rosa, a member of the block.
    facilitator = another_page()
    log_in(facilitator, f"p0-{tag}@example.org")
    facilitator.goto(f"/electoral/cycles/?chapter=candidates-{tag}")
    check_page(facilitator)
    facilitator.get_by_role("link", name=f"City elections {tag}").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(f"City elections {tag}")
    check_page(facilitator)
    facilitator.get_by_role("link", name="Nominate a candidate").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Nominate a candidate")
    check_page(facilitator)
    form = facilitator.locator("main form")
    form.get_by_label("Their account, if a member (optional)").select_option(label=made["runner"])
    form.get_by_label("Office", exact=True).fill("City council")
    form.get_by_label("District (optional)").fill("District 3")
    form.get_by_label("Why the assembly nominates them (optional)").fill(
        "Rosa has run our tenants' union for ten years."
    )
    form.get_by_role("button", name="Nominate").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(
        f"{made['runner']} is nominated"
    )
    check_page(facilitator)
    link = facilitator.get_by_label("Private link").input_value()
    assert re.search(r"/electoral/answer/[\w-]+/$", link), link

    # Rosa opens the link without an account, JavaScript off, on a 360 px screen.
    candidate = another_page(javascript=False)
    response = candidate.goto(link)
    assert response is not None and response.headers["referrer-policy"] == "strict-origin"
    expect(candidate.get_by_role("heading", level=1)).to_have_text(
        f"Questionnaire of {made['runner']}"
    )
    check_page(candidate)
    answers = candidate.locator("main form").filter(
        has=candidate.get_by_role("button", name="Save my answers")
    )
    answers.get_by_label("1. Why do you run?").fill("Because the rent is too high.")
    yes_no = answers.locator("fieldset", has_text="Will you fund the land trust?")
    yes_no.get_by_label("Yes").check()
    scale = answers.locator("fieldset", has_text="Rent control is urgent.")
    scale.get_by_label("5", exact=True).check()
    answers.get_by_role("button", name="Save my answers").click()
    expect(candidate.locator(".messages")).to_contain_text("Your answers are saved.")
    check_page(candidate)
    pledges = candidate.locator("main form").filter(
        has=candidate.get_by_role("button", name="Sign the pledges")
    )
    pledges.get_by_label(made["priorities"][0]).check()
    pledges.get_by_label(made["priorities"][1]).check()
    pledges.get_by_label("Sign by typing your name").fill("Someone Else")
    pledges.get_by_role("button", name="Sign the pledges").click()
    expect(candidate.locator("#form-errors, .field-error").first).to_be_visible()
    expect(candidate.get_by_text("Type your name exactly as the chapter has it")).to_be_visible()
    check_page(candidate)
    pledges = candidate.locator("main form").filter(
        has=candidate.get_by_role("button", name="Sign the pledges")
    )
    pledges.get_by_label(made["priorities"][0]).check()
    pledges.get_by_label(made["priorities"][1]).check()
    pledges.get_by_label("Sign by typing your name").fill(made["runner"])
    pledges.get_by_role("button", name="Sign the pledges").click()
    expect(candidate.locator(".messages")).to_contain_text("Your pledges are signed.")
    expect(candidate.locator("#signed-pledges li")).to_have_count(2)
    check_page(candidate)

    # The same page with JavaScript on, for axe-core: the answers filled in, the pledges
    # signed, and a refused profile showing its message.
    with_js = another_page()
    with_js.goto(link)
    expect(with_js.get_by_label("1. Why do you run?")).to_have_value(
        "Because the rent is too high."
    )
    profile = with_js.locator("main form").filter(
        has=with_js.get_by_role("button", name="Save my profile")
    )
    profile.get_by_label("Website (optional)").fill("ftp://rosa")
    profile.get_by_role("button", name="Save my profile").click()
    expect(with_js.get_by_text("Give a web address starting with https://.")).to_be_visible()
    check_page(with_js)

    # The public page: who nominated her and her pledges now; her answers not yet.
    visitor = another_page()
    candidate.get_by_role("link", name="Your public page").click()
    public_url = candidate.url
    visitor.goto(public_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(made["runner"])
    expect(visitor.locator("main")).to_contain_text("tenants' union for ten years")
    expect(visitor.locator("main")).to_contain_text(made["priorities"][1])
    expect(visitor.locator("#answers-not-public")).to_contain_text("The answers become public on")
    expect(visitor.locator("main")).not_to_contain_text("Because the rent is too high.")
    check_page(visitor)

    # At the public time the answers appear.
    db(bloc_server, PUBLISH, cycle=made["cycle"])
    visitor.reload()
    main = visitor.locator("main")
    expect(main).to_contain_text("Because the rent is too high.")
    expect(main).to_contain_text("5 of 5")
    check_page(visitor)
    # The cycle page lists her under her office.
    visitor.goto(cycle_url)
    expect(visitor.locator("main")).to_contain_text(made["runner"])
    check_page(visitor)


ORGANIZER = """
from bloc.confederation.councils import council_create
from bloc.electoral.platforms import platform_create, priority_propose
from bloc.institutions.services import chapter_create, chapter_organizer_add, institution_create

tag = P["tag"]
chapter = chapter_create(actor=SYSTEM, name=f"Cycles {tag}", slug=f"cycles-{tag}")
block = institution_create(
    actor=SYSTEM, chapter=chapter, name=f"Oak Block {tag}", slug=f"oak-{tag}",
    kind="block_association", addresses=[f"{n} Oak{tag} Street" for n in range(1, 5)],
)
council_create(actor=SYSTEM, chapter=chapter, name=f"Town {tag}", slug=f"town-{tag}", level=1)
priorities = [
    priority_propose(actor=SYSTEM, institution=block, title=f"{title} {tag}", category=category)
    for title, category in (("Land trust", "land_trusts"), ("Daylight the creek", "ecology"))
]
platform_create(actor=SYSTEM, chapter=chapter, title=f"Platform {tag}", priorities=priorities)
person = User.objects.create_user(
    email=f"org-{tag}@example.org", password=P["password"], full_name=f"Olga {tag}"
)
chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=person)
done(priority=priorities[0].title)
"""


def test_an_organizer_sets_up_a_cycle_and_its_questions(
    bloc_server: Any, page: Any, check_page: Any
) -> None:
    tag = secrets.token_hex(3)
    made = db(bloc_server, ORGANIZER, tag=tag, password=PASSWORD)
    log_in(page, f"org-{tag}@example.org")
    page.goto(f"/electoral/cycles/?chapter=cycles-{tag}")
    expect(page.locator("main")).to_contain_text("No endorsement cycle yet.")
    check_page(page)
    page.get_by_role("link", name="Set up a cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an endorsement cycle")
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Title").fill(f"Town elections {tag}")
    form.get_by_label("Pledges needed").fill("1")
    form.get_by_role("button", name="Set up the cycle").click()  # no date yet: refused
    expect(page.locator("#form-errors")).to_be_visible()
    check_page(page)
    form = page.locator("main form")
    form.get_by_label("Election date").fill("2099-11-03")
    form.get_by_label("Platform candidates pledge to").select_option(label=f"Platform {tag}")
    form.get_by_role("button", name="Set up the cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Town elections {tag}")
    check_page(page)
    question = page.locator("main form").filter(
        has=page.get_by_role("button", name="Add the question")
    )
    question.get_by_label("Question", exact=True).fill("Will you fund the land trust?")
    question.get_by_label("Yes or no").check()
    question.get_by_label("Platform priority it is about (optional)").select_option(
        label=made["priority"]
    )
    question.get_by_role("button", name="Add the question").click()
    expect(page.locator("main ol")).to_contain_text("Will you fund the land trust?")
    check_page(page)
