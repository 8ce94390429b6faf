"""A vote threshold, as Warsaw counts: greedy over the projects with enough votes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bloc.core.budgeting.election import APPROVAL, Election
from bloc.core.budgeting.greedy import greedy, supporters
from bloc.core.budgeting.threshold import eligible
from tests.core.budgeting.pb_helpers import REFERENCE, load_election


def test_warsaw_2026_is_greedy_over_the_projects_with_3000_votes():
    name = "Poland_Warszawa_2026.pb"
    election = load_election(name)
    restricted, left_out = eligible(election, election.limits["min_project_score_threshold"])
    funded = greedy(restricted).selected_ids
    assert sorted(funded) == sorted(REFERENCE[name]["recorded_selected"])
    assert all(supporters(election)[p] < 3000 for p in left_out)


@given(
    st.lists(st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True), min_size=1,
             max_size=12),
    st.integers(0, 6),
)  # fmt: skip
def test_only_projects_with_enough_votes_stay_and_ballots_keep_the_rest(ballots, least):
    election = Election(ids=tuple(str(i) for i in range(6)), costs=(1,) * 6, budget=3,
                        kind=APPROVAL, ballots=tuple(tuple(sorted(b)) for b in ballots),
                        counts=(1,) * len(ballots))  # fmt: skip
    votes = supporters(election)
    restricted, left_out = eligible(election, least)
    kept = [election.ids[p] for p in range(6) if votes[p] >= least]
    assert list(restricted.ids) == kept
    assert sorted(left_out) == [p for p in range(6) if votes[p] < least]
    again = dict(zip(restricted.ids, supporters(restricted), strict=True))
    assert all(again[i] == votes[int(i)] for i in kept)  # each kept project keeps its votes
