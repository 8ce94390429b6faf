"""Condorcet, Schulze and ranked pairs: reference data, pref_voting, and the axioms."""

import json
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.margin_based_methods import beat_path
from pref_voting.margin_based_methods import ranked_pairs as pv_ranked_pairs
from pref_voting.weighted_majority_graphs import MarginGraph

from bloc.core.tally import pairwise
from bloc.core.tally.ballots import PAD, RankedProfile
from bloc.core.tally.condorcet import (
    _Budget,
    _majorities,
    _ranked_pairs_winners,
    _Stacks,
    _win_by_locking,
    condorcet,
    ranked_pairs,
    schulze,
    strongest_paths,
)
from bloc.core.tally.pairwise import (
    condorcet_loser,
    condorcet_winner,
    margins,
    positions,
    support_matrix,
)
from tests.core.ranked_helpers import (
    REFERENCE,
    pref_voting_profile,
    ranked_profile,
    read_ranked,
)

RULES = {"condorcet": condorcet, "schulze": schulze, "ranked_pairs": ranked_pairs}


def _cases():
    return [
        (name, rule)
        for name, entry in sorted(REFERENCE.items())
        for rule in RULES
        if rule in entry["outcomes"]
    ]


def test_every_ranked_reference_file_is_covered():
    assert {name for name, _ in _cases()} == {
        name for name, entry in REFERENCE.items() if entry["kind"] == "ranked"
    }


@pytest.mark.parametrize(("name", "rule"), _cases())
def test_matches_the_reference_winners(name, rule):
    result = RULES[rule](read_ranked(name))

    assert result.rule == rule
    assert [c + 1 for c in result.winners] == REFERENCE[name]["outcomes"][rule]["winners"]
    assert result.total_ballots == REFERENCE[name]["voters"]
    text = result.to_text()
    assert "Head to head" in text
    assert json.loads(json.dumps(result.to_json()))["winners"] == [c + 1 for c in result.winners]


def test_govan_has_the_majority_cycle_the_readme_states():
    profile = read_ranked("00008-00000009.soi")
    dornan, flanagan, hunter = 2, 3, 5  # file numbers 3, 4, 6
    assert profile.candidates[dornan] == "Stephen Dornan"
    margin = margins(support_matrix(profile))

    assert margin[dornan, flanagan] == 602
    assert margin[flanagan, hunter] == 86
    assert margin[hunter, dornan] == 21
    assert condorcet(profile).winners == ()
    assert schulze(profile).winners == (dornan,)
    rp = ranked_pairs(profile)
    assert rp.winners == (dornan,)
    assert rp.pairwise is not None
    # The weakest link of the cycle is the one ranked pairs could not lock.
    assert rp.pairwise.skipped == ((hunter, dornan, 21),)
    assert "skipped Allison Hunter over Stephen Dornan by 21 (cycle)" in rp.to_text()


def test_support_reads_unranked_as_tied_last_and_empty_ballots_as_no_preference():
    # 2 voters: a > b (c unranked); 1 voter: c; 4 voters: empty.
    profile = ranked_profile([[0, 1], [2], []], 3, counts=[2, 1, 4])

    support = support_matrix(profile)

    assert support.tolist() == [[0, 2, 2], [0, 0, 2], [1, 1, 0]]
    assert condorcet_winner(support) == 0
    assert condorcet_loser(support) == 2
    assert condorcet(profile).total_ballots == 7


def _naive_support(rows, counts, m):
    support = [[0] * m for _ in range(m)]
    for row, count in zip(rows, counts, strict=True):
        place = {c: k for k, c in enumerate(row)}
        for i in range(m):
            for j in range(m):
                if i != j and i in place and place[i] < place.get(j, m):
                    support[i][j] += count
    return support


@pytest.mark.parametrize("m", [3, 24, 25, 40])
@pytest.mark.parametrize("unit", [True, False])
def test_support_by_comparing_or_scattering_and_across_chunks(m, unit, monkeypatch):
    # Up to 24 candidates places are found by comparing, above by scattering; a chunk
    # of 7 rows makes the sums cross several chunks.
    monkeypatch.setattr(pairwise, "_CHUNK", 7)
    rng = np.random.default_rng(m)
    rows = [rng.permutation(m)[: rng.integers(0, m + 1)].tolist() for _ in range(40)]
    counts = [1] * 40 if unit else rng.integers(1, 1000, 40).tolist()

    support = support_matrix(ranked_profile(rows, m, counts))

    assert support.tolist() == _naive_support(rows, counts, m)


def test_positions_place_unranked_candidates_at_m():
    rankings = np.array([[2, 0, PAD], [PAD, PAD, PAD], [1, 2, 0]], dtype=np.int32)
    assert positions(rankings, 3).tolist() == [[1, 3, 2], [3, 3, 0], [0, 3, 1]]


def test_equal_margins_in_a_cycle_make_every_member_a_ranked_pairs_winner():
    profile = ranked_profile([[0, 1, 2], [1, 2, 0], [2, 0, 1]], 3)

    rp = ranked_pairs(profile)
    sch = schulze(profile)

    assert rp.winners == (0, 1, 2)
    assert sch.winners == (0, 1, 2)
    assert condorcet(profile).winners == ()
    assert rp.pairwise is not None
    # Canonical order: equal margins by winner, then loser.
    assert rp.pairwise.locked == ((0, 1, 1), (1, 2, 1))
    assert rp.pairwise.skipped == ((2, 0, 1),)
    assert "Tied winners: c0, c1, c2" in rp.to_text()


def test_strongest_paths_take_the_weakest_link_and_zero_for_no_path():
    margin = np.array([[0, 5, 0], [-5, 0, 3], [0, -3, 0]], dtype=np.int64)
    assert strongest_paths(margin).tolist() == [[0, 5, 3], [0, 0, 3], [0, 0, 0]]


def test_no_candidates_or_no_ballots():
    nobody = ranked_profile([[]], 0)
    assert schulze(nobody).winners == ()
    assert ranked_pairs(nobody).winners == ()
    silent = ranked_profile([[], []], 3)
    assert support_matrix(silent).sum() == 0
    assert schulze(silent).winners == (0, 1, 2)
    assert ranked_pairs(silent).winners == (0, 1, 2)
    assert condorcet(silent).winners == ()
    assert condorcet(ranked_profile([[]], 1)).winners == (0,)


def test_support_is_the_same_with_unit_and_general_counts():
    rng = np.random.default_rng(3)
    rows = [rng.permutation(6)[: rng.integers(0, 7)].tolist() for _ in range(300)]
    ones = ranked_profile(rows, 6)
    doubled = ranked_profile(rows + rows, 6)
    twos = ranked_profile(rows, 6, counts=[2] * len(rows))

    assert support_matrix(ones).sum() > 0
    assert (support_matrix(doubled) == 2 * support_matrix(ones)).all()
    assert (support_matrix(twos) == support_matrix(doubled)).all()


# --- properties -------------------------------------------------------------------


@st.composite
def profiles(draw, max_candidates=5):
    m = draw(st.integers(1, max_candidates))
    ballot = st.permutations(range(m)).flatmap(
        lambda order: st.integers(0, m).map(lambda k: list(order[:k]))
    )
    rows = draw(st.lists(ballot, min_size=1, max_size=12))
    counts = draw(st.lists(st.integers(1, 9), min_size=len(rows), max_size=len(rows)))
    return ranked_profile(rows, m, counts)


def _tie_orders(prof):
    """How many edge orders pref_voting's basic ranked pairs enumerates."""
    strengths = {}
    for a in prof.candidates:
        for b in prof.candidates:
            if a != b and prof.margin(a, b) >= 0:
                strengths[prof.margin(a, b)] = strengths.get(prof.margin(a, b), 0) + 1
    total = 1
    for size in strengths.values():
        total *= factorial(size)
    return total


@settings(max_examples=250, deadline=None)
@given(profiles())
def test_agrees_with_pref_voting(profile):
    prof = pref_voting_profile(profile)
    m = profile.num_candidates
    support = support_matrix(profile)

    assert support.tolist() == [[prof.support(i, j) if i != j else 0 for j in range(m)]
                                for i in range(m)]  # fmt: skip
    assert condorcet_winner(support) == prof.condorcet_winner()
    assert condorcet_loser(support) == prof.condorcet_loser()
    assert list(condorcet(profile).winners) == [
        w for w in [prof.condorcet_winner()] if w is not None
    ]
    assert list(schulze(profile).winners) == beat_path(prof)
    # The basic algorithm tries every order of equal margins; past a few thousand
    # orders use pref_voting's other exact algorithm (Zavist-Tideman stacks).
    algorithm = "basic" if _tie_orders(prof) <= 2000 else "from_stacks"
    assert list(ranked_pairs(profile).winners) == pv_ranked_pairs(prof, algorithm=algorithm)


@st.composite
def margin_graphs(draw):
    """Antisymmetric margins with many equal values (zeros included): hard for ties."""
    m = draw(st.integers(2, 6))
    margin = np.zeros((m, m), dtype=np.int64)
    for i in range(m):
        for j in range(i + 1, m):
            value = draw(st.sampled_from([-3, -2, -1, 0, 1, 2, 3]))
            margin[i, j], margin[j, i] = value, -value
    return margin


@settings(max_examples=200, deadline=None)
@given(margin_graphs())
def test_both_ranked_pairs_searches_are_exact_on_their_own(margin):
    # The count races the two searches; each must give pref_voting's answer alone.
    m = margin.shape[0]
    graph = MarginGraph(
        list(range(m)),
        [(i, j, int(margin[i, j])) for i in range(m) for j in range(m) if margin[i, j] > 0],
    )
    expected = pv_ranked_pairs(graph, algorithm="from_stacks")
    edges = _majorities(margin)
    groups = [[e for e in edges if e[2] == d] for d in sorted({e[2] for e in edges}, reverse=True)]
    stacks = _Stacks(margin)
    unlimited = 10**9

    by_locking = [x for x in range(m) if _win_by_locking(x, m, groups, _Budget(unlimited))]
    by_stacks = [x for x in range(m) if stacks.headed_by(x, _Budget(unlimited))]
    found = _ranked_pairs_winners(margin)

    assert by_locking == expected
    assert by_stacks == expected
    assert [x for x in range(m) if found >> x & 1] == expected


def _relabel(profile, perm, order):
    """Candidate ``c`` renamed ``perm[c]`` (names follow), rows in ``order``."""
    mapped = np.where(profile.rankings == PAD, PAD, perm[profile.rankings])
    names = [""] * profile.num_candidates
    for old, new in enumerate(perm):
        names[new] = profile.candidates[old]
    return RankedProfile(tuple(names), mapped[order], profile.counts[order])


@settings(max_examples=200, deadline=None)
@given(profiles(max_candidates=6), st.data())
def test_relabelling_candidates_and_reordering_ballots_changes_nothing(profile, data):
    m = profile.num_candidates
    perm = np.array(data.draw(st.permutations(range(m))), dtype=np.int32)
    order = np.array(data.draw(st.permutations(range(profile.rankings.shape[0]))), dtype=np.intp)
    moved = _relabel(profile, perm, order)

    support = support_matrix(profile)
    assert (support_matrix(moved)[np.ix_(perm, perm)] == support).all()
    for rule in RULES.values():
        before, after = rule(profile), rule(moved)
        assert sorted(after.winner_names) == sorted(before.winner_names)


@settings(max_examples=200, deadline=None)
@given(profiles(max_candidates=6))
def test_a_condorcet_winner_wins_schulze_and_ranked_pairs(profile):
    cw = condorcet_winner(support_matrix(profile))
    sch, rp = schulze(profile), ranked_pairs(profile)

    if cw is not None:
        assert sch.winners == (cw,)
        assert rp.winners == (cw,)
    # Both always elect someone, and the canonical lock sequence's winner is a winner.
    assert sch.winners
    assert rp.winners
    assert rp.pairwise is not None
    locked_over = {loser for _, loser, _ in rp.pairwise.locked}
    canonical = [c for c in range(profile.num_candidates) if c not in locked_over]
    assert set(canonical) <= set(rp.winners)


@settings(max_examples=150, deadline=None)
@given(profiles(max_candidates=6))
def test_results_render_as_text_and_json(profile):
    for rule in RULES.values():
        result = rule(profile)
        data = json.loads(json.dumps(result.to_json()))
        assert data["winners"] == [c + 1 for c in result.winners]
        assert data["pairwise"]["support"] == support_matrix(profile).tolist()
        text = result.to_text()
        assert all(name in text for name in profile.candidates)
        assert text.rstrip().endswith(", ".join(result.winner_names) or "nobody")
