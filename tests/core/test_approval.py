"""Approval voting (one winner) and AV committees, against the reference data and abcvoting."""

import json
from pathlib import Path

import numpy as np
import pytest
from abcvoting import abcrules
from abcvoting.preferences import Profile
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core.formats.preflib import read_preflib
from bloc.core.tally.approval import approval, av
from bloc.core.tally.ballots import ApprovalProfile
from bloc.core.tally.result import REASON_MOST_VOTES, TIEBREAK_LOT

RANKED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ranked"
REFERENCE = json.loads((RANKED_DATA / "REFERENCE.json").read_text(encoding="utf-8"))
FRENCH = "00026-00000004.cat"


def _french():
    profile = read_preflib(RANKED_DATA / FRENCH)
    assert isinstance(profile, ApprovalProfile)
    return profile


def _profile(sets, m):
    approvals = np.zeros((len(sets), m), dtype=np.bool_)
    for row, approved in enumerate(sets):
        approvals[row, list(approved)] = True
    return ApprovalProfile(
        candidates=tuple(f"c{i}" for i in range(m)),
        approvals=approvals,
        counts=np.ones(len(sets), dtype=np.int64),
    )


def test_approval_matches_the_reference_winner_and_scores():
    expected = REFERENCE[FRENCH]["outcomes"]["approval"]

    result = approval(_french())

    assert [c + 1 for c in result.winners] == expected["winners"]
    assert result.rounds[0].to_json()["totals"] == expected["scores"]
    assert result.rounds[0].reason == REASON_MOST_VOTES
    assert result.rounds[0].exhausted == REFERENCE[FRENCH]["empty_ballots"] == 6
    assert result.rounds[0].continuing == 460 - 6


def test_av_matches_the_reference_committee():
    expected = REFERENCE[FRENCH]["outcomes"]["av"]

    result = av(_french(), expected["committee_size"])

    assert sorted(c + 1 for c in result.winners) == expected["winners"]
    # Listed by approvals: Jospin 214, Bayrou 170, Chevenement 157.
    assert [c + 1 for c in result.winners] == [10, 4, 13]
    assert result.ties == () and result.seed is None
    assert result.seats == 3


def test_approval_returns_every_tied_leader_unbroken():
    result = approval(_profile([{0, 1}, {1, 2}, {0}, {2}], 3))

    assert result.winners == (0, 1, 2)
    assert result.rounds[0].totals == (2, 2, 2)
    assert result.ties == () and result.seed is None
    assert "Tied winners" in result.to_text()


def test_av_draws_the_boundary_tie_by_a_recorded_lot():
    # c0 is in outright; c1, c2, c3 tie for the two seats left.
    sets = [{0}, {0}, {0, 1}, {2}, {3}]
    first = av(_profile(sets, 4), 3, seed=3)
    again = av(_profile(sets, 4), 3, seed=3)

    assert first.winners[0] == 0
    assert set(first.winners[1:]) < {1, 2, 3}
    assert first.winners == again.winners
    assert first.seed == 3
    assert [t.tied for t in first.ties] == [
        (1, 2, 3),
        tuple(sorted({1, 2, 3} - {first.winners[1]})),
    ]
    assert [t.chosen for t in first.ties] == list(first.winners[1:])
    assert all(t.method == TIEBREAK_LOT for t in first.ties)
    assert first.rounds[0].tiebreak == first.ties[0]
    assert "lot (seed 3)" in first.to_text()


def test_av_boundary_tie_filling_exactly_the_seats_needs_no_lot():
    result = av(_profile([{0}, {0}, {1}, {2}], 4), 3)

    assert set(result.winners) == {0, 1, 2}
    assert result.seed is None


@pytest.mark.parametrize("seats", [0, 4])
def test_av_seats_must_fit_the_candidates(seats):
    with pytest.raises(ValueError, match="seats"):
        av(_profile([{0}], 3), seats)


@st.composite
def approval_profiles(draw):
    m = draw(st.integers(1, 8))
    sets = draw(st.lists(st.sets(st.integers(0, m - 1), max_size=m), min_size=1, max_size=30))
    seats = draw(st.integers(1, m))
    return sets, m, seats


@settings(max_examples=200, deadline=None)
@given(approval_profiles(), st.integers(0, 10))
def test_av_committee_is_one_of_abcvotings_and_a_lot_only_when_it_matters(case, seed):
    sets, m, seats = case
    profile = Profile(m)
    profile.add_voters([sorted(s) for s in sets])
    theirs = {
        frozenset(c)
        for c in abcrules.compute("av", profile, seats, resolute=False, max_num_of_committees=None)
    }

    result = av(_profile(sets, m), seats, seed=seed)

    assert frozenset(result.winners) in theirs
    assert (result.seed is None) == (len(theirs) == 1)


@settings(max_examples=200, deadline=None)
@given(approval_profiles())
def test_approval_winners_are_abcvotings_single_seat_committees(case):
    sets, m, _ = case
    profile = Profile(m)
    profile.add_voters([sorted(s) for s in sets])
    theirs = abcrules.compute("av", profile, 1, resolute=False, max_num_of_committees=None)

    result = approval(_profile(sets, m))

    assert sorted(result.winners) == sorted(next(iter(c)) for c in theirs)
    assert sum(result.rounds[0].totals) == sum(len(s) for s in sets)
    json.dumps(result.to_json())


@settings(max_examples=100, deadline=None)
@given(approval_profiles(), st.data())
def test_relabelling_candidates_relabels_the_av_committee(case, data):
    sets, m, seats = case
    perm = data.draw(st.permutations(range(m)))
    original = av(_profile(sets, m), seats)
    relabelled = av(_profile([{perm[c] for c in s} for s in sets], m), seats)

    assert {perm[c] for c in approval(_profile(sets, m)).winners} == set(
        approval(_profile([{perm[c] for c in s} for s in sets], m)).winners
    )
    if original.seed is None:  # a lot draws by label: only lot-free counts compare
        assert set(relabelled.winners) == {perm[c] for c in original.winners}
