"""The platform in a real browser: an assembly's facilitator proposes a priority with
JavaScript off, and a visitor reads the published platform and how it was ranked.

The server's database gets a chapter of its own (``bloc shell``; a tag keeps it apart
from the other tests'): two blocks with a facilitator and verified members, an
organizer, and a platform of three priorities that both blocks ranked and that is
published. Every page is checked at 360 px (one <main>, one <h1>, nothing scrolling
sideways) and, where JavaScript runs, by axe-core, the forms included.
"""

from __future__ import annotations

import json
import re
import secrets
import textwrap
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "the platform is ours"
LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"

WORLD = """
import datetime, json
from django.utils import timezone
from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.decisions.models import Poll
from bloc.decisions.polls import poll_sync
from bloc.decisions.voting import vote
from bloc.electoral.models import PlatformBallot
from bloc.electoral.platforms import platform_create, platform_send, priority_propose
from bloc.institutions.services import chapter_create, chapter_organizer_add, institution_create
from bloc.membership.models import Membership
from bloc.membership.roles import role_term_assign
from bloc.membership.services import membership_join, membership_verify

tag = P["tag"]
today = timezone.localdate()
chapter = chapter_create(actor=SYSTEM, name=f"Platform {tag}", slug=f"platform-{tag}")

def person(email, name, address=""):
    return User.objects.create_user(
        email=email, password=P["password"], full_name=name, address=address
    )

blocks, people = {}, {}
for key, name in (("elm", "Elm Block"), ("oak", "Oak Block")):
    block = institution_create(
        actor=SYSTEM, chapter=chapter, name=f"{name} {tag}", slug=f"{key}-{tag}",
        kind="block_association", addresses=[f"{n} {key} {tag} Street" for n in range(1, 9)],
    )
    blocks[key] = block
    people[key] = []
    for n in range(3):
        someone = person(
            f"{key}{n}-{tag}@example.org", f"{name} neighbour {n}", f"{n + 1} {key} {tag} Street"
        )
        membership = membership_verify(
            actor=SYSTEM,
            membership=membership_join(actor=SYSTEM, institution=block, user=someone),
        )
        people[key].append(someone)
        if n == 0:
            role_term_assign(
                actor=SYSTEM, membership=membership, role="facilitator",
                starts_on=today - datetime.timedelta(days=10),
                ends_on=today + datetime.timedelta(days=300),
            )
    Membership.objects.filter(institution=block).update(
        verified_at=timezone.now() - datetime.timedelta(days=1)
    )
organizer = person(f"organizer-{tag}@example.org", "Olga Organizer")
chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=organizer)

priorities = [
    priority_propose(actor=people[key][0], institution=blocks[key], title=title,
                     category=category, description=f"{title}, as {key} asks.")
    for key, title, category in (
        ("elm", f"A community land trust {tag}", "land_trusts"),
        ("oak", f"Daylight the creek {tag}", "ecology"),
        ("elm", f"A civilian police board {tag}", "police"),
    )
]
orders = {"elm": (1, 2, 3), "oak": (2, 1, 3)}

def published(title, method):
    platform = platform_create(actor=organizer, chapter=chapter, title=title,
                               priorities=priorities, method=method, weighting="members")
    platform = platform_send(actor=organizer, platform=platform,
                             closes_at=timezone.now() + datetime.timedelta(days=3))
    for ballot in PlatformBallot.objects.filter(platform=platform).select_related("poll"):
        key = "elm" if ballot.institution_id == blocks["elm"].pk else "oak"
        for voter in people[key]:
            data = {str(i): r for i, r in enumerate(orders[key])}
            vote(actor=voter, poll=ballot.poll, data=data)
        Poll.objects.filter(pk=ballot.poll_id).update(closes_at=timezone.now())
        poll_sync(Poll.objects.get(pk=ballot.poll_id))
    platform.refresh_from_db()
    assert platform.published_at is not None
    return platform

platform = published(f"Platform {tag}", "borda")
schulze = published(f"Head to head {tag}", "schulze")
print("RESULT=" + json.dumps({
    "chapter": chapter.slug, "platform": platform.pk, "schulze": schulze.pk, "tag": tag,
    "facilitator": people["oak"][0].email, "organizer": organizer.email,
    "oak": blocks["oak"].name,
}))
"""


def make_world(server: Any) -> dict[str, Any]:
    params = json.dumps(json.dumps({"tag": secrets.token_hex(3), "password": PASSWORD}))
    script = f"import json\nP = json.loads({params})\n{textwrap.dedent(WORLD)}"
    output = server.run("shell", "-c", script).stdout
    found = re.search(r"^RESULT=(.*)$", output, re.MULTILINE)
    assert found, output
    return dict(json.loads(found.group(1)))


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    form.locator("button[type='submit']").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def test_a_facilitator_proposes_a_priority_and_a_visitor_reads_the_platform(
    bloc_server: Any, page: Any, another_page: Any, check_page: Any
) -> None:
    world = make_world(bloc_server)
    tag = world["tag"]
    priorities = f"/electoral/priorities/?chapter={world['chapter']}"

    # A visitor reads the published platform: the ranking, and how it was reached.
    page.goto(f"/electoral/?chapter={world['chapter']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Elections")
    check_page(page)
    page.get_by_role("link", name=f"Platform {tag}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Platform {tag}")
    ranking = page.locator("#platform-ranking li")
    expect(ranking).to_have_count(2)  # two places: the first is shared
    # Elm (3 members) puts the trust first, Oak (3) the creek: 9 points each is a tie
    # broken by nothing, so both share the first place; the board is last.
    expect(ranking.first).to_contain_text(f"A community land trust {tag}")
    expect(ranking.first).to_contain_text(f"Daylight the creek {tag}")
    expect(ranking.first).to_contain_text("tied")
    expect(page.get_by_role("heading", name="How it was ranked")).to_be_visible()
    expect(page.locator("#platform-explanation")).to_contain_text("Borda count")
    expect(page.locator("#platform-explanation")).to_contain_text(
        "2 assemblies ranked the priorities, of the 2 asked."
    )
    expect(page.locator("#platform-points caption")).to_be_visible()
    expect(page.locator("#platform-ballots tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="Print the platform (PDF)")).to_be_visible()
    check_page(page)
    # Under Schulze, the head-to-head table (wider than the phone: it scrolls by itself).
    page.goto(f"/electoral/platforms/{world['schulze']}/")
    expect(page.locator("#platform-support tbody tr")).to_have_count(3)
    expect(page.locator("#platform-explanation")).to_contain_text("Schulze's method")
    check_page(page)

    # The facilitator of Oak, with JavaScript off, proposes a priority for it.
    facilitator = another_page(javascript=False)
    log_in(facilitator, world["facilitator"])
    facilitator.goto(priorities)
    check_page(facilitator)
    form = facilitator.locator("main form").filter(
        has=facilitator.get_by_role("button", name="Propose")
    )
    form.get_by_label("Proposed by").select_option(label=world["oak"])
    form.get_by_label("Priority", exact=True).fill(f"Recall of officials {tag}")
    form.get_by_label("Category").select_option("direct_democracy")
    form.get_by_label("What it asks for (optional)").fill("Any official, by petition.")
    form.get_by_role("button", name="Propose").click()
    expect(facilitator.locator(".messages")).to_contain_text("is proposed for the platform")
    expect(facilitator.locator("main")).to_contain_text(f"Recall of officials {tag}")
    check_page(facilitator)

    # The same form with JavaScript on passes axe, and so does a refusal's message.
    facilitator_js = another_page(javascript=True)
    log_in(facilitator_js, world["facilitator"])
    facilitator_js.goto(priorities)
    form = facilitator_js.locator("main form").filter(
        has=facilitator_js.get_by_role("button", name="Propose")
    )
    form.get_by_role("button", name="Propose").click()  # no title: refused
    expect(facilitator_js.locator("main")).to_contain_text("Name the priority.")
    check_page(facilitator_js)

    # The organizer's form to set up a platform passes axe too.
    organizer = another_page(javascript=True)
    log_in(organizer, world["organizer"])
    organizer.goto(f"/electoral/platforms/new/?chapter={world['chapter']}")
    expect(organizer.get_by_role("group", name="Priorities to rank")).to_be_visible()
    check_page(organizer)
