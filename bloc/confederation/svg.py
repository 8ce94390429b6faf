"""The council tree drawn as a server-rendered SVG (no script), readable at 360 px.

One row per council, indented by depth and joined to the council it sits in, like
an outline; each row names the council and says its level, the people it represents
and how many assemblies sit in it directly (assemblies are drawn as counts, never
one by one). A big tree is drawn down to the lowest level that fits ``MAX_ROWS``
rows; the councils below it are counted in their parent's row. The page's nested
list says the same in words: it is the drawing's text alternative.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.confederation.tree import Tree

_ids = itertools.count(1)

WIDTH = 360
ROW = 46
INDENT = 22
LEFT = 10
TOP = 6
RADIUS = 6
MAX_ROWS = 80
INK, MUTED, LINE, FILL = "#1b1f24", "#4a5260", "#6b7280", "#1d5c3a"


@dataclass
class Row:
    node: str
    depth: int
    parent: int | None  # index of the parent's row


def _short(text: str, most: int) -> str:
    most = max(most, 4)
    return text if len(text) <= most else text[: most - 1] + "…"


def _council_children(tree: Tree, node: str) -> list[str]:
    kids = [n for n in tree.children.get(node, []) if n[0] == "c" and int(n[1:]) in tree.councils]
    return sorted(
        kids,
        key=lambda n: (-tree.councils[int(n[1:])].level, tree.councils[int(n[1:])].name.lower()),
    )


def _rows(tree: Tree, roots: Sequence[str], lowest: int) -> list[Row]:
    rows: list[Row] = []

    def visit(node: str, depth: int, parent: int | None, seen: frozenset[str]) -> None:
        index = len(rows)
        rows.append(Row(node, depth, parent))
        for child in _council_children(tree, node):
            if child not in seen and tree.councils[int(child[1:])].level >= lowest:
                visit(child, depth + 1, index, seen | {child})

    for root in roots:
        if tree.councils[int(root[1:])].level >= lowest:
            visit(root, 0, None, frozenset({root}))
    return rows


def layout(tree: Tree, roots: Sequence[str], max_rows: int) -> tuple[list[Row], int]:
    """The rows to draw and the lowest level drawn: every council if they fit, else
    down to the lowest level that fits (at worst the top level, cut at ``max_rows``)."""
    levels = sorted({c.level for c in tree.councils.values()})
    if not levels:
        return [], 1
    for lowest in levels:
        rows = _rows(tree, roots, lowest)
        if len(rows) <= max_rows:
            return rows, lowest
    return rows[:max_rows], levels[-1]


def _note(tree: Tree, node: str, weight: int, drawn: set[str]) -> str:
    council = tree.councils[int(node[1:])]
    kids = tree.children.get(node, [])
    assemblies = sum(1 for n in kids if n[0] == "i")
    hidden = sum(1 for n in kids if n[0] == "c" and n not in drawn)
    parts = [
        _("level %(level)s") % {"level": council.level},
        ngettext("%(n)s person", "%(n)s people", weight) % {"n": f"{weight:,}"},
    ]
    if assemblies:
        parts.append(
            ngettext("%(n)s assembly", "%(n)s assemblies", assemblies) % {"n": f"{assemblies:,}"}
        )
    if hidden:
        parts.append(
            ngettext("%(n)s council not drawn", "%(n)s councils not drawn", hidden)
            % {"n": f"{hidden:,}"}
        )
    return " · ".join(parts)


def council_tree(
    tree: Tree, weights: Mapping[str, int], roots: Sequence[str], max_rows: int | None = None
) -> dict[str, Any]:
    """The drawing (``svg``) and what it leaves out (``hidden``: councils not drawn,
    ``lowest``: the lowest level drawn, ``collapsed``: whether some were left out)."""
    rows, lowest = layout(tree, roots, max_rows or MAX_ROWS)
    drawn = {row.node for row in rows}
    hidden = len(tree.councils) - len(rows)
    n = next(_ids)
    title_id, desc_id = f"council-tree-{n}-title", f"council-tree-{n}-desc"
    title = _("The councils as a tree")
    if hidden:
        description = _(
            "Each council is drawn under the council it sits in, with its level, the "
            "people it represents and how many assemblies sit in it directly. Councils "
            "below level %(level)s are not drawn (%(hidden)s of %(total)s); they are "
            "counted in the row of the council they sit in. The list below gives every "
            "council in words."
        ) % {"level": lowest, "hidden": f"{hidden:,}", "total": f"{len(tree.councils):,}"}
    else:
        description = _(
            "Each council is drawn under the council it sits in, with its level, the "
            "people it represents and how many assemblies sit in it directly. The list "
            "below gives the same in words."
        )
    lines = []
    nodes = []
    for index, row in enumerate(rows):
        x = LEFT + RADIUS + row.depth * INDENT
        y = TOP + index * ROW + 12
        if row.parent is not None:
            parent = rows[row.parent]
            px = LEFT + RADIUS + parent.depth * INDENT
            py = TOP + row.parent * ROW + 12
            lines.append((f"M{px} {py + RADIUS} V{y} H{x - RADIUS}",))
        council = tree.councils[int(row.node[1:])]
        text_x = x + RADIUS + 6
        room = WIDTH - text_x - 4
        nodes.append(
            (
                x,
                y,
                RADIUS,
                text_x,
                y + 5,
                _short(council.name, int(room / 8.4)),
                text_x,
                y + 23,
                _short(_note(tree, row.node, weights.get(row.node, 0), drawn), int(room / 6.6)),
            )
        )
    body = format_html_join(
        "", '<path d="{}" fill="none" stroke="' + LINE + '" stroke-width="1.5"></path>', lines
    ) + format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="{}" fill="' + FILL + '"></circle>'
        '<text x="{}" y="{}" font-weight="700">{}</text>'
        '<text x="{}" y="{}" font-size="12" fill="' + MUTED + '">{}</text>',
        nodes,
    )
    height = max(len(rows), 1) * ROW + 2 * TOP
    svg = format_html(
        # Drawn up to one and a half times its own width, narrower on a small screen
        # (.council-tree in bloc.css: no inline style, which the CSP forbids).
        '<svg role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" width="{}" '
        'class="council-tree" font-size="14" fill="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title><desc id="{}">{}</desc>'
        "{}</svg>",
        title_id,
        desc_id,
        WIDTH,
        height,
        WIDTH * 3 // 2,
        INK,
        title_id,
        title,
        desc_id,
        description,
        body,
    )
    return {
        "svg": svg,
        "hidden": hidden,
        "lowest": lowest,
        "collapsed": hidden > 0,
        "rows": len(rows),
    }
