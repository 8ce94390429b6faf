"""A petition's progress as a server-rendered SVG line chart (no script, 360 px wide).

The cumulative signatures handed in climb day by day towards the target, a level
dashed line; the projected valid signatures (handed in × the observed validity rate)
follow as a dotted line. Lines differ by their dashes and carry their own labels, so
nothing rests on colour alone. The page puts the same figures in a table beside it,
the accessible alternative; the SVG's <title> and <desc> name it for screen readers.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ids = itertools.count(1)

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 36  # room for the axes' labels
INK, COLLECTED, PROJECTED, TARGET = "#1b1f24", "#1d5c3a", "#1d4e89", "#7a2e0e"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _points(coordinates: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)


def progress_chart(
    title: str,
    description: str,
    *,
    start: datetime.date,
    deadline: datetime.date,
    cumulative: Sequence[tuple[datetime.date, int]],
    target: int,
    rate: float | None,
    labels: dict[str, str],
) -> SafeString:
    """The chart of ``cumulative`` (day, signatures handed in so far) from ``start`` to
    ``deadline`` against ``target``; with ``rate``, also the projected valid signatures.
    ``labels`` names the lines: ``collected``, ``projected`` and ``target`` (translated
    by the caller), and ``start`` and ``deadline`` (the dates as shown)."""
    n = next(_ids)
    title_id, desc_id = f"petition-chart-{n}-title", f"petition-chart-{n}-desc"
    last_day = max([deadline, *(day for day, _ in cumulative)])
    first_day = min([start, *(day for day, _ in cumulative)])
    span = max((last_day - first_day).days, 1)
    top_value = max([target, *(count for _, count in cumulative), 1])
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return LEFT + plot_width * (day - first_day).days / span

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / top_value)

    # A step line: the count holds until the next day's sheets.
    steps: list[tuple[float, float]] = [(x(first_day), y(0))]
    for day, count in cumulative:
        steps.append((x(day), steps[-1][1]))
        steps.append((x(day), y(count)))
    parts = [
        # Axes.
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>',
            LEFT,
            TOP,
            LEFT,
            TOP + plot_height,
            INK,
            LEFT,
            TOP + plot_height,
            LEFT + plot_width,
            TOP + plot_height,
            INK,
        ),  # fmt: skip
        format_html(
            '<text x="{}" y="{}" text-anchor="end">0</text>'
            '<text x="{}" y="{}" text-anchor="end">{}</text>'
            '<text x="{}" y="{}" text-anchor="start">{}</text>'
            '<text x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT - 4,
            TOP + plot_height + 4,
            LEFT - 4,
            TOP + 4,
            f"{top_value:,}",
            LEFT,
            HEIGHT - 12,
            labels["start"],
            LEFT + plot_width,
            HEIGHT - 12,
            labels["deadline"],
        ),  # fmt: skip
        # The target: a level dashed line.
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="8 4"></line>'
            '<text x="{}" y="{}" fill="{}">{}</text>',
            LEFT,
            _n(y(target)),
            LEFT + plot_width,
            _n(y(target)),
            TARGET,
            LEFT + 4,
            _n(y(target) - 4),
            TARGET,
            labels["target"],
        ),  # fmt: skip
    ]
    if cumulative:
        last, total = cumulative[-1]
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"></polyline>',
                _points(steps),
                COLLECTED,
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" fill="{}"></circle>',
                ((_n(x(day)), _n(y(count)), COLLECTED) for day, count in cumulative),
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" text-anchor="{}">{}</text>',
                _n(x(last) + (4 if x(last) < WIDTH / 2 else -4)),
                _n(y(total) - 6),
                COLLECTED,
                "start" if x(last) < WIDTH / 2 else "end",
                labels["collected"],
            )
        )
        if rate is not None:
            projected = [(x(first_day), y(0))]
            for day, count in cumulative:
                projected.append((x(day), projected[-1][1]))
                projected.append((x(day), y(count * rate)))
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                    'stroke-dasharray="2 3"></polyline>'
                    '<text x="{}" y="{}" fill="{}" text-anchor="{}">{}</text>',
                    _points(projected),
                    PROJECTED,
                    _n(x(last) + (4 if x(last) < WIDTH / 2 else -4)),
                    _n(y(total * rate) + 14),
                    PROJECTED,
                    "start" if x(last) < WIDTH / 2 else "end",
                    labels["projected"],
                )
            )
    return format_html(
        '<svg role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" width="100%" '
        'class="line-chart" font-size="12" fill="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        title_id,
        desc_id,
        WIDTH,
        HEIGHT,
        INK,
        title_id,
        title,
        desc_id,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
