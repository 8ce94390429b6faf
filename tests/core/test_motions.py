"""Majority, supermajority and consensus: the thresholds members rely on."""

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.tally.motions import (
    ADOPT,
    REJECT,
    TWO_THIRDS,
    ConsensusRules,
    MajorityRules,
    consensus,
    majority,
)

votes = st.integers(min_value=0, max_value=500)


def adopted(result):
    return result.winners == (ADOPT,)


def test_simple_majority_needs_more_than_half_of_votes_cast():
    assert adopted(majority(6, 5, 100))
    tied = majority(5, 5)
    assert not adopted(tied)
    assert tied.winners == (REJECT,)
    assert tied.motion.needed == 6


def test_abstentions_weigh_against_when_the_base_is_all_ballots():
    rules = MajorityRules(base="ballots")
    assert not adopted(majority(6, 5, 2, rules=rules))
    assert adopted(majority(8, 5, 2, rules=rules))


def test_a_share_of_members_counts_absent_members_against():
    rules = MajorityRules(base="members")
    result = majority(10, 0, 0, rules=rules, members=21)
    assert not adopted(result)
    assert result.motion.needed == 11
    assert adopted(majority(11, 0, 0, rules=rules, members=21))


def test_two_thirds_is_at_least_two_thirds():
    rules = MajorityRules.supermajority(TWO_THIRDS)
    assert adopted(majority(10, 5, rules=rules))
    assert not adopted(majority(9, 5, rules=rules))
    assert majority(10, 5, rules=rules).rule == "supermajority"


def test_without_quorum_the_motion_fails_whatever_the_count():
    rules = MajorityRules(quorum_share=Fraction(1, 3))
    result = majority(9, 0, 0, rules=rules, members=30)
    assert not adopted(result)
    assert result.motion.quorum_needed == 10
    assert ("quorum", False) in result.motion.checks
    assert adopted(majority(9, 0, 1, rules=rules, members=30))


def test_no_vote_for_never_passes():
    assert not adopted(
        majority(0, 0, 3, rules=MajorityRules(threshold=Fraction(0), inclusive=True))
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"for_": -1, "against": 0}, "cannot be negative"),
        ({"for_": 1, "against": 0, "members": 0}, "eligible members"),
        ({"for_": 1, "against": 0, "rules": MajorityRules(base="members")}, "eligible members"),
    ],
)
def test_bad_counts_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        majority(**kwargs)


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="threshold"):
        MajorityRules(threshold=Fraction(3, 2))
    with pytest.raises(ValueError, match="base"):
        MajorityRules(base="everyone")


@given(votes, votes, votes)
def test_simple_majority_matches_its_definition(f, a, ab):
    assert adopted(majority(f, a, ab)) == (2 * f > f + a)


@given(votes, votes, votes)
def test_two_thirds_matches_its_definition(f, a, ab):
    rules = MajorityRules.supermajority(TWO_THIRDS, base="ballots")
    assert adopted(majority(f, a, ab, rules=rules)) == (f > 0 and 3 * f >= 2 * (f + a + ab))


@given(votes, votes, votes, st.fractions(min_value=0, max_value=1), st.booleans())
def test_one_more_vote_for_never_defeats_a_motion(f, a, ab, threshold, inclusive):
    rules = MajorityRules(threshold=threshold, inclusive=inclusive)
    if adopted(majority(f, a, ab, rules=rules)):
        assert adopted(majority(f + 1, a, ab, rules=rules))
    if not adopted(majority(f, a, ab, rules=rules)):
        assert not adopted(majority(f, a + 1, ab, rules=rules))


def test_one_block_stops_consensus():
    assert adopted(consensus(12, 3, 0))
    blocked = consensus(12, 3, 1)
    assert not adopted(blocked)
    assert ("blocks_within_limit", False) in blocked.motion.checks


def test_too_many_stand_asides_stop_consensus():
    rules = ConsensusRules(max_stand_asides=2)
    assert adopted(consensus(10, 2, 0, rules=rules))
    assert not adopted(consensus(10, 3, 0, rules=rules))


def test_failed_consensus_falls_back_to_a_supermajority_when_the_bylaws_say_so():
    rules = ConsensusRules(fallback=MajorityRules.supermajority(Fraction(3, 4)))
    result = consensus(9, 5, 3, rules=rules)
    # Stand-asides abstain in the fallback: 9 of 12 consents and blocks is 3/4.
    assert adopted(result)
    assert ("consensus_reached", False) in result.motion.checks
    assert result.notes
    assert not adopted(consensus(8, 5, 3, rules=rules))


def test_consensus_without_any_consent_fails():
    assert not adopted(consensus(0, 4, 0))


def test_results_render_as_text_and_json():
    result = majority(12, 3, 2, rules=MajorityRules(quorum_ballots=10))
    data = json.loads(json.dumps(result.to_json()))
    assert data["motion"]["counts"] == {"for": 12, "against": 3, "abstain": 2}
    assert data["motion"]["passed"] is True
    assert data["winners"] == [1]
    text = result.to_text()
    assert "for 12, against 3, abstain 2" in text
    assert "Needed: 8 of 15" in text
    assert "Adopted" in text
