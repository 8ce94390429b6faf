"""The democratic charter: each point judged from the bylaws and from practice, and the score."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.bylaws import BylawsSettings
from bloc.core.charter import (
    MAX_SCORE_UNITS,
    POINTS,
    PRACTICE_PRIORITY,
    Assessment,
    Point,
    Practice,
    Source,
    Status,
    assess,
    charter_settings,
)

CHARTER = charter_settings(BylawsSettings())
CLEAN = Practice(verified_members=5)


def codes(assessment: Assessment, point: Point) -> list[str]:
    return [r.code for r in assessment[point].reasons]


# --- per point -------------------------------------------------------------------


def test_the_charters_settings_with_verified_members_meet_every_point():
    result = assess(CHARTER, CLEAN)
    assert [p.status for p in result.points] == [Status.MET] * 7
    assert result.score == 1
    assert result.percent == 100
    assert result.next_step.code == "keep_practising"


def test_points_come_in_the_charters_order():
    assert [p.point for p in assess(CHARTER, CLEAN).points] == list(POINTS)
    assert len(POINTS) == 7


def test_closed_membership_is_missing():
    result = assess(dataclasses.replace(CHARTER, open_membership=False), CLEAN)
    assert result[Point.OPEN_MEMBERSHIP].status is Status.MISSING
    assert codes(result, Point.OPEN_MEMBERSHIP) == ["membership_restricted"]


def test_residents_left_waiting_make_open_membership_partly_met():
    result = assess(CHARTER, dataclasses.replace(CLEAN, residents_waiting=3, waiting_days=30))
    point = result[Point.OPEN_MEMBERSHIP]
    assert point.status is Status.PARTLY
    assert point.reasons[0].code == "residents_waiting"
    assert point.reasons[0].source is Source.PRACTICE
    assert point.reasons[0].params == {"count": 3, "days": 30}


def test_weighted_votes_in_the_bylaws_are_missing_one_member_one_vote():
    result = assess(dataclasses.replace(CHARTER, one_member_one_vote=False), CLEAN)
    assert result[Point.ONE_MEMBER_ONE_VOTE].status is Status.MISSING
    assert codes(result, Point.ONE_MEMBER_ONE_VOTE) == ["votes_weighted"]


def test_weighted_polls_in_practice_make_one_member_one_vote_partly_met():
    result = assess(CHARTER, dataclasses.replace(CLEAN, weighted_votes=1))
    assert result[Point.ONE_MEMBER_ONE_VOTE].status is Status.PARTLY


def test_no_quorum_is_missing():
    result = assess(dataclasses.replace(CHARTER, quorum_percent=None), CLEAN)
    assert result[Point.QUORUM].status is Status.MISSING
    assert codes(result, Point.QUORUM) == ["no_quorum"]


def test_a_token_quorum_is_partly_met():
    result = assess(dataclasses.replace(CHARTER, quorum_percent=2), CLEAN)
    assert result[Point.QUORUM].status is Status.PARTLY
    assert result[Point.QUORUM].reasons[0].params == {"percent": 2, "floor": 5}


def test_a_quorum_met_names_its_share():
    result = assess(dataclasses.replace(CHARTER, quorum_percent=25), CLEAN)
    assert result[Point.QUORUM].status is Status.MET
    assert result[Point.QUORUM].reasons[0].params == {"percent": 25}


def test_decisions_without_quorum_make_the_quorum_partly_met():
    result = assess(CHARTER, dataclasses.replace(CLEAN, decisions_without_quorum=2))
    assert result[Point.QUORUM].status is Status.PARTLY


@pytest.mark.parametrize(
    ("months", "limit", "status", "code"),
    [
        (None, None, Status.MISSING, "no_terms"),
        (12, None, Status.PARTLY, "no_term_limit"),
        (None, 2, Status.PARTLY, "no_term_length"),
        (36, 3, Status.PARTLY, "tenure_too_long"),
        (24, 2, Status.MET, "terms_limited"),
        (6, 4, Status.MET, "terms_limited"),
    ],
)
def test_rotation_needs_both_a_term_length_and_a_term_limit(months, limit, status, code):
    settings = dataclasses.replace(CHARTER, term_months=months, term_limit=limit)
    result = assess(settings, CLEAN)
    assert result[Point.ROTATION].status is status
    assert codes(result, Point.ROTATION)[0] == code


def test_a_role_held_past_the_limit_makes_rotation_partly_met():
    result = assess(CHARTER, dataclasses.replace(CLEAN, roles_past_limit=1))
    point = result[Point.ROTATION]
    assert point.status is Status.PARTLY
    assert point.reasons[0].code == "roles_past_limit"
    assert point.reasons[0].params == {"count": 1, "limit": 2}
    assert result.next_step.code == "rotate_roles"
    assert result.next_step.point is Point.ROTATION


def test_roles_left_empty_make_rotation_partly_met():
    result = assess(CHARTER, dataclasses.replace(CLEAN, roles_unfilled=2))
    assert result[Point.ROTATION].status is Status.PARTLY
    assert result.next_step.code == "elect_role_holders"


def test_practice_against_a_limit_the_bylaws_do_not_set_is_ignored():
    settings = dataclasses.replace(CHARTER, term_limit=None)
    result = assess(settings, dataclasses.replace(CLEAN, roles_past_limit=4))
    assert codes(result, Point.ROTATION) == ["no_term_limit"]


def test_several_practice_problems_are_all_listed():
    practice = dataclasses.replace(CLEAN, roles_past_limit=1, roles_unfilled=1, terms_too_long=1)
    result = assess(CHARTER, practice)
    assert codes(result, Point.ROTATION) == ["roles_past_limit", "terms_too_long", "roles_unfilled"]
    assert result[Point.ROTATION].status is Status.PARTLY


def test_no_recall_is_missing_and_stalled_recalls_are_partly_met():
    assert assess(dataclasses.replace(CHARTER, recall=False), CLEAN)[Point.RECALL].status is (
        Status.MISSING
    )
    stalled = assess(CHARTER, dataclasses.replace(CLEAN, recalls_stalled=1))
    assert stalled[Point.RECALL].status is Status.PARTLY
    assert stalled[Point.RECALL].reasons[0].params == {"count": 1, "days": 60}


def test_private_records_are_missing_and_meetings_without_minutes_partly_met():
    private = assess(dataclasses.replace(CHARTER, public_records=False), CLEAN)
    assert private[Point.PUBLIC_RECORDS].status is Status.MISSING
    result = assess(CHARTER, dataclasses.replace(CLEAN, meetings_without_minutes=3))
    assert result[Point.PUBLIC_RECORDS].status is Status.PARTLY
    assert result.next_step.code == "publish_minutes"


def test_a_board_deciding_is_missing():
    result = assess(dataclasses.replace(CHARTER, member_decisions=False), CLEAN)
    assert result[Point.MEMBER_DECISIONS].status is Status.MISSING
    assert codes(result, Point.MEMBER_DECISIONS) == ["board_decides"]


def test_without_verified_members_no_one_can_decide():
    result = assess(CHARTER, Practice())
    assert result[Point.MEMBER_DECISIONS].status is Status.PARTLY
    assert codes(result, Point.MEMBER_DECISIONS) == ["no_verified_members"]
    assert result.next_step.code == "verify_residents"


def test_practice_never_turns_a_missing_point_into_anything_else():
    settings = dataclasses.replace(CHARTER, recall=False)
    result = assess(settings, dataclasses.replace(CLEAN, recalls_stalled=5))
    assert result[Point.RECALL].status is Status.MISSING
    assert codes(result, Point.RECALL) == ["no_recall"]


# --- score and next step ------------------------------------------------------------


def test_default_bylaws_score_five_half_points_of_fourteen():
    # open membership, one vote: met; decisions by members: partly (no verified member).
    result = assess(BylawsSettings())
    assert result.score == Fraction(5, 14)
    assert result.percent == 35
    assert result.with_status(Status.MISSING) == (
        Point.QUORUM,
        Point.ROTATION,
        Point.RECALL,
        Point.PUBLIC_RECORDS,
    )


def test_several_gaps_in_the_bylaws_call_for_adopting_the_charter():
    step = assess(BylawsSettings(), CLEAN).next_step
    assert step.code == "adopt_charter"
    assert step.point is None
    assert step.params == {"count": 4}


def test_one_gap_in_the_bylaws_calls_for_amending_that_point():
    step = assess(dataclasses.replace(CHARTER, recall=False), CLEAN).next_step
    assert step.code == "amend_bylaws"
    assert step.point is Point.RECALL


def test_bylaws_gaps_come_before_practice_problems():
    practice = dataclasses.replace(CLEAN, roles_past_limit=3)
    step = assess(dataclasses.replace(CHARTER, public_records=False), practice).next_step
    assert step.code == "amend_bylaws"


def test_every_practice_problem_has_a_next_step():
    steps = dict(PRACTICE_PRIORITY)
    problem_codes = {
        "no_verified_members",
        "residents_waiting",
        "decisions_by_board",
        "weighted_votes_held",
        "decisions_without_quorum",
        "roles_past_limit",
        "terms_too_long",
        "roles_unfilled",
        "recalls_stalled",
        "meetings_without_agenda",
        "meetings_without_minutes",
    }
    assert set(steps) == problem_codes


def test_practice_refuses_negative_counts():
    with pytest.raises(ValueError, match="roles_past_limit"):
        Practice(roles_past_limit=-1)


# --- adopting the charter's settings --------------------------------------------------


def test_adopting_keeps_vouching_letters_and_custom_roles():
    current = BylawsSettings(
        vouches_required=4, vouches_per_month=1, letter_code_days=30, custom_roles=("gardener",)
    )
    adopted = charter_settings(current)
    assert (adopted.vouches_required, adopted.vouches_per_month, adopted.letter_code_days) == (
        4,
        1,
        30,
    )
    assert adopted.custom_roles == ("gardener",)


def test_adopting_fills_the_charters_defaults():
    adopted = charter_settings(BylawsSettings(open_membership=False, one_member_one_vote=False))
    assert adopted.open_membership and adopted.one_member_one_vote
    assert (adopted.quorum_percent, adopted.term_months, adopted.term_limit) == (10, 12, 2)
    assert adopted.recall and adopted.public_records and adopted.member_decisions


def test_adopting_keeps_stricter_terms_and_an_existing_quorum():
    adopted = charter_settings(BylawsSettings(quorum_percent=30, term_months=6, term_limit=1))
    assert (adopted.quorum_percent, adopted.term_months, adopted.term_limit) == (30, 6, 1)


def test_adopting_tightens_looser_terms_and_raises_a_token_quorum():
    adopted = charter_settings(BylawsSettings(quorum_percent=1, term_months=48, term_limit=5))
    assert (adopted.quorum_percent, adopted.term_months, adopted.term_limit) == (10, 12, 2)


# --- properties ----------------------------------------------------------------------

optional_quorum = st.none() | st.integers(min_value=1, max_value=100)
settings_strategy = st.builds(
    BylawsSettings,
    open_membership=st.booleans(),
    one_member_one_vote=st.booleans(),
    quorum_percent=optional_quorum,
    term_months=st.none() | st.integers(min_value=1, max_value=120),
    term_limit=st.none() | st.integers(min_value=1, max_value=20),
    recall=st.booleans(),
    public_records=st.booleans(),
    member_decisions=st.booleans(),
    vouches_required=st.integers(min_value=1, max_value=10),
    vouches_per_month=st.integers(min_value=1, max_value=50),
    letter_code_days=st.integers(min_value=1, max_value=365),
)
count = st.integers(min_value=0, max_value=5)
practice_strategy = st.builds(
    Practice,
    verified_members=count,
    residents_waiting=count,
    roles_past_limit=count,
    terms_too_long=count,
    roles_unfilled=count,
    recalls_stalled=count,
    meetings_without_agenda=count,
    meetings_without_minutes=count,
    decisions_without_quorum=count,
    weighted_votes=count,
    decisions_by_board=count,
)
PROBLEM_COUNTS = [
    "residents_waiting",
    "roles_past_limit",
    "terms_too_long",
    "roles_unfilled",
    "recalls_stalled",
    "meetings_without_agenda",
    "meetings_without_minutes",
    "decisions_without_quorum",
    "weighted_votes",
    "decisions_by_board",
]

# Each point's setting, and a value that takes the point away.
REMOVALS = {
    "open_membership": False,
    "one_member_one_vote": False,
    "quorum_percent": None,
    "term_months": None,
    "term_limit": None,
    "recall": False,
    "public_records": False,
    "member_decisions": False,
}


@given(settings_strategy, st.integers(min_value=1, max_value=1000))
def test_adopting_the_charter_with_clean_practice_scores_100(settings, verified):
    result = assess(charter_settings(settings), Practice(verified_members=verified))
    assert result.percent == 100
    assert result.score == 1


@given(settings_strategy)
def test_adopting_the_charter_is_idempotent(settings):
    once = charter_settings(settings)
    assert charter_settings(once) == once


@given(settings_strategy, practice_strategy)
def test_adopting_the_charter_never_lowers_the_score(settings, practice):
    before = assess(settings, practice).score
    assert assess(charter_settings(settings), practice).score >= before


@given(settings_strategy, practice_strategy, st.sampled_from(sorted(REMOVALS)))
def test_removing_a_points_setting_never_raises_the_score(settings, practice, name):
    removed = dataclasses.replace(settings, **{name: REMOVALS[name]})
    assert assess(removed, practice).score <= assess(settings, practice).score


@given(settings_strategy, practice_strategy, st.sampled_from(PROBLEM_COUNTS), count)
def test_practice_problems_never_raise_the_score(settings, practice, name, more):
    worse = dataclasses.replace(practice, **{name: getattr(practice, name) + more})
    assert assess(settings, worse).score <= assess(settings, practice).score


@given(settings_strategy, practice_strategy)
def test_losing_every_verified_member_never_raises_the_score(settings, practice):
    worse = dataclasses.replace(practice, verified_members=0)
    assert assess(settings, worse).score <= assess(settings, practice).score


@given(settings_strategy, practice_strategy)
def test_the_score_is_the_exact_sum_of_the_points(settings, practice):
    result = assess(settings, practice)
    units = {Status.MET: 2, Status.PARTLY: 1, Status.MISSING: 0}
    assert result.score == Fraction(sum(units[p.status] for p in result.points), MAX_SCORE_UNITS)
    assert 0 <= result.percent <= 100
    assert (result.percent == 100) == all(p.status is Status.MET for p in result.points)


@given(settings_strategy, practice_strategy)
def test_every_point_says_why_and_only_unmet_points_name_problems(settings, practice):
    result = assess(settings, practice)
    for point in result.points:
        assert point.reasons
        assert bool(point.problems) == (point.status is not Status.MET)
    # Keep practising only when nothing falls short.
    assert (result.next_step.code == "keep_practising") == (result.percent == 100)
