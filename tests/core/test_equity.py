"""Participation equity: shares, the dissimilarity-based index, small-group suppression."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core.equity import (
    OTHER,
    Count,
    equity_index,
    shares,
    suppress_small,
    suppressed_counts,
)


def test_hand_computed_example():
    # Participants 40, residents 100.
    #   A: p = 10/40 = 1/4, r = 50/100 = 1/2   |p - r| = 1/4   ratio = 1/2
    #   B: p = 20/40 = 1/2, r = 30/100 = 3/10  |p - r| = 1/5   ratio = 5/3
    #   C: p = 10/40 = 1/4, r = 20/100 = 1/5   |p - r| = 1/20  ratio = 5/4
    # D = 1/2 * (5/20 + 4/20 + 1/20) = 1/4, index = 1 - 1/4 = 3/4.
    counts = {"A": Count(10, 50), "B": Count(20, 30), "C": Count(10, 20)}
    by_group = {s.group: s for s in shares(counts)}
    assert by_group["A"].participant_share == Fraction(1, 4)
    assert by_group["B"].resident_share == Fraction(3, 10)
    assert [by_group[g].ratio for g in "ABC"] == [Fraction(1, 2), Fraction(5, 3), Fraction(5, 4)]
    index = equity_index(counts)
    assert index is not None
    assert index.dissimilarity == Fraction(1, 4)
    assert index.value == Fraction(3, 4)
    assert index.display == 0.75


def test_zero_totals():
    assert equity_index({}) is None
    assert equity_index({"a": Count(0, 10)}) is None
    assert equity_index({"a": Count(10, 0)}) is None
    (only,) = shares({"a": Count(0, 10)})
    assert only.participant_share is None
    assert only.ratio is None


def test_ratio_is_none_when_resident_share_is_zero():
    by_group = {s.group: s for s in shares({"a": Count(5, 0), "b": Count(5, 10)})}
    assert by_group["a"].ratio is None
    assert by_group["b"].ratio == Fraction(1, 2) / 1


def test_single_group_mirrors_itself():
    index = equity_index({"renter": Count(3, 700)})
    assert index is not None and index.value == 1


def test_disjoint_distributions_give_zero():
    index = equity_index({"renter": Count(0, 10), "owner": Count(10, 0)})
    assert index is not None and index.value == 0


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        Count(-1, 0)
    with pytest.raises(ValueError):
        suppress_small({}, minimum=0)


def test_suppression_hand_example():
    # c (2, 3) and d (1, 1) are small: other = (3, 4), still below 5, so it
    # absorbs the smallest kept group, b (8, 9) rather than a (10, 20):
    # other = (11, 13) made of b, c, d.
    counts = {"a": Count(10, 20), "b": Count(8, 9), "c": Count(2, 3), "d": Count(1, 1)}
    reported = suppress_small(counts)
    assert [(r.group, r.count, r.members) for r in reported] == [
        ("a", Count(10, 20), ("a",)),
        (OTHER, Count(11, 13), ("b", "c", "d")),
    ]
    assert suppressed_counts(counts) == {"a": Count(10, 20), OTHER: Count(11, 13)}


def test_small_groups_that_together_reach_the_minimum_stay_other():
    counts = {"a": Count(10, 20), "b": Count(3, 4), "c": Count(2, 1)}
    reported = suppress_small(counts)
    assert [(r.group, r.count, r.members) for r in reported] == [
        ("a", Count(10, 20), ("a",)),
        (OTHER, Count(5, 5), ("b", "c")),
    ]


def test_nothing_small_nothing_merged():
    counts = {"a": Count(5, 5), "b": Count(6, 7)}
    assert [r.members for r in suppress_small(counts)] == [("a",), ("b",)]


def test_all_groups_small_but_total_enough():
    reported = suppress_small({"a": Count(2, 2), "b": Count(3, 3)})
    assert [(r.group, r.count, r.members) for r in reported] == [(OTHER, Count(5, 5), ("a", "b"))]


def test_total_below_minimum_reports_nothing():
    assert suppress_small({"a": Count(2, 20), "b": Count(2, 30)}) == ()
    assert suppress_small({"a": Count(4, 4)}) == ()
    assert suppress_small({}) == ()


def test_single_large_group():
    assert [r.members for r in suppress_small({"a": Count(9, 9)})] == [("a",)]


def test_a_group_called_other_joins_the_merged_group():
    reported = suppress_small({OTHER: Count(10, 10), "b": Count(1, 1), "c": Count(9, 9)})
    assert [(r.group, r.members) for r in reported] == [("c", ("c",)), (OTHER, ("b", OTHER))]


counts_strategy = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.builds(Count, st.integers(0, 40), st.integers(0, 40)),
    max_size=8,
)


@settings(deadline=None, max_examples=100)
@given(counts_strategy)
def test_index_is_between_zero_and_one(counts):
    index = equity_index(counts)
    if index is not None:
        assert 0 <= index.value <= 1
        assert index.value + index.dissimilarity == 1


@settings(deadline=None, max_examples=100)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=8), st.integers(1, 5))
def test_identical_distributions_give_one(sizes, scale):
    if sum(sizes) == 0:
        return
    counts = {f"g{i}": Count(n, n * scale) for i, n in enumerate(sizes)}
    index = equity_index(counts)
    assert index is not None and index.value == 1


@settings(deadline=None, max_examples=100)
@given(counts_strategy, st.integers(1, 10))
def test_suppression_never_reports_a_small_group_and_keeps_totals(counts, minimum):
    reported = suppress_small(counts, minimum)
    total = Count(
        sum(c.participants for c in counts.values()), sum(c.residents for c in counts.values())
    )
    if not reported:
        assert not total.at_least(minimum)
        return
    assert all(r.count.at_least(minimum) for r in reported)
    assert (
        Count(sum(r.count.participants for r in reported), sum(r.count.residents for r in reported))
        == total
    )
    members = [m for r in reported for m in r.members]
    assert sorted(members) == sorted(counts)
    for r in reported:
        assert r.count == Count(
            sum(counts[m].participants for m in r.members),
            sum(counts[m].residents for m in r.members),
        )
