"""The results page's figures: money as residents read it, and the votes chart.

The chart is plain inline SVG (no script), readable at 360 px; a table of the same
figures sits beside it as the accessible alternative, and the SVG carries a <title>
and <desc> so a screen reader names it. Funded bars are dark and end in a check mark,
so the difference does not rest on colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from bloc.budgeting.messages import money

_ids = itertools.count(1)

WIDTH = 360
ROW = 28  # height of one bar's row
LABEL_WIDTH = 130  # room for the project's title on the left
VALUE_ROOM = 64  # room for the figure (and the check mark) after the bar
FUNDED_FILL = "#1d5c3a"
OTHER_FILL = "#6b7280"
CHECK = "\u2713"


def amount(value: Any, currency: str) -> str:
    """A money figure from a stored step: whole numbers, "12.50" strings, "p/q" fractions."""
    if isinstance(value, str) and "/" in value:
        try:
            value = Fraction(value)
        except (ValueError, ZeroDivisionError):
            return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return money(int(number), currency)
    return f"{number:,.2f} {currency}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    funded: bool


def _short(label: str, most: int = 18) -> str:
    return label if len(label) <= most else label[: most - 1] + "\u2026"


def votes_chart(title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, one per project in the given order, scaled to the largest."""
    n = next(_ids)
    title_id, desc_id = f"budget-chart-{n}-title", f"budget-chart-{n}-desc"
    height = max(ROW * len(bars), ROW) + 8
    largest = max((bar.value for bar in bars), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    rows = []
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        length = 0.0 if largest <= 0 else room * max(bar.value, 0) / largest
        figure = f"{bar.value:,}" + (f" {CHECK}" if bar.funded else "")
        rows.append(
            (
                LABEL_WIDTH - 6,
                y + ROW / 2 + 5,
                _short(bar.label),
                LABEL_WIDTH,
                y + 4,
                f"{length:.1f}",
                ROW - 8,
                FUNDED_FILL if bar.funded else OTHER_FILL,
                f"{LABEL_WIDTH + length + 4:.1f}",
                y + ROW / 2 + 5,
                "700" if bar.funded else "400",
                figure,
            )
        )
    body = format_html_join(
        "\n",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}" font-weight="{}">{}</text>',
        rows,
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
