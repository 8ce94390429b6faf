"""Ranked questions rolled up the tree: Schulze over the members' rankings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.confederation import ASSEMBLIES, DOUBLE, MEMBERS, Council
from bloc.core.ranked_mandates import (
    RankedAssembly,
    combine,
    from_paths,
    normal,
    rank_up,
    winner,
)
from bloc.core.tally.condorcet import strongest_paths

A, B, C = 0, 1, 2


def test_a_big_assembly_outweighs_two_small_ones_only_when_weighted():
    assemblies = {
        "maple": RankedAssembly(10, ((A,), (B,), (C,))),
        "oak": RankedAssembly(12, ((A,), (C,), (B,))),
        "harbor": RankedAssembly(300, ((B,), (C,), (A,))),
    }
    for rule, first in ((ASSEMBLIES, A), (MEMBERS, B)):
        results = rank_up(
            {"city": Council(("maple", "oak", "harbor"), rule)}, assemblies, "city", 3
        )
        assert winner(results["city"].ranking) == first, rule
    double = rank_up({"city": Council(("maple", "oak", "harbor"), DOUBLE)}, assemblies, "city", 3)
    # The two counts disagree on first place: the double count has no single first.
    assert winner(double["city"].ranking) is None
    assert double["city"].by_assemblies[0] == (A,) and double["city"].by_members[0] == (B,)


def test_rankings_roll_up_two_levels_and_respect_the_quorum():
    assemblies = {
        "a": RankedAssembly(5, ((C,), (A,), (B,))),
        "b": RankedAssembly(5, ((C,), (B,), (A,))),
        "c": RankedAssembly(5, None),
        "d": RankedAssembly(5, ((A,), (B,), (C,))),
    }
    councils = {
        "north": Council(("a", "b", "c"), quorum=2),
        "south": Council(("d", "c2"), quorum=2),
        "city": Council(("north", "south")),
    }
    assemblies["c2"] = RankedAssembly(3, None)
    results = rank_up(councils, assemblies, "city", 3)
    assert winner(results["north"].ranking) == C
    assert results["south"].ranking is None and not results["south"].quorum_met
    assert results["city"].counted == {"north": results["north"].ranking, "south": None}
    assert winner(results["city"].ranking) == C


def test_rankings_are_normalised_and_checked():
    assert normal([[2], [0]], 3) == ((2,), (0,), (1,))
    assert normal([[1, 0], []], 2) == ((0, 1),)
    with pytest.raises(ValueError):
        normal([[0], [0]], 2)
    with pytest.raises(ValueError):
        normal([[3]], 2)


rankings = st.permutations(range(4)).map(lambda order: tuple((o,) for o in order))


@given(st.lists(st.tuples(rankings, st.integers(1, 50)), min_size=1, max_size=8))
def test_combining_one_ranking_many_times_gives_it_back_and_weights_scale(items):
    ranking, weight = items[0]
    assert combine([(ranking, weight)], 4) == ranking
    scaled = [(r, 3 * w) for r, w in items]
    assert combine(scaled, 4) == combine(items, 4)


@given(st.lists(rankings, min_size=1, max_size=7), st.data())
def test_with_equal_weights_members_equals_assemblies_and_a_shared_first_wins_double(rs, data):
    names = [f"m{i}" for i in range(len(rs))]
    weight = data.draw(st.integers(0, 40))
    assemblies = {n: RankedAssembly(weight, r) for n, r in zip(names, rs, strict=True)}
    by = {
        rule: rank_up({"c": Council(tuple(names), rule)}, assemblies, "c", 4)["c"]
        for rule in (ASSEMBLIES, MEMBERS, DOUBLE)
    }
    if weight:
        assert by[MEMBERS].ranking == by[ASSEMBLIES].ranking
    first_a, first_m = winner(by[DOUBLE].by_assemblies), winner(by[DOUBLE].by_members)
    if first_a is not None and first_a == first_m:
        assert winner(by[DOUBLE].ranking) == first_a


@given(st.lists(st.lists(st.integers(-5, 5), min_size=4, max_size=4), min_size=4, max_size=4))
def test_the_order_from_paths_never_puts_an_option_below_one_it_beats(rows):
    import numpy as np

    margin = np.array(rows)
    margin = margin - margin.T
    paths = strongest_paths(margin)
    place = {o: i for i, tier in enumerate(from_paths(paths)) for o in tier}
    for a in range(4):
        for b in range(4):
            if paths[a][b] > paths[b][a]:
                assert place[a] < place[b]
