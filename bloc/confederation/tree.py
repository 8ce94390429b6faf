"""The councils as they stand: who sits where, loaded in two queries.

``Tree`` is what the services check joins against (no cycles, one council per level,
no institution counted twice) and what the roll-up and the pages walk. Node ids are
``i<id>`` for an institution and ``c<id>`` for a council (``models.node_id``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bloc.confederation.models import Council, Seat, node_id


@dataclass
class Tree:
    councils: dict[int, Council]
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    parent: dict[str, str] = field(default_factory=dict)  # node -> the council it sits in
    seats: dict[str, list[Seat]] = field(default_factory=lambda: defaultdict(list))

    def below(self, node: str) -> list[str]:
        """Every node under ``node`` (not itself), depth first."""
        out: list[str] = []
        stack = list(reversed(self.children.get(node, [])))
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(self.children.get(n, [])))
        return out

    def assemblies_below(self, council_id: int) -> list[int]:
        return [int(n[1:]) for n in self.below(f"c{council_id}") if n[0] == "i"]

    def root_of(self, node: str) -> str:
        seen = {node}
        while node in self.parent:
            node = self.parent[node]
            if node in seen:  # cannot happen with levels; never loop forever
                break
            seen.add(node)
        return node

    def path_up(self, node: str) -> list[str]:
        """The councils above ``node``, nearest first."""
        out: list[str] = []
        while node in self.parent and self.parent[node] not in out:
            node = self.parent[node]
            out.append(node)
        return out


def load_tree(chapter_id: int | None = None) -> Tree:
    councils = Council.objects.all()
    if chapter_id is not None:
        councils = councils.filter(chapter_id=chapter_id)
    tree = Tree({c.pk: c for c in councils})
    seats = Seat.objects.filter(left_at=None, council_id__in=list(tree.councils)).only(
        "pk", "council_id", "institution_id", "member_council_id", "level"
    )
    for seat in seats.order_by("pk"):
        node = node_id(seat.institution_id, seat.member_council_id)
        up = f"c{seat.council_id}"
        tree.children[up].append(node)
        # An institution may sit in councils of several levels, in separate trees (a
        # join that would count it twice in one tree is refused); keep the lowest.
        if node not in tree.parent:
            tree.parent[node] = up
        tree.seats[node].append(seat)
    return tree
