"""The voting guarantees: one person one vote across channels, the snapshot electorate,
voting only while open, nothing lost at the closing instant, quorum, and an audit
log that never ties a secret ballot to its voter."""

from __future__ import annotations

import dataclasses
import datetime
import json
import threading

import pytest
from django.db import connection
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.audit.services import subject_label
from bloc.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from bloc.decisions import in_person
from bloc.decisions.models import (
    EligibleVoter,
    OpenBallot,
    Participation,
    Poll,
    SecretBallot,
)
from bloc.decisions.polls import poll_cancel
from bloc.decisions.voting import vote
from bloc.institutions.selectors import bylaws_settings
from bloc.institutions.services import bylaws_amend
from bloc.membership.models import Membership
from bloc.membership.roles import role_term_assign
from tests.conftest import make_person, member
from tests.decisions.conftest import close_now, open_poll

pytestmark = pytest.mark.django_db


def set_bylaws(institution, **changes):  # type: ignore[no-untyped-def]
    rules = dataclasses.replace(bylaws_settings(institution=institution), **changes)
    bylaws_amend(actor=SYSTEM, institution=institution, text="Our bylaws.", rules=rules)


def make_secretary(institution, person):  # type: ignore[no-untyped-def]
    """A second person who may record votes cast in the room (paper needs two)."""
    today = timezone.localdate()
    role_term_assign(
        actor=SYSTEM,
        membership=Membership.objects.get(institution=institution, user=person),
        role="secretary",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=200),
    )
    return person


def stored(poll) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return (
        Participation.objects.filter(poll=poll).count(),
        SecretBallot.objects.filter(poll=poll).count(),
        OpenBallot.objects.filter(poll=poll).count(),
    )


def refused(code, call, *args, **kwargs):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_one_person_one_vote_across_channels(maple, voters):
    fiona, online_first, roster_first, *_ = voters
    poll = open_poll(maple, fiona, title="Repaint?", secret=True)

    vote(actor=online_first, poll=poll, data=0)
    error = refused(
        "voted_online",
        in_person.roster_check_off,
        actor=fiona,
        poll=poll,
        user_ids=[online_first.pk],
    )
    assert isinstance(error, Conflict)

    assert in_person.roster_check_off(actor=fiona, poll=poll, user_ids=[roster_first.pk]) == 1
    refused("voted_in_person", vote, actor=roster_first, poll=poll, data=1)
    # A check-off of someone already checked off changes nothing.
    assert in_person.roster_check_off(actor=fiona, poll=poll, user_ids=[roster_first.pk]) == 0
    assert stored(poll) == (2, 1, 0)


def test_an_open_ballot_can_be_changed_until_close_and_the_last_one_counts(maple, voters):
    fiona, ana, bo, *_ = voters
    poll = open_poll(maple, fiona, rule="plurality", options=["Oak", "Elm", "Ash"], secret=False)
    first = vote(actor=ana, poll=poll, data=0)
    assert not first.changed
    second = vote(actor=ana, poll=poll, data="2")
    assert second.changed and second.receipt != first.receipt
    vote(actor=bo, poll=poll, data=1)
    ballot = OpenBallot.objects.get(poll=poll, user=ana)
    assert (ballot.content, ballot.receipt, ballot.changes) == ("2", second.receipt, 1)
    assert stored(poll) == (2, 0, 2)

    close_now(poll)
    published = json.loads(poll.ballots_file)["ballots"]
    receipts = {row["receipt"] for row in published}
    assert second.receipt in receipts and first.receipt not in receipts
    assert poll.outcome == "tied"  # Elm 1, Ash 1: the change moved Ana's vote off Oak
    assert poll.result["rounds"][0]["totals"] == {"1": 0, "2": 1, "3": 1}


def test_when_the_bylaws_forbid_changes_a_second_open_ballot_is_refused(maple, voters):
    fiona, ana, *_ = voters
    set_bylaws(maple, vote_change_allowed=False)
    poll = open_poll(maple, fiona, secret=False)
    cast = vote(actor=ana, poll=poll, data=0)
    refused("already_voted", vote, actor=ana, poll=poll, data=1)
    ballot = OpenBallot.objects.get(poll=poll, user=ana)
    assert (ballot.content, ballot.receipt, ballot.changes) == ("0", cast.receipt, 0)


def test_a_second_secret_ballot_is_refused(maple, voters):
    fiona, ana, *_ = voters
    poll = open_poll(maple, fiona, secret=True)
    vote(actor=ana, poll=poll, data=0)
    refused("already_voted", vote, actor=ana, poll=poll, data=1)
    assert stored(poll) == (1, 1, 0)


def test_the_electorate_is_the_snapshot_taken_when_the_poll_opened(maple, voters):
    fiona, leaver, *_ = voters
    poll = open_poll(maple, fiona)
    assert poll.electorate == 6 and EligibleVoter.objects.filter(poll=poll).count() == 6

    newcomer = make_person("new@example.org", "Nora New", address="114 Maple Street")
    member(maple, newcomer, verified=True)  # verified now, after the poll opened
    error = refused("not_eligible", vote, actor=newcomer, poll=poll, data=0)
    assert isinstance(error, PermissionDenied)

    from bloc.membership.services import membership_leave

    membership_leave(actor=leaver, membership=Membership.objects.get(user=leaver))
    assert vote(actor=leaver, poll=poll, data=0).receipt
    assert stored(poll) == (1, 1, 0)


def test_votes_outside_the_voting_time_are_refused_and_nothing_is_stored(maple, voters):
    fiona, ana, *_ = voters
    now = timezone.now()
    later = open_poll(
        maple,
        fiona,
        title="Later",
        opens_at=now + datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    refused("not_open_yet", vote, actor=ana, poll=later, data=0)
    assert later.electorate is None  # no snapshot before it opens

    done = open_poll(maple, fiona, title="Done")
    close_now(done)
    refused("poll_closed", vote, actor=ana, poll=done, data=0)

    dropped = open_poll(maple, fiona, title="Dropped")
    poll_cancel(actor=fiona, poll=dropped, reason="Asked twice")
    refused("poll_cancelled", vote, actor=ana, poll=dropped, data=0)
    refused("poll_not_open", in_person.roster_check_off, actor=fiona, poll=done, user_ids=[ana.pk])

    for poll in (later, done, dropped):
        assert stored(poll) == (0, 0, 0)


def test_bad_ballots_are_refused_and_nothing_is_stored(maple, voters):
    fiona, ana, *_ = voters
    ranked = open_poll(maple, fiona, rule="irv", options=["Ana", "Bo", "Cy"])
    approval = open_poll(
        maple, fiona, rule="approval", options=["A", "B", "C"], parameters={"max_approvals": 1}
    )
    for poll, data, code in [
        (ranked, {0: 1, 1: 1}, "same_rank"),
        (ranked, {0: 4}, "bad_rank"),
        (ranked, {7: 1}, "unknown_option"),
        (approval, [0, 1], "too_many_approvals"),
        (approval, "0", "unknown_option"),
    ]:
        error = refused(code, vote, actor=ana, poll=poll, data=data)
        assert isinstance(error, ValidationFailed) and error.fields["ballot"]
        assert stored(poll) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_ballot_cast_at_the_closing_instant_is_counted_or_refused_never_lost(maple, voters):
    fiona, *members = voters
    poll = open_poll(maple, fiona, title="Close race", secret=True)
    start = threading.Barrier(len(members) + 1)
    acknowledged: list[str] = []
    refusals: list[str] = []
    problems: list[BaseException] = []

    def cast(person, choice):  # type: ignore[no-untyped-def]
        try:
            start.wait()
            acknowledged.append(
                vote(actor=person, poll=Poll.objects.get(pk=poll.pk), data=choice).receipt
            )
        except Conflict as error:
            refusals.append(error.code)
        except BaseException as error:  # noqa: BLE001 - reported below
            problems.append(error)
        finally:
            connection.close()

    def close():  # type: ignore[no-untyped-def]
        try:
            start.wait()
            close_now(Poll.objects.get(pk=poll.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(p, i % 3)) for i, p in enumerate(members)]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not problems, problems
    assert set(refusals) <= {"poll_closed"}
    assert len(acknowledged) + len(refusals) == len(members)
    poll.refresh_from_db()
    published = [row["receipt"] for row in json.loads(poll.ballots_file)["ballots"]]
    assert sorted(published) == sorted(acknowledged)
    assert poll.result["total_ballots"] == len(acknowledged)


def test_a_motion_without_quorum_is_rejected_and_an_election_decides_nothing(maple, voters):
    fiona, ana, bo, *_ = voters
    set_bylaws(maple, quorum_percent=50)
    motion = open_poll(maple, fiona, title="Motion", rule="majority")
    election = open_poll(maple, fiona, title="Chair", rule="irv", options=["Ana", "Bo", "Cy"])
    assert (motion.quorum, motion.electorate) == (3, 6)
    for person in (ana, bo):
        vote(actor=person, poll=motion, data=0)  # for, unanimously
        vote(actor=person, poll=election, data={0: 1})
    close_now(motion)
    close_now(election)
    assert motion.outcome == "rejected"
    assert motion.result["motion"] is not None and motion.result["winners"] != [1]
    assert election.outcome == "no_quorum"
    assert election.result["winners"] == [1]  # the count is shown, but decides nothing

    # With the quorum met, the same motion passes.
    passing = open_poll(maple, fiona, title="Motion again", rule="majority")
    for person in voters[:3]:
        vote(actor=person, poll=passing, data=0)
    close_now(passing)
    assert passing.outcome == "adopted"


def _poll_events(poll):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject=subject_label(poll)).order_by("seq"))


def test_the_audit_log_never_holds_a_secret_ballot_or_its_receipt(maple, voters):
    fiona, ana, bo, cy, dee, eve = voters
    make_secretary(maple, eve)
    poll = open_poll(maple, fiona, rule="irv", options=["Oak", "Elm", "Ash", "Yew"])
    casts = [
        vote(actor=ana, poll=poll, data={3: 1, 2: 2, 1: 3}),
        vote(actor=bo, poll=poll, data={2: 1, 3: 2}),
    ]
    in_person.roster_check_off(actor=fiona, poll=poll, user_ids=[cy.pk, dee.pk])
    paper = [({0: 1}, 1), ({1: 1, 0: 2}, 1)]
    in_person.paper_enter(actor=fiona, poll=poll, label="box 1", lines=paper)
    in_person.paper_enter(actor=eve, poll=poll, label="box 1", lines=paper)
    close_now(poll)

    events = _poll_events(poll)
    actions = [e.action for e in events]
    assert actions.count("poll.vote") == 2 and "poll.close" in actions
    assert "poll.paper_accepted" in actions
    for event in events:
        text = json.dumps([event.actor, event.subject, event.data])
        for cast in casts:
            assert cast.receipt not in text
            assert cast.content not in text
        assert not {"ballot", "receipt", "content", "nonce"} & set(event.data)
    # The secret ballots are there, and are published.
    assert {c.receipt for c in casts} <= {
        row.get("receipt") for row in json.loads(poll.ballots_file)["ballots"]
    }


def test_an_open_poll_logs_each_ballot_and_its_changes(maple, voters):
    fiona, ana, *_ = voters
    poll = open_poll(maple, fiona, secret=False)
    first = vote(actor=ana, poll=poll, data=0)
    second = vote(actor=ana, poll=poll, data=1)
    logged = [(e.action, e.data.get("ballot"), e.data.get("receipt")) for e in _poll_events(poll)]
    assert ("poll.vote", "0", first.receipt) in logged
    assert ("poll.vote_change", "1", second.receipt) in logged
