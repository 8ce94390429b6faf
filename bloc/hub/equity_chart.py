"""The equity chart: for each group, its share of participants and of residents as two
bars side by side (server-rendered SVG, no script, readable at 360 px).

The participants' bar is solid, the residents' bar an outline, and each ends in its
figure, so nothing rests on colour; the page shows a table of the same numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

_ids = itertools.count(1)

WIDTH = 360
LABEL_WIDTH = 130
VALUE_ROOM = 58
BAR = 12
GAP = 3
ROW = 2 * BAR + GAP + 14
LEGEND = 26
INK = "#1d5c3a"


def _short(label: str, most: int = 17) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.1f}%"


def paired_bar_chart(
    title: str, description: str, rows: Sequence[tuple[str, float | None, float | None]]
) -> SafeString:
    """Rows of (group, participants' share, residents' share), shares in 0..1."""
    n = next(_ids)
    title_id, desc_id = f"equity-chart-{n}-title", f"equity-chart-{n}-desc"
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = LEGEND + max(ROW * len(rows), ROW) + 4
    parts = []
    for index, (label, participant, resident) in enumerate(rows):
        y = LEGEND + index * ROW
        p_len = room * max(participant or 0.0, 0.0)
        r_len = room * max(resident or 0.0, 0.0)
        parts.append(
            (
                LABEL_WIDTH - 6,
                y + BAR + 4,
                _short(label),
                LABEL_WIDTH,
                y,
                f"{p_len:.1f}",
                BAR,
                INK,
                f"{LABEL_WIDTH + p_len + 4:.1f}",
                y + BAR - 2,
                _percent(participant),
                LABEL_WIDTH + 0.75,
                y + BAR + GAP + 0.75,
                f"{max(r_len - 1.5, 0):.1f}",
                BAR - 1.5,
                INK,
                f"{LABEL_WIDTH + r_len + 4:.1f}",
                y + 2 * BAR + GAP - 2,
                _percent(resident),
            )
        )
    body = format_html_join(
        "\n",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="{}" '
        'stroke-width="1.5"></rect>'
        '<text x="{}" y="{}">{}</text>',
        parts,
    )
    legend = format_html(
        '<rect x="{}" y="6" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="16">{}</text>'
        '<rect x="{}" y="6.75" width="10.5" height="10.5" fill="#ffffff" stroke="{}" '
        'stroke-width="1.5"></rect><text x="{}" y="16">{}</text>',
        LABEL_WIDTH,
        INK,
        LABEL_WIDTH + 16,
        _("Participants"),
        LABEL_WIDTH + 110,
        INK,
        LABEL_WIDTH + 126,
        _("Residents"),
    )
    return format_html(
        '<svg role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" width="100%" '
        'class="equity-chart" font-size="12" fill="#1b1f24" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title><desc id="{}">{}</desc>'
        "{}{}</svg>",
        title_id,
        desc_id,
        WIDTH,
        height,
        title_id,
        title,
        desc_id,
        description,
        legend,
        body,
    )
