"""A candidate's endorsement from nomination to the chapter's vote, and its recall.

Cycles, candidates, nominations, answers and pledges are made directly (their own
services are another part's); the stages, the assemblies' polls and the chapter's
question go through the endorsement services, voted as people vote."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.actors import SYSTEM
from tests.confederation.conftest import AGAINST, FOR, vote_all
from tests.conftest import make_person
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(world):
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=3)


def make_cycle(world, **thresholds):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Cycle

    values = {
        "nominations_needed": 2,
        "answered_percent": 50,
        "assembly_percent": 50,
        "chapter_percent": 60,
        "pledges_needed": 2,
        **thresholds,
    }
    return Cycle.objects.create(chapter=world.chapter, title="City elections 2027",
                                election_date=datetime.date(2027, 11, 2), council=world.city,
                                **values)  # fmt: skip


def make_candidate(cycle, name="Rosa Ortiz", level="local"):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Candidate
    from bloc.electoral.questionnaires import new_secret

    return Candidate.objects.create(cycle=cycle, name=name, office="City council",
                                    district="Ward 3", level=level,
                                    token_hash=new_secret()[1])  # fmt: skip


def nominate(candidate, world, *keys):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Nomination

    for key in keys:
        Nomination.objects.create(candidate=candidate, institution=world.blocks[key].institution)


def pledge(candidate, world, n):  # type: ignore[no-untyped-def]
    from bloc.electoral.models import Pledge, Priority

    for i in range(n):
        priority, _ = Priority.objects.get_or_create(
            chapter=world.chapter, title=f"Priority {i}",
            defaults={"category": "ecology", "proposed_by": world.blocks["a"].institution},
        )  # fmt: skip
        Pledge.objects.create(candidate=candidate, priority=priority, text="I pledge",
                              signed_name=candidate.name, signed_at=timezone.now())  # fmt: skip


def assembly_polls(candidate):  # type: ignore[no-untyped-def]
    return {
        b.institution.slug[-1]: b.poll
        for b in candidate.endorsement_ballots.select_related("poll", "institution")
    }


def to_chapter_vote(world, organizer, candidate, votes):  # type: ignore[no-untyped-def]
    """Send the candidate to the assemblies; each block votes as ``votes`` says."""
    from bloc.electoral.endorsements import endorsement_send

    endorsement_send(actor=organizer, candidate=candidate, closes_at=soon())
    polls = assembly_polls(candidate)
    for key, choice in votes.items():
        vote_all(polls[key], world.blocks[key].people, choice)
    for poll in polls.values():
        close_now(poll)
    candidate.refresh_from_db()
    return candidate


def chapter_decides(world, organizer, candidate, north, south):  # type: ignore[no-untyped-def]
    """The city council's two delegates vote; the vote is closed."""
    from bloc.confederation.questions import delegate_vote, question_close
    from bloc.electoral.endorsements import chapter_vote_open

    chapter_vote = chapter_vote_open(actor=organizer, candidate=candidate)
    question = chapter_vote.question
    assert question.council == world.city and question.state == "voting"
    delegate_vote(actor=world.blocks["a"].people[1], question=question, position=north)
    delegate_vote(actor=world.blocks["c"].people[1], question=question, position=south)
    question_close(actor=organizer, question=question)
    chapter_vote.refresh_from_db()
    candidate.refresh_from_db()
    return chapter_vote


def test_nominated_answered_voted_by_the_assemblies_and_endorsed_by_the_chapter(world, organizer):
    from bloc.core.errors import Conflict
    from bloc.electoral.endorsements import candidate_advance
    from bloc.electoral.models import Answer, Question

    cycle = make_cycle(world)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    with pytest.raises(Conflict, match="1 of the 2 assemblies"):
        candidate_advance(actor=organizer, candidate=candidate)
    nominate(candidate, world, "b")
    candidate = candidate_advance(actor=organizer, candidate=candidate)
    assert candidate.stage == "questionnaire"
    assert "Nominated by 2 assemblies" in candidate.stage_note

    one, _two = (Question.objects.create(cycle=cycle, text=f"Q{n}", kind="text") for n in (1, 2))
    with pytest.raises(Conflict, match="0 of the 2 questions"):
        candidate_advance(actor=organizer, candidate=candidate)
    Answer.objects.create(candidate=candidate, question=one, text="Yes, and more.")
    candidate = candidate_advance(actor=organizer, candidate=candidate)
    assert candidate.stage == "assembly_votes"

    # a and b for, c against, d does not vote: 2 of the 3 deciding assemblies (66%).
    candidate = to_chapter_vote(world, organizer, candidate, {"a": FOR, "b": FOR, "c": AGAINST})
    assert candidate.stage == "chapter_vote"
    assert "2 of the 3 assemblies that decided were for (66%; 50% needed)" in (candidate.stage_note)

    pledge(candidate, world, 2)
    vote = chapter_decides(world, organizer, candidate, "for", "for")
    assert vote.passed is True and candidate.stage == "endorsed"
    assert candidate.endorsed_at is not None
    assert "2 of the 2 delegates' votes" in vote.explanation
    assert "2 pledges signed (2 needed)" in candidate.stage_note


def test_carried_but_without_enough_pledges_the_candidate_is_not_endorsed(world, organizer):
    cycle = make_cycle(world, questionnaire=False, assembly_votes=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "c")
    from bloc.electoral.endorsements import candidate_advance

    candidate = candidate_advance(actor=organizer, candidate=candidate)
    assert candidate.stage == "chapter_vote"  # the cycle skips the two stages it turns off
    pledge(candidate, world, 1)
    vote = chapter_decides(world, organizer, candidate, "for", "for")
    assert vote.question.state == "carried"
    assert vote.passed is False and candidate.stage == "not_endorsed"
    assert "too few pledges signed" in candidate.stage_note


def test_too_small_a_share_of_delegates_for_is_not_an_endorsement(world, organizer):
    cycle = make_cycle(world, questionnaire=False, assembly_votes=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "c")
    from bloc.electoral.endorsements import candidate_advance

    candidate = candidate_advance(actor=organizer, candidate=candidate)
    pledge(candidate, world, 3)
    vote = chapter_decides(world, organizer, candidate, "for", "against")
    assert vote.passed is False and candidate.stage == "not_endorsed"
    assert "1 of the 2 delegates' votes" in vote.explanation


def test_the_assemblies_against_end_the_candidacy(world, organizer):
    from bloc.electoral.endorsements import candidate_advance

    cycle = make_cycle(world, questionnaire=False, nominations_needed=1, assembly_percent=60)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    candidate = candidate_advance(actor=organizer, candidate=candidate)
    assert candidate.stage == "assembly_votes"
    votes = {"a": FOR, "b": AGAINST, "c": AGAINST, "d": FOR}
    candidate = to_chapter_vote(world, organizer, candidate, votes)
    assert candidate.stage == "not_endorsed"
    assert "2 of the 4 assemblies that decided were for (50%; 60% needed)" in (candidate.stage_note)
    from bloc.electoral.endorsement_selectors import endorsement_state

    stages = {row.key: row.state for row in endorsement_state(candidate)["stages"]}
    assert stages == {"nomination": "done", "questionnaire": "skipped",
                      "assembly_votes": "stopped", "chapter_vote": "ended"}  # fmt: skip


def test_a_member_assembly_recalls_an_endorsement_through_the_chapter(world, organizer):
    from bloc.confederation.questions import delegate_vote, question_close
    from bloc.electoral.endorsements import candidate_advance, recall_start

    cycle = make_cycle(world, questionnaire=False, assembly_votes=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    candidate = candidate_advance(actor=organizer, candidate=candidate)
    pledge(candidate, world, 2)
    chapter_decides(world, organizer, candidate, "for", "for")
    assert candidate.stage == "endorsed"

    # A recall the council does not carry: the endorsement stands, and says so.
    c = world.blocks["c"]
    kept = recall_start(actor=c.facilitator, candidate=candidate, institution=c.institution,
                        reason="She voted for the highway.")  # fmt: skip
    assert kept.kind == "recall" and kept.started_by == c.institution
    delegate_vote(actor=world.blocks["a"].people[1], question=kept.question, position="against")
    delegate_vote(actor=c.people[1], question=kept.question, position="against")
    question_close(actor=organizer, question=kept.question)
    kept.refresh_from_db()
    candidate.refresh_from_db()
    assert kept.passed is False and "the endorsement stands" in kept.explanation
    assert candidate.stage == "endorsed"

    recall = recall_start(actor=c.facilitator, candidate=candidate, institution=c.institution,
                          reason="She broke her pledge on the land trust.")  # fmt: skip
    assert "broke her pledge" in recall.question.body
    delegate_vote(actor=world.blocks["a"].people[1], question=recall.question, position="for")
    delegate_vote(actor=c.people[1], question=recall.question, position="for")
    question_close(actor=organizer, question=recall.question)
    recall.refresh_from_db()
    candidate.refresh_from_db()
    assert recall.passed is True and candidate.stage == "recalled"
    assert "the endorsement is recalled" in candidate.stage_note


def test_a_candidate_who_withdraws_is_no_longer_voted_on_by_the_assemblies(world, organizer):
    from bloc.core.errors import Conflict
    from bloc.decisions.voting import vote
    from bloc.electoral.endorsements import endorsement_send
    from bloc.electoral.models import Candidate
    from bloc.electoral.questionnaires import candidate_withdraw, new_secret

    cycle = make_cycle(world)
    candidate = make_candidate(cycle)
    secret, digest = new_secret()
    Candidate.objects.filter(pk=candidate.pk).update(token_hash=digest, stage="assembly_votes")
    candidate.refresh_from_db()
    endorsement_send(actor=organizer, candidate=candidate, closes_at=soon())
    polls = assembly_polls(candidate)
    vote(actor=world.blocks["a"].people[0], poll=polls["a"], data=FOR)

    candidate = candidate_withdraw(secret=secret)
    assert candidate.stage == "withdrawn"
    for poll in polls.values():
        poll.refresh_from_db()
        assert poll.cancelled_at is not None and poll.closed_at is None
    with pytest.raises(Conflict):
        vote(actor=world.blocks["b"].people[0], poll=polls["b"], data=FOR)
