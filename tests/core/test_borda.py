"""Symmetric Borda: reference data, pref_voting, and what the scores must satisfy."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.scoring_methods import borda_for_profile_with_ties, symmetric_borda_scores

from bloc.core.tally import borda as borda_module
from bloc.core.tally import pairwise
from bloc.core.tally.ballots import PAD, RankedProfile
from bloc.core.tally.borda import borda, borda_scores
from bloc.core.tally.pairwise import support_matrix
from bloc.core.tally.result import REASON_MOST_POINTS
from tests.core.ranked_helpers import (
    REFERENCE,
    pref_voting_profile,
    ranked_profile,
    read_ranked,
)


def _files():
    return sorted(name for name, entry in REFERENCE.items() if "borda" in entry["outcomes"])


def test_every_ranked_reference_file_has_a_borda_outcome():
    ranked = {name for name, entry in REFERENCE.items() if entry["kind"] == "ranked"}
    assert set(_files()) == ranked


@pytest.mark.parametrize("name", _files())
def test_matches_the_reference_winners_and_scores(name):
    expected = REFERENCE[name]["outcomes"]["borda"]

    result = borda(read_ranked(name))

    assert [c + 1 for c in result.winners] == expected["winners"]
    assert result.rounds[0].to_json()["totals"] == expected["scores"]
    assert result.total_ballots == REFERENCE[name]["voters"]
    assert result.rounds[0].exhausted == REFERENCE[name]["empty_ballots"]
    text = result.to_text()
    assert "Symmetric Borda" in text
    assert json.loads(json.dumps(result.to_json()))["winners"] == expected["winners"]


def test_govan_elects_hunter_as_the_readme_states():
    result = borda(read_ranked("00008-00000009.soi"))
    assert result.winner_names == ("Allison Hunter",)


def test_scores_by_hand_with_truncated_and_empty_ballots():
    # m = 4. 3 x [a, b]: a +3, b +1, c and d -2 each.  2 x [d]: d +3, others -1.
    # 5 empty ballots: nothing.
    profile = ranked_profile([[0, 1], [3], []], 4, counts=[3, 2, 5])

    result = borda(profile)

    assert borda_scores(profile).tolist() == [9 - 2, 3 - 2, -6 - 2, -6 + 6]
    assert result.winners == (0,)
    only = result.rounds[0]
    assert only.reason == REASON_MOST_POINTS
    assert only.elected == (0,)
    assert (only.continuing, only.exhausted) == (5, 5)


def test_top_ties_are_all_reported():
    result = borda(ranked_profile([[0, 1, 2], [1, 0, 2]], 3))
    assert result.winners == (0, 1)
    assert "Tied winners: c0, c1" in result.to_text()


def test_no_candidates_or_no_ballots():
    assert borda(ranked_profile([[]], 0)).winners == ()
    assert borda(ranked_profile([[], []], 3)).winners == (0, 1, 2)


# --- properties -------------------------------------------------------------------


@st.composite
def profiles(draw, max_candidates=6, complete=False):
    m = draw(st.integers(1, max_candidates))
    lengths = st.just(m) if complete else st.integers(0, m)
    ballot = st.permutations(range(m)).flatmap(lambda order: lengths.map(lambda k: list(order[:k])))
    rows = draw(st.lists(ballot, min_size=1, max_size=15))
    counts = draw(st.lists(st.integers(1, 40), min_size=len(rows), max_size=len(rows)))
    return ranked_profile(rows, m, counts)


@settings(max_examples=250, deadline=None)
@given(profiles())
def test_agrees_with_pref_voting(profile):
    prof = pref_voting_profile(profile)
    expected = symmetric_borda_scores(prof)

    assert borda_scores(profile).tolist() == [expected[c] for c in range(profile.num_candidates)]
    assert list(borda(profile).winners) == borda_for_profile_with_ties(prof)


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_scores_are_head_to_head_wins_minus_losses(profile):
    support = support_matrix(profile)
    assert (borda_scores(profile) == support.sum(axis=1) - support.sum(axis=0)).all()
    assert borda_scores(profile).sum() == 0


@settings(max_examples=200, deadline=None)
@given(profiles(complete=True))
def test_on_complete_rankings_it_is_classic_borda_rescaled(profile):
    m = profile.num_candidates
    classic = np.zeros(m, dtype=np.int64)
    for row, count in zip(profile.rankings, profile.counts, strict=True):
        for place, c in enumerate(row[:m]):
            classic[c] += count * (m - 1 - place)

    assert (borda_scores(profile) == 2 * classic - profile.total * (m - 1)).all()


@settings(max_examples=200, deadline=None)
@given(profiles(), st.data())
def test_relabelling_candidates_and_reordering_ballots_changes_nothing(profile, data):
    m = profile.num_candidates
    perm = np.array(data.draw(st.permutations(range(m))), dtype=np.int32)
    order = np.array(data.draw(st.permutations(range(profile.rankings.shape[0]))), dtype=np.intp)
    mapped = np.where(profile.rankings == PAD, PAD, perm[profile.rankings])
    names = [""] * m
    for old, new in enumerate(perm):
        names[new] = profile.candidates[old]
    moved = RankedProfile(tuple(names), mapped[order], profile.counts[order])

    assert (borda_scores(moved)[perm] == borda_scores(profile)).all()
    assert sorted(borda(moved).winner_names) == sorted(borda(profile).winner_names)


@settings(max_examples=100, deadline=None)
@given(profiles())
def test_results_render_as_text_and_json(profile):
    result = borda(profile)
    data = json.loads(json.dumps(result.to_json()))
    assert data["winners"] == [c + 1 for c in result.winners]
    assert data["rounds"][0]["totals"] == {
        str(c + 1): int(v) for c, v in enumerate(borda_scores(profile))
    }
    assert all(name in result.to_text() for name in profile.candidates)


@pytest.mark.parametrize("m", [4, 30])
def test_scores_across_chunks_and_many_candidates(m, monkeypatch):
    monkeypatch.setattr(borda_module, "_CHUNK", 5)
    monkeypatch.setattr(pairwise, "_CHUNK", 5)
    rng = np.random.default_rng(m)
    rows = [rng.permutation(m)[: rng.integers(0, m + 1)].tolist() for _ in range(23)]
    counts = rng.integers(1, 100, 23).tolist()
    expected = [0] * m
    for row, count in zip(rows, counts, strict=True):
        for c in range(m):
            expected[c] += count * (m - 1 - 2 * row.index(c) if c in row else -len(row))
    profile = ranked_profile(rows, m, counts)

    assert borda_scores(profile).tolist() == expected
    support = support_matrix(profile)
    assert (support.sum(axis=1) - support.sum(axis=0)).tolist() == expected


def test_large_counts_stay_exact():
    big = 3_000_000_000_000  # sums past 2**53 would be wrong in floating point
    profile = ranked_profile([[0, 1, 2], [2, 1, 0]], 3, counts=[big + 1, big])
    assert borda_scores(profile).tolist() == [2, 0, -2]
    assert support_matrix(profile).tolist() == [
        [0, big + 1, big + 1],
        [big, 0, big + 1],
        [big, big, 0],
    ]
