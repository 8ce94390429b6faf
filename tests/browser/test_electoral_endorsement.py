"""A candidate's endorsement in a real browser: the organizers move the candidate on and
send them to the assemblies, the assemblies vote, the chapter's council endorses, all
seen on the endorsement page.

The confederation is built as in tests/browser/test_councils.py (four blocks, two
neighborhood councils, the City council); the cycle, the candidate, their nominations
and pledges are made directly in the server's database (their pages are another
part's). Most assemblies' ballots are cast there too, to keep the test quick; Block A's
member votes on the poll's page, and the City's delegates vote on the question's page.

Every page is checked with ``check_page`` (360 px, one <main>, one <h1> and, where
JavaScript runs, axe-core).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_councils import World, cast, db, in_two_days, log_in, section

pytestmark = pytest.mark.browser

FOR, AGAINST = 0, 1  # option positions of a motion

CYCLE = """
from bloc.electoral.models import Candidate, Cycle, Nomination, Pledge, Priority
from bloc.electoral.questionnaires import new_secret
from bloc.institutions.services import chapter_organizer_add

organizer = User.objects.create_user(
    email=f"org-{tag}@example.org", password=P["password"], full_name="Olga Organizer",
    address="1 Organizer Street",
)
chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=organizer)
cycle = Cycle.objects.create(
    chapter=chapter, title="City elections 2027", election_date=datetime.date(2027, 11, 2),
    council=councils["city"], nominations_needed=2, questionnaire=False, assembly_percent=50,
    chapter_percent=60, pledges_needed=2,
)
candidate = Candidate.objects.create(
    cycle=cycle, name="Rosa Ortiz", office="State assembly", district="District 12",
    level="state", token_hash=new_secret()[1],
)
for key in ("a", "c"):
    Nomination.objects.create(candidate=candidate, institution=blocks[key])
for n, title in enumerate(["A land trust in every ward", "Daylight the creek"]):
    priority = Priority.objects.create(
        chapter=chapter, title=title, category="land_trusts", proposed_by=blocks["a"]
    )
    Pledge.objects.create(
        candidate=candidate, priority=priority, text=f"I pledge to carry {title}",
        signed_name="Rosa Ortiz", signed_at=timezone.now(),
    )
extra = {"candidate": candidate.pk}
"""


def test_the_assemblies_vote_and_the_chapter_endorses(
    bloc_server: Any, another_page: Any, check_page: Any
) -> None:
    world = World(bloc_server, {"a": 3, "b": 2, "c": 3, "d": 2}, then=CYCLE)
    endorsement = f"/electoral/candidates/{world.made['candidate']}/endorsement/"

    # The organizer finds the candidate nominated by two assemblies, and moves them on.
    organizer = another_page()
    log_in(organizer, f"org-{world.tag}@example.org")
    organizer.goto(endorsement)
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Endorsement of Rosa Ortiz")
    expect(organizer.locator("#endorsement-stage")).to_contain_text("Nomination")
    expect(organizer.locator("#endorsement-pledges")).to_contain_text(
        "Pledges signed: 2 of the 2 needed"
    )
    check_page(organizer)
    organizer.get_by_role("button", name="Move on to: Assembly votes").click()
    expect(organizer.get_by_role("status")).to_contain_text("Rosa Ortiz moved on to")
    expect(organizer.locator("#endorsement-why")).to_contain_text("Nominated by 2 assemblies")
    check_page(organizer)

    # ... scores the state campaign on the rubric, and sends it to every assembly.
    rubric = organizer.get_by_role("group", name="Your scores")
    rubric.get_by_label("Reach: how many people the campaign will talk to").select_option("4")
    rubric.get_by_label(re.compile("^Platform:")).select_option("3")
    organizer.get_by_role("button", name="Save my scores").click()
    expect(organizer.get_by_role("status")).to_contain_text("Your scores are saved.")
    expect(organizer.locator("#rubric-total")).to_have_text("7.0 of 15")
    send = organizer.get_by_role("group", name="Send the candidate to the assemblies")
    send.get_by_label("The assemblies' votes close at").fill(in_two_days())
    organizer.get_by_role("button", name="Send to every assembly").click()
    expect(organizer.get_by_role("status")).to_contain_text("Every assembly now votes")
    votes = section(organizer, "assemblies-heading")
    expect(votes.get_by_role("row")).to_have_count(5)  # a heading row and four assemblies
    check_page(organizer)

    # A member of Block A follows the link to the block's poll and votes for.
    voter = another_page()
    log_in(voter, world.email("a2"))
    voter.goto(endorsement)
    section(voter, "assemblies-heading").get_by_role("link", name="Block A").click()
    expect(voter.get_by_role("heading", level=1)).to_contain_text("Endorse Rosa Ortiz")
    voter.locator("main form.ballot").get_by_label("For", exact=True).check()
    cast(voter, check_page)

    # The other ballots: Block A and B for, C for, D against; then the polls close.
    db(
        bloc_server,
        """
        from bloc.electoral.models import EndorsementBallot

        polls = {
            b.institution.slug.split("-")[1]: b.poll_id
            for b in EndorsementBallot.objects.filter(candidate_id=P["candidate"])
            .select_related("institution")
        }
        for key, choice in P["votes"].items():
            vote_all(polls[key], P["voters"][key], choice)
        for poll in polls.values():
            close(poll)
        """,
        candidate=world.made["candidate"],
        votes={"a": FOR, "b": FOR, "c": FOR, "d": AGAINST},
        voters={
            "a": world.members("a")[:2],
            "b": world.members("b"),
            "c": world.members("c"),
            "d": world.members("d"),
        },
    )
    organizer.goto(endorsement)
    expect(organizer.locator("#assembly-tally")).to_contain_text(
        "3 of the 4 assemblies that decided are for (75%; 50% needed)."
    )
    expect(organizer.locator("#endorsement-stage")).to_contain_text("Chapter vote")
    check_page(organizer)

    # The organizer puts it to the City council; its two delegates vote for.
    organizer.get_by_role("button", name="Put it to the council").click()
    expect(organizer.get_by_role("status")).to_contain_text("The council City now decides")
    chapter = section(organizer, "chapter-heading")
    chapter.get_by_role("link", name="Endorse Rosa Ortiz for State assembly").click()
    question = organizer.url
    check_page(organizer)
    for who, javascript in (("a1", True), ("c1", False)):
        delegate = another_page(javascript=javascript)
        log_in(delegate, world.email(who))
        delegate.goto(question)
        my_vote = delegate.get_by_role("group", name="Your vote as a delegate")
        my_vote.get_by_label("For", exact=True).check()
        delegate.get_by_role("button", name="Cast my vote").click()
        expect(delegate.get_by_role("status")).to_contain_text("Your vote is recorded: For.")
    organizer.reload()
    organizer.get_by_role("button", name="Close the delegates' vote").click()
    expect(organizer.locator("#question-state")).to_have_text("Carried by the council")

    # Endorsed, and why, on the endorsement page and in the list of endorsements.
    visitor = another_page(javascript=False)
    for page in (organizer, visitor):
        page.goto(endorsement)
        expect(page.locator("#endorsement-stage")).to_contain_text("Endorsed")
        expect(page.locator("#endorsement-why")).to_contain_text(
            "2 of the 2 delegates' votes for or against were for (100%; 60% needed)."
        )
        expect(section(page, "chapter-heading")).to_contain_text("Delegates: 2 for, 0 against")
        check_page(page)
    visitor.goto("/electoral/endorsements/")
    expect(
        section(visitor, "endorsed-heading").get_by_role("link", name="Rosa Ortiz")
    ).to_be_visible()
    check_page(visitor)
