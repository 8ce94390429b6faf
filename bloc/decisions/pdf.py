"""Printable paper ballots and the roster sheet of a poll, as PDF (WeasyPrint).

Paper ballots carry the question, the options, how to mark them and the poll's
number, and nothing else: no serial number that could tie a paper to a voter.
"""

from __future__ import annotations

from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.accounts.models import User
from bloc.core.ballot_entry import APPROVAL, CHOICE, RANKED
from bloc.decisions.models import Channel, EligibleVoter, Participation, Poll
from bloc.decisions.polls import spec_of
from bloc.decisions.wording import option_labels

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
MAX_COPIES = 2000


def instructions(poll: Poll) -> list[str]:
    """How to fill in this poll's paper ballot, in the active language."""
    spec = spec_of(poll)
    form = spec.form()
    lines: list[str] = []
    if form.kind == CHOICE:
        lines.append(_("Mark one option only."))
    elif form.kind == RANKED:
        lines.append(
            _(
                "Write 1 next to your first choice, 2 next to your second, and so on. "
                "Give each number once."
            )
        )
        if form.rank_all:
            lines.append(_("Rank every option."))
        else:
            lines.append(_("You may leave options you do not want to rank blank."))
    elif form.kind == APPROVAL:
        if form.max_approvals is not None:
            lines.append(
                ngettext(
                    "Mark all the options you approve of, at most %(most)s.",
                    "Mark all the options you approve of, at most %(most)s.",
                    form.max_approvals,
                )
                % {"most": form.max_approvals}
            )
        else:
            lines.append(_("Mark all the options you approve of."))
        if form.min_approvals > 1:
            lines.append(
                _("If you mark any, mark at least %(least)s.") % {"least": form.min_approvals}
            )
    else:
        lines.append(
            _("Give each option a score from %(low)s to %(high)s (write the number in its box).")
            % {"low": form.low, "high": form.high}
        )
        lines.append(_("You may leave an option blank."))
    if spec.seats > 1:
        lines.append(
            ngettext(
                "%(seats)s seat is to be filled.", "%(seats)s seats are to be filled.", spec.seats
            )
            % {"seats": spec.seats}
        )
    lines.append(_("Do not write your name or anything else on this ballot."))
    return lines


def ballots_html(poll: Poll, *, paper: str, copies: int, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "decisions/pdf_ballots.html",
            {
                "poll": poll,
                "institution": poll.institution,
                "options": option_labels(spec_of(poll)),
                "instructions": instructions(poll),
                "copies": range(copies),
                "page_size": PAPER_SIZES[paper],
                "language": language,
            },
        )


def roster_html(poll: Poll, *, paper: str, language: str) -> str:
    channels = dict(Participation.objects.filter(poll=poll).values_list("user_id", "channel"))
    voters = User.objects.filter(
        pk__in=EligibleVoter.objects.filter(poll=poll).values("user_id")
    ).order_by(Lower("full_name"), "pk")
    rows = [
        {
            "name": user.full_name,
            "online": channels.get(user.pk) == Channel.ONLINE,
            "in_room": channels.get(user.pk) == Channel.IN_PERSON,
        }
        for user in voters
    ]
    with translation.override(language):
        return render_to_string(
            "decisions/pdf_roster.html",
            {
                "poll": poll,
                "institution": poll.institution,
                "rows": rows,
                "printed": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
                "page_size": PAPER_SIZES[paper],
                "language": language,
            },
        )


def render_pdf(html: str) -> bytes:
    try:
        import weasyprint  # loads Pango; only needed when printing
    except OSError as exc:  # the system libraries are missing, not bloc's code
        raise RuntimeError(
            "Printing needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"fonts-dejavu-core ({exc})"
        ) from exc
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf
