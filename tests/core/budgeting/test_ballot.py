"""The budget ballot's rules: what a voter may submit, and its one canonical text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.budgeting.ballot import (
    APPROVAL,
    CUMULATIVE,
    KNAPSACK,
    ORDINAL,
    BudgetBallotForm,
    BudgetBallotProblem,
    check,
    decode,
    encode,
)

COSTS = {11: 400, 12: 300, 13: 250, 14: 100}


def form(kind: str, **limits: int | None) -> BudgetBallotForm:
    return BudgetBallotForm(kind=kind, costs=COSTS, budget=700, **limits)  # type: ignore[arg-type]


def refusal(f: BudgetBallotForm, data: object) -> BudgetBallotProblem:
    with pytest.raises(BudgetBallotProblem) as refused:
        check(f, data)
    return refused.value


def test_knapsack_says_by_how_much_it_is_over():
    problem = refusal(form(KNAPSACK), ["11", "12", "14"])
    assert (problem.code, problem.params) == (
        "over_budget",
        {"total": 800, "budget": 700, "over": 100},
    )
    assert check(form(KNAPSACK), [11, 12]) == (11, 12)  # exactly the budget fits


def test_approval_limits():
    assert refusal(form(APPROVAL, max_projects=2), [11, 12, 13]).code == "too_many"
    assert refusal(form(APPROVAL, min_projects=2), [11]).params == {"least": 2}
    assert refusal(form(APPROVAL, min_projects=1), []).code == "empty"
    assert check(form(APPROVAL), [13, "11", 13]) == (11, 13)  # sorted, once each


@pytest.mark.parametrize("bad", [[99], ["x"], [True], "11", {"11": 1}, None])
def test_unknown_projects_and_shapes_are_refused(bad):
    assert refusal(form(APPROVAL), bad).code == "unknown_project"


def test_cumulative_points():
    f = form(CUMULATIVE, max_points=10, max_per_project=6)
    assert check(f, {"11": "4", "12": "", "13": 0, 14: 6}) == ((11, 4), (14, 6))
    over = refusal(f, {11: 6, 12: 5})
    assert (over.code, over.params) == ("too_many_points", {"total": 11, "most": 10, "over": 1})
    assert refusal(f, {11: 7}).code == "project_points"
    assert refusal(f, {11: -1}).code == "bad_points"
    assert refusal(f, {11: "2.5"}).code == "bad_points"


def test_ranking_closes_gaps_and_refuses_ties():
    f = form(ORDINAL, max_projects=3)
    assert check(f, {11: "3", 12: "1", 13: ""}) == (12, 11)
    assert refusal(f, {11: 1, 12: 1}).code == "same_rank"
    assert refusal(f, {11: 5}).params == {"rank": 5, "most": 4}
    assert refusal(f, {11: 1, 12: 2, 13: 3, 14: 4}).code == "too_many"


@given(st.lists(st.sampled_from(sorted(COSTS)), max_size=6))
def test_a_knapsack_ballot_is_accepted_exactly_when_it_fits(chosen):
    total = sum(COSTS[p] for p in set(chosen))
    try:
        ballot = check(form(KNAPSACK), chosen)
    except BudgetBallotProblem as problem:
        assert problem.code == "over_budget" and total > 700
        assert problem.params["over"] == total - 700
    else:
        assert total <= 700 and set(ballot) == set(chosen)


@given(st.dictionaries(st.sampled_from(sorted(COSTS)), st.integers(0, 12), max_size=4))
def test_cumulative_ballots_round_trip_through_their_text(points):
    f = form(CUMULATIVE, max_points=48)
    ballot = check(f, points)
    assert decode(encode(ballot)) == ballot
    assert check(f, dict(ballot)) == ballot  # canonical: checking it again changes nothing


@given(st.permutations(sorted(COSTS)))
def test_a_ranking_is_kept_in_rank_order(order):
    ranks = {p: i + 1 for i, p in enumerate(order)}
    ballot = check(form(ORDINAL), ranks)
    assert ballot == tuple(order) and decode(encode(ballot)) == ballot
