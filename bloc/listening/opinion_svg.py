"""The opinion map as a server-rendered SVG: one mark per participant, placed by the
analysis, coloured AND shaped by opinion group (colour is never the only cue).

The colours are the Okabe-Ito palette (told apart by people with the common kinds of
colour blindness); each group also has its own shape, named in the legend and in the
table the page gives beside the picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# (colour, shape, shape name for people)
STYLES: tuple[tuple[str, str, str], ...] = (
    ("#0072B2", "circle", "circles"),
    ("#D55E00", "square", "squares"),
    ("#009E73", "triangle", "triangles"),
    ("#CC79A7", "diamond", "diamonds"),
    ("#E69F00", "cross", "crosses"),
)
UNGROUPED = "#6b6b6b"
SIZE = 400
MARGIN = 16
R = 5


def shape_name(shape: str) -> str:
    names = {
        "circle": _("circles"),
        "square": _("squares"),
        "triangle": _("triangles"),
        "diamond": _("diamonds"),
        "cross": _("crosses"),
        "ring": _("hollow rings"),
    }
    return names.get(shape, shape)


def _mark(shape: str, x: float, y: float, colour: str, r: float = R) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" '
            f'fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - r - 1:.1f} {x - r - 1:.1f},{y + r:.1f} '
            f'{x + r + 1:.1f},{y + r:.1f}" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} '
            f'{x:.1f},{y + r + 1:.1f} {x - r - 1:.1f},{y:.1f}" fill="{colour}"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}'
            f'M{x + r:.1f},{y - r:.1f}L{x - r:.1f},{y + r:.1f}" stroke="{colour}" '
            f'stroke-width="3"/>'
        )
    # not grouped: a hollow ring
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r - 1}" fill="none" stroke="{colour}" '
        f'stroke-width="1.5"/>'
    )


def style_of(group: int) -> tuple[str, str]:
    if group < 0:
        return UNGROUPED, "ring"
    colour, shape, _name = STYLES[group % len(STYLES)]
    return colour, shape


def opinion_map_svg(
    points: Sequence[tuple[float, float, int]], *, groups: int, title: str, description: str
) -> SafeString:
    """``points`` are (x, y, group); the picture is scaled to fit, with a legend below."""
    legend_rows = groups + (1 if any(g < 0 for _x, _y, g in points) else 0)
    height = SIZE + 22 * legend_rows + 8
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" width="100%" '
            'aria-labelledby="opinion-map-title opinion-map-desc" class="opinion-map" '
            'preserveAspectRatio="xMidYMin meet">'
            '<title id="opinion-map-title">{}</title><desc id="opinion-map-desc">{}</desc>',
            SIZE,
            height,
            title,
            description,
        ),
        f'<rect x="0.5" y="0.5" width="{SIZE - 1}" height="{SIZE - 1}" fill="#fff" '
        'stroke="#8a8a8a"/>',
    ]
    if points:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        scale = (SIZE - 2 * MARGIN) / span
        # the ungrouped first, so the groups are drawn over them
        for x, y, g in sorted(points, key=lambda p: p[2]):
            colour, shape = style_of(g)
            parts.append(
                _mark(shape, SIZE / 2 + (x - cx) * scale, SIZE / 2 + (y - cy) * scale, colour)
            )
    top = SIZE + 18
    for g in range(groups):
        colour, shape = style_of(g)
        label = _("Group %(number)s (%(shape)s)") % {"number": g + 1, "shape": shape_name(shape)}
        parts.append(_mark(shape, 14, top - 5, colour))
        parts.append(f'<text x="28" y="{top}" font-size="14" fill="#1a1a1a">{escape(label)}</text>')
        top += 22
    if legend_rows > groups:
        parts.append(_mark("ring", 14, top - 5, UNGROUPED))
        label = _("Not grouped: voted too little")
        parts.append(f'<text x="28" y="{top}" font-size="14" fill="#1a1a1a">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every text above is escaped
