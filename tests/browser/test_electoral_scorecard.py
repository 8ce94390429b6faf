"""An officeholder's broken pledge lowers the public score, in a real browser.

The server's database gets a chapter of its own (``bloc shell``, a tag keeps it apart
from the other tests'): a cycle held a year ago, an officeholder in office since with
pledges to two platform priorities, one action already judged as keeping the first,
and an organizer. A visitor reads the score (100%) on the list and on the scorecard;
the organizer, with JavaScript off, adds a vote that broke the first pledge from the
scorecard page; the visitor reloads and reads 50%, with the history table showing the
drop. Every page is checked at 360 px (one <main>, one <h1>, nothing scrolling
sideways) and, where JavaScript runs, by axe-core, including the organizer's forms.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
import textwrap
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_voting import server_now

pytestmark = pytest.mark.browser

PASSWORD = "pledges are promises"
LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"

WORLD = """
import datetime, json
from django.utils import timezone
from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.confederation.councils import council_create
from bloc.electoral.models import Candidate, Cycle, Pledge, Priority
from bloc.electoral.questionnaires import new_secret
from bloc.electoral.scorecards import action_add
from bloc.institutions.services import chapter_create, chapter_organizer_add, institution_create

tag = P["tag"]
today = timezone.localdate()
chapter = chapter_create(actor=SYSTEM, name=f"Scorecards {tag}", slug=f"scorecards-{tag}")
block = institution_create(
    actor=SYSTEM, chapter=chapter, name=f"Elm Block {tag}", slug=f"elm-{tag}",
    kind="block_association", addresses=[f"{n} Elm {tag} Street" for n in range(1, 9)],
)
council = council_create(actor=SYSTEM, chapter=chapter, name="City", slug=f"city-{tag}", level=1)
organizer = User.objects.create_user(
    email=f"organizer-{tag}@example.org", password=P["password"], full_name="Olga Organizer"
)
chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=organizer)
cycle = Cycle.objects.create(
    chapter=chapter, title="City elections", council=council,
    election_date=today - datetime.timedelta(days=365),
)
_secret, digest = new_secret()
candidate = Candidate.objects.create(
    cycle=cycle, name=f"Rosa Reyes {tag}", office="City council", district="District 3",
    level="local", token_hash=digest, stage="endorsed", elected=True,
    took_office_on=today - datetime.timedelta(days=330),
)
pledges = {}
for key, title, category in (
    ("trust", "A community land trust", "land_trusts"),
    ("police", "A civilian police board", "police"),
):
    priority = Priority.objects.create(
        chapter=chapter, title=title, category=category, proposed_by=block
    )
    pledges[key] = Pledge.objects.create(
        candidate=candidate, priority=priority, text=f"I will carry {title}.",
        signed_name=candidate.name, signed_at=timezone.now() - datetime.timedelta(days=400),
    )
action_add(
    actor=organizer, candidate=candidate, kind="vote", title="Voted to fund the land trust",
    on=today - datetime.timedelta(days=60), source_url="https://council.example.org/votes/1",
    matches={pledges["trust"]: ("kept", "")},
)
print("RESULT=" + json.dumps({
    "candidate": candidate.pk, "name": candidate.name, "email": organizer.email,
    "trust": pledges["trust"].pk,
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


def test_a_broken_pledge_lowers_the_public_score(
    bloc_server: Any, page: Any, another_page: Any, check_page: Any
) -> None:
    world = make_world(bloc_server)
    scorecard = f"/electoral/scorecards/{world['candidate']}/"

    # A visitor finds the officeholder on the list and reads 100%.
    page.goto("/electoral/scorecards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Scorecards of officeholders")
    expect(page.locator(f"td[data-score='{world['candidate']}']")).to_have_text("100%")
    check_page(page)
    page.get_by_role("link", name=world["name"]).click()
    expect(page).to_have_url(re.compile(re.escape(scorecard) + "$"))
    expect(page.locator("#score")).to_have_text("100%")
    expect(page.get_by_role("heading", name="How it is computed")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("How the score of"))).to_be_visible()
    expect(page.get_by_role("button", name="Add the action")).to_have_count(0)
    check_page(page)

    # The organizer, with JavaScript off, enters a vote that broke the trust pledge.
    organizer = another_page(javascript=False)
    log_in(organizer, world["email"])
    organizer.goto(scorecard)
    check_page(organizer)
    form = organizer.locator("main form").filter(
        has=organizer.get_by_role("button", name="Add the action")
    )
    form.get_by_label("Kind").select_option("vote")
    form.get_by_label("What they did").fill("Voted to sell the trust's lot to a developer")
    yesterday = server_now().date() - datetime.timedelta(days=1)
    form.get_by_label("Date").fill(yesterday.isoformat())
    form.get_by_label("Link to the public source").fill("https://council.example.org/votes/2")
    form.get_by_label("Verdict on the pledge “A community land trust”").select_option("broken")
    form.get_by_label("Why (optional)").first.fill("The lot was to be the trust's first home")
    form.get_by_role("button", name="Add the action").click()
    expect(organizer.locator(".messages")).to_contain_text("is on the scorecard")
    expect(organizer.locator("#score")).to_have_text("50%")
    check_page(organizer)

    # The forms pass axe too (the organizer again, with JavaScript on).
    organizer_js = another_page(javascript=True)
    log_in(organizer_js, world["email"])
    organizer_js.goto(scorecard)
    organizer_js.locator("details.score-manage summary").first.click()
    check_page(organizer_js)

    # The visitor reloads: the score dropped, and the history says when and why.
    page.reload()
    expect(page.locator("#score")).to_have_text("50%")
    history = page.locator("main table", has=page.locator("caption", has_text="after each day"))
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history.locator("tbody tr").last).to_contain_text("50% (-50)")
    expect(history.locator("tbody tr").last).to_contain_text("Broken: A community land trust")
    expect(page.locator("#score-sum")).to_contain_text("1 ÷ 2 = 50%")
    check_page(page)
    page.goto("/electoral/scorecards/")
    expect(page.locator(f"td[data-score='{world['candidate']}']")).to_have_text("50%")
