"""Sequential Phragmén against REFERENCE.json and pabutools."""

import pytest
from hypothesis import given, settings
from pabutools.rules import sequential_phragmen

from bloc.core.budgeting.election import APPROVAL, Election
from bloc.core.budgeting.phragmen import phragmen
from tests.core.budgeting.pb_helpers import REFERENCE, load_election
from tests.core.budgeting.test_mes import instances, pabutools_view

CASES = [
    name for name, entry in REFERENCE.items() if name != "_about" and "phragmen" in entry["rules"]
]


@pytest.mark.parametrize("name", CASES)
def test_reference(name):
    expected = REFERENCE[name]["rules"]["phragmen"]
    result = phragmen(load_election(name))
    # pabutools returns Phragmén's outcome sorted by id, so compare sets
    assert sorted(result.selected_ids) == sorted(expected["selected"])
    assert result.total_cost == expected["total_cost"]


def test_stops_at_the_first_project_that_does_not_fit():
    # loads: a 6/3 = 2, b 6/2 = 3, c 4/1 = 4. "a" is funded; "b" is next but does not fit,
    # so the rule stops although "c" would fit.
    e = Election(("a", "b", "c"), (6, 6, 4), 10, APPROVAL, ((0,), (1,), (2,)), (3, 2, 1))
    result = phragmen(e)
    assert result.selected_ids == ("a",)
    reasons = {result.ids[s.project]: s.detail["reason"] for s in result.steps
               if s.outcome == "not_funded"}  # fmt: skip
    assert reasons == {"b": "stopped_here_does_not_fit", "c": "not_reached"}


def test_exact_tie_goes_to_smaller_id_string():
    e = Election(("2", "11"), (5, 5), 5, APPROVAL, ((0, 1),), (3,))
    assert phragmen(e).selected_ids == ("11",)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_matches_pabutools(e):
    instance, _, mp = pabutools_view(e)
    theirs = sequential_phragmen(instance, mp)
    assert set(phragmen(e).selected_ids) == {p.name for p in theirs}
