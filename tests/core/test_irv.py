"""Instant runoff and plurality, checked against the reference data and by properties."""

import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
from pref_voting.scoring_methods import plurality as pv_plurality

from bloc.core.tally.ballots import PAD, RankedProfile
from bloc.core.tally.irv import irv
from bloc.core.tally.plurality import plurality
from bloc.core.tally.result import TIEBREAK_EARLIER_ROUND, TIEBREAK_LOT
from tests.core.ranked_helpers import REFERENCE, pref_voting_profile, ranked_profile, read_ranked


def _files_with(rule):
    return sorted(name for name, entry in REFERENCE.items() if rule in entry["outcomes"])


@pytest.mark.parametrize("name", _files_with("irv"))
def test_irv_matches_the_reference_winner_and_every_round(name):
    expected = REFERENCE[name]["outcomes"]["irv"]

    result = irv(read_ranked(name))

    assert [c + 1 for c in result.winners] == expected["winners"]
    got = [r.to_json() for r in result.rounds]
    want = expected["rounds"]
    assert len(got) == len(want)
    for ours, theirs in zip(got, want, strict=True):
        assert ours["round"] == theirs["round"]
        assert ours["totals"] == theirs["tallies"]
        assert ours["continuing"] == theirs["continuing_ballots"]
        assert ours["exhausted"] == theirs["exhausted"]
        assert ours["eliminated"] == theirs.get("eliminated", [])
        assert ours["elected"] == theirs.get("elected", [])
    assert result.ties == ()
    assert result.seed is None


@pytest.mark.parametrize("name", _files_with("plurality"))
def test_plurality_matches_the_reference_winners_and_scores(name):
    expected = REFERENCE[name]["outcomes"]["plurality"]

    result = plurality(read_ranked(name))

    assert [c + 1 for c in result.winners] == expected["winners"]
    assert result.rounds[0].to_json()["totals"] == expected["scores"]


@pytest.mark.parametrize("name", _files_with("irv"))
def test_results_render_as_text_and_json(name):
    profile = read_ranked(name)
    for result in (irv(profile), plurality(profile)):
        text = result.to_text()
        assert all(candidate in text for candidate in profile.candidates)
        assert json.loads(json.dumps(result.to_json()))["winners"] == [
            c + 1 for c in result.winners
        ]


def _profile(rows, m):
    width = max((len(r) for r in rows), default=0)
    rankings = np.full((len(rows), width), PAD, dtype=np.int32)
    for i, row in enumerate(rows):
        rankings[i, : len(row)] = row
    return RankedProfile(
        candidates=tuple(f"c{i}" for i in range(m)),
        rankings=rankings.reshape(len(rows), width),
        counts=np.ones(len(rows), dtype=np.int64),
    )


def test_tie_for_last_is_broken_by_the_most_recent_round_where_they_differed():
    # Round 1: a 6, b 3, c 2, d 1; d's ballot moves to c, so b and c tie at 3 in round 2.
    rows = (
        [[0]] * 6  # a: 6
        + [[1]] * 3  # b: 3
        + [[2]] * 2  # c: 2
        + [[3, 2]]  # d: 1, then to c
    )
    result = irv(_profile(rows, 4))

    second = result.rounds[1]
    assert second.totals == (6, 3, 3, None)
    assert second.eliminated == (2,)  # c had fewer votes in round 1
    assert second.tiebreak is not None
    assert second.tiebreak.method == TIEBREAK_EARLIER_ROUND
    assert second.tiebreak.decided_by_round == 1
    assert result.seed is None


def test_tie_level_in_every_round_is_drawn_by_a_recorded_seeded_lot():
    rows = [[0]] * 3 + [[1]] * 2 + [[2]] * 2
    first = irv(_profile(rows, 3), seed=7)
    again = irv(_profile(rows, 3), seed=7)

    assert first.seed == 7
    assert first.ties[0].method == TIEBREAK_LOT
    assert first.ties[0].tied == (1, 2)
    assert first.ties == again.ties
    assert "lot (seed 7)" in first.to_text()


def test_empty_and_single_candidate_counts_finish():
    lone = irv(_profile([[0], []], 1))
    assert lone.winners == (0,)
    assert lone.rounds[0].exhausted == 1
    nobody_voted = irv(_profile([[], []], 3))
    assert len(nobody_voted.winners) == 1
    assert nobody_voted.seed == 0


@st.composite
def profiles(draw, min_candidates=1):
    m = draw(st.integers(min_candidates, 6))
    ballot = st.permutations(range(m)).flatmap(
        lambda order: st.integers(0, m).map(lambda k: list(order[:k]))
    )
    rows = draw(st.lists(ballot, min_size=1, max_size=30))
    counts = draw(st.lists(st.integers(1, 50), min_size=len(rows), max_size=len(rows)))
    return ranked_profile(rows, m, counts)


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_a_strict_majority_of_first_preferences_wins_irv(profile):
    first = profile.first_preferences()
    leader = int(np.argmax(first))
    assume(2 * int(first[leader]) > profile.total)

    assert irv(profile).winners == (leader,)


@settings(max_examples=300, deadline=None)
@given(profiles(), st.data())
def test_relabelling_candidates_relabels_the_winner(profile, data):
    m = profile.num_candidates
    perm = np.array(data.draw(st.permutations(range(m))), dtype=np.int32)
    original = irv(profile)
    assume(original.seed is None)  # a lot draws by label, so only lot-free counts compare
    mapped = np.where(profile.rankings == PAD, PAD, perm[profile.rankings])
    names = [""] * m
    for old, new in enumerate(perm):
        names[new] = profile.candidates[old]
    relabelled = RankedProfile(candidates=tuple(names), rankings=mapped, counts=profile.counts)

    result = irv(relabelled)

    assert result.winners == tuple(int(perm[w]) for w in original.winners)
    assert result.winner_names == original.winner_names
    assert [r.exhausted for r in result.rounds] == [r.exhausted for r in original.rounds]


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_every_round_accounts_for_every_ballot_and_renders(profile):
    for result in (irv(profile), plurality(profile)):
        for r in result.rounds:
            assert r.continuing + r.exhausted == profile.total
            assert sum(v for v in r.totals if v is not None) == r.continuing
        json.dumps(result.to_json())
        assert result.to_text()


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_irv_elects_pref_votings_winner_whenever_no_tie_had_to_be_broken(profile):
    ours = irv(profile)
    assume(not ours.ties)

    theirs = instant_runoff_for_truncated_linear_orders(pref_voting_profile(profile))

    assert list(ours.winners) == sorted(theirs)


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_plurality_elects_pref_votings_winners(profile):
    assert list(plurality(profile).winners) == sorted(pv_plurality(pref_voting_profile(profile)))


@settings(max_examples=200, deadline=None)
@given(profiles(), st.randoms(use_true_random=False))
def test_reordering_ballots_changes_nothing(profile, random):
    order = list(range(profile.rankings.shape[0]))
    random.shuffle(order)
    shuffled = RankedProfile(profile.candidates, profile.rankings[order], profile.counts[order])

    before, after = irv(profile), irv(shuffled)

    assert after.winners == before.winners
    assert [r.to_json() for r in after.rounds] == [r.to_json() for r in before.rounds]
