"""A meeting's printable agenda and sign-in sheet, as PDF (WeasyPrint)."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from bloc.decisions.pdf import render_pdf  # noqa: F401 - the one place that loads WeasyPrint
from bloc.meetings.models import AgendaItem, Meeting
from bloc.membership.models import Membership


def _when(meeting: Meeting) -> dict[str, str]:
    return {
        "starts": formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT"),
        "ends": formats.time_format(timezone.localtime(meeting.ends_at), "TIME_FORMAT"),
    }


def agenda_html(meeting: Meeting, *, language: str) -> str:
    items = AgendaItem.objects.filter(meeting=meeting).select_related("proposal", "concern", "poll")
    with translation.override(language):
        return render_to_string(
            "meetings/pdf_agenda.html",
            {
                "meeting": meeting,
                "institution": meeting.institution,
                "items": items,
                "language": language,
                **_when(meeting),
            },
        )


def signin_html(meeting: Meeting, *, language: str) -> str:
    names = (
        Membership.objects.filter(institution_id=meeting.institution_id, left_at=None)
        .order_by(Lower("user__full_name"), "pk")
        .values_list("user__full_name", flat=True)
    )
    with translation.override(language):
        return render_to_string(
            "meetings/pdf_signin.html",
            {
                "meeting": meeting,
                "institution": meeting.institution,
                "names": list(names),
                "language": language,
                **_when(meeting),
            },
        )
