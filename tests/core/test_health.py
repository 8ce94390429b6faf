"""Institution health: a bounded, monotone score with reasons worst first."""

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core.health import (
    CHARTER_DISTANCE,
    IRREGULAR_MEETINGS,
    LAPSED_QUORUM,
    OLD_CONCERNS,
    OVERDUE_ROTATIONS,
    PARTICIPATION_DECLINE,
    WEIGHTS,
    HealthInput,
    health,
    rank,
)


def healthy(institution_id: int = 1) -> HealthInput:
    return HealthInput(
        institution_id=institution_id,
        charter_points_met=7,
        charter_points_total=7,
        days_since_last_meeting=10,
        usual_meeting_interval_days=30,
        voters_recent=40,
        voters_previous=40,
    )


def test_weights_sum_to_100():
    assert sum(WEIGHTS.values()) == 100


def test_healthy_institution_scores_100_with_no_reasons():
    result = health(healthy())
    assert result.score == 100 and result.percent == 100
    assert result.reasons == ()


def test_hand_computed_example():
    # charter 5/7 met:         30 * 2/7               = 60/7  (~8.57)
    # last meeting 50 days ago, usual every 30: late 20 of a 60-day span
    #                          20 * 20/60             = 20/3  (~6.67)
    # voters 40 -> 30:         20 * 10/40             = 5
    # 1 overdue rotation:      10 * 1/3               = 10/3  (~3.33)
    # 7 old concerns (cap 5):  10 * 5/5               = 10
    # no lapsed quorum:        0
    # lost = 60/7 + 20/3 + 5 + 10/3 + 10 = 60/7 + 25 = 235/7; score = 465/7 (~66.4)
    h = HealthInput(
        institution_id=3,
        charter_points_met=5,
        charter_points_total=7,
        days_since_last_meeting=50,
        usual_meeting_interval_days=30,
        voters_recent=30,
        voters_previous=40,
        overdue_rotations=1,
        old_concerns=7,
        lapsed_quorum=0,
    )
    result = health(h)
    assert result.score == Fraction(465, 7)
    assert result.percent == 66
    assert [(r.code, r.lost) for r in result.reasons] == [
        (OLD_CONCERNS, Fraction(10)),
        (CHARTER_DISTANCE, Fraction(60, 7)),
        (IRREGULAR_MEETINGS, Fraction(20, 3)),
        (PARTICIPATION_DECLINE, Fraction(5)),
        (OVERDUE_ROTATIONS, Fraction(10, 3)),
    ]
    assert result.reasons[0].params == {"count": 7}
    assert result.reasons[2].params == {"days_since": 50, "interval": 30}


def test_worst_case_scores_zero():
    h = HealthInput(
        institution_id=1,
        charter_points_met=0,
        charter_points_total=7,
        days_since_last_meeting=None,
        usual_meeting_interval_days=30,
        voters_recent=0,
        voters_previous=10,
        overdue_rotations=99,
        old_concerns=99,
        lapsed_quorum=99,
    )
    result = health(h)
    assert result.score == 0
    assert {r.code: r.lost for r in result.reasons} == {k: Fraction(v) for k, v in WEIGHTS.items()}


def test_zero_previous_voters_loses_nothing_for_the_trend():
    result = health(replace(healthy(), voters_recent=0, voters_previous=0))
    assert result.score == 100


def test_rank_is_worst_first_with_ties_by_id():
    a = replace(healthy(5), lapsed_quorum=1)
    b = replace(healthy(2), lapsed_quorum=1)
    c = healthy(1)
    d = replace(healthy(9), old_concerns=5)
    ranked = rank([a, b, c, d])
    assert [r.institution_id for r in ranked] == [9, 2, 5, 1]
    assert [r.code for r in ranked[1].reasons] == [LAPSED_QUORUM]


@pytest.mark.parametrize(
    "change",
    [
        {"charter_points_total": 0},
        {"charter_points_met": 8},
        {"usual_meeting_interval_days": 0},
        {"old_concerns": -1},
        {"days_since_last_meeting": -1},
    ],
)
def test_invalid_input_is_refused(change):
    with pytest.raises(ValueError):
        replace(healthy(), **change)


@st.composite
def inputs(draw):
    total = draw(st.integers(1, 10))
    return HealthInput(
        institution_id=draw(st.integers(0, 100)),
        charter_points_met=draw(st.integers(0, total)),
        charter_points_total=total,
        days_since_last_meeting=draw(st.none() | st.integers(0, 400)),
        usual_meeting_interval_days=draw(st.integers(1, 60)),
        voters_recent=draw(st.integers(0, 200)),
        voters_previous=draw(st.integers(0, 200)),
        overdue_rotations=draw(st.integers(0, 8)),
        old_concerns=draw(st.integers(0, 8)),
        lapsed_quorum=draw(st.integers(0, 8)),
    )


@settings(deadline=None, max_examples=100)
@given(inputs())
def test_score_is_within_bounds_and_reasons_sorted(h):
    result = health(h)
    assert 0 <= result.score <= 100
    assert 0 <= result.percent <= 100
    losses = [r.lost for r in result.reasons]
    assert losses == sorted(losses, reverse=True)
    assert all(0 < r.lost <= WEIGHTS[r.code] for r in result.reasons)
    assert result.score == 100 - sum(losses)


@settings(deadline=None, max_examples=100)
@given(inputs(), st.integers(1, 5))
def test_score_never_rises_when_a_problem_grows(h, more):
    before = health(h).score
    worse = [
        replace(h, overdue_rotations=h.overdue_rotations + more),
        replace(h, old_concerns=h.old_concerns + more),
        replace(h, lapsed_quorum=h.lapsed_quorum + more),
        replace(h, voters_recent=max(0, h.voters_recent - more)),
        replace(h, charter_points_met=max(0, h.charter_points_met - more)),
        replace(
            h,
            days_since_last_meeting=None
            if h.days_since_last_meeting is None
            else h.days_since_last_meeting + more,
        ),
        replace(h, days_since_last_meeting=None),
    ]
    for w in worse:
        assert health(w).score <= before
