"""Every refusal of the endorsement services says why and writes nothing; and the
stages hold when a candidate withdraws or an assembly's poll is cancelled."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.confederation.conftest import FOR, vote_all
from tests.conftest import make_person
from tests.decisions.conftest import close_now
from tests.electoral.test_endorsement_flow import (
    chapter_decides,
    make_candidate,
    make_cycle,
    nominate,
    pledge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(world):
    from bloc.institutions.services import chapter_organizer_add

    person = make_person("org@example.org", "Olga Organizer")
    chapter_organizer_add(actor=SYSTEM, chapter=world.chapter, user=person)
    return person


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=3)


def snapshot(candidate):  # type: ignore[no-untyped-def]
    """What a refusal must leave as it was."""
    from bloc.confederation.models import Question
    from bloc.decisions.models import Poll
    from bloc.electoral.models import Candidate, ChapterVote, EndorsementBallot, RubricScore

    row = Candidate.objects.values("stage", "stage_note", "endorsed_at").get(pk=candidate.pk)
    return (
        row,
        AuditEvent.objects.count(),
        Poll.objects.count(),
        Question.objects.count(),
        EndorsementBallot.objects.count(),
        ChapterVote.objects.count(),
        RubricScore.objects.count(),
    )


def refused(candidate, error, call, match=None):  # type: ignore[no-untyped-def]
    before = snapshot(candidate)
    with pytest.raises(error, match=match):
        call()
    assert snapshot(candidate) == before


def test_moving_a_candidate_is_refused_to_others_and_below_the_threshold(world, organizer):
    from bloc.electoral import endorsements as e

    cycle = make_cycle(world)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a", "b")
    facilitator = world.blocks["a"].facilitator
    refused(candidate, PermissionDenied, lambda: e.candidate_advance(actor=facilitator,
                                                                      candidate=candidate))  # fmt: skip
    candidate = e.candidate_advance(actor=organizer, candidate=candidate)
    refused(candidate, Conflict, lambda: e.candidate_advance(actor=organizer, candidate=candidate),
            match="no questions yet")  # fmt: skip
    refused(candidate, ValidationFailed,
            lambda: e.candidate_decline(actor=organizer, candidate=candidate, reason="  "))  # fmt: skip
    refused(candidate, Conflict, lambda: e.endorsement_send(actor=organizer, candidate=candidate,
                                                             closes_at=soon()))  # fmt: skip
    refused(candidate, Conflict, lambda: e.chapter_vote_open(actor=organizer, candidate=candidate))
    declined = e.candidate_decline(actor=organizer, candidate=candidate,
                                   reason="No answers by the deadline.")  # fmt: skip
    assert declined.stage == "not_endorsed" and declined.stage_note == "No answers by the deadline."
    refused(declined, Conflict, lambda: e.candidate_advance(actor=organizer, candidate=declined))


def test_sending_twice_or_into_the_past_is_refused(world, organizer):
    from bloc.electoral import endorsements as e

    cycle = make_cycle(world, questionnaire=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    candidate = e.candidate_advance(actor=organizer, candidate=candidate)
    refused(candidate, Conflict, lambda: e.candidate_advance(actor=organizer, candidate=candidate),
            match="The assemblies decide")  # fmt: skip
    past = timezone.now() - datetime.timedelta(hours=1)
    refused(candidate, ValidationFailed,
            lambda: e.endorsement_send(actor=organizer, candidate=candidate, closes_at=past))  # fmt: skip
    e.endorsement_send(actor=organizer, candidate=candidate, closes_at=soon())
    refused(candidate, Conflict,
            lambda: e.endorsement_send(actor=organizer, candidate=candidate, closes_at=soon()),
            match="already with the assemblies")  # fmt: skip


def test_the_rubric_refuses_local_races_bad_scores_and_decided_candidacies(world, organizer):
    from bloc.electoral import endorsements as e

    cycle = make_cycle(world, questionnaire=False, assembly_votes=False, nominations_needed=1)
    local = make_candidate(cycle, name="Lou Local")
    state = make_candidate(cycle, name="Ana State", level="state")
    refused(local, Conflict, lambda: e.rubric_score(actor=organizer, candidate=local,
                                                     scores={0: 3}), match="state and national")  # fmt: skip
    refused(state, ValidationFailed, lambda: e.rubric_score(actor=organizer, candidate=state,
                                                             scores={0: 6}))  # fmt: skip
    refused(state, ValidationFailed, lambda: e.rubric_score(actor=organizer, candidate=state,
                                                             scores={7: 3}))  # fmt: skip
    refused(state, PermissionDenied,
            lambda: e.rubric_score(actor=world.blocks["a"].facilitator, candidate=state,
                                   scores={0: 3}))  # fmt: skip
    e.rubric_score(actor=organizer, candidate=state, scores={0: 3})
    e.rubric_score(actor=organizer, candidate=state, scores={0: 4})  # changes the score
    assert list(state.rubric_scores.values_list("score", flat=True)) == [4]
    state = e.candidate_decline(actor=organizer, candidate=state, reason="Dropped out.")
    refused(state, Conflict, lambda: e.rubric_score(actor=organizer, candidate=state,
                                                     scores={1: 3}), match="decided")  # fmt: skip


def test_a_recall_needs_an_officer_of_a_member_assembly_a_reason_and_an_endorsement(
    world, organizer
):
    from bloc.electoral import endorsements as e
    from bloc.institutions.services import institution_create
    from bloc.membership.roles import role_term_assign
    from tests.conftest import member

    cycle = make_cycle(world, questionnaire=False, assembly_votes=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    c = world.blocks["c"]

    def start(actor=c.facilitator, institution=c.institution, reason="Broke a pledge."):  # type: ignore[no-untyped-def]
        return lambda: e.recall_start(actor=actor, candidate=candidate, institution=institution,
                                      reason=reason)  # fmt: skip

    refused(candidate, Conflict, start(), match="Only an endorsement")
    candidate = e.candidate_advance(actor=organizer, candidate=candidate)
    pledge(candidate, world, 2)
    chapter_decides(world, organizer, candidate, "for", "for")
    assert candidate.stage == "endorsed"
    refused(candidate, PermissionDenied, start(actor=c.people[2]))
    refused(candidate, ValidationFailed, start(reason=""))
    outside = institution_create(actor=SYSTEM, chapter=world.chapter, name="Block E",
                                 slug="block-e", kind="block_association",
                                 addresses=["1 E Street"])  # fmt: skip
    officer = make_person("e0@example.org", "Eve Officer", address="1 E Street")
    membership = member(outside, officer, verified=True)
    today = timezone.localdate()
    role_term_assign(actor=SYSTEM, membership=membership, role="facilitator",
                     starts_on=today - datetime.timedelta(days=1),
                     ends_on=today + datetime.timedelta(days=30))  # fmt: skip
    refused(candidate, Conflict, start(actor=officer, institution=outside), match="not one of")
    e.recall_start(actor=c.facilitator, candidate=candidate, institution=c.institution,
                   reason="Broke a pledge.")  # fmt: skip
    refused(candidate, Conflict, start(), match="already voting")


def test_a_candidate_who_withdraws_during_the_votes_stays_withdrawn(world, organizer):
    from bloc.electoral import endorsements as e
    from bloc.electoral.models import Candidate

    cycle = make_cycle(world, questionnaire=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    candidate = e.candidate_advance(actor=organizer, candidate=candidate)
    e.endorsement_send(actor=organizer, candidate=candidate, closes_at=soon())
    Candidate.objects.filter(pk=candidate.pk).update(stage="withdrawn")
    for ballot in candidate.endorsement_ballots.select_related("poll", "institution"):
        vote_all(ballot.poll, world.blocks[ballot.institution.slug[-1]].people, FOR)
        close_now(ballot.poll)
    candidate.refresh_from_db()
    assert candidate.stage == "withdrawn"


def test_a_cancelled_assembly_poll_decides_nothing_and_the_count_goes_on(world, organizer):
    from bloc.decisions.polls import poll_cancel
    from bloc.electoral import endorsements as e

    cycle = make_cycle(world, questionnaire=False, nominations_needed=1)
    candidate = make_candidate(cycle)
    nominate(candidate, world, "a")
    candidate = e.candidate_advance(actor=organizer, candidate=candidate)
    e.endorsement_send(actor=organizer, candidate=candidate, closes_at=soon())
    ballots = {b.institution.slug[-1]: b for b in candidate.endorsement_ballots.select_related(
        "poll", "institution")}  # fmt: skip
    for key in ("a", "b", "c"):
        vote_all(ballots[key].poll, world.blocks[key].people, FOR)
        close_now(ballots[key].poll)
    candidate.refresh_from_db()
    assert candidate.stage == "assembly_votes"  # d is still voting
    poll_cancel(actor=world.blocks["d"].facilitator, poll=ballots["d"].poll, reason="Mistake.")
    candidate = e.endorsement_sync(candidate)
    assert candidate.stage == "chapter_vote"
    assert "3 of the 3 assemblies that decided" in candidate.stage_note
