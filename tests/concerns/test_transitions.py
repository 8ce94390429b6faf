"""A concern's life cycle as a pure rule."""

import pytest

from bloc.core.concerns import (
    ACKNOWLEDGED,
    DECLINED,
    IN_PROGRESS,
    REPORTED,
    RESOLVED,
    STATES,
    ConcernProblem,
    check_transition,
    next_states,
)


def test_the_path_forward_and_declining_from_any_open_state():
    check_transition(REPORTED, ACKNOWLEDGED, "")
    check_transition(ACKNOWLEDGED, IN_PROGRESS, "")
    check_transition(IN_PROGRESS, RESOLVED, "Fixed on Monday")
    for state in (REPORTED, ACKNOWLEDGED, IN_PROGRESS):
        check_transition(state, DECLINED, "Not ours: the city's")
    assert next_states(REPORTED) == (ACKNOWLEDGED, DECLINED)
    assert next_states(RESOLVED) == ()


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (REPORTED, IN_PROGRESS),
        (REPORTED, RESOLVED),
        (ACKNOWLEDGED, RESOLVED),
        (IN_PROGRESS, ACKNOWLEDGED),
        (RESOLVED, IN_PROGRESS),
        (DECLINED, REPORTED),
        (REPORTED, REPORTED),
        (REPORTED, "nonsense"),
    ],
)
def test_skipping_going_back_and_reopening_are_refused(current, target):
    with pytest.raises(ConcernProblem) as refused:
        check_transition(current, target, "some text")
    assert refused.value.code == "not_allowed"


def test_closing_needs_a_word_on_why():
    for target, current in ((RESOLVED, IN_PROGRESS), (DECLINED, REPORTED)):
        with pytest.raises(ConcernProblem) as refused:
            check_transition(current, target, "   ")
        assert refused.value.code == "text_required"


def test_closed_states_are_final_and_every_state_is_reachable():
    reachable = {REPORTED}
    for state in STATES:
        reachable |= set(next_states(state))
    assert reachable == set(STATES)
    assert not next_states(DECLINED)
