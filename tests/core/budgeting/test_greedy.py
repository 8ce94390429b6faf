"""Greedy utilitarian welfare: every reference outcome, ties, skips and the explanation."""

import json

import pytest

from bloc.core.budgeting.election import Election
from bloc.core.budgeting.explain import to_json, to_text
from bloc.core.budgeting.greedy import greedy
from tests.core.budgeting.pb_helpers import REFERENCE, load_election, reference_cases


@pytest.mark.parametrize(("name", "rule"), reference_cases("greedy_"))
def test_matches_every_reference_outcome_and_order(name, rule):
    expected = REFERENCE[name]["rules"][rule]
    result = greedy(load_election(name), rule.removeprefix("greedy_"))
    assert result.rule == rule
    assert sorted(result.selected_ids) == sorted(expected["selected"])
    assert list(result.selected_ids) == expected["selection_order"]
    assert result.total_cost == expected["total_cost"]


def test_every_file_has_greedy_cost_and_card_cases():
    cases = reference_cases("greedy_")
    assert len(cases) == 15
    assert ("Poland_Czestochowa_2024_Bleszno.pb", "greedy_points") in cases


def election(costs, ballots, budget, ids=None, counts=None, points=None):
    ids = ids or tuple(str(i) for i in range(len(costs)))
    return Election(
        ids=tuple(ids),
        costs=tuple(costs),
        budget=budget,
        kind="cumulative" if points else "approval",
        ballots=tuple(tuple(b) for b in ballots),
        counts=tuple(counts or [1] * len(ballots)),
        points=tuple(tuple(p) for p in points) if points else None,
    )


def test_ties_go_to_the_smaller_id_as_text():
    # "11" and "2" both have two votes; "11" < "2" as strings.
    e = election([10, 10], [[0, 1], [0, 1]], 10, ids=["2", "11"])
    assert greedy(e).selected_ids == ("11",)


def test_a_project_that_does_not_fit_is_skipped_and_the_walk_goes_on():
    e = election([80, 30, 20], [[0, 1, 2], [0, 1], [0]], 100)
    result = greedy(e)
    assert result.selected_ids == ("0", "2")
    skipped = [s for s in result.steps if s.outcome == "skipped"]
    assert [(s.project, s.detail["left"], s.detail["short"]) for s in skipped] == [(1, 20, 10)]
    assert [s.project for s in result.steps] == [0, 1, 2]
    assert "skipped" in result.notes[0]


def test_card_orders_by_votes_per_cost_exactly():
    # "1" scores (1e16 + 1) / 1e16, "0" scores 1/1: equal as floats, so a float
    # implementation would fall back on the id and pick "0" first.
    big = 10**16
    e = election([1, big], [[0, 1], [1]], big, counts=[1, big])
    assert float(big + 1) / big == 1.0
    assert greedy(e, "card").selected_ids == ("1",)
    assert greedy(e, "cardinality").selected_ids == ("1",)


def test_points_weigh_by_points_and_need_cumulative_ballots():
    e = election([10, 10], [[0, 1], [1]], 10, points=[[9, 1], [5]])
    assert greedy(e, "points").selected_ids == ("0",)
    assert greedy(e, "cost").selected_ids == ("1",)
    with pytest.raises(ValueError, match="cumulative"):
        greedy(election([1], [[0]], 1), "points")
    with pytest.raises(ValueError, match="unknown satisfaction"):
        greedy(e, "borda")


def test_free_and_unsupported_projects_are_placed_as_pabutools_places_them():
    # card: a free supported project scores infinity (first); an unsupported one 0 (last).
    e = election([0, 5, 5], [[0, 1], [1]], 5)
    assert [s.project for s in greedy(e, "card").steps] == [0, 1, 2]
    # cost: the free project's satisfaction is 0, so it comes last and is funded.
    assert [s.project for s in greedy(e, "cost").steps] == [1, 0, 2]
    assert greedy(e, "cost").selected_ids == ("1", "0")


def test_initial_projects_stay_funded_and_their_cost_comes_off():
    e = election([50, 40, 30], [[0], [1, 2], [1, 2]], 100)
    result = greedy(e, "cost", initial=[0])
    assert result.selected_ids == ("0", "1")
    assert [s.project for s in result.steps] == [1, 2]
    assert result.extra["left"] == 10


def test_the_explanation_reads_and_serialises():
    result = greedy(load_election("Netherlands_Assen_2024.pb"), "card")
    text = to_text(result)
    assert "Rule: greedy_card" in text
    assert "does not fit" in text
    assert "Money left: " in text
    data = to_json(result)
    json.dumps(data)
    assert data["selected"] == list(result.selected_ids)
    assert data["left"] == result.budget - result.total_cost
    assert all("/" in s["score"] or s["score"].isdigit() for s in data["steps"])
    assert {s["outcome"] for s in data["steps"]} == {"funded", "skipped"}
