"""The platform's ranking: Schulze or Borda over the assemblies' rankings, each
assembly once or by its members; checked against pref_voting on strict rankings."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.profiles import Profile
from pref_voting.voting_methods import beat_path

from bloc.core.electoral.platform import (
    ASSEMBLIES,
    BORDA,
    MEMBERS,
    SCHULZE,
    Ballot,
    combine,
)

LAND_TRUSTS, ECOLOGY, POLICE = 0, 1, 2


def test_weighting_by_members_lets_a_large_assembly_lead():
    ballots = [
        Ballot(((LAND_TRUSTS,), (ECOLOGY,), (POLICE,)), members=20),
        Ballot(((LAND_TRUSTS,), (POLICE,), (ECOLOGY,)), members=25),
        Ballot(((POLICE,), (ECOLOGY,), (LAND_TRUSTS,)), members=400),
    ]
    for method in (SCHULZE, BORDA):
        assert combine(ballots, 3, method=method).ranking[0] == (LAND_TRUSTS,)
        assert combine(ballots, 3, method=method, weighting=MEMBERS).ranking[0] == (POLICE,)


def test_borda_gives_half_a_point_for_each_tie():
    result = combine([Ballot(((0,), (1, 2)))], 3, method=BORDA)
    assert result.points == (Fraction(2), Fraction(1, 2), Fraction(1, 2))
    assert result.ranking == ((0,), (1, 2))


def test_unknown_method_or_weighting_is_refused():
    with pytest.raises(ValueError):
        combine([], 2, method="plurality")
    with pytest.raises(ValueError):
        combine([], 2, weighting="money")


strict = st.permutations(range(4)).map(list)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(strict, st.integers(1, 30)), min_size=1, max_size=9))
def test_on_strict_rankings_it_matches_pref_voting(items):
    ballots = [Ballot(tuple((o,) for o in order), members=n) for order, n in items]
    profile = Profile([order for order, _ in items], [n for _, n in items])
    borda = combine(ballots, 4, method=BORDA, weighting=MEMBERS)
    assert {o: int(p) for o, p in enumerate(borda.points)} == profile.borda_scores()
    schulze = combine(ballots, 4, method=SCHULZE, weighting=MEMBERS)
    assert sorted(schulze.ranking[0]) == sorted(beat_path(profile))


@given(st.lists(strict, min_size=1, max_size=9), st.integers(1, 50))
def test_equal_memberships_weigh_like_one_assembly_one_vote(orders, members):
    ballots = [Ballot(tuple((o,) for o in order), members=members) for order in orders]
    for method in (SCHULZE, BORDA):
        assert (
            combine(ballots, 4, method=method, weighting=MEMBERS).ranking
            == combine(ballots, 4, method=method, weighting=ASSEMBLIES).ranking
        )
