"""Score (range) voting: sums, means over the voters who scored, and approval as a special case."""

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core.tally.approval import approval
from bloc.core.tally.ballots import ApprovalProfile, ScoreProfile
from bloc.core.tally.score import score

BLANK = None


def _profile(rows, counts=None, low=0, high=5):
    m = len(rows[0])
    scores = np.array([[0 if v is BLANK else v for v in row] for row in rows], dtype=np.int64)
    scored = np.array([[v is not BLANK for v in row] for row in rows], dtype=np.bool_)
    return ScoreProfile(
        candidates=tuple("abcdefgh"[:m]),
        scores=scores.reshape(len(rows), m),
        scored=scored.reshape(len(rows), m),
        counts=np.ones(len(rows), dtype=np.int64) if counts is None else np.array(counts),
        low=low,
        high=high,
    )


# a: 5, 5, 0 -> sum 10, mean 10/3. b: 4 by one voter, blank twice -> sum 4, mean 4.
# c: 3, 3, 3 -> sum 9, mean 3.
HAND = [[5, 4, 3], [5, BLANK, 3], [0, BLANK, 3]]


def test_sum_ranks_by_total_score():
    result = score(_profile(HAND), by="sum")

    assert result.rounds[0].totals == (10, 4, 9)
    assert result.winners == (0,)
    assert any("sum" in note for note in result.notes)


def test_mean_leaves_blanks_out_and_is_exact():
    result = score(_profile(HAND), by="mean")

    assert result.rounds[0].totals == (Fraction(10, 3), Fraction(4), Fraction(3))
    # b's blanks are left out, not counted as 0 (which would give b 4/3).
    assert result.winners == (1,)
    assert any("mean" in note and "blanks are left out" in note for note in result.notes)
    assert score(_profile(HAND)).winners == (1,)  # mean is the default


def test_counts_weight_each_distinct_ballot():
    result = score(_profile([[5, 1], [0, 4]], counts=[1, 3]), by="mean")

    assert result.rounds[0].totals == (Fraction(5, 4), Fraction(13, 4))
    assert result.winners == (1,)
    assert result.total_ballots == 4


def test_a_candidate_nobody_scored_has_no_mean_and_cannot_win():
    profile = _profile([[BLANK, 0, -2], [BLANK, 0, BLANK]], low=-2, high=2)

    by_mean = score(profile, by="mean")
    by_sum = score(profile, by="sum")

    assert by_mean.rounds[0].totals == (None, 0, -2)
    assert by_mean.winners == (1,)
    assert any("Nobody scored a" in note for note in by_mean.notes)
    # Summing, a blank adds nothing: a's total 0 ties with b's.
    assert by_sum.rounds[0].totals == (0, 0, -2)
    assert by_sum.winners == (0, 1)


def test_ties_are_returned_unbroken_and_all_blank_ballots_are_exhausted():
    profile = _profile([[4, 2], [2, 4], [BLANK, BLANK]])
    result = score(profile, by="mean")

    assert result.winners == (0, 1)
    assert result.ties == () and result.seed is None
    assert result.rounds[0].exhausted == 1
    assert result.rounds[0].continuing == 2
    assert score(_profile([[BLANK, BLANK]]), by="mean").winners == ()


def test_an_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="median"):
        score(_profile(HAND), by="median")


@pytest.mark.parametrize("by", ["sum", "mean"])
def test_results_render_as_text_and_json(by):
    result = score(_profile(HAND), by=by)

    text = result.to_text()
    assert all(name in text for name in "abc")
    assert any(note in text for note in result.notes)
    data = json.loads(json.dumps(result.to_json()))
    assert data["winners"] == [c + 1 for c in result.winners]
    assert data["notes"] == list(result.notes)


@st.composite
def zero_one_ballots(draw):
    m = draw(st.integers(1, 6))
    rows = draw(
        st.lists(
            st.lists(st.sampled_from([0, 1, BLANK]), min_size=m, max_size=m),
            min_size=1,
            max_size=30,
        )
    )
    counts = draw(st.lists(st.integers(1, 20), min_size=len(rows), max_size=len(rows)))
    return rows, counts


@settings(max_examples=300, deadline=None)
@given(zero_one_ballots())
def test_summing_zero_one_scores_is_approval_voting(case):
    rows, counts = case
    as_scores = _profile(rows, counts=counts, low=0, high=1)
    as_approvals = ApprovalProfile(
        candidates=as_scores.candidates,
        approvals=np.array([[v == 1 for v in row] for row in rows], dtype=np.bool_),
        counts=np.array(counts),
    )

    ours = score(as_scores, by="sum")
    theirs = approval(as_approvals)

    assert ours.winners == theirs.winners
    assert ours.rounds[0].totals == theirs.rounds[0].totals


@settings(max_examples=200, deadline=None)
@given(zero_one_ballots(), st.data())
def test_relabelling_candidates_relabels_the_winners(case, data):
    rows, counts = case
    m = len(rows[0])
    perm = data.draw(st.permutations(range(m)))
    moved = [[None] * m for _ in rows]
    for i, row in enumerate(rows):
        for c, v in enumerate(row):
            moved[i][perm[c]] = v
    for by in ("sum", "mean"):
        original = score(_profile(rows, counts, high=1), by=by)
        relabelled = score(_profile(moved, counts, high=1), by=by)
        assert set(relabelled.winners) == {perm[c] for c in original.winners}
