"""A turf's printable walk sheet (HTML for WeasyPrint, see ``bloc.decisions.pdf``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from bloc.electoral.campaign_selectors import Door
from bloc.electoral.models import ContactOutcome, Turf


def walk_sheet_html(*, turf: Turf, doors: Sequence[Door], language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "electoral/walk_sheet.html",
            {
                "turf": turf,
                "campaign": turf.campaign,
                "doors": doors,
                "outcomes": ContactOutcome.choices,
                "levels": range(1, 6),
                "printed": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
                "language": language,
            },
        )
