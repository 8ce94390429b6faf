"""Councils of assemblies in a real browser: elect, mandate, deviate, recall, ratify.

Each test builds a small confederation of its own in the server's database with the
services (``bloc shell``; a tag keeps its chapter, slugs and emails apart from the
other tests'), then people act through the pages. The database side also stands in
for the clock: a poll is closed by moving its close to now and counting it, as
``close_now`` does in tests/decisions/conftest.py, and some ballots are cast there
to keep the tests quick.

1. Block A's facilitator starts an election from the council page; members rank the
   candidates on the ordinary poll page; the elected delegate puts a question with
   mandates, opens the delegates' vote once the assemblies have decided, and votes;
   Block B's delegate votes against Block B's mandate (JavaScript off), is flagged on
   the question page and on their record, and a member of Block B calls a recall
   from the record (JavaScript off) that the members carry.
2. A question the City council carried is sent for ratification from its page; the
   four blocks vote; the page shows the result of each neighborhood council and of
   the city, with both majorities, under each council's rule.
3. The tree, a council, a question and a delegate's record, as a visitor: axe-core
   finds nothing serious, nothing scrolls sideways at 360 px, with JavaScript on or off.

Every page is checked with ``check_page`` (360 px, one <main>, one <h1> and, where
JavaScript runs, axe-core).
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

PASSWORD = "a council of porches"
LOGOUT_BUTTON = "header form[action$='/accounts/logout/'] button"
POLL_URL = re.compile(r"/institutions/[\w-]+/polls/(\d+)/$")
QUESTION_URL = re.compile(r"/councils/[\w-]+/questions/(\d+)/$")
FOR, AGAINST = 0, 1  # option positions of a motion

# --- the database side ----------------------------------------------------------

# Run before every snippet in `bloc shell` (then P: the snippet's parameters).
PRELUDE = """
import datetime, json
from django.utils import timezone
from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.confederation.models import AssemblyVote, Council, Delegate, Question
from bloc.decisions.models import Poll
from bloc.decisions.polls import poll_sync
from bloc.decisions.voting import vote


def user(email):
    return User.objects.get(email=email)


def vote_all(poll_id, emails, choice):
    for email in emails:
        vote(actor=user(email), poll=Poll.objects.get(pk=poll_id), data=choice)


def close(poll_id):
    # close_now (tests/decisions/conftest.py): the close moves to now, and it is counted.
    Poll.objects.filter(pk=poll_id).update(closes_at=timezone.now())
    poll_sync(Poll.objects.get(pk=poll_id))


def soon():
    return timezone.now() + datetime.timedelta(days=2)


def done(**result):
    print("RESULT=" + json.dumps(result))
"""

# A chapter of its own with blocks of P["sizes"] verified members each (the first is
# the facilitator), Northside (assemblies) of a and b, and, when c and d exist,
# Southside (weighted by members) of c and d and City (double majority) of both.
# Each block's second member is its delegate, except the blocks in P["no_delegate"];
# a's and c's go on to the city.
WORLD = """
from bloc.confederation.councils import council_create, delegate_add, seat_add
from bloc.institutions.services import chapter_create, institution_create
from bloc.membership.models import Membership
from bloc.membership.roles import role_term_assign
from bloc.membership.services import membership_join, membership_verify

tag = P["tag"]
today = timezone.localdate()
chapter = chapter_create(actor=SYSTEM, name=f"Councils {tag}", slug=f"councils-{tag}")
blocks, people = {}, {}
for key, size in P["sizes"].items():
    street = f"{key.upper()}{tag} Street"
    institution = institution_create(
        actor=SYSTEM, chapter=chapter, name=f"Block {key.upper()}", slug=f"block-{key}-{tag}",
        kind="block_association", addresses=[f"{n} {street}" for n in range(1, 20)],
    )
    blocks[key], people[key] = institution, []
    for n in range(size):
        person = User.objects.create_user(
            email=f"{key}{n}-{tag}@example.org", password=P["password"],
            full_name=f"Person {key.upper()}{n}", address=f"{n + 1} {street}",
        )
        membership = membership_join(actor=SYSTEM, institution=institution, user=person)
        membership = membership_verify(actor=SYSTEM, membership=membership)
        if n == 0:
            role_term_assign(
                actor=SYSTEM, membership=membership, role="facilitator",
                starts_on=today - datetime.timedelta(days=10),
                ends_on=today + datetime.timedelta(days=300),
            )
        people[key].append(person)
    # Verified a day ago: on the list of voters of any poll opening from now on.
    Membership.objects.filter(institution=institution).update(
        verified_at=timezone.now() - datetime.timedelta(days=1)
    )

councils, seats, delegates = {}, {}, {}
councils["north"] = council_create(
    actor=SYSTEM, chapter=chapter, name="Northside", slug=f"northside-{tag}", level=1
)
members = {"north": ["a", "b"]}
if "c" in blocks:
    councils["south"] = council_create(
        actor=SYSTEM, chapter=chapter, name="Southside", slug=f"southside-{tag}", level=1,
        rule="members",
    )
    councils["city"] = council_create(
        actor=SYSTEM, chapter=chapter, name="City", slug=f"city-{tag}", level=2, rule="double"
    )
    members["south"] = ["c", "d"]
for name, keys in members.items():
    for key in keys:
        seats[key] = seat_add(actor=SYSTEM, council=councils[name], member=blocks[key])
        if key not in P["no_delegate"]:
            delegates[key] = delegate_add(actor=SYSTEM, seat=seats[key], user=people[key][1])
if "city" in councils:
    for name, key in (("north", "a"), ("south", "c")):
        seat = seat_add(actor=SYSTEM, council=councils["city"], member=councils[name])
        delegates[name] = delegate_add(actor=SYSTEM, seat=seat, user=people[key][1])
"""

WORLD_DONE = """
done(
    councils={name: c.slug for name, c in councils.items()},
    council_ids={name: c.pk for name, c in councils.items()},
    blocks={key: b.slug for key, b in blocks.items()},
    delegates={key: d.pk for key, d in delegates.items()},
    **extra,
)
"""


def db(server: Any, code: str, **params: Any) -> dict[str, Any]:
    """Run ``code`` (after PRELUDE) in `bloc shell` on the server's database; what it
    passes to done() comes back."""
    params_json = json.dumps(json.dumps(params))
    script = f"{PRELUDE}\nP = json.loads({params_json})\n{textwrap.dedent(code)}"
    output = server.run("shell", "-c", script).stdout
    found = re.search(r"^RESULT=(.*)$", output, re.MULTILINE)
    return json.loads(found.group(1)) if found else {}


class World:
    """A confederation in the server's database; people are named by block and number
    ("a1": Block A's second member, Person A1)."""

    def __init__(self, server: Any, sizes: dict[str, int], *, then: str = "", **params: Any):
        self.tag = secrets.token_hex(3)
        self.made = db(
            server,
            WORLD + textwrap.dedent(then or "extra = {}") + WORLD_DONE,
            tag=self.tag,
            sizes=sizes,
            password=PASSWORD,
            **{"no_delegate": [], **params},
        )
        self.sizes = sizes

    def email(self, who: str) -> str:
        return f"{who}-{self.tag}@example.org"

    def members(self, key: str) -> list[str]:
        return [self.email(f"{key}{n}") for n in range(self.sizes[key])]

    def council(self, name: str) -> str:
        return f"/councils/{self.made['councils'][name]}/"

    def delegate(self, council: str, key: str) -> str:
        return f"{self.council(council)}delegates/{self.made['delegates'][key]}/"


# --- what people do ---------------------------------------------------------------


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name='username']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    form.locator("button[type='submit']").click()
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()


def in_two_days() -> str:
    """A datetime-local value (the server's time zone) two days from now."""
    return (server_now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


def poll_id(page: Any) -> int:
    found = POLL_URL.search(page.url)
    assert found, f"not a poll's page: {page.url}"
    return int(found.group(1))


def cast(page: Any, check_page: Any) -> None:
    page.locator("main form.ballot").get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", level=1, name="Your vote is recorded")).to_be_visible()
    check_page(page)


def section(page: Any, heading_id: str) -> Any:
    return page.locator("main section", has=page.locator(f"#{heading_id}"))


# --- the tests --------------------------------------------------------------------


def test_elect_mandate_deviate_and_recall(
    bloc_server: Any, another_page: Any, check_page: Any
) -> None:
    # Block A has no delegate yet; Block B's is Person B1.
    world = World(bloc_server, {"a": 3, "b": 3}, no_delegate=["a"])
    north = world.council("north")

    # Block A's facilitator finds the council from the block's page and starts the
    # election of its delegate.
    facilitator = another_page()
    log_in(facilitator, world.email("a0"))
    facilitator.goto(f"/institutions/{world.made['blocks']['a']}/")
    facilitator.locator("main nav.sub-nav").get_by_role("link", name="Councils").click()
    sits = section(facilitator, "sits-heading")
    expect(sits.get_by_role("heading", level=2)).to_have_text("Where Block A sits")
    check_page(facilitator)
    sits.get_by_role("link", name="Northside").click()
    expect(facilitator.get_by_role("heading", level=1, name="Northside")).to_be_visible()
    expect(facilitator).to_have_url(re.compile(re.escape(north) + "$"))
    check_page(facilitator)
    election = facilitator.locator("main form").filter(
        has=facilitator.get_by_role("button", name="Start the election")
    )
    expect(election.locator("legend").first).to_have_text(
        "Elect a delegate of Block A (1 empty seat)"
    )
    candidates = election.get_by_role("group", name="Candidates")
    candidates.get_by_label("Person A1", exact=True).check()
    candidates.get_by_label("Person A2", exact=True).check()
    election.get_by_label("The vote closes at").fill(in_two_days())
    election.get_by_role("button", name="Start the election").click()
    expect(facilitator.get_by_role("status")).to_contain_text(
        "The members of Block A elect their delegates to Northside until"
    )
    check_page(facilitator)

    # Two candidates for one seat: the members rank them on the poll's page.
    section(facilitator, "votes-heading").get_by_role(
        "link", name="Elect our delegates to Northside"
    ).click()
    election_poll = poll_id(facilitator)
    check_page(facilitator)
    ballot = facilitator.locator("main form.ballot")
    ballot.get_by_label("Person A1", exact=True).select_option("1")
    ballot.get_by_label("Person A2", exact=True).select_option("2")
    cast(facilitator, check_page)

    candidate = another_page()
    log_in(candidate, world.email("a1"))
    candidate.goto(f"/institutions/{world.made['blocks']['a']}/polls/{election_poll}/")
    ballot = candidate.locator("main form.ballot")
    ballot.get_by_label("Person A1", exact=True).select_option("1")
    cast(candidate, check_page)

    # The third member ranks A2 first; then the vote closes.
    db(
        bloc_server,
        """
        vote_all(P["poll"], P["voters"], {"1": 1, "0": 2})
        close(P["poll"])
        """,
        poll=election_poll,
        voters=[world.email("a2")],
    )

    # Person A1 now sits for Block A, and puts a question to the council, with mandates.
    candidate.goto(north)
    members = section(candidate, "members-heading")
    block_a = members.get_by_role("row").filter(has_text="Block A")
    expect(block_a.get_by_role("link", name="Person A1")).to_be_visible()
    check_page(candidate)
    ask = candidate.locator("main form").filter(
        has=candidate.get_by_role("button", name="Put the question")
    )
    title = "Close Elm Street to cars on Sundays"
    ask.get_by_label("Question").fill(title)
    ask.get_by_label("The assemblies decide their mandates until (optional)").fill(in_two_days())
    ask.get_by_role("button", name="Put the question").click()
    expect(candidate.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(candidate.get_by_role("status")).to_contain_text("The question is put to the council.")
    expect(candidate.locator("#question-state")).to_have_text("Assemblies deciding their mandates")
    question = candidate.url
    check_page(candidate)

    # Block A mandates "for", Block B "against", each by its own poll.
    found = QUESTION_URL.search(question)
    assert found
    db(
        bloc_server,
        """
        polls = {
            v.institution.slug: v.poll_id
            for v in AssemblyVote.objects.filter(question_id=P["question"], kind="mandate")
        }
        vote_all(polls[P["a"]], P["a_voters"], P["for"])
        vote_all(polls[P["b"]], P["b_voters"], P["against"])
        for poll in polls.values():
            close(poll)
        """,
        question=int(found.group(1)),
        a=world.made["blocks"]["a"],
        b=world.made["blocks"]["b"],
        a_voters=world.members("a"),
        b_voters=world.members("b"),
        **{"for": FOR, "against": AGAINST},
    )

    # The convener fixes the mandates and opens the vote, and votes for.
    candidate.reload()
    candidate.get_by_role("button", name="Fix the mandates and open the delegates' vote").click()
    expect(candidate.get_by_role("status")).to_contain_text(
        "The mandates are fixed; the delegates vote now."
    )
    mandates = section(candidate, "mandates-heading")
    expect(mandates.get_by_role("row").filter(has_text="Block A")).to_contain_text("For")
    expect(mandates.get_by_role("row").filter(has_text="Block B")).to_contain_text("Against")
    check_page(candidate)
    my_vote = candidate.get_by_role("group", name="Your vote as a delegate")
    my_vote.get_by_label("For", exact=True).check()
    candidate.get_by_role("button", name="Cast my vote").click()
    expect(candidate.get_by_role("status")).to_contain_text("Your vote is recorded: For.")

    # Block B's delegate, JavaScript off, votes for against the mandate: flagged.
    deviant = another_page(javascript=False)
    log_in(deviant, world.email("b1"))
    deviant.goto(question)
    check_page(deviant)
    my_vote = deviant.get_by_role("group", name="Your vote as a delegate")
    my_vote.get_by_label("For", exact=True).check()
    deviant.get_by_role("button", name="Cast my vote").click()
    expect(deviant.get_by_role("status")).to_contain_text("Your vote is recorded: For.")
    votes = section(deviant, "votes-heading")
    flagged = votes.get_by_role("row").filter(has_text="Person B1")
    expect(flagged).to_contain_text("Against")  # the mandate
    expect(flagged).to_contain_text("Voted against mandate")
    expect(votes.get_by_role("row").filter(has_text="Person A1")).not_to_contain_text(
        "Voted against mandate"
    )
    expect(deviant.locator("#deviation-count")).to_have_text(
        "1 delegate voted against their mandate."
    )
    check_page(deviant)

    # The convener closes the vote: two members for, carried.
    candidate.reload()
    expect(
        section(candidate, "votes-heading").get_by_role("row").filter(has_text="Person B1")
    ).to_contain_text("Voted against mandate")
    check_page(candidate)
    candidate.get_by_role("button", name="Close the delegates' vote").click()
    expect(candidate.get_by_role("status")).to_contain_text(
        "The vote is closed: the council carried it."
    )
    expect(candidate.locator("#decision-outcome")).to_contain_text("Carried.")

    # A member of Block B follows the flag to the delegate's record and, JavaScript
    # off, calls a recall.
    member = another_page(javascript=False)
    log_in(member, world.email("b2"))
    member.goto(question)
    section(member, "votes-heading").get_by_role(
        "link", name="Their record; call a vote to recall"
    ).click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Person B1, delegate to Northside")
    expect(member.locator("#delegate-status")).to_have_text("Sitting")
    expect(member.locator("#deviation-count")).to_have_text(
        "1 of 1 votes cast went against the mandate."
    )
    record = section(member, "record-heading").get_by_role("row").filter(has_text=title)
    expect(record).to_contain_text("Voted against mandate")
    check_page(member)
    recall = member.get_by_role("group", name="Call a vote to recall")
    recall.get_by_label("Why recall this delegate").fill(
        "Our assembly mandated against closing Elm Street; Person B1 voted for."
    )
    recall.get_by_label("The vote closes at").fill(in_two_days())
    recall.get_by_role("button", name="Call the vote to recall").click()
    expect(member.get_by_role("status")).to_contain_text(
        "The members of Block B vote on recalling Person B1 until"
    )
    expect(member.locator("main")).to_contain_text("voting until")
    check_page(member)

    # The members vote on the ordinary poll page (this one, JavaScript off) ...
    section(member, "recall-heading").locator("a[href*='/polls/']").click()
    recall_poll = poll_id(member)
    expect(member.locator("main")).to_contain_text("Person B1 voted for.")  # the reason
    check_page(member)
    member.locator("main form.ballot").get_by_label("For", exact=True).check()
    cast(member, check_page)
    db(
        bloc_server,
        """
        vote_all(P["poll"], P["voters"], P["for"])
        close(P["poll"])
        """,
        poll=recall_poll,
        voters=[world.email("b0")],
        **{"for": FOR},
    )

    # ... and carry it: the term has ended, the seat is empty.
    member.goto(world.delegate("north", "b"))
    expect(member.locator("#delegate-status")).to_contain_text("recalled on")
    expect(section(member, "recall-heading")).to_contain_text("This delegate's term has ended.")
    expect(section(member, "recall-heading").get_by_role("listitem")).to_contain_text("recalled")
    expect(member.get_by_role("group", name="Call a vote to recall")).to_have_count(0)
    check_page(member)
    member.goto(north)
    block_b = section(member, "members-heading").get_by_role("row").filter(has_text="Block B")
    expect(block_b).to_contain_text("None: the seat is empty")
    former = section(member, "former-heading")
    expect(former.get_by_role("row").filter(has_text="Person B1")).to_contain_text("recalled on")
    check_page(member)


# A question the City council carried: both city delegates voted for.
CITY_QUESTION = """
from bloc.confederation.questions import delegate_vote, question_close, question_create

question = question_create(
    actor=people["a"][1], council=councils["city"], title="A city tenants' fund",
    body="Pool the blocks' strike funds.",
)
delegate_vote(actor=people["a"][1], question=question, position="for")
delegate_vote(actor=people["c"][1], question=question, position="for")
question = question_close(actor=people["a"][1], question=question)
extra = {"question": question.pk}
"""


def test_a_ratification_rolls_up_two_levels(
    bloc_server: Any, another_page: Any, check_page: Any
) -> None:
    world = World(bloc_server, {"a": 4, "b": 2, "c": 3, "d": 6}, then=CITY_QUESTION)
    city = world.council("city")

    # Northside's delegate to the city sends the carried question down to ratify.
    convener = another_page()
    log_in(convener, world.email("a1"))
    convener.goto(city)
    check_page(convener)
    section(convener, "questions-heading").get_by_role("link", name="A city tenants' fund").click()
    expect(convener.locator("#question-state")).to_have_text("Carried by the council")
    expect(convener.locator("#decision-outcome")).to_contain_text("Carried.")
    check_page(convener)
    send = convener.get_by_role("group", name="Send it down for ratification")
    send.get_by_label("The assemblies ratify until").fill(in_two_days())
    send.get_by_role("button", name="Send it to the assemblies").click()
    expect(convener.get_by_role("status")).to_contain_text(
        "Every assembly below the council ratifies until"
    )
    expect(convener.locator("#question-state")).to_have_text(
        "Sent to the assemblies for ratification"
    )
    ratification = section(convener, "ratify-heading")
    expect(ratification).to_contain_text("these are the results so far")
    check_page(convener)

    # Blocks A and D ratify, B and C do not.
    db(
        bloc_server,
        """
        polls = {
            v.institution.slug: v.poll_id
            for v in AssemblyVote.objects.filter(question_id=P["question"], kind="ratify")
        }
        assert len(polls) == 4, polls
        for key, choice in P["votes"].items():
            vote_all(polls[P["blocks"][key]], P["voters"][key], choice)
        for poll in polls.values():
            close(poll)
        """,
        question=world.made["question"],
        blocks=world.made["blocks"],
        votes={"a": FOR, "b": AGAINST, "c": AGAINST, "d": FOR},
        voters={key: world.members(key) for key in "abcd"},
    )

    # Anyone reading the page sees every level: each neighborhood under its rule, then
    # the city, which needs both majorities.
    reader = another_page()
    reader.goto(f"{city}questions/{world.made['question']}/")
    expect(reader.locator("#question-state")).to_have_text("Not ratified")
    ratification = section(reader, "ratify-heading")
    expect(reader.locator("#ratify-outcome")).to_have_text("Not ratified.")
    levels = ratification.locator("li[id^='ratify-c']")
    expect(levels).to_have_count(3)

    def level(name: str) -> tuple[Any, Any, Any]:
        """A council's result: its line, its explanation, and its assemblies' lines."""
        item = ratification.locator(f"#ratify-c{world.made['council_ids'][name]}")
        return (
            item.locator(":scope > strong"),
            item.locator(":scope > p.help"),
            item.locator(":scope > ul > li"),
        )

    # Northside counts assemblies: one for, one against, so not carried, though the
    # members for represent more people (4 to 2).
    outcome, explained, blocks = level("north")
    expect(outcome).to_have_text("Northside: not carried")
    expect(explained).to_contain_text("Members: 1 for, 1 against, 0 abstaining, of 2 members.")
    expect(explained).to_contain_text(
        "People represented: 4 by the members for, 2 by the members against, of 6."
    )
    expect(explained).to_contain_text("A majority of the members was not for.")
    expect(explained).to_contain_text("A majority of the people represented was for.")
    expect(explained).to_contain_text("Under its rule (One assembly, one vote): not carried.")
    expect(blocks).to_have_text(
        [
            re.compile(r"^\s*Block A: For \(4 people represented\)"),
            re.compile(r"^\s*Block B: Against"),
        ]
    )
    # Southside weighs its members: Block D's 6 people outweigh Block C's 3.
    outcome, explained, blocks = level("south")
    expect(outcome).to_have_text("Southside: carried")
    expect(explained).to_contain_text(
        "People represented: 6 by the members for, 3 by the members against, of 9."
    )
    expect(explained).to_contain_text("A majority of the people represented was for.")
    expect(explained).to_contain_text("Under its rule (Weighted by membership): carried.")
    expect(blocks).to_have_text(
        [
            re.compile(r"^\s*Block C: Against"),
            re.compile(r"^\s*Block D: For \(6 people represented\)"),
        ]
    )
    # The city needs both majorities: one neighborhood each way, though the one for
    # represents more people (9 to 6). Not ratified.
    outcome, explained, neighborhoods = level("city")
    expect(outcome).to_have_text("City: not carried")
    expect(explained).to_contain_text("Members: 1 for, 1 against, 0 abstaining, of 2 members.")
    expect(explained).to_contain_text(
        "People represented: 9 by the members for, 6 by the members against, of 15."
    )
    expect(explained).to_contain_text("A majority of the members was not for.")
    expect(explained).to_contain_text("A majority of the people represented was for.")
    expect(explained).to_contain_text(
        "Under its rule (Double majority (assemblies and members)): not carried."
    )
    expect(neighborhoods).to_have_count(2)  # Northside's and Southside's results, nested
    # Each block's line links to its own ratification vote.
    expect(ratification.get_by_role("link", name="the assembly's vote")).to_have_count(4)
    check_page(reader)


# A Northside question with mandates (a for, b against) on which b's delegate voted
# for: carried, and sent down for ratification (the assemblies still voting).
DEVIATION = """
from bloc.confederation.questions import (
    delegate_vote, question_close, question_create, ratification_send, voting_open,
)

north = councils["north"]
question = question_create(
    actor=people["a"][1], council=north, title="Close Elm Street to cars on Sundays",
    body="From nine to five.", mandates_close_at=soon(),
)
polls = {v.institution_id: v.poll_id for v in question.assembly_votes.all()}
vote_all(polls[blocks["a"].pk], [p.email for p in people["a"]], 0)
vote_all(polls[blocks["b"].pk], [p.email for p in people["b"]], 1)
for poll in polls.values():
    close(poll)
question = voting_open(actor=people["a"][1], question=question)
delegate_vote(actor=people["a"][1], question=question, position="for")
delegate_vote(actor=people["b"][1], question=question, position="for")
question = question_close(actor=people["a"][1], question=question)
ratification_send(actor=people["a"][1], question=question, closes_at=soon())
extra = {"question": question.pk}
"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_council_pages_are_accessible_on_a_phone(
    javascript: bool, bloc_server: Any, another_page: Any, check_page: Any
) -> None:
    world = World(bloc_server, {"a": 2, "b": 2, "c": 2, "d": 2}, then=DEVIATION)
    visitor = another_page(javascript=javascript)

    visitor.goto("/councils/")
    expect(visitor.get_by_role("heading", level=1, name="Councils")).to_be_visible()
    expect(visitor.locator("main svg[role='img']")).to_be_attached()
    check_page(visitor)

    visitor.goto(world.council("city"))
    expect(visitor.locator("#council-rule")).to_contain_text("Double majority")
    check_page(visitor)
    visitor.goto(world.council("north"))
    expect(section(visitor, "members-heading")).to_contain_text("Person B1")
    check_page(visitor)

    visitor.goto(f"{world.council('north')}questions/{world.made['question']}/")
    expect(visitor.locator("#question-state")).to_have_text(
        "Sent to the assemblies for ratification"
    )
    expect(visitor.locator("#deviation-count")).to_have_text(
        "1 delegate voted against their mandate."
    )
    expect(section(visitor, "ratify-heading")).to_be_visible()
    check_page(visitor)

    visitor.goto(world.delegate("north", "b"))
    expect(visitor.locator("#deviation-count")).to_have_text(
        "1 of 1 votes cast went against the mandate."
    )
    expect(section(visitor, "recall-heading")).to_contain_text(
        "Any verified member of Block B can call a vote to recall this delegate."
    )
    check_page(visitor)
