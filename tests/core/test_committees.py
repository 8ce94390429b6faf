"""PAV, seq-Phragmén and Equal Shares, against the reference data and abcvoting itself."""

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from abcvoting import abcrules
from abcvoting.preferences import Profile, Voter
from abcvoting.scores import thiele_score
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from bloc.core.formats.preflib import read_preflib
from bloc.core.tally.approval import av
from bloc.core.tally.ballots import ApprovalProfile
from bloc.core.tally.committees import equal_shares, seq_phragmen
from bloc.core.tally.pav import pav, pav_score
from bloc.core.tally.result import (
    REASON_BEST_COMMITTEE,
    REASON_LOWEST_LOAD,
    REASON_LOWEST_PRICE,
    TIEBREAK_LOT,
)

RANKED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ranked"
REFERENCE = json.loads((RANKED_DATA / "REFERENCE.json").read_text(encoding="utf-8"))
FRENCH = "00026-00000004.cat"

RULES = {
    "av": av,
    "pav": pav,
    "seq_phragmen": seq_phragmen,
    "equal_shares": equal_shares,
}
# abcvoting's name for each rule and an exact algorithm (its fastest ones use floats).
ABC = {
    "av": ("av", "standard"),
    "pav": ("pav", "brute-force"),
    "seq_phragmen": ("seqphragmen", "standard-fractions"),
    "equal_shares": ("equal-shares", "standard-fractions"),
}


def _french():
    profile = read_preflib(RANKED_DATA / FRENCH)
    assert isinstance(profile, ApprovalProfile)
    return profile


def _profile(sets, m, counts=None):
    approvals = np.zeros((len(sets), m), dtype=np.bool_)
    for row, approved in enumerate(sets):
        approvals[row, list(approved)] = True
    return ApprovalProfile(
        candidates=tuple(f"c{i}" for i in range(m)),
        approvals=approvals,
        counts=np.ones(len(sets), dtype=np.int64) if counts is None else np.array(counts),
    )


def _abc_committees(rule, sets, m, seats):
    profile = Profile(m)
    profile.add_voters([sorted(s) for s in sets])
    rule_id, algorithm = ABC[rule]
    committees = abcrules.compute(
        rule_id,
        profile,
        seats,
        algorithm=algorithm,
        resolute=False,
        max_num_of_committees=None,
    )
    return {frozenset(c) for c in committees}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_french_approval_experiment_matches_the_reference_committee(rule):
    expected = REFERENCE[FRENCH]["outcomes"][rule]

    result = RULES[rule](_french(), expected["committee_size"])

    assert sorted(c + 1 for c in result.winners) == expected["winners"]
    assert expected["all_tied_committees"] == [expected["winners"]]
    assert result.ties == ()
    assert result.seed is None
    assert result.seats == 3


def test_the_french_committees_differ_between_rules_as_the_reference_says():
    profile = _french()
    committees = {rule: frozenset(f(profile, 3).winners) for rule, f in RULES.items()}
    # AV and PAV differ from each other and from the two sequential rules; here
    # seq-Phragmén and Equal Shares (after its Phragmén completion) agree.
    assert len({committees["av"], committees["pav"], committees["seq_phragmen"]}) == 3
    assert committees["equal_shares"] == committees["seq_phragmen"]


def test_french_equal_shares_buys_one_seat_then_completes_by_phragmen():
    result = equal_shares(_french(), 3)

    measures = [r.measure for r in result.rounds]
    assert measures == ["price", "load", "load"]
    assert [r.reason for r in result.rounds] == [
        REASON_LOWEST_PRICE,
        REASON_LOWEST_LOAD,
        REASON_LOWEST_LOAD,
    ]
    first = result.rounds[0]
    # Jospin (10) is bought at the lowest price; each voter started with 3/460.
    assert first.elected == (9,)
    prices = [v for v in first.totals if v is not None]
    assert first.totals[9] == min(prices)
    # 214 approvers, each able to pay 3/460 (total 642/460 > 1): they share it evenly.
    assert first.totals[9] == Fraction(1, 214)
    assert any("From round 2" in note for note in result.notes)


def test_french_pav_reports_the_exact_score_and_the_runner_up():
    profile = _french()
    result = pav(profile, 3)

    abc = Profile(profile.num_candidates)
    for row, count in zip(profile.approvals, profile.counts, strict=True):
        abc.add_voter(Voter(np.flatnonzero(row).tolist(), weight=int(count)))
    best = thiele_score("pav", abc, list(result.winners))
    assert pav_score(profile, result.winners) == best == Fraction(1384, 3)
    assert "461 + 1/3" in result.notes[0]
    assert "Runner-up committee: Bayrou, Jospin, Chevenement, score 454 + 1/6" in result.notes[1]
    assert result.rounds[0].reason == REASON_BEST_COMMITTEE


def test_french_seq_phragmen_rounds_show_exact_loads():
    profile = _french()
    result = seq_phragmen(profile, 3)

    approvals = profile.approval_counts()
    first = result.rounds[0]
    assert first.measure == "load"
    # With all loads 0, the new load of c is 1 / (approvers of c).
    assert all(
        v == Fraction(1, int(approvals[c])) for c, v in enumerate(first.totals) if v is not None
    )
    assert first.elected == (9,)  # most approved: smallest load
    assert result.rounds[1].totals[9] is None  # elected: out of later rounds


@st.composite
def approval_profiles(draw):
    m = draw(st.integers(4, 8))
    seats = draw(st.integers(1, 4))
    sets = draw(
        st.lists(
            st.sets(st.integers(0, m - 1), max_size=m),
            min_size=1,
            max_size=30,
        )
    )
    return sets, m, seats


@pytest.mark.parametrize("rule", sorted(RULES))
@settings(max_examples=120, deadline=None)
@given(case=approval_profiles(), seed=st.integers(0, 10))
# Found by a longer run: Equal Shares where a poor supporter pays all they have left.
@example(case=([{3}, {0, 1}, {0, 1, 2, 3}, {0, 4}, {0, 1, 2}], 5, 4), seed=0)
def test_our_committee_is_one_of_abcvotings_and_a_lot_only_when_it_matters(rule, case, seed):
    sets, m, seats = case
    theirs = _abc_committees(rule, sets, m, seats)

    result = RULES[rule](_profile(sets, m), seats, seed=seed)

    assert len(result.winners) == seats
    assert frozenset(result.winners) in theirs
    # A lot is drawn exactly when abcvoting allows several committees.
    assert (result.seed is None) == (len(theirs) == 1)
    assert all(t.method == TIEBREAK_LOT for t in result.ties)
    assert (result.ties == ()) == (result.seed is None)


@pytest.mark.parametrize("rule", sorted(RULES))
@settings(max_examples=60, deadline=None)
@given(case=approval_profiles(), data=st.data())
def test_relabelling_candidates_relabels_the_committee(rule, case, data):
    sets, m, seats = case
    original = RULES[rule](_profile(sets, m), seats)
    perm = data.draw(st.permutations(range(m)))
    relabelled = RULES[rule](_profile([{perm[c] for c in s} for s in sets], m), seats)

    assume(original.seed is None)  # a lot draws by label: only lot-free counts compare
    assert relabelled.seed is None
    assert set(relabelled.winners) == {perm[c] for c in original.winners}


@pytest.mark.parametrize("rule", sorted(RULES))
@settings(max_examples=40, deadline=None)
@given(case=approval_profiles())
def test_merging_identical_ballots_changes_nothing(rule, case):
    sets, m, seats = case
    keys = sorted({tuple(sorted(s)) for s in sets})
    counts = [sum(1 for s in sets if tuple(sorted(s)) == key) for key in keys]

    one_by_one = RULES[rule](_profile(sets, m), seats)
    merged = RULES[rule](_profile([set(k) for k in keys], m, counts), seats)

    assert merged.winners == one_by_one.winners
    assert [r.totals for r in merged.rounds] == [r.totals for r in one_by_one.rounds]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_results_render_as_text_and_json(rule):
    profile = _french()
    result = RULES[rule](profile, 3)

    text = result.to_text()
    assert all(profile.candidates[c] in text for c in result.winners)
    assert "Elected:" in text
    data = json.loads(json.dumps(result.to_json()))
    assert data["winners"] == [c + 1 for c in result.winners]
    assert data["seats"] == 3
    assert len(data["rounds"]) == (3 if rule in ("seq_phragmen", "equal_shares") else 1)


def test_equal_shares_by_hand_a_poor_supporter_pays_all_they_have():
    # 6 voters, 3 seats: each starts with 1/2. a has 4 supporters (price 1/4), b 3 (1/3).
    # After a, the {a, b} voter has 1/4 left: below an equal third, so they pay all of
    # it and b's other two supporters pay (1 - 1/4) / 2 = 3/8 each. Nobody approves c:
    # nothing is affordable in round 3, so seq-Phragmén completes the committee.
    sets = [{0}] * 3 + [{0, 1}] + [{1}] * 2
    result = equal_shares(_profile(sets, 3), 3)

    assert result.winners == (0, 1, 2)
    assert result.rounds[0].totals == (Fraction(1, 4), Fraction(1, 3), None)
    assert result.rounds[1].totals == (None, Fraction(3, 8), None)
    assert result.rounds[2].measure == "load"
    assert result.rounds[2].totals == (None, None, None)
    assert result.seed is None
    assert _abc_committees("equal_shares", sets, 3, 3) == {frozenset({0, 1, 2})}


def test_seq_phragmen_by_hand():
    # Loads: a would put 1/4 on each of its 4 supporters, b 1/3 on its 3: a first. Then
    # b's supporters carry 1/4 + 0 + 0, so b's new load is (1/4 + 1) / 3 = 5/12.
    sets = [{0}] * 3 + [{0, 1}] + [{1}] * 2
    result = seq_phragmen(_profile(sets, 3), 2)

    assert result.winners == (0, 1)
    assert result.rounds[0].totals == (Fraction(1, 4), Fraction(1, 3), None)
    assert result.rounds[1].totals == (None, Fraction(5, 12), None)


def test_a_tie_that_cannot_change_the_committee_draws_no_lot():
    # c0 and c1 have disjoint supporters of the same size: level in round 1, but with
    # two seats both are elected whichever goes first.
    sets = [{0}, {0}, {1}, {1}, {2}]
    for rule in ("seq_phragmen", "equal_shares"):
        result = RULES[rule](_profile(sets, 3), 2)
        assert set(result.winners) == {0, 1}
        assert result.seed is None and result.ties == ()
        assert any("without a lot" in note for note in result.notes)
        assert _abc_committees(rule, sets, 3, 2) == {frozenset({0, 1})}


def test_clones_are_split_by_a_recorded_reproducible_lot():
    sets = [{0, 1}] * 3 + [{2}] * 2
    for rule in ("pav", "seq_phragmen", "equal_shares"):
        first = RULES[rule](_profile(sets, 3), 1, seed=5)
        again = RULES[rule](_profile(sets, 3), 1, seed=5)
        assert first.winners == again.winners
        assert first.winners[0] in (0, 1)
        assert first.seed == 5
        assert first.ties[0].tied == (0, 1)
        assert first.ties[0].method == TIEBREAK_LOT
        assert "lot (seed 5)" in first.to_text()


def test_candidates_nobody_approves_fill_seats_last_by_lot():
    sets = [{0}, {0, 1}]
    for rule in ("seq_phragmen", "equal_shares"):
        result = RULES[rule](_profile(sets, 4), 3)
        assert result.winners[:2] == (0, 1)
        assert result.winners[2] in (2, 3)
        assert result.rounds[2].totals[2] is None
        assert result.ties[-1].tied == (2, 3)


def test_equal_shares_without_any_voters_completes_by_lot():
    profile = ApprovalProfile(
        candidates=("a", "b"),
        approvals=np.zeros((1, 2), dtype=np.bool_),
        counts=np.array([3]),
    )
    result = equal_shares(profile, 1)
    assert len(result.winners) == 1
    assert result.rounds[0].exhausted == 3


def test_pav_refuses_a_search_beyond_its_limit():
    rng = np.random.default_rng(1)
    approvals = rng.random((200, 14)) < 0.4
    profile = ApprovalProfile(
        candidates=tuple(f"c{i}" for i in range(14)),
        approvals=approvals,
        counts=np.ones(200, dtype=np.int64),
    )
    with pytest.raises(ValueError, match="more than 10 partial committees"):
        pav(profile, 5, max_nodes=10)
    assert len(pav(profile, 5).winners) == 5


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("seats", [0, 5])
def test_seats_must_fit_the_candidates(rule, seats):
    with pytest.raises(ValueError, match="seats"):
        RULES[rule](_profile([{0}], 4), seats)


@pytest.mark.parametrize("rule", sorted(RULES))
@settings(max_examples=30, deadline=None)
@given(case=approval_profiles())
@example(case=([{0, 1}, {1, 2}, {2, 3}, {0, 3}, {4}, {0, 5}] * 4, 6, 4))  # 25·2.4e17 > 2**62
def test_huge_counts_stay_exact(rule, case):
    # 10**16 voters per ballot: PAV's scaled scores pass 2**62 and the merged counts
    # 2**53, so the Python-integer paths are taken; scaling every count by the same
    # factor changes no rule's committee.
    sets, m, seats = case
    small = RULES[rule](_profile(sets, m), seats)
    huge = RULES[rule](_profile(sets, m, [10**16] * len(sets)), seats)

    assert huge.winners == small.winners
    assert huge.ties == small.ties
    assert huge.total_ballots == 10**16 * len(sets)
