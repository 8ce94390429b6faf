"""Server-rendered charts: plain inline SVG, no script, readable at 360 px.

Every chart sits beside a table of the same figures, which is the accessible
alternative; the SVG carries a <title> and <desc> so a screen reader names it.
Marked bars (a poll's winners, a budget's funded projects) are dark and end in a
check mark, so the difference does not rest on colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ids = itertools.count(1)

WIDTH = 360
ROW = 28  # height of one bar's row
LABEL_WIDTH = 140  # room for the option's name on the left (18 characters at 13 px)
VALUE_ROOM = 64  # room for the figure (and a check mark) after the bar
FILL, MARKED_FILL, PLAIN_FILL = "#1d5c3a", "#1d5c3a", "#6b7280"
CHECK = "\u2713"


def _figure(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _short(label: str, most: int = 18) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def bar_chart(
    title: str,
    description: str,
    rows: Sequence[tuple[str, float]],
    marked: Sequence[bool] | None = None,
) -> SafeString:
    """A horizontal bar chart of ``rows`` (label, value), bars scaled to the largest.

    With ``marked`` (one flag per row), marked bars are dark with a check mark after
    their figure and the others grey; without it every bar is dark.
    """
    n = next(_ids)
    title_id, desc_id = f"chart-{n}-title", f"chart-{n}-desc"
    height = max(ROW * len(rows), ROW) + 8
    largest = max((float(v) for _, v in rows), default=0.0)
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = []
    for index, (label, value) in enumerate(rows):
        y = 4 + index * ROW
        length = 0.0 if largest <= 0 else room * max(float(value), 0.0) / largest
        mark = None if marked is None else marked[index]
        bars.append(
            (
                LABEL_WIDTH - 6,
                y + ROW / 2 + 5,
                _short(label),
                LABEL_WIDTH,
                y + 4,
                f"{length:.1f}",
                ROW - 8,
                FILL if mark is None else MARKED_FILL if mark else PLAIN_FILL,
                f"{LABEL_WIDTH + length + 4:.1f}",
                y + ROW / 2 + 5,
                "700" if mark else "400",
                _figure(float(value)) + (f" {CHECK}" if mark else ""),
            )
        )
    body = format_html_join(
        "\n",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" font-weight="{}">{}</text>',
        bars,
    )
    return format_html(
        '<svg role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" width="100%" '
        'class="bar-chart" font-size="13" fill="#1b1f24" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        title_id,
        desc_id,
        WIDTH,
        height,
        title_id,
        title,
        desc_id,
        description,
        body,
    )
