"""The in-room desk of a poll: roster, paper stacks entered twice, show of hands, PDFs.

For facilitators and the secretary (``poll.conduct``). Every form posts back and
redirects to the desk with a message, or re-renders with the refusal (422 for bad
input, 409 when the poll's state forbids it). Nothing here shows how anyone voted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.accounts.models import User
from bloc.core import proposals
from bloc.core.ballot_entry import CHOICE
from bloc.core.errors import DomainError, NotFound, PermissionDenied
from bloc.decisions import in_person, pdf
from bloc.decisions.models import Channel, EligibleVoter, PaperBatch, Participation, Poll
from bloc.decisions.polls import phase, poll_sync, spec_of
from bloc.decisions.room_forms import (
    LINES_STEP,
    DiscardForm,
    HandsForm,
    PaperEntryForm,
    lines_wanted,
)
from bloc.decisions.wording import option_labels
from bloc.forms import add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution

# --- helpers -------------------------------------------------------------------


def _poll(request: HttpRequest, slug: str, poll_id: int) -> tuple[Institution, Poll]:
    """The institution and its poll, if the person may conduct it; the poll synced."""
    institution = get_institution(slug)
    poll = Poll.objects.filter(institution=institution, pk=poll_id).first()
    if poll is None:
        raise Http404
    decision = permissions.check(request.user, "poll.conduct", institution)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)
    poll_sync(poll)
    return institution, poll


def _roster(poll: Poll) -> list[dict[str, Any]]:
    channels = dict(Participation.objects.filter(poll=poll).values_list("user_id", "channel"))
    voters = User.objects.filter(
        pk__in=EligibleVoter.objects.filter(poll=poll).values("user_id")
    ).order_by(Lower("full_name"), "pk")
    return [{"user": user, "channel": channels.get(user.pk, "")} for user in voters]


def _batches(poll: Poll) -> list[PaperBatch]:
    batches = list(PaperBatch.objects.filter(poll=poll).select_related("first_by", "second_by"))
    for batch in batches:
        batch.papers = sum(int(n) for _content, n in batch.first_entry)  # type: ignore[attr-defined]
        if batch.discarded_at is not None:
            batch.state = "discarded"  # type: ignore[attr-defined]
        elif batch.accepted_at is not None:
            batch.state = "counted"  # type: ignore[attr-defined]
        else:
            batch.state = "waiting"  # type: ignore[attr-defined]
    return batches


def _room(
    request: HttpRequest,
    institution: Institution,
    poll: Poll,
    *,
    error: str = "",
    hands_form: HandsForm | None = None,
    discard_form: DiscardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    labels = option_labels(spec_of(poll))
    is_open = phase(poll) == proposals.OPEN
    choice = spec_of(poll).kind == CHOICE
    if choice and hands_form is None:
        hands_form = HandsForm(labels=labels)
    roster = _roster(poll)
    context = {
        "institution": institution,
        "poll": poll,
        "is_open": is_open,
        "roster": roster,
        "unchecked": [row for row in roster if not row["channel"]],
        "online": Channel.ONLINE,
        "in_person": Channel.IN_PERSON,
        "summary": in_person.in_room_summary(poll),
        "batches": _batches(poll),
        "hands_form": hands_form if choice else None,
        "discard_form": discard_form,
        "error": error,
    }
    return render(request, "decisions/room.html", context, status=status)


def _refused(
    request: HttpRequest, institution: Institution, poll: Poll, exc: DomainError, **kw: Any
) -> HttpResponse:
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(exc.message)
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return _room(request, institution, poll, error=exc.message, status=exc.status, **kw)


def _done(slug: str, poll: Poll) -> HttpResponse:
    return redirect("institutions:poll_room", slug=slug, poll_id=poll.pk)


# --- the desk ------------------------------------------------------------------


@login_required
@require_GET
def poll_room(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    return _room(request, institution, poll)


@login_required
@require_POST
def poll_roster(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    try:
        ids = [int(v) for v in request.POST.getlist("voters")]
    except ValueError:
        ids = []
    try:
        added = in_person.roster_check_off(actor=request.user, poll=poll, user_ids=ids)
    except DomainError as exc:
        return _refused(request, institution, poll, exc)
    messages.success(
        request,
        _("%(count)s checked off as voting in the room.") % {"count": added},
    )
    return _done(slug, poll)


@login_required
@require_POST
def poll_roster_undo(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    try:
        user_id = int(request.POST.get("user", ""))
    except ValueError:
        raise Http404 from None
    try:
        in_person.roster_uncheck(actor=request.user, poll=poll, user_id=user_id)
    except DomainError as exc:
        return _refused(request, institution, poll, exc)
    name = User.objects.filter(pk=user_id).values_list("full_name", flat=True).first()
    messages.success(request, _("%(name)s is no longer checked off.") % {"name": name})
    return _done(slug, poll)


@login_required
@require_POST
def poll_paper_discard(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        return _room(
            request,
            institution,
            poll,
            error=_("Say why the stack is discarded."),
            discard_form=form,
            status=422,
        )
    batch = PaperBatch.objects.filter(poll=poll, pk=form.cleaned_data["batch"]).first()
    if batch is None:
        raise Http404
    try:
        in_person.paper_discard(actor=request.user, batch=batch, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _refused(request, institution, poll, exc)
    messages.success(request, _("The stack “%(label)s” is discarded.") % {"label": batch.label})
    return _done(slug, poll)


@login_required
@require_POST
def poll_hands(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    form = HandsForm(request.POST, labels=option_labels(spec_of(poll)))
    if not form.is_valid():
        return _room(request, institution, poll, hands_form=form, status=422)
    try:
        in_person.hands_record(actor=request.user, poll=poll, counts=form.counts())
    except DomainError as exc:
        if exc.status == 422:
            add_domain_error(form, exc)
            return _room(request, institution, poll, hands_form=form, status=422)
        return _refused(request, institution, poll, exc, hands_form=form)
    messages.success(request, _("The show of hands is recorded."))
    return _done(slug, poll)


# --- paper ballots -------------------------------------------------------------


def _pending(poll: Poll, label: str) -> PaperBatch | None:
    label = (label or "").strip()
    if not label:
        return None
    return (
        PaperBatch.objects.filter(
            poll=poll, label=label, accepted_at__isnull=True, discarded_at__isnull=True
        )
        .select_related("first_by")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def poll_paper(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    ballot, labels = spec_of(poll).form(), option_labels(spec_of(poll))
    status = 200
    if request.method == "POST":
        more = "more" in request.POST
        lines = lines_wanted(request.POST.get("lines"), more=more)
        # Re-bind with the new number of lines: what was typed stays, new lines are empty.
        data = request.POST.copy()
        data["lines"] = str(lines)
        form = PaperEntryForm(data, ballot=ballot, labels=labels, lines=lines)
        if not more:
            if form.is_valid():
                try:
                    batch = in_person.paper_enter(
                        actor=request.user,
                        poll=poll,
                        label=form.cleaned_data["label"],
                        lines=form.entered_lines(),
                    )
                except PermissionDenied as exc:
                    raise DjangoPermissionDenied(exc.message) from None
                except DomainError as exc:
                    add_domain_error(form, exc)
                    status = exc.status
                else:
                    if batch.accepted_at is not None:
                        messages.success(request, _("Both entries match: the stack is counted."))
                    else:
                        messages.success(
                            request,
                            _("Entered once. Someone else must now enter the same stack again."),
                        )
                    return _done(slug, poll)
            else:
                status = 422
        label = request.POST.get("label", "")
    else:
        label = request.GET.get("label", "")
        form = PaperEntryForm(
            initial={"label": label}, ballot=ballot, labels=labels, lines=LINES_STEP
        )
    context = {
        "institution": institution,
        "poll": poll,
        "form": form,
        "lines": form.line_fields(),
        "pending": _pending(poll, label),
        "waiting": [b for b in _batches(poll) if b.state == "waiting"],  # type: ignore[attr-defined]
        "is_open": phase(poll) == proposals.OPEN,
        "kind": ballot.kind,
        "options": labels,
    }
    return render(request, "decisions/room_paper.html", context, status=status)


# --- printing ------------------------------------------------------------------


def _paper(request: HttpRequest) -> str:
    paper = request.GET.get("paper", "a4")
    return paper if paper in pdf.PAPER_SIZES else "a4"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def poll_paper_ballots_pdf(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    _institution, poll = _poll(request, slug, poll_id)
    try:
        copies = int(request.GET.get("copies") or poll.electorate or 1)
    except ValueError:
        copies = poll.electorate or 1
    copies = max(1, min(copies, pdf.MAX_COPIES))
    html = pdf.ballots_html(
        poll, paper=_paper(request), copies=copies, language=translation.get_language()
    )
    return _pdf(pdf.render_pdf(html), f"poll-{poll.pk}-ballots.pdf")


@login_required
@require_GET
def poll_roster_pdf(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    _institution, poll = _poll(request, slug, poll_id)
    html = pdf.roster_html(poll, paper=_paper(request), language=translation.get_language())
    return _pdf(pdf.render_pdf(html), f"poll-{poll.pk}-roster.pdf")
