"""The whole path: join, elect, mandate, the council's vote, deviation, recall,
a question rising from a block, a double majority, ratification rolled up the tree."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.core.errors import Conflict, PermissionDenied
from tests.confederation.conftest import AGAINST, FOR, vote_all
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=2)


def test_an_assembly_joins_by_its_own_vote(world):
    from bloc.confederation.councils import council_create, join_vote

    newcomer = world.blocks["a"]

    east = council_create(actor=SYSTEM, chapter=world.chapter, name="Eastside", level=1)
    # Block A already sits in Northside, a council of the same level.
    with pytest.raises(Conflict) as refused:
        join_vote(
            actor=newcomer.facilitator,
            institution=newcomer.institution,
            council=east,
            closes_at=soon(),
        )
    assert refused.value.code == "same_level"
    assert "Northside" in refused.value.message


def test_join_leave_elect_recall_through_polls(world, chapter):
    from bloc.confederation.councils import (
        council_create,
        election_vote,
        join_vote,
        leave_vote,
        recall_vote,
        seat_of,
        sitting,
    )
    from bloc.confederation.models import AssemblyVote

    east = council_create(
        actor=SYSTEM, chapter=chapter, name="Eastside", level=1, delegates_per_member=2
    )
    a = world.blocks["a"]
    leave = leave_vote(
        actor=a.facilitator, institution=a.institution, council=world.north, closes_at=soon()
    )
    vote_all(leave.poll, a.people, FOR)
    close_now(leave.poll)
    leave.refresh_from_db()
    assert leave.result == "left"
    assert seat_of(world.north, a.institution) is None
    world.delegates["a"].refresh_from_db()
    assert world.delegates["a"].end_reason == "left"

    join = join_vote(actor=a.facilitator, institution=a.institution, council=east, closes_at=soon())
    vote_all(join.poll, a.people, FOR)
    close_now(join.poll)
    seat = seat_of(east, a.institution)
    assert seat is not None

    candidates = [p.pk for p in a.people[:3]]
    election = election_vote(
        actor=a.facilitator,
        institution=a.institution,
        council=east,
        candidates=candidates,
        closes_at=soon(),
    )
    assert election.poll.rule == "stv" and election.poll.seats == 2
    from bloc.decisions.voting import vote

    for person in a.people:
        vote(actor=person, poll=election.poll, data={"0": 1, "1": 2, "2": 3})
    close_now(election.poll)
    election.refresh_from_db()
    assert election.result == "elected"
    assert {d.user_id for d in sitting(seat)} == {a.people[0].pk, a.people[1].pk}

    delegate = next(d for d in sitting(seat) if d.user_id == a.people[1].pk)
    outsider = world.blocks["d"].people[2]
    with pytest.raises(PermissionDenied) as refused:
        recall_vote(actor=outsider, delegate=delegate, reason="Not ours to say", closes_at=soon())
    assert "Block A" in refused.value.message
    assert not AssemblyVote.objects.filter(kind="recall").exists()

    recall = recall_vote(
        actor=a.people[3], delegate=delegate, reason="Voted against us", closes_at=soon()
    )
    vote_all(recall.poll, a.people, FOR)
    close_now(recall.poll)
    delegate.refresh_from_db()
    assert delegate.end_reason == "recalled" and delegate.ended_on == timezone.localdate()
    assert [d.user_id for d in sitting(seat)] == [a.people[0].pk]
    # A replacement fills the empty seat.
    replacement = election_vote(
        actor=a.facilitator,
        institution=a.institution,
        council=east,
        candidates=[a.people[2].pk],
        closes_at=soon(),
    )
    vote_all(replacement.poll, a.people, FOR)
    close_now(replacement.poll)
    assert {d.user_id for d in sitting(seat)} == {a.people[0].pk, a.people[2].pk}


def test_mandates_deviation_and_council_decision(world):
    from bloc.confederation.models import DelegateVote
    from bloc.confederation.questions import (
        delegate_vote,
        question_close,
        question_create,
        voting_open,
    )

    north = world.north
    convener = world.blocks["a"].people[1]  # a's delegate sits in Northside
    question = question_create(
        actor=convener,
        council=north,
        title="Close Elm Street to cars on Sundays",
        mandates_close_at=soon(),
    )
    polls = {
        v.institution.slug: v.poll
        for v in question.assembly_votes.select_related("poll", "institution")
    }
    assert set(polls) == {"block-a", "block-b"}
    with pytest.raises(Conflict):
        voting_open(actor=convener, question=question)
    vote_all(polls["block-a"], world.blocks["a"].people, FOR)
    vote_all(polls["block-b"], world.blocks["b"].people, AGAINST)
    for poll in polls.values():
        close_now(poll)
    question = voting_open(actor=convener, question=question)
    seat_a, seat_b = world.seats["a"].node, world.seats["b"].node
    assert question.mandates == {seat_a: "for", seat_b: "against"}
    delegate_vote(actor=world.blocks["a"].people[1], question=question, position="for")
    deviant = delegate_vote(actor=world.blocks["b"].people[1], question=question, position="for")
    assert deviant.deviated and deviant.mandate == "against"
    with pytest.raises(PermissionDenied):
        delegate_vote(actor=world.blocks["c"].people[1], question=question, position="against")
    question = question_close(actor=convener, question=question)
    assert question.state == "carried"
    assert question.decision["assemblies_for"] == 2
    assert DelegateVote.objects.filter(question=question).count() == 2


def test_a_proposal_rises_is_decided_by_double_majority_and_ratified_up_the_tree(world):
    from bloc.confederation.questions import (
        delegate_vote,
        question_close,
        question_from_proposal,
        question_send_up,
        ratification_send,
        ratification_sync,
    )
    from bloc.decisions.models import Proposal

    a = world.blocks["a"]
    proposal = Proposal.objects.create(
        institution=a.institution,
        title="A city tenants' fund",
        body="Pool rent strikes.",
        author=a.facilitator,
        rule="majority",
        state="adopted",
    )
    in_north = question_from_proposal(actor=a.facilitator, proposal=proposal, council=world.north)
    assert in_north.state == "voting" and in_north.origin_proposal == proposal
    delegate_vote(actor=a.people[1], question=in_north, position="for")
    delegate_vote(actor=world.blocks["b"].people[1], question=in_north, position="for")
    in_north = question_close(actor=a.people[1], question=in_north)
    assert in_north.state == "carried"
    in_city = question_send_up(actor=a.people[1], question=in_north)
    assert in_city.council == world.city and in_city.origin_question == in_north
    # North's delegate for, South's against: one assembly each, no majority of assemblies.
    delegate_vote(actor=a.people[1], question=in_city, position="for")
    delegate_vote(actor=world.blocks["c"].people[1], question=in_city, position="for")
    in_city = question_close(actor=a.people[1], question=in_city)
    assert in_city.state == "carried"
    assert in_city.decision["majority_of_assemblies"] and in_city.decision["majority_of_members"]

    in_city = ratification_send(actor=a.people[1], question=in_city, closes_at=soon())
    polls = {
        v.institution.slug: v.poll
        for v in in_city.assembly_votes.filter(kind="ratify").select_related("poll", "institution")
    }
    assert set(polls) == {"block-a", "block-b", "block-c", "block-d"}
    # North: a (4) for, b (2) against -> one assembly each: not a majority of assemblies
    # (Northside counts assemblies) -> against. South (weighted): c (3) against, d (6)
    # for -> for. City (double): one council each way -> not carried.
    vote_all(polls["block-a"], world.blocks["a"].people, FOR)
    vote_all(polls["block-b"], world.blocks["b"].people, AGAINST)
    vote_all(polls["block-c"], world.blocks["c"].people, AGAINST)
    vote_all(polls["block-d"], world.blocks["d"].people, FOR)
    for poll in polls.values():
        close_now(poll)
    in_city.refresh_from_db()
    assert in_city.state == "not_ratified"
    results = in_city.ratification["ratify"]
    north, south, city = (f"c{c.pk}" for c in (world.north, world.south, world.city))
    assert results[north]["position"] == "against"
    assert results[south]["position"] == "for" and results[south]["weight_for"] == 6
    assert results[city]["position"] == "against"
    assert results[city]["weight"] == 15
    assert ratification_sync(in_city).state == "not_ratified"


def test_a_cycle_is_refused_and_nothing_is_written(world):
    from bloc.confederation.models import Question, Seat
    from bloc.confederation.questions import question_create

    before = (Seat.objects.count(), Question.objects.count())
    # The city council cannot join Northside, which sits in it.
    with pytest.raises(Conflict) as refused:
        question_create(
            actor=SYSTEM,
            council=world.city,
            title="Join Northside",
            effect={"join": world.north.pk},
        )
    assert refused.value.code == "cycle"
    assert "cycle" in refused.value.message
    assert (Seat.objects.count(), Question.objects.count()) == before


def test_a_ranked_question_is_mandated_by_ranking_polls_and_decided_by_schulze(world):
    from bloc.confederation.questions import (
        delegate_vote,
        question_close,
        question_create,
        ratification_send,
        voting_open,
        winner_name,
    )
    from bloc.core.errors import ValidationFailed
    from bloc.decisions.voting import vote

    convener = world.blocks["a"].people[1]
    with pytest.raises(ValidationFailed):
        question_create(
            actor=convener, council=world.north, title="Where?", options=["Park", "park"]
        )
    question = question_create(
        actor=convener,
        council=world.north,
        title="Where should the tool library go?",
        options=["Church hall", "Library annex", "Garage on B Street"],
        mandates_close_at=soon(),
    )
    polls = {
        v.institution.slug: v.poll
        for v in question.assembly_votes.select_related("poll", "institution")
    }
    assert {p.rule for p in polls.values()} == {"schulze"}
    # Block A: annex > hall > garage; Block B: garage > annex > hall.
    for person in world.blocks["a"].people:
        vote(actor=person, poll=polls["block-a"], data={"0": 2, "1": 1, "2": 3})
    for person in world.blocks["b"].people:
        vote(actor=person, poll=polls["block-b"], data={"0": 3, "1": 2, "2": 1})
    for poll in polls.values():
        close_now(poll)
    question = voting_open(actor=convener, question=question)
    seat_a, seat_b = world.seats["a"].node, world.seats["b"].node
    assert question.mandates[seat_a] == [[1], [0], [2]]
    assert question.mandates[seat_b] == [[2], [1], [0]]
    with pytest.raises(ValidationFailed):
        delegate_vote(actor=convener, question=question, ranking=[[0], [0]])
    faithful = delegate_vote(actor=convener, question=question, ranking=[[1], [0], [2]])
    assert not faithful.deviated
    deviant = delegate_vote(
        actor=world.blocks["b"].people[1], question=question, ranking=[[1], [2], [0]]
    )
    assert deviant.deviated and deviant.mandate_ranking == [[2], [1], [0]]
    question = question_close(actor=convener, question=question)
    # Both delegates put the annex first: carried, and the annex goes down to ratify.
    assert question.state == "carried" and question.decision["ranking"][0] == [1]
    assert winner_name(question) == "Library annex"
    question = ratification_send(actor=convener, question=question, closes_at=soon())
    titles = set(
        question.assembly_votes.filter(kind="ratify").values_list("poll__title", flat=True)
    )
    assert titles == {
        "Ratify Northside's decision: Where should the tool library go? — Library annex"
    }


def test_an_effect_that_can_no_longer_be_applied_is_carried_and_says_why(world, chapter):
    from bloc.confederation.councils import council_create, seat_add
    from bloc.confederation.models import Seat
    from bloc.confederation.questions import delegate_vote, question_close, question_create

    region = council_create(actor=SYSTEM, chapter=chapter, name="Region", level=3)
    other = council_create(actor=SYSTEM, chapter=chapter, name="Other region", level=3)
    convener = world.blocks["a"].people[1]  # sits in the City for Northside
    question = question_create(
        actor=convener, council=world.city, title="Join the region", effect={"join": region.pk}
    )
    seat_add(actor=SYSTEM, council=other, member=world.city)  # meanwhile, elsewhere
    delegate_vote(actor=convener, question=question, position="for")
    delegate_vote(actor=world.blocks["c"].people[1], question=question, position="for")
    question = question_close(actor=convener, question=question)
    assert question.state == "carried"
    assert "Other region" in question.effect_refused
    assert not Seat.objects.filter(council=region).exists()


def test_a_question_sent_to_more_assemblies_than_a_request_opens_goes_on_with_the_tick(
    world, monkeypatch, client
):
    from bloc.confederation import questions
    from bloc.confederation.models import AssemblyVote
    from bloc.decisions.polls import polls_tick

    monkeypatch.setattr(questions, "FANOUT_AT_ONCE", 1)
    convener = world.blocks["a"].people[1]
    question = questions.question_create(
        actor=convener, council=world.north, title="Fix the lights", mandates_close_at=soon()
    )
    assert AssemblyVote.objects.filter(question=question).count() == 1
    assert question.fanout["left"] and question.fanout["total"] == 2
    page = client.get(f"/councils/{world.north.slug}/questions/{question.pk}/")
    assert "1 of the 2 assemblies have yet to get their poll" in page.content.decode()
    first = AssemblyVote.objects.get(question=question).poll
    close_now(first)
    with pytest.raises(Conflict) as refused:
        questions.voting_open(actor=convener, question=question)
    assert refused.value.code == "still_sending"
    polls_tick()
    question.refresh_from_db()
    assert question.fanout is None
    assert AssemblyVote.objects.filter(question=question).count() == 2
    assert polls_tick()["opened"] == 0  # nothing left to send


def test_assemblies_left_when_the_polls_close_take_no_position(world, monkeypatch):
    from bloc.confederation import questions
    from bloc.confederation.models import AssemblyVote, Question

    monkeypatch.setattr(questions, "FANOUT_AT_ONCE", 1)
    question = questions.question_create(
        actor=SYSTEM, council=world.north, title="Fix the lights", mandates_close_at=soon()
    )
    fanout = dict(question.fanout, closes_at=timezone.now().isoformat())
    Question.objects.filter(pk=question.pk).update(fanout=fanout)
    assert questions.fanout_continue(question) == 0
    question.refresh_from_db()
    assert question.fanout is None
    assert AssemblyVote.objects.filter(question=question).count() == 1


def test_a_ratification_waits_for_assemblies_still_to_get_their_poll(world, monkeypatch):
    from bloc.confederation import questions
    from bloc.confederation.models import AssemblyVote
    from bloc.decisions.polls import polls_tick

    monkeypatch.setattr(questions, "FANOUT_AT_ONCE", 1)
    convener = world.blocks["a"].people[1]
    question = questions.question_create(actor=convener, council=world.north, title="Paint")
    questions.delegate_vote(actor=convener, question=question, position="for")
    question = questions.question_close(actor=convener, question=question)
    question = questions.ratification_send(actor=convener, question=question, closes_at=soon())
    first = AssemblyVote.objects.get(question=question, kind="ratify")
    vote_all(first.poll, world.blocks[first.institution.slug[-1]].people, FOR)
    close_now(first.poll)
    question.refresh_from_db()
    assert question.state == "ratifying"  # the other assembly has not even voted
    polls_tick()
    second = AssemblyVote.objects.exclude(pk=first.pk).get(question=question, kind="ratify")
    vote_all(second.poll, world.blocks[second.institution.slug[-1]].people, FOR)
    close_now(second.poll)
    question.refresh_from_db()
    assert question.state == "ratified"


def test_delegates_are_emailed_when_their_council_votes_with_their_mandate(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from bloc.confederation.questions import question_create, voting_open
    from bloc.decisions.models import PollEmailOptOut

    convener = world.blocks["a"].people[1]
    question = question_create(
        actor=convener, council=world.north, title="Close Elm Street", mandates_close_at=soon()
    )
    polls = {
        v.institution.slug: v.poll
        for v in question.assembly_votes.select_related("poll", "institution")
    }
    vote_all(polls["block-a"], world.blocks["a"].people, FOR)
    vote_all(polls["block-b"], world.blocks["b"].people, AGAINST)
    for poll in polls.values():
        close_now(poll)
    b_delegate = world.blocks["b"].people[1]
    b_delegate.preferred_language = "es"
    b_delegate.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        voting_open(actor=convener, question=question)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {convener.email, b_delegate.email}
    english = by_address[convener.email]
    assert "Your vote in Northside: Close Elm Street" in english.subject
    assert "The mandate you carry: For." in english.body
    assert f"/councils/{world.north.slug}/questions/{question.pk}/" in english.body
    assert by_address[b_delegate.email].subject == "Tu voto en Northside: Close Elm Street"
    PollEmailOptOut.objects.create(user=convener)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question_create(actor=convener, council=world.north, title="Paint the fence")
    assert [m.to[0] for m in mail.outbox] == [b_delegate.email]
