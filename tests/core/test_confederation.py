"""Ratification rolled up a tree of councils: the rules and their properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.confederation import (
    AGAINST,
    ASSEMBLIES,
    DOUBLE,
    FOR,
    MEMBERS,
    POSITIONS,
    Assembly,
    Council,
    TreeProblem,
    roll_up,
)


def test_a_city_question_is_decided_by_neighbourhoods_whose_positions_come_from_blocks():
    assemblies = {
        "maple": Assembly(40, FOR),
        "oak": Assembly(10, AGAINST),
        "elm": Assembly(12, AGAINST),
        "harbor": Assembly(300, FOR),
    }
    councils = {
        "north": Council(("maple", "oak", "elm"), rule=ASSEMBLIES, quorum=2),
        "city": Council(("north", "harbor"), rule=DOUBLE),
    }
    results = roll_up(councils, assemblies, "city")
    north = results["north"]
    assert (north.position, north.assemblies_for, north.assemblies_against) == (AGAINST, 1, 2)
    assert north.weight == 62 and north.weight_for == 40  # it speaks for all its members
    city = results["city"]
    assert city.counted == {"north": AGAINST, "harbor": FOR}
    assert not city.majority_of_assemblies and city.majority_of_members
    assert city.position == AGAINST  # a double majority needs both


def test_below_the_quorum_nothing_is_carried():
    results = roll_up({"c": Council(("a", "b", "d"), quorum=2)},
                      {"a": Assembly(5, FOR), "b": Assembly(5), "d": Assembly(5)}, "c")  # fmt: skip
    assert results["c"].position is None and not results["c"].quorum_met


@pytest.mark.parametrize(
    ("councils", "assemblies"),
    [
        ({"c": Council(("a", "x"))}, {"a": Assembly(1)}),  # unknown member
        ({"c": Council(("a",)), "d": Council(("a",))}, {"a": Assembly(1)}),  # in two councils
        ({"c": Council(("d",)), "d": Council(("c",))}, {}),  # a cycle
    ],
)
def test_a_tree_that_is_not_one_is_refused(councils, assemblies):
    with pytest.raises(TreeProblem):
        roll_up(councils, assemblies, "c")


@st.composite
def trees(draw, equal_weights=False):  # type: ignore[no-untyped-def]
    """A random tree: 2-4 councils below a root, each with 1-4 assemblies."""
    assemblies: dict[str, Assembly] = {}
    councils: dict[str, Council] = {}
    tops = []
    for c in range(draw(st.integers(1, 4))):
        names = []
        for a in range(draw(st.integers(1, 4))):
            name = f"a{c}.{a}"
            members = 10 if equal_weights else draw(st.integers(0, 50))
            assemblies[name] = Assembly(members, draw(st.sampled_from((*POSITIONS, None))))
            names.append(name)
        rule = draw(st.sampled_from((ASSEMBLIES, MEMBERS, DOUBLE)))
        councils[f"c{c}"] = Council(tuple(names), rule=rule, quorum=draw(st.integers(0, 3)))
        tops.append(f"c{c}")
    root_rule = draw(st.sampled_from((ASSEMBLIES, MEMBERS, DOUBLE)))
    councils["root"] = Council(tuple(tops), rule=root_rule, quorum=draw(st.integers(0, 2)))
    return councils, assemblies


@given(trees())
def test_a_double_majority_implies_both_majorities(tree):
    councils, assemblies = tree
    results = roll_up(councils, assemblies, "root")
    for name, council in councils.items():
        r = results[name]
        if council.rule == DOUBLE and r.position == FOR:
            assert r.majority_of_assemblies and r.majority_of_members


@given(st.lists(st.sampled_from((*POSITIONS, None)), min_size=1, max_size=9),
       st.integers(0, 5))  # fmt: skip
def test_with_equal_weights_weighting_changes_nothing(positions, quorum):
    assemblies = {f"a{i}": Assembly(7, p) for i, p in enumerate(positions)}
    names = tuple(assemblies)
    one = roll_up({"c": Council(names, ASSEMBLIES, quorum)}, assemblies, "c")["c"]
    weighted = roll_up({"c": Council(names, MEMBERS, quorum)}, assemblies, "c")["c"]
    assert one.position == weighted.position


@given(trees(), st.data())
def test_moving_a_member_changes_only_the_nodes_above_the_two_assemblies(tree, data):
    councils, assemblies = tree
    names = sorted(assemblies)
    source = data.draw(st.sampled_from(names))
    target = data.draw(st.sampled_from(names))
    if assemblies[source].members == 0 or source == target:
        return
    before = roll_up(councils, assemblies, "root")
    moved = dict(assemblies)
    moved[source] = Assembly(assemblies[source].members - 1, assemblies[source].position)
    moved[target] = Assembly(assemblies[target].members + 1, assemblies[target].position)
    after = roll_up(councils, moved, "root")
    parent = {m: name for name, c in councils.items() for m in c.members}

    def path(node: str) -> set[str]:
        up = {node}
        while node in parent:
            node = parent[node]
            up.add(node)
        return up

    above = path(source) | path(target)
    for node in before:
        if node not in above:
            assert before[node] == after[node]
