"""The history of a score as a server-rendered SVG line chart (no script, 360 px wide).

Like the bar charts of ``bloc.charts``, it carries a <title> and a <desc> and sits
beside a table of the same figures, the accessible alternative. Days are placed by
date; each day with verdicts is a dot, the line joins them, and the last score is
written beside its dot.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ids = itertools.count(1)

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 12, 34  # room for the axes' labels
INK, LINE, GRID = "#1b1f24", "#1d5c3a", "#d0d5dc"


def _n(value: float) -> str:
    return f"{value:.1f}"


def history_chart(title: str, description: str, points: Sequence[tuple[date, int]]) -> SafeString:
    """A line chart of ``points`` (day, percent from 0 to 100), oldest first."""
    n = next(_ids)
    title_id, desc_id = f"score-chart-{n}-title", f"score-chart-{n}-desc"
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first, last = (points[0][0], points[-1][0]) if points else (None, None)
    span = (last - first).days if first and last else 0

    def x(day: date) -> float:
        if not span or first is None:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y(value: int) -> float:
        return TOP + plot_h * (100 - value) / 100

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
        '<text x="{}" y="{}" text-anchor="end">{}%</text>',
        (
            (LEFT, _n(y(v)), WIDTH - RIGHT, _n(y(v)), GRID, LEFT - 6, _n(y(v) + 4), v)
            for v in (0, 50, 100)
        ),
    )
    coords = [(x(day), y(value)) for day, value in points]
    line = SafeString("")
    if len(coords) > 1:
        line = format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"></polyline>',
            " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords),
            LINE,
        )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" fill="{}"></circle>',
        ((_n(cx), _n(cy), LINE) for cx, cy in coords),
    )
    labels = SafeString("")
    if points:
        (lx, ly), value = coords[-1], points[-1][1]
        labels = format_html(
            '<text x="{}" y="{}" font-weight="700">{}%</text>', _n(lx + 7), _n(ly + 4), value
        )
        days = [(points[0][0], "start" if span else "middle", x(points[0][0]))]
        if span:
            days.append((points[-1][0], "end", x(points[-1][0])))
        labels += format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="{}">{}</text>',
            (
                (_n(at), HEIGHT - 10, anchor, date_format(day, "SHORT_DATE_FORMAT"))
                for day, anchor, at in days
            ),
        )
    return format_html(
        '<svg role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" width="100%" '
        'class="score-chart" font-size="13" fill="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}{}{}{}</svg>',
        title_id,
        desc_id,
        WIDTH,
        HEIGHT,
        INK,
        title_id,
        title,
        desc_id,
        description,
        grid,
        line,
        dots,
        labels,
    )
