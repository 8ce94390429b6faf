"""MES (cost, cardinality, points; Add1 completions) against REFERENCE.json and pabutools."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares

from bloc.core.budgeting import mes as mes_module
from bloc.core.budgeting.election import APPROVAL, Election
from bloc.core.budgeting.mes import mes
from tests.core.budgeting.pb_helpers import REFERENCE, load_election

RULES = {
    "mes_cost": ("cost", None),
    "mes_card": ("card", None),
    "mes_points": ("points", None),
    "mes_cost_add1": ("cost", "add1"),
    "mes_cost_add1_overspend": ("cost", "add1_overspend"),
    "mes_cost_add1_greedy": ("cost", "add1_greedy"),
}
CASES = [
    (name, rule)
    for name, entry in REFERENCE.items()
    if name != "_about"
    for rule in entry["rules"]
    if rule in RULES
]

election = load_election


@pytest.mark.parametrize(("name", "rule"), CASES)
def test_reference(name, rule):
    expected = REFERENCE[name]["rules"][rule]
    result = mes(election(name), *RULES[rule])
    assert sorted(result.selected_ids) == sorted(expected["selected"])
    # the pick order is pabutools' (the final MES run, then greedy additions)
    assert list(result.selected_ids) == expected["selection_order"]
    assert result.total_cost == expected["total_cost"]
    assert result.rule == rule


def test_explanation_says_why_a_project_was_not_funded():
    result = mes(election("Netherlands_Assen_2024.pb"), "cost")
    funded = [s for s in result.steps if s.outcome == "funded"]
    assert [s.project for s in funded] == list(result.selected)
    first = funded[0].detail
    assert first["paid_full"] + first["paid_all"] == first["votes"]
    unfunded = [s for s in result.steps if s.outcome == "not_funded"]
    assert len(unfunded) == len(result.ids) - len(result.selected)
    for step in unfunded:
        assert step.detail["reason"] == "supporters_could_not_afford"
        assert float(step.detail["held"]) < step.detail["cost"]
    assert len(result.extra["left_by_ballot"]) == len(election("Netherlands_Assen_2024.pb").ballots)


def test_add1_when_everything_fits_follows_pabutools():
    # Las: all 12 projects fit; pabutools' add1 without the stop ends at its bound and
    # funds every supported project.
    result = mes(election("Poland_Warszawa_2018_Las.pb"), "cost", "add1_overspend")
    assert len(result.selected) == 12
    assert any("fit" in note for note in result.notes)


def test_exact_tie_goes_to_smaller_id_string():
    # two identical projects "2" and "11": same cost, same supporters; "11" < "2"
    e = Election(("2", "11"), (10, 10), 10, APPROVAL, ((0, 1),), (4,))
    assert mes(e, "cost").selected_ids == ("11",)


# --- against pabutools on random small instances ---------------------------------------


@st.composite
def instances(draw):
    m = draw(st.integers(1, 8))
    costs = draw(st.lists(st.integers(1, 20), min_size=m, max_size=m))
    budget = draw(st.integers(1, 60))
    ballots = draw(
        st.lists(st.frozensets(st.integers(0, m - 1), min_size=1), min_size=1, max_size=12)
    )
    counts = draw(st.lists(st.integers(1, 4), min_size=len(ballots), max_size=len(ballots)))
    merged: dict[frozenset[int], int] = {}
    for b, c in zip(ballots, counts, strict=True):
        merged[b] = merged.get(b, 0) + c
    # distinct ids whose string order differs from their number order ("11" < "2")
    ids = tuple(draw(st.lists(st.integers(0, 30).map(str), min_size=m, max_size=m, unique=True)))
    return Election(
        ids,
        tuple(costs),
        budget,
        APPROVAL,
        tuple(tuple(sorted(b)) for b in merged),
        tuple(merged.values()),
    )


def pabutools_view(e):
    projects = [Project(i, c) for i, c in zip(e.ids, e.costs, strict=True)]
    instance = Instance(projects, budget_limit=e.budget)
    profile = ApprovalProfile(
        [ApprovalBallot([projects[p] for p in b]) for b, c in zip(e.ballots, e.counts, strict=True)
         for _ in range(c)],
        instance=instance,
    )  # fmt: skip
    return instance, profile, profile.as_multiprofile()


@settings(max_examples=60, deadline=None)
@given(instances(), st.sampled_from(["cost", "card"]))
def test_mes_matches_pabutools(e, sat):
    instance, _, mp = pabutools_view(e)
    sat_class = Cost_Sat if sat == "cost" else Cardinality_Sat
    theirs = [p.name for p in method_of_equal_shares(instance, mp, sat_class=sat_class)]
    assert list(mes(e, sat).selected_ids) == theirs
    # the NumPy runner (used above 4,000 ballot-project pairs) gives the same outcome
    small = mes_module.SMALL
    try:
        mes_module.SMALL = 0
        assert list(mes(e, sat).selected_ids) == theirs
    finally:
        mes_module.SMALL = small


@settings(max_examples=60, deadline=None)
@given(instances())
def test_mes_add1_matches_pabutools(e):
    instance, profile, mp = pabutools_view(e)
    supported = {p for b in e.ballots for p in b}
    if sum(e.costs[p] for p in supported) <= e.budget:
        # pabutools would run up to B·(n+1) MES rounds; the shortcut is tested on Las
        return
    theirs = exhaustion_by_budget_increase(
        instance, mp, method_of_equal_shares, {"sat_class": Cost_Sat},
        budget_step=profile.num_ballots(), exhaustive_stop=True,
    )  # fmt: skip
    expected = {p.name for p in theirs}
    assert set(mes(e, "cost", "add1").selected_ids) == expected
    small = mes_module.SMALL
    try:  # the NumPy runner too (with its blocks of runs and deferred charges)
        mes_module.SMALL = 0
        assert set(mes(e, "cost", "add1").selected_ids) == expected
    finally:
        mes_module.SMALL = small


@pytest.mark.parametrize("small", [True, False])
def test_tie_shortcut_gives_the_full_exact_result(monkeypatch, small):
    # Ties between projects nobody is capped on are settled at cost/W without the exact
    # replay; with the shortcut off, the result is the same in every detail.
    e = election("Netherlands_Assen_2024.pb")
    monkeypatch.setattr(mes_module, "SMALL", 4000 if small else 0)
    fast = mes(e, "cost", "add1")
    monkeypatch.setattr(mes_module._Runner, "_base_rho", lambda self, p: None)
    slow = mes(e, "cost", "add1")
    assert fast.selected == slow.selected

    # ρ is shown exactly for the rounds an exact replay went through, which the shortcut
    # makes rarer: compare it as shown to 6 digits
    def shown(step):
        rho = step.detail.get("rho")
        if isinstance(rho, Fraction):
            rho = f"{float(rho):.6g}"
        return (step.project, step.outcome, {**step.detail, "rho": rho})

    assert [shown(s) for s in fast.steps] == [shown(s) for s in slow.steps]
    assert fast.notes == slow.notes
    assert fast.extra == slow.extra


def test_tie_shortcut_is_exact():
    # "a" and "b" tie at ρ = 1/6 per unit: nobody is capped, the shortcut settles it exactly
    e = Election(("b", "a"), (6, 6), 6, APPROVAL, ((0, 1),), (6,))
    result = mes(e, "cost")
    assert result.selected_ids == ("a",)
    assert result.steps[0].detail["rho"] == Fraction(1, 6)
