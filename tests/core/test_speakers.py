"""The speakers' queue orderings, as rules that hold for every queue."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.speakers import (
    FEWEST_SPOKEN,
    FIRST_COME,
    ORDERINGS,
    PROGRESSIVE,
    Waiting,
    order,
    speaking_shares,
)


@st.composite
def queues(draw):  # type: ignore[no-untyped-def]
    size = draw(st.integers(0, 12))
    joined = draw(st.permutations(range(size)))
    return [
        Waiting(
            who=person,
            joined=joined[person],
            turns=draw(st.integers(0, 3)),
            seconds=draw(st.sampled_from([0.0, 30.0, 60.0, 90.0])),
            recent_seconds=draw(st.sampled_from([0.0, 100.0, 200.0])),
            less_heard=draw(st.booleans()),
        )
        for person in range(size)
    ]


def spoken_more(a: Waiting, b: Waiting) -> bool:
    return (a.turns, a.seconds) > (b.turns, b.seconds)


@given(queues(), st.sampled_from(ORDERINGS))
def test_every_ordering_is_a_deterministic_permutation(queue, ordering):
    first = order(queue, ordering)
    assert sorted(p.who for p in first) == sorted(p.who for p in queue)
    assert order(list(reversed(queue)), ordering) == first


@given(queues())
def test_first_come_is_the_order_of_joining(queue):
    assert [p.joined for p in order(queue, FIRST_COME)] == sorted(p.joined for p in queue)


@given(queues())
def test_fewest_spoken_never_puts_who_spoke_more_ahead(queue):
    ordered = order(queue, FEWEST_SPOKEN)
    for i, ahead in enumerate(ordered):
        for behind in ordered[i + 1 :]:
            assert not spoken_more(ahead, behind)


@given(queues())
def test_progressive_stack_lifts_the_less_heard_within_a_round_of_turns(queue):
    ordered = order(queue, PROGRESSIVE)
    for i, ahead in enumerate(ordered):
        for behind in ordered[i + 1 :]:
            assert ahead.turns <= behind.turns  # nobody speaks twice before others once
            if ahead.turns == behind.turns and behind.less_heard:
                assert ahead.less_heard  # no one else goes ahead of a less-heard member


def test_ties_go_to_who_joined_first_and_then_to_recent_silence():
    a = Waiting(who=1, joined=2)
    b = Waiting(who=2, joined=1)
    c = Waiting(who=3, joined=0, recent_seconds=300.0)
    assert [p.who for p in order([a, b, c], FEWEST_SPOKEN)] == [2, 1, 3]
    assert [p.who for p in order([a, b, c], FIRST_COME)] == [3, 2, 1]


def test_bad_queues_are_refused():
    with pytest.raises(ValueError, match="twice"):
        order([Waiting(1, 0), Waiting(1, 1)], FIRST_COME)
    with pytest.raises(ValueError, match="unknown ordering"):
        order([], "loudest_first")
    with pytest.raises(ValueError, match="negative"):
        Waiting(1, 0, seconds=-1.0)


def test_speaking_shares_compare_time_with_attendance():
    shares = speaking_shares({1: "renters", 2: "renters", 3: "owners", 4: ""}, {1: 60.0, 3: 180.0})
    by_group = {s.group: s for s in shares}
    assert by_group["renters"].attendance_share == 0.5
    assert by_group["renters"].speaking_share == 0.25
    assert by_group["renters"].ratio == 0.5
    assert by_group["owners"].ratio == 3.0
    assert by_group[""].seconds == 0.0
    assert speaking_shares({}, {}) == []
