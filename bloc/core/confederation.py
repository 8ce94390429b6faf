"""Ratification that rolls up a tree of councils: the pure rule and its explanation.

A council's members are assemblies (leaves: each decides by its own poll) or lower
councils (whose position is their own ratification result, one level down). Each
council ratifies under its own rule:

* ``assemblies`` — one member, one vote: carried when more of the members that took
  a position are for than against;
* ``members`` — weighted by membership: carried when the people represented by the
  members for outnumber those represented by the members against;
* ``double`` — both majorities must hold.

Each rule also needs a quorum: at least ``quorum`` of the council's members must have
taken a position (for, against or abstain); below it nothing is carried. A member
that abstains counts toward the quorum and toward neither side. A lower council's
weight is the membership of every assembly below it, whatever their positions: it
speaks for all of them.

``roll_up`` returns a ``NodeResult`` for every node, so each level's page can say who
carried it and which majorities held. Moving a person from one assembly to another
changes the weights only on the paths from those two assemblies to the root, so only
the nodes on those paths can change (a property the tests check).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
POSITIONS = (FOR, AGAINST, ABSTAIN)
ASSEMBLIES, MEMBERS, DOUBLE = "assemblies", "members", "double"
RULES = (ASSEMBLIES, MEMBERS, DOUBLE)


@dataclass(frozen=True)
class Council:
    """A council: its members (node ids) and how it ratifies."""

    members: tuple[str, ...]
    rule: str = ASSEMBLIES
    quorum: int = 1  # members that must take a position

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown ratification rule {self.rule!r}")
        if not self.members or len(set(self.members)) != len(self.members):
            raise ValueError("a council needs distinct members")
        if self.quorum < 0:
            raise ValueError("a quorum cannot be negative")


@dataclass(frozen=True)
class Assembly:
    """A leaf: its membership and the position its own poll decided (None: it did not)."""

    members: int
    position: str | None = None

    def __post_init__(self) -> None:
        if self.members < 0:
            raise ValueError("membership cannot be negative")
        if self.position is not None and self.position not in POSITIONS:
            raise ValueError(f"unknown position {self.position!r}")


@dataclass(frozen=True)
class NodeResult:
    """What one node decided and why."""

    position: str | None  # a council: FOR (carried) or AGAINST; None: no quorum / not decided
    weight: int  # people represented
    assemblies_for: int = 0
    assemblies_against: int = 0
    assemblies_abstain: int = 0
    weight_for: int = 0
    weight_against: int = 0
    quorum_met: bool = True
    majority_of_assemblies: bool = False
    majority_of_members: bool = False
    #: Each member's position as this council counted it.
    counted: Mapping[str, str | None] = field(default_factory=dict)


class TreeProblem(ValueError):
    """The tree is not one: a cycle, an unknown node or a node in two councils."""


def roll_up(
    councils: Mapping[str, Council], assemblies: Mapping[str, Assembly], root: str
) -> dict[str, NodeResult]:
    """Every node's result, from the assemblies' positions up to ``root``."""
    return walk(councils, assemblies, root, lambda a: NodeResult(a.position, a.members), decide)


Leaf = TypeVar("Leaf")
Result = TypeVar("Result")


def walk(
    councils: Mapping[str, Council],
    leaves: Mapping[str, Leaf],
    root: str,
    leaf: Callable[[Leaf], Result],
    council: Callable[[Council, list[tuple[str, Result]]], Result],
) -> dict[str, Result]:
    """Every node's result under ``root``, leaves first: ``leaf(value)`` for a leaf,
    ``council(council, [(member, result), ...])`` for a council. ``TreeProblem`` when
    the councils do not form a tree (a cycle, an unknown member, one in two councils)."""
    parents: dict[str, str] = {}
    for name, c in councils.items():
        if name in leaves:
            raise TreeProblem(f"{name!r} is both a council and an assembly")
        for member in c.members:
            if member not in councils and member not in leaves:
                raise TreeProblem(f"council {name!r} names unknown member {member!r}")
            if member in parents:
                raise TreeProblem(f"{member!r} sits in two councils: {parents[member]!r}, {name!r}")
            parents[member] = name
    results: dict[str, Result] = {}
    visiting: set[str] = set()

    def visit(node: str) -> Result:
        if node in results:
            return results[node]
        if node in leaves:
            results[node] = leaf(leaves[node])
            return results[node]
        if node not in councils:
            raise TreeProblem(f"unknown node {node!r}")
        if node in visiting:
            raise TreeProblem(f"the councils form a cycle through {node!r}")
        visiting.add(node)
        below = [(m, visit(m)) for m in councils[node].members]
        visiting.discard(node)
        results[node] = council(councils[node], below)
        return results[node]

    visit(root)
    return results


def decide(council: Council, below: list[tuple[str, NodeResult]]) -> NodeResult:
    """A council's result from its members' (name, result), under its rule and quorum."""
    counted = {name: r.position for name, r in below}
    a_for = sum(1 for _, r in below if r.position == FOR)
    a_against = sum(1 for _, r in below if r.position == AGAINST)
    a_abstain = sum(1 for _, r in below if r.position == ABSTAIN)
    w_for = sum(r.weight for _, r in below if r.position == FOR)
    w_against = sum(r.weight for _, r in below if r.position == AGAINST)
    weight = sum(r.weight for _, r in below)
    quorum_met = a_for + a_against + a_abstain >= council.quorum
    by_assemblies = a_for > a_against
    by_members = w_for > w_against
    carried = {
        ASSEMBLIES: by_assemblies,
        MEMBERS: by_members,
        DOUBLE: by_assemblies and by_members,
    }[council.rule]
    position = None if not quorum_met else FOR if carried else AGAINST
    return NodeResult(
        position=position,
        weight=weight,
        assemblies_for=a_for,
        assemblies_against=a_against,
        assemblies_abstain=a_abstain,
        weight_for=w_for,
        weight_against=w_against,
        quorum_met=quorum_met,
        majority_of_assemblies=by_assemblies,
        majority_of_members=by_members,
        counted=counted,
    )
