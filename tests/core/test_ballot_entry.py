"""Submitted ballots: checked with clear problems, canonical, receipted, counted."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core.ballot_entry import (
    APPROVAL,
    CHOICE,
    RANKED,
    SCORE,
    BallotForm,
    BallotProblem,
    check_approval,
    check_choice,
    check_ranked,
    check_score,
    decode,
    encode,
    profile,
    receipt,
)
from bloc.core.tally.rules import Options, count

OPTIONS = ("Ana", "Bo", "Cy", "Di")


def problem(fn, *args):
    with pytest.raises(BallotProblem) as caught:
        fn(*args)
    return caught.value.code, caught.value.params


def test_two_options_given_the_same_rank_is_refused():
    form = BallotForm(RANKED, OPTIONS)
    assert problem(check_ranked, form, {0: 1, 2: 1}) == ("same_rank", {"rank": 1})


def test_a_ranking_is_ordered_by_rank_and_gaps_close_up():
    form = BallotForm(RANKED, OPTIONS)
    assert check_ranked(form, {0: 3, 1: None, 2: 1, 3: 5 - 1}) == (2, 0, 3)
    assert problem(check_ranked, form, {0: 5}) == ("bad_rank", {"rank": 5, "most": 4})
    assert problem(check_ranked, form, {9: 1}) == ("unknown_option", {})


def test_rank_all_and_empty_ballots_follow_the_form():
    assert problem(check_ranked, BallotForm(RANKED, OPTIONS, rank_all=True), {0: 1}) == (
        "rank_all",
        {"count": 4},
    )
    assert check_ranked(BallotForm(RANKED, OPTIONS), {}) == ()
    assert problem(check_ranked, BallotForm(RANKED, OPTIONS, allow_empty=False), {}) == (
        "empty",
        {},
    )


def test_more_approvals_than_allowed_is_refused():
    form = BallotForm(APPROVAL, OPTIONS, max_approvals=2, min_approvals=2)
    assert check_approval(form, [3, 1, 3]) == (1, 3)
    assert problem(check_approval, form, [0, 1, 2]) == ("too_many_approvals", {"most": 2})
    assert problem(check_approval, form, [0]) == ("too_few_approvals", {"least": 2})


def test_scores_stay_in_range_and_blanks_are_not_zero():
    form = BallotForm(SCORE, OPTIONS, low=0, high=5)
    assert check_score(form, {2: 5, 0: 0, 1: None}) == ((0, 0), (2, 5))
    assert problem(check_score, form, {0: 6}) == ("bad_score", {"low": 0, "high": 5})


def test_a_choice_must_be_made():
    form = BallotForm(CHOICE, ("For", "Against", "Abstain"))
    assert check_choice(form, 1) == 1
    assert problem(check_choice, form, None) == ("no_choice", {})


ballots_by_kind = {
    CHOICE: st.integers(0, 3),
    RANKED: st.permutations(range(4)).flatmap(lambda p: st.integers(0, 4).map(lambda k: p[:k])),
    APPROVAL: st.sets(st.integers(0, 3)),
    SCORE: st.dictionaries(st.integers(0, 3), st.integers(0, 5)),
}


def _checked(form, raw):
    if form.kind == CHOICE:
        return check_choice(form, raw)
    if form.kind == RANKED:
        return check_ranked(form, {option: rank for rank, option in enumerate(raw, 1)})
    if form.kind == APPROVAL:
        return check_approval(form, raw)
    return check_score(form, raw)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(ballots_by_kind)).flatmap(
    lambda kind: st.tuples(st.just(kind), ballots_by_kind[kind])))  # fmt: skip
def test_encoding_is_canonical_and_decodes_to_the_same_ballot(kind_and_raw):
    kind, raw = kind_and_raw
    form = BallotForm(kind, OPTIONS)
    ballot = _checked(form, raw)

    text = encode(form, ballot)

    assert decode(form, text) == ballot
    assert encode(form, decode(form, text)) == text


def test_receipts_differ_for_identical_ballots_and_can_be_rechecked():
    form = BallotForm(RANKED, OPTIONS)
    text = encode(form, (2, 0))
    first, second = receipt(text, b"\x01" * 16), receipt(text, b"\x02" * 16)
    assert first != second
    assert receipt(text, b"\x01" * 16) == first
    assert len(first) == 64


def test_checked_ballots_count_by_the_tally_engine():
    ranked = BallotForm(RANKED, OPTIONS)
    ballots = [check_ranked(ranked, {2: 1, 0: 2})] * 3 + [check_ranked(ranked, {0: 1})] * 2
    assert count("irv", profile(ranked, ballots)).winners == (2,)

    motion = BallotForm(CHOICE, ("For", "Against", "Abstain"))
    result = count("majority", profile(motion, [0, 0, 1, 2]))
    assert result.motion.counts == (("for", 2), ("against", 1), ("abstain", 1))

    approval = BallotForm(APPROVAL, OPTIONS)
    result = count("approval", profile(approval, [(0, 1), (1,), ()]))
    assert result.winners == (1,)

    scores = BallotForm(SCORE, OPTIONS)
    result = count("score", profile(scores, [((0, 5), (1, 1)), ((1, 4),)]))
    assert result.winners == (0,)


def test_bad_forms_are_refused():
    with pytest.raises(ValueError, match="kind"):
        BallotForm("dictator", OPTIONS)
    with pytest.raises(ValueError, match="distinct"):
        BallotForm(RANKED, ("A", "A"))
    with pytest.raises(ValueError, match="approval limits"):
        BallotForm(APPROVAL, OPTIONS, max_approvals=1, min_approvals=2)


def test_options_count_matters_for_profiles():
    assert profile(BallotForm(RANKED, OPTIONS), []).total == 0
    assert count("plurality", profile(BallotForm(RANKED, OPTIONS), []), Options()).winners
