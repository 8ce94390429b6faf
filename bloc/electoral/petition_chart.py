"""A petition's progress as a server-rendered SVG line chart (no script, 360 px wide).

The cumulative signatures handed in climb day by day towards the target, a level
dashed line; the projected valid signatures (handed in × the observed validity rate)
follow as a dotted line; a thin vertical line marks today. Lines differ by their
dashes and carry their own labels, so nothing rests on colour alone. The page puts
the same figures in a table beside it, the accessible alternative; the SVG's <title>
and <desc> name it for screen readers.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_ids = itertools.count(1)

WIDTH, HEIGHT = 360, 230
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 26, 36  # room for the axes' and lines' labels
INK, COLLECTED, PROJECTED, TARGET, MUTED = "#1b1f24", "#1d5c3a", "#1d4e89", "#7a2e0e", "#4b5563"


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
    today: datetime.date,
    cumulative: Sequence[tuple[datetime.date, int]],
    target: int,
    rate: float | None,
    labels: dict[str, str],
) -> SafeString:
    """The chart of ``cumulative`` (day, signatures handed in so far; days ascending)
    from ``start`` to ``deadline`` against ``target``; with ``rate``, also the projected
    valid signatures. ``labels`` holds the translated words: ``collected``,
    ``projected``, ``target``, ``today``, and ``start`` and ``deadline`` (the dates as
    shown)."""
    n = next(_ids)
    title_id, desc_id = f"petition-chart-{n}-title", f"petition-chart-{n}-desc"
    last_day = max([deadline, *(day for day, _ in cumulative)])
    first_day = min([start, *(day for day, _ in cumulative)])
    span = max((last_day - first_day).days, 1)
    top_value = max([target, *(count for _, count in cumulative), 1])
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height

    def x(day: datetime.date) -> float:
        return LEFT + plot_width * (day - first_day).days / span

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / top_value)

    def steps(scale: float) -> list[tuple[float, float]]:
        """A step line: the count holds until the next sheets, and until today."""
        points = [(x(first_day), y(0))]
        for day, count in cumulative:
            points.append((x(day), points[-1][1]))
            points.append((x(day), y(count * scale)))
        if cumulative and first_day <= today <= last_day and today > cumulative[-1][0]:
            points.append((x(today), points[-1][1]))
        return points

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
            '<text x="{}" y="{}" text-anchor="end">0</text>'
            '<text x="{}" y="{}" text-anchor="end">{}</text>'
            '<text x="{}" y="{}" text-anchor="start">{}</text>'
            '<text x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT,
            TOP,
            LEFT,
            bottom,
            INK,
            LEFT,
            bottom,
            LEFT + plot_width,
            bottom,
            INK,
            LEFT - 4,
            bottom + 4,
            LEFT - 4,
            TOP + 4,
            f"{top_value:,}",
            LEFT,
            HEIGHT - 4,
            labels["start"],
            LEFT + plot_width,
            HEIGHT - 4,
            labels["deadline"],
        ),  # fmt: skip
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="8 4"></line>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
            LEFT,
            _n(y(target)),
            LEFT + plot_width,
            _n(y(target)),
            TARGET,
            LEFT + plot_width,
            _n(y(target) - 5),
            TARGET,
            labels["target"],
        ),  # fmt: skip
    ]
    if first_day <= today <= last_day:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"></line>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                _n(x(today)),
                TOP - 2,
                _n(x(today)),
                bottom,
                MUTED,
                _n(min(max(x(today), LEFT + 20), LEFT + plot_width - 20)),
                bottom + 14,
                MUTED,
                labels["today"],
            )  # fmt: skip
        )
    if cumulative:
        collected = steps(1.0)
        end_x, end_y = collected[-1]
        anchor = "start" if end_x < LEFT + plot_width / 2 else "end"
        shift = 4 if anchor == "start" else -4
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"></polyline>'
                "{}"
                '<text x="{}" y="{}" fill="{}" text-anchor="{}" font-weight="700">{}</text>',
                _points(collected),
                COLLECTED,
                format_html_join(
                    "",
                    '<circle cx="{}" cy="{}" r="3" fill="{}"></circle>',
                    ((_n(x(day)), _n(y(count)), COLLECTED) for day, count in cumulative),
                ),
                _n(end_x + shift),
                _n(max(end_y - 6, 12)),
                COLLECTED,
                anchor,
                labels["collected"],
            )
        )
        if rate is not None:
            projected = steps(rate)
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                    'stroke-dasharray="2 3"></polyline>'
                    '<text x="{}" y="{}" fill="{}" text-anchor="{}">{}</text>',
                    _points(projected),
                    PROJECTED,
                    _n(end_x + shift),
                    _n(min(projected[-1][1] + 14, bottom - 4)),
                    PROJECTED,
                    anchor,
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
