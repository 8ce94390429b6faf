"""A server-rendered line chart: plain inline SVG, no script, readable at 360 px.

Like ``bloc.charts.bar_chart``, it sits beside a table of the same figures (the
accessible alternative) and carries a <title> and <desc>. Each line has its own
dash pattern and point marker as well as its colour, and the legend repeats them,
so the lines do not rest on colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 28
LEGEND_ROW = 20
# Colour, dash pattern, marker shape: distinct in each of the three.
STYLES = (
    ("#1d5c3a", "", "circle"),
    ("#7a3e00", "6 3", "square"),
    ("#1f4f99", "2 3", "diamond"),
    ("#6b2a6b", "10 3 2 3", "triangle"),
)


def _figure(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _marker(shape: str, x: float, y: float, colour: str) -> SafeString:
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="3" fill="{}"></circle>', f"{x:.1f}",
                           f"{y:.1f}", colour)  # fmt: skip
    if shape == "square":
        return format_html('<rect x="{}" y="{}" width="6" height="6" fill="{}"></rect>',
                           f"{x - 3:.1f}", f"{y - 3:.1f}", colour)  # fmt: skip
    if shape == "diamond":
        points = f"{x:.1f},{y - 4:.1f} {x + 4:.1f},{y:.1f} {x:.1f},{y + 4:.1f} {x - 4:.1f},{y:.1f}"
    else:
        points = f"{x:.1f},{y - 4:.1f} {x + 4:.1f},{y + 3:.1f} {x - 4:.1f},{y + 3:.1f}"
    return format_html('<polygon points="{}" fill="{}"></polygon>', points, colour)


def line_chart(
    title: str,
    description: str,
    labels: Sequence[str],
    lines: Sequence[tuple[str, Sequence[float]]],
) -> SafeString:
    """Lines (name, one value per label) over ``labels`` (e.g. weeks), from 0 to the
    largest value; the first and last labels are written under the axis, the largest
    value and 0 beside it. Markers are drawn on every point when there are few (at
    most 16), else on the last one only."""
    n = next(_ids)
    title_id, desc_id = f"linechart-{n}-title", f"linechart-{n}-desc"
    count = len(labels)
    legend_height = LEGEND_ROW * len(lines) + 4
    plot_bottom = HEIGHT - BOTTOM
    largest = max((float(v) for _, values in lines for v in values), default=0.0)
    top_value = largest if largest > 0 else 1.0
    span = WIDTH - LEFT - RIGHT

    def x_of(i: int) -> float:
        return LEFT + (span * i / (count - 1) if count > 1 else span / 2)

    def y_of(value: float) -> float:
        return plot_bottom - (plot_bottom - TOP) * float(value) / top_value

    parts: list[SafeString] = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7280"></line>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6b7280"></line>',
            LEFT,
            TOP,
            LEFT,
            plot_bottom,
            LEFT,
            plot_bottom,
            WIDTH - RIGHT,
            plot_bottom,
        ),  # fmt: skip
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>', LEFT - 4, TOP + 5, _figure(largest)
        ),  # fmt: skip
        format_html('<text x="{}" y="{}" text-anchor="end">0</text>', LEFT - 4, plot_bottom),
    ]
    if count:
        parts.append(format_html('<text x="{}" y="{}" text-anchor="start">{}</text>', LEFT,
                                 plot_bottom + 18, labels[0]))  # fmt: skip
    if count > 1:
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end">{}</text>',
                                 WIDTH - RIGHT, plot_bottom + 18, labels[-1]))  # fmt: skip
    for index, (name, values) in enumerate(lines):
        colour, dash, shape = STYLES[index % len(STYLES)]
        points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
        if points:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}></polyline>',
                    points,
                    colour,
                    format_html(' stroke-dasharray="{}"', dash) if dash else "",
                )
            )
        marked = range(len(values)) if len(values) <= 16 else [len(values) - 1]
        parts.extend(_marker(shape, x_of(i), y_of(values[i]), colour) for i in marked)
        # The legend, under the plot: a stretch of the line, its marker, its name.
        y = HEIGHT + LEGEND_ROW * index + 8
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}></line>'
                '{}<text x="{}" y="{}">{}</text>',
                LEFT,
                y,
                LEFT + 28,
                y,
                colour,
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
                _marker(shape, LEFT + 14, y, colour),
                LEFT + 36,
                y + 4,
                name + (f": {_figure(values[-1])}" if len(values) else ""),
            )  # fmt: skip
        )
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" width="100%" '
        'class="line-chart" font-size="12" fill="#1b1f24" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        title_id,
        desc_id,
        WIDTH,
        HEIGHT + legend_height,
        title_id,
        title,
        desc_id,
        description,
        mark_safe(body),  # noqa: S308 (built by format_html above)
    )
