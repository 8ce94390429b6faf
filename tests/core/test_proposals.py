"""A proposal's life cycle and a poll's phases."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.proposals import (
    ADOPTED,
    CARRIED_OUT,
    CLOSED,
    DISCUSSION,
    DRAFT,
    OPEN,
    REJECTED,
    SCHEDULED,
    STATES,
    TRANSITIONS,
    VOTE,
    WITHDRAWN,
    ProposalProblem,
    check_transition,
    poll_phase,
)

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def refused(current, target, **kwargs):
    with pytest.raises(ProposalProblem) as caught:
        check_transition(current, target, now=NOW, **kwargs)
    return caught.value.code, caught.value.params


def test_the_happy_path_from_draft_to_carried_out():
    check_transition(DRAFT, DISCUSSION, now=NOW)
    check_transition(DISCUSSION, VOTE, now=NOW, discussion_since=NOW - timedelta(days=8),
                     min_discussion=timedelta(days=7))  # fmt: skip
    check_transition(VOTE, ADOPTED, now=NOW, by_poll=True)
    check_transition(ADOPTED, CARRIED_OUT, now=NOW)


def test_a_vote_cannot_start_before_the_minimum_discussion_time():
    code, params = refused(
        DISCUSSION,
        VOTE,
        discussion_since=NOW - timedelta(days=6, hours=22, minutes=30),
        min_discussion=timedelta(days=7),
    )
    assert code == "discussion_too_short"
    assert params == {"hours_left": 2}


def test_amendments_are_decided_before_the_main_motion():
    assert refused(DISCUSSION, VOTE, pending_amendments=2) == ("amendments_pending", {"count": 2})


def test_only_the_poll_decides_a_vote():
    assert refused(VOTE, ADOPTED) == ("decided_by_poll", {})
    assert refused(VOTE, REJECTED) == ("decided_by_poll", {})


@given(st.sampled_from(STATES), st.sampled_from(STATES))
def test_no_transition_outside_the_table(current, target):
    if target in TRANSITIONS[current]:
        return
    assert refused(current, target)[0] == "not_allowed"


def test_finished_proposals_stay_finished():
    for state in (REJECTED, CARRIED_OUT, WITHDRAWN):
        assert not TRANSITIONS[state]
    assert refused(REJECTED, CARRIED_OUT)[0] == "not_allowed"


def test_poll_phases_follow_the_clock():
    opens, closes = NOW, NOW + timedelta(days=3)
    assert poll_phase(opens, closes, NOW - timedelta(seconds=1)) == SCHEDULED
    assert poll_phase(opens, closes, NOW) == OPEN
    assert poll_phase(opens, closes, closes - timedelta(microseconds=1)) == OPEN
    assert poll_phase(opens, closes, closes) == CLOSED
    with pytest.raises(ValueError, match="close after"):
        poll_phase(closes, opens, NOW)
