"""The council pages through Django's test client: reading, acting, refusals."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.confederation.models import AssemblyVote, Council, DelegateVote, Question
from tests.confederation.conftest import AGAINST, FOR, vote_all
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db


def later(days: int = 2) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def earlier() -> str:
    return (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def url(name: str, *args: object) -> str:
    return reverse(f"councils:{name}", args=list(args))


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def mandated_question(world, client):  # type: ignore[no-untyped-def]
    """Northside's question put by a's delegate through the page: a mandates for, b against."""
    convener = world.blocks["a"].people[1]
    client.force_login(convener)
    sent = client.post(
        url("ask", "northside"),
        {"ask-title": "Close Elm Street to cars on Sundays", "ask-mandates_close_at": later()},
    )
    question = Question.objects.get()
    assert sent.status_code == 302 and sent.url == url("question", "northside", question.pk)
    polls = {v.institution.slug: v.poll for v in question.assembly_votes.select_related("poll")}
    vote_all(polls["block-a"], world.blocks["a"].people, FOR)
    vote_all(polls["block-b"], world.blocks["b"].people, AGAINST)
    for poll in polls.values():
        close_now(poll)
    return question, convener


# --- reading -------------------------------------------------------------------------


def test_anyone_reads_the_tree_a_council_a_question_and_a_delegate(client, world):
    tree = client.get(url("tree"))
    text = page(tree)
    assert tree.status_code == 200
    assert 'role="img"' in text and "<title" in text and "<desc" in text
    for name in ("City", "Northside", "Southside", "Block A", "Block D"):
        assert name in text
    # The list nests: City holds Northside, which holds Block A.
    assert text.index("City") < text.index("Northside") < text.index("Block A")
    assert "15 people represented" in text

    city = page(client.get(url("detail", "city")))
    assert "Double majority" in city and "both hold" in city
    assert "Northside" in city and "Southside" in city
    assert "Person A1" in city  # the city delegate sitting for Northside
    assert url("delegate", "city", world.delegates["north"].pk) in city
    north = page(client.get(url("detail", "northside")))
    assert "50% of the members must take a position" in north and url("detail", "city") in north
    assert "Put a question" not in north  # not for visitors
    assert client.get(url("detail", "nowhere")).status_code == 404

    from bloc.confederation.questions import question_create

    question = question_create(actor=SYSTEM, council=world.north, title="Plant trees")
    shown = client.get(url("question", "northside", question.pk))
    assert shown.status_code == 200 and "Plant trees" in page(shown)
    assert client.get(url("question", "southside", question.pk)).status_code == 404
    record = client.get(url("delegate", "northside", world.delegates["a"].pk))
    assert record.status_code == 200 and "Person A1" in page(record)
    assert "Call a vote to recall" not in page(record)


def test_the_tree_page_says_where_an_institution_sits(client, world):
    text = page(client.get(url("tree") + "?institution=block-c"))
    assert "Where Block C sits" in text and url("detail", "southside") in text
    nav = page(client.get(reverse("institutions:detail", args=["block-c"])))
    assert url("tree") + "?institution=block-c" in nav


# --- setting up a council ------------------------------------------------------------


def test_a_facilitator_sets_up_a_council(client, world):
    assert client.get(url("create")).status_code == 302  # log in first
    client.force_login(world.blocks["a"].facilitator)
    assert client.get(url("create")).status_code == 200
    sent = client.post(
        url("create"),
        {
            "chapter": world.chapter.pk,
            "name": "River Region",
            "level": 3,
            "rule": "double",
            "quorum_percent": 60,
            "delegates_per_member": 2,
            "term_months": 6,
            "description": "Both banks.",
        },
    )
    council = Council.objects.get(name="River Region")
    assert sent.status_code == 302 and sent.url == url("detail", council.slug)
    assert (council.level, council.rule, council.quorum_percent) == (3, "double", 60)
    # A name already taken: refused on the form, nothing written.
    again = client.post(
        url("create"),
        {
            "chapter": world.chapter.pk,
            "name": "River Region",
            "level": 3,
            "rule": "double",
            "quorum_percent": 60,
            "delegates_per_member": 2,
            "term_months": 6,
        },
    )
    assert again.status_code == 422 and "already has this short name" in page(again)
    assert Council.objects.filter(name="River Region").count() == 1


def test_a_member_without_a_role_may_not_set_up_a_council(client, world):
    client.force_login(world.blocks["a"].people[3])
    refused = client.get(url("create"))
    assert refused.status_code == 403 and "Only a facilitator" in page(refused)


# --- an assembly's votes ---------------------------------------------------------------


def test_a_facilitator_puts_joining_to_the_assembly_vote(client, world):
    from bloc.confederation.councils import council_create

    council_create(actor=SYSTEM, chapter=world.chapter, name="Region", level=3)
    a = world.blocks["a"]
    client.force_login(a.facilitator)
    shown = page(client.get(url("detail", "region")))
    assert "Put joining Region to the vote of Block A" in shown
    # Block A already sits in a level-1 council: the page says so instead of a form.
    east = council_create(actor=SYSTEM, chapter=world.chapter, name="Eastside", level=1)
    assert "already belongs to Northside" in page(client.get(url("detail", east.slug)))

    bad = client.post(url("join", "region", "block-a"), {"join-block-a-closes_at": earlier()})
    assert bad.status_code == 422 and "already passed" in page(bad)
    assert not AssemblyVote.objects.filter(kind="join").exists()

    sent = client.post(url("join", "region", "block-a"), {"join-block-a-closes_at": later()})
    assert sent.status_code == 302 and sent.url == url("detail", "region")
    vote = AssemblyVote.objects.get(kind="join")
    assert vote.institution == a.institution and vote.poll.title == "Join Region?"
    followed = page(client.get(sent.url))
    assert "vote on joining Region" in followed
    assert reverse("institutions:poll_detail", args=["block-a", vote.poll_id]) in followed

    # Twice: a conflict, shown on the form.
    twice = client.post(url("join", "region", "block-a"), {"join-block-a-closes_at": later()})
    assert twice.status_code == 409 and "already open" in page(twice)


def test_a_facilitator_starts_an_election_of_delegates(client, world):
    Council.objects.filter(pk=world.north.pk).update(delegates_per_member=2)
    a = world.blocks["a"]
    client.force_login(a.facilitator)
    shown = page(client.get(url("detail", "northside")))
    assert "Elect a delegate of Block A (1 empty seat)" in shown
    assert 'type="checkbox"' in shown and "Person A3" in shown
    candidates = [a.people[2].pk, a.people[3].pk]
    sent = client.post(
        url("elect", "northside", "block-a"),
        {"elect-block-a-candidates": candidates, "elect-block-a-closes_at": later()},
    )
    assert sent.status_code == 302
    election = AssemblyVote.objects.get(kind="elect")
    assert election.candidates == candidates and election.poll.rule == "stv"

    # Someone who is not a member of Block A is not a candidate.
    outsider = world.blocks["d"].people[2].pk
    refused = client.post(
        url("elect", "northside", "block-a"),
        {"elect-block-a-candidates": [outsider], "elect-block-a-closes_at": later()},
    )
    assert refused.status_code == 422


def test_a_member_without_a_role_cannot_start_an_assembly_vote(client, world):
    client.force_login(world.blocks["a"].people[3])
    assert "Your assemblies" not in page(client.get(url("detail", "northside")))
    refused = client.post(
        url("leave", "northside", "block-a"), {"leave-block-a-closes_at": later()}
    )
    assert refused.status_code == 403
    assert "Only a facilitator or the secretary" in page(refused)
    assert not AssemblyVote.objects.exists()


def test_visitors_are_sent_to_log_in_before_acting(client, world):
    for target in (
        url("join", "northside", "block-a"),
        url("ask", "northside"),
        url("recall", "northside", world.delegates["a"].pk),
    ):
        response = client.post(target, {})
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not AssemblyVote.objects.exists() and not Question.objects.exists()


# --- questions ---------------------------------------------------------------------


def test_a_question_put_voted_against_a_mandate_closed_and_ratified(client, world):
    question, convener = mandated_question(world, client)
    text = page(client.get(url("question", "northside", question.pk)))
    assert "Fix the mandates and open the delegates" in text
    assert (
        reverse(
            "institutions:poll_detail",
            args=["block-a", question.assembly_votes.get(institution__slug="block-a").poll_id],
        )
        in text
    )

    opened = client.post(url("open_voting", "northside", question.pk))
    assert opened.status_code == 302
    question.refresh_from_db()
    assert question.state == "voting"
    assert question.mandates == {world.seats["a"].node: "for", world.seats["b"].node: "against"}

    client.force_login(world.blocks["a"].people[1])
    shown = page(client.get(url("question", "northside", question.pk)))
    assert "<legend>Your vote as a delegate</legend>" in shown and 'type="radio"' in shown
    assert (
        client.post(url("vote", "northside", question.pk), {"vote-position": "for"}).status_code
        == 302
    )
    # b's delegate carries an "against" mandate and votes for.
    deviant = world.blocks["b"].people[1]
    client.force_login(deviant)
    assert (
        client.post(url("vote", "northside", question.pk), {"vote-position": "for"}).status_code
        == 302
    )
    assert DelegateVote.objects.get(delegate=world.delegates["b"]).deviated

    # Anyone can see the deviation, in words, with the way to the delegate's record.
    client.logout()
    text = page(client.get(url("question", "northside", question.pk)))
    assert "Voted against mandate" in text
    assert url("delegate", "northside", world.delegates["b"].pk) + "#recall-heading" in text
    assert "1 delegate voted against their mandate." in text
    record = page(client.get(url("delegate", "northside", world.delegates["b"].pk)))
    assert "Voted against mandate" in record and "1 of 1 votes cast went against" in record

    # A delegate of another council cannot vote here: refused with the reason.
    client.force_login(world.blocks["c"].people[1])
    refused = client.post(url("vote", "northside", question.pk), {"vote-position": "against"})
    assert refused.status_code == 403 and "Only a sitting delegate" in page(refused)
    assert DelegateVote.objects.filter(question=question).count() == 2

    client.force_login(convener)
    closed = client.post(url("close", "northside", question.pk))
    assert closed.status_code == 302
    question.refresh_from_db()
    assert question.state == "carried"
    text = page(client.get(url("question", "northside", question.pk)))
    assert "The council's decision" in text and "Carried." in text
    assert "Members: 2 for, 0 against" in text and "Quorum met" in text
    assert "Send it up to City" in text

    bad = client.post(url("ratify", "northside", question.pk), {"ratify-closes_at": earlier()})
    assert bad.status_code == 422 and "Choose a time in the future" in page(bad)
    question.refresh_from_db()
    assert question.state == "carried"
    assert not question.assembly_votes.filter(kind="ratify").exists()

    sent = client.post(url("ratify", "northside", question.pk), {"ratify-closes_at": later()})
    assert sent.status_code == 302
    question.refresh_from_db()
    assert question.state == "ratifying"
    polls = {
        v.institution.slug: v.poll
        for v in question.assembly_votes.filter(kind="ratify").select_related("poll", "institution")
    }
    vote_all(polls["block-a"], world.blocks["a"].people, FOR)
    vote_all(polls["block-b"], world.blocks["b"].people, FOR)
    for poll in polls.values():
        close_now(poll)
    text = page(client.get(url("question", "northside", question.pk)))
    question.refresh_from_db()
    assert question.state == "ratified"
    assert "Ratification at every level" in text and "Ratified." in text
    assert f'id="ratify-c{world.north.pk}"' in text


def test_a_question_rises_to_the_city_and_is_ratified_at_every_level(client, world):
    from bloc.confederation.questions import delegate_vote, question_close, question_create

    a1 = world.blocks["a"].people[1]
    north_q = question_create(actor=a1, council=world.north, title="A city tenants' fund")
    delegate_vote(actor=a1, question=north_q, position="for")
    delegate_vote(actor=world.blocks["b"].people[1], question=north_q, position="for")
    question_close(actor=a1, question=north_q)
    client.force_login(a1)
    up = client.post(url("send_up", "northside", north_q.pk), {"up-mandates_close_at": ""})
    city_q = Question.objects.get(council=world.city)
    assert up.status_code == 302 and up.url == url("question", "city", city_q.pk)
    text = page(client.get(up.url))
    assert "A question carried by Northside" in text
    assert url("question", "northside", north_q.pk) in text

    delegate_vote(actor=a1, question=city_q, position="for")
    delegate_vote(actor=world.blocks["c"].people[1], question=city_q, position="for")
    question_close(actor=a1, question=city_q)
    client.post(url("ratify", "city", city_q.pk), {"ratify-closes_at": later()})
    polls = {
        v.institution.slug: v.poll
        for v in city_q.assembly_votes.filter(kind="ratify").select_related("poll", "institution")
    }
    vote_all(polls["block-a"], world.blocks["a"].people, FOR)
    vote_all(polls["block-b"], world.blocks["b"].people, AGAINST)
    vote_all(polls["block-c"], world.blocks["c"].people, AGAINST)
    vote_all(polls["block-d"], world.blocks["d"].people, FOR)
    for poll in polls.values():
        close_now(poll)
    client.logout()
    text = page(client.get(url("question", "city", city_q.pk)))
    assert "Not ratified." in text
    # Every level: the city, each neighborhood with its rule, each block's position.
    for council in (world.city, world.north, world.south):
        assert f'id="ratify-c{council.pk}"' in text
    assert "Weighted by membership" in text and "Double majority" in text
    assert "Block D</a>: <strong>For</strong>" in text
    assert "Block C</a>: <strong>Against</strong>" in text
    assert "People represented: 6 by the members for, 3 by the members against, of 9." in text


def test_a_bad_mandate_deadline_is_refused_and_nothing_is_written(client, world):
    client.force_login(world.blocks["a"].people[1])
    before = AuditEvent.objects.count()
    bad = client.post(
        url("ask", "northside"), {"ask-title": "Too late", "ask-mandates_close_at": earlier()}
    )
    assert bad.status_code == 422 and "Choose a time in the future" in page(bad)
    empty = client.post(url("ask", "northside"), {"ask-title": ""})
    assert empty.status_code == 422
    assert not Question.objects.exists() and AuditEvent.objects.count() == before
    # Only a delegate or an organizer puts questions.
    client.force_login(world.blocks["a"].people[3])
    refused = client.post(url("ask", "northside"), {"ask-title": "Mine"})
    assert refused.status_code == 403 and "Only a delegate to this council" in page(refused)
    assert not Question.objects.exists()


def test_an_adopted_proposal_is_sent_to_the_council_from_its_page(client, world):
    from bloc.decisions.models import Proposal

    a = world.blocks["a"]
    proposal = Proposal.objects.create(
        institution=a.institution,
        title="A tenants' fund",
        body="Pool rent strikes.",
        author=a.facilitator,
        rule="majority",
        state="adopted",
    )
    client.force_login(a.facilitator)
    detail = page(
        client.get(reverse("institutions:proposal_detail", args=["block-a", proposal.pk]))
    )
    assert "Send it to Northside" in detail and url("from_proposal", "northside") in detail
    sent = client.post(url("from_proposal", "northside"), {"proposal": proposal.pk})
    question = Question.objects.get()
    assert sent.status_code == 302 and sent.url == url("question", "northside", question.pk)
    assert question.origin_proposal == proposal
    text = page(client.get(sent.url))
    assert "A proposal adopted by Block A" in text
    twice = client.post(url("from_proposal", "northside"), {"proposal": proposal.pk})
    assert twice.status_code == 409 and "already before the council" in page(twice)
    # Block A does not sit in Southside.
    elsewhere = client.post(url("from_proposal", "southside"), {"proposal": proposal.pk})
    assert elsewhere.status_code == 409 and "does not sit in this council" in page(elsewhere)
    assert Question.objects.count() == 1


# --- recall --------------------------------------------------------------------------


def test_a_member_calls_a_recall_and_an_outsider_is_refused(client, world):
    delegate = world.delegates["a"]
    target = url("recall", "northside", delegate.pk)
    data = {"recall-reason": "Voted against us", "recall-closes_at": later()}

    client.force_login(world.blocks["d"].people[2])  # not a member of Block A
    shown = page(client.get(url("delegate", "northside", delegate.pk)))
    assert "Call a vote to recall" not in shown and "Any verified member of Block A" in shown
    before = AuditEvent.objects.count()
    refused = client.post(target, data)
    assert refused.status_code == 403
    assert "Only verified members of Block A can call a vote to recall" in page(refused)
    assert not AssemblyVote.objects.filter(kind="recall").exists()
    assert AuditEvent.objects.count() == before

    member = world.blocks["a"].people[3]
    client.force_login(member)
    bad = client.post(target, {**data, "recall-closes_at": earlier()})
    assert bad.status_code == 422 and "already passed" in page(bad)
    assert not AssemblyVote.objects.filter(kind="recall").exists()
    no_reason = client.post(target, {**data, "recall-reason": ""})
    assert no_reason.status_code == 422

    sent = client.post(target, data)
    assert sent.status_code == 302 and sent.url == url("delegate", "northside", delegate.pk)
    recall = AssemblyVote.objects.get(kind="recall")
    assert recall.delegate == delegate and recall.poll.description == "Voted against us"
    followed = page(client.get(sent.url))
    assert "vote on recalling Person A1" in followed
    assert reverse("institutions:poll_detail", args=["block-a", recall.poll_id]) in followed

    vote_all(recall.poll, world.blocks["a"].people, FOR)
    close_now(recall.poll)
    record = page(client.get(url("delegate", "northside", delegate.pk)))
    assert "recalled on" in record and "This delegate's term has ended." in record
    council = page(client.get(url("detail", "northside")))
    assert "Former delegates" in council and "None: the seat is empty" in council


# --- big trees -----------------------------------------------------------------------


def test_a_big_tree_is_drawn_to_a_level_and_listed_by_counts(client, world, monkeypatch):
    from bloc.confederation import selectors, svg

    monkeypatch.setattr(svg, "MAX_ROWS", 1)
    monkeypatch.setattr(selectors, "INLINE_ASSEMBLIES", 2)
    text = page(client.get(url("tree")))
    assert "The drawing stops at level 2: 2 councils below it" in text
    assert "Councils below level 2 are not drawn (2 of 3)" in text  # the SVG's desc
    assert "2 councils not drawn" in text
    # The list names every council, the assemblies by their count, with a link.
    assert "Northside" in text and "Block A" not in text
    assert "see the members of Northside" in text


def test_a_big_ratification_lists_assemblies_of_the_council_in_focus(client, world, monkeypatch):
    from bloc.confederation import selectors
    from bloc.confederation.questions import (
        delegate_vote,
        question_close,
        question_create,
        ratification_send,
    )

    a1, c1 = world.blocks["a"].people[1], world.blocks["c"].people[1]
    question = question_create(actor=a1, council=world.city, title="Ratify me")
    delegate_vote(actor=a1, question=question, position="for")
    delegate_vote(actor=c1, question=question, position="for")
    question = question_close(actor=a1, question=question)
    ratification_send(
        actor=a1, question=question, closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    monkeypatch.setattr(selectors, "SHOWN_TOTAL", 2)
    path = url("question", "city", question.pk)
    text = page(client.get(path))
    assert "Show each assembly of Northside" in text and "Block A" not in text
    focused = page(client.get(f"{path}?focus=c{world.north.pk}"))
    assert "Block A" in focused and "Block C" not in focused
    assert "Show each assembly of Southside" in focused


# --- ranked questions ----------------------------------------------------------------

PLACES = ["Church hall", "Library annex", "Garage on B Street"]


TIED = ' <span class="help">(tied)</span>'


def ranking_html(*tiers: str) -> str:
    """How a ranking is written on a page: an ordered list, tied options joined by =."""
    items = "".join(f"<li>{tier}{TIED if ' = ' in tier else ''}</li>" for tier in tiers)
    return f'<ol class="ranking">{items}</ol>'


def rank_polls(world, question, ranks):  # type: ignore[no-untyped-def]
    """Every member of each block ranks the options in its mandate poll, then it closes."""
    from bloc.decisions.voting import vote

    polls = {v.institution.slug: v.poll for v in question.assembly_votes.select_related("poll")}
    for key, data in ranks.items():
        for person in world.blocks[key].people:
            vote(actor=person, poll=polls[f"block-{key}"], data=data)
    for poll in polls.values():
        close_now(poll)


def test_a_ranked_question_put_mandated_voted_and_decided_through_the_pages(client, world):
    convener = world.blocks["a"].people[1]
    client.force_login(convener)
    assert "Options to rank (optional)" in page(client.get(url("detail", "northside")))
    # One option is not a ranking: refused on the form, nothing written.
    lonely = client.post(
        url("ask", "northside"), {"ask-title": "Where?", "ask-options": "Church hall\n\n"}
    )
    assert lonely.status_code == 422 and "from 2 to 12 options" in page(lonely)
    assert not Question.objects.exists()

    sent = client.post(
        url("ask", "northside"),
        {
            "ask-title": "Where should the tool library go?",
            "ask-options": "Church hall\r\n Library annex \r\n\r\nGarage on B Street\r\n",
            "ask-mandates_close_at": later(),
        },
    )
    question = Question.objects.get()
    assert sent.status_code == 302 and question.options == PLACES
    text = page(client.get(sent.url))
    assert "Ranked question" in text and "<li>Garage on B Street</li>" in text
    assert "Each member assembly ranks the options" in text

    # Block A: annex > hall > garage; Block B: garage > annex > hall.
    rank_polls(world, question, {"a": {"0": 2, "1": 1, "2": 3}, "b": {"0": 3, "1": 2, "2": 1}})
    text = page(client.get(sent.url))  # the mandates so far, counted live
    annex_first = ranking_html("Library annex", "Church hall", "Garage on B Street")
    garage_first = ranking_html("Garage on B Street", "Library annex", "Church hall")
    assert annex_first in text and garage_first in text
    assert f'id="mandate-c{world.north.pk}"' in text and "Its ranking:" in text

    assert client.post(url("open_voting", "northside", question.pk)).status_code == 302
    question.refresh_from_db()
    assert question.state == "voting"
    assert question.mandates[world.seats["b"].node] == [[2], [1], [0]]

    shown = page(client.get(url("question", "northside", question.pk)))
    assert "<legend>Your ranking as a delegate: 1 for the option you prefer" in shown
    assert '<label for="id_vote-rank_1">Library annex</label>' in shown
    assert "Filled in with your mandate" in shown  # the annex is ranked 1
    faithful = client.post(
        url("vote", "northside", question.pk),
        {"vote-rank_0": "2", "vote-rank_1": "1", "vote-rank_2": "3"},
    )
    assert faithful.status_code == 302
    assert "Your ranking is recorded: 1. Library annex, 2. Church hall" in page(
        client.get(faithful.url)
    )

    # b's delegate carries garage > annex > hall; a bad ranking comes back with the reason.
    deviant = world.blocks["b"].people[1]
    client.force_login(deviant)
    nothing = client.post(url("vote", "northside", question.pk), {"vote-rank_0": ""})
    assert nothing.status_code == 422 and "Rank the options." in page(nothing)
    garbled = client.post(url("vote", "northside", question.pk), {"vote-rank_0": "9"})
    assert garbled.status_code == 422 and "Select a valid choice" in page(garbled)
    assert DelegateVote.objects.filter(question=question).count() == 1
    # The annex first, the hall and the garage tied: against the mandate.
    tied = client.post(
        url("vote", "northside", question.pk),
        {"vote-rank_0": "2", "vote-rank_1": "1", "vote-rank_2": "2"},
    )
    assert tied.status_code == 302
    cast = DelegateVote.objects.get(delegate=world.delegates["b"])
    assert cast.ranking == [[1], [0, 2]] and cast.deviated

    client.logout()
    text = page(client.get(url("question", "northside", question.pk)))
    assert ranking_html("Library annex", "Church hall = Garage on B Street") in text
    assert "Voted against mandate" in text and "1 delegate voted against their mandate." in text
    assert "So far 2 delegates have voted." in text
    record = page(client.get(url("delegate", "northside", world.delegates["b"].pk)))
    assert ranking_html("Library annex", "Church hall = Garage on B Street") in record
    assert garage_first in record and "Voted against mandate" in record

    client.force_login(convener)
    closed = client.post(url("close", "northside", question.pk))
    assert closed.status_code == 302
    question.refresh_from_db()
    assert question.state == "carried"
    text = page(client.get(closed.url))
    assert "the council put Library annex first" in text
    assert "Carried: Library annex came first." in text and "The council's ranking" in text
    assert "2 of 2 members gave a ranking." in text
    assert "votes for or against Library annex" in text  # the ratification form


def test_a_ranked_city_question_shows_both_counts_and_a_tie_carries_nothing(client, world):
    from bloc.confederation.questions import delegate_vote, question_create, voting_open

    a1, c1 = world.blocks["a"].people[1], world.blocks["c"].people[1]
    question = question_create(
        actor=a1,
        council=world.city,
        title="Where should the tool library go?",
        options=PLACES,
        mandates_close_at=timezone.now() + datetime.timedelta(days=2),
    )
    hall, annex, garage = (
        {"0": 1, "1": 2, "2": 3},
        {"0": 2, "1": 1, "2": 3},
        {"0": 3, "1": 2, "2": 1},
    )
    rank_polls(world, question, {"a": annex, "b": annex, "c": hall, "d": garage})
    text = page(client.get(url("question", "city", question.pk)))
    # Every level: each neighborhood's ranking, and the city's under a double majority.
    for council in (world.city, world.north, world.south):
        assert f'id="mandate-c{council.pk}"' in text
    assert "Counting each member once:" in text
    assert "Weighting each member by the people it represents:" in text
    assert "Library annex first" in text  # Northside's outcome
    question = voting_open(actor=a1, question=question)
    assert question.mandates[f"c{world.north.pk}"] == [[1], [0], [2]]
    # Both delegates tie the hall and the annex first: no option first alone.
    delegate_vote(actor=a1, question=question, ranking=[[0, 1], [2]])
    delegate_vote(actor=c1, question=question, ranking=[[0, 1], [2]])
    client.force_login(a1)
    closed = client.post(url("close", "city", question.pk))
    assert closed.status_code == 302
    text = page(client.get(closed.url))
    assert "no option came first alone, so nothing is carried" in text
    assert "No option came first alone: not carried." in text
    assert ranking_html("Church hall = Library annex", "Garage on B Street") in text
    assert "Counting each member once" in text  # the double rule's two counts
    question.refresh_from_db()
    assert question.state == "not_carried"


# --- questions that change the council ------------------------------------------------


def test_a_council_joins_a_higher_council_by_a_question_from_its_page(client, world):
    from bloc.confederation.councils import council_create
    from bloc.confederation.models import Seat
    from bloc.confederation.questions import delegate_vote

    region = council_create(actor=SYSTEM, chapter=world.chapter, name="Region", level=3)
    a1, c1 = world.blocks["a"].people[1], world.blocks["c"].people[1]
    client.force_login(a1)  # a delegate to the City
    shown = page(client.get(url("detail", "city")))
    assert "Decide something about this council" in shown
    assert f'<option value="join:{region.pk}">Join Region (level 3)</option>' in shown
    assert f'value="join:{world.north.pk}"' not in shown  # not a higher council

    # Joining Northside, which sits in the City, would make a cycle: refused, nothing written.
    before = AuditEvent.objects.count()
    cycle = client.post(url("ask", "city"), {"effect-action": f"join:{world.north.pk}"})
    assert cycle.status_code == 409 and "joining would make a cycle" in page(cycle)
    garbled = client.post(url("ask", "city"), {"effect-action": "join:somewhere"})
    assert garbled.status_code == 422 and "Choose what the council decides." in page(garbled)
    assert not Question.objects.exists() and AuditEvent.objects.count() == before

    sent = client.post(
        url("ask", "city"), {"effect-action": f"join:{region.pk}", "effect-body": "Bigger."}
    )
    question = Question.objects.get()
    assert sent.status_code == 302 and sent.url == url("question", "city", question.pk)
    assert question.effect == {"join": region.pk} and question.title == "City joins Region"
    assert "If carried" in page(client.get(sent.url))
    delegate_vote(actor=a1, question=question, position="for")
    delegate_vote(actor=c1, question=question, position="for")
    assert client.post(url("close", "city", question.pk)).status_code == 302
    assert Seat.objects.filter(council=region, member_council=world.city, left_at=None).exists()
    city = page(client.get(url("detail", "city")))
    assert url("detail", "region") in city and f'value="leave:{region.pk}"' in city


def test_a_council_recalls_the_delegate_it_sent_above(client, world):
    client.force_login(world.blocks["b"].people[1])  # a delegate to Northside
    shown = page(client.get(url("detail", "northside")))
    sent_up = world.delegates["north"]  # a1, sent on to the City
    assert f'value="leave:{world.city.pk}">Leave City</option>' in shown
    assert f'value="recall:{sent_up.pk}">Recall Person A1 from City</option>' in shown
    b1 = world.blocks["b"].people[1].pk
    assert f'value="send:{b1}">Send Person B1 to City</option>' in shown
    assert f'value="send:{world.blocks["a"].people[1].pk}"' not in shown  # already sent

    sent = client.post(url("ask", "northside"), {"effect-action": f"recall:{sent_up.pk}"})
    question = Question.objects.get()
    assert sent.status_code == 302 and question.effect == {"recall": sent_up.pk}
    assert question.title == "Northside recalls Person A1 from City"
