"""Poll pages: the list, setting one up, the ballot, the receipt, results and ballots.

Every page first brings the poll up to date (``poll_sync``: opens or counts it when
due). A vote's receipt is shown once, on the response to the vote itself: it is
never put in a URL, a session or a cache.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.charts import bar_chart
from bloc.core import proposals as proposal_rules
from bloc.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationFailed,
)
from bloc.decisions import poll_selectors as selectors
from bloc.decisions.models import Poll
from bloc.decisions.poll_forms import PollCreateForm, ballot_data, ballot_options
from bloc.decisions.polls import phase, poll_sync, spec_of
from bloc.decisions.polls import poll_create as create_poll
from bloc.decisions.voting import has_voted, vote, voting_refusal
from bloc.decisions.wording import ballot_text, option_labels
from bloc.forms import add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.selectors import bylaws_settings
from bloc.institutions.views import get_institution, require_page


def _poll(request: HttpRequest, slug: str, poll_id: int) -> tuple[Institution, Poll]:
    institution = get_institution(slug)
    require_page(request, "decisions.view", institution)
    try:
        poll = selectors.poll_get(institution, poll_id)
    except NotFound:
        raise Http404 from None
    return institution, poll_sync(poll)


@require_GET
def polls(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "decisions.view", institution)
    context = {
        "institution": institution,
        "lists": selectors.poll_list(institution),
        "may_create": bool(permissions.check(request.user, "poll.create", institution)),
    }
    return render(request, "decisions/poll_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def poll_create(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "poll.create", institution)
    default_rule = bylaws_settings(institution=institution).default_rule
    if request.method == "POST":
        form = PollCreateForm(request.POST, default_rule=default_rule)
        if form.is_valid():
            try:
                poll = create_poll(
                    actor=request.user, institution=institution, **form.service_arguments()
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The poll is set up."))
                return redirect("institutions:poll_detail", slug=slug, poll_id=poll.pk)
        status = 422
    else:
        form = PollCreateForm(default_rule=default_rule)
        status = 200
    context = {
        "institution": institution,
        "form": form,
        "rules": [
            (name, selectors.rule_sentence(name)) for name, _label in form.fields["rule"].choices
        ],
    }
    return render(request, "decisions/poll_create.html", context, status=status)


def _detail(
    request: HttpRequest,
    institution: Institution,
    poll: Poll,
    *,
    error: str = "",
    data: Any = None,
    status: int = 200,
) -> HttpResponse:
    spec = spec_of(poll)
    form = spec.form()
    now_phase = phase(poll)
    refusal = voting_refusal(poll, request.user)
    voted = has_voted(poll, request.user)
    may_change = voted and refusal is None  # an open ballot the bylaws let them change
    context = {
        "institution": institution,
        "poll": poll,
        "phase": now_phase,
        "phase_label": selectors.PHASE_LABELS[now_phase],
        "is_open": now_phase == proposal_rules.OPEN,
        "is_closed": now_phase == proposal_rules.CLOSED,
        "rule_sentence": selectors.rule_sentence(poll.rule),
        "kind": spec.kind,
        "form": form,
        "options": ballot_options(spec.kind, tuple(option_labels(spec)), data),
        "ranks": range(1, len(spec.options) + 1),
        "scores": range(form.low, form.high + 1),
        "may_vote": refusal is None,
        "may_change": may_change,
        "voted": voted,
        "refusal": "" if refusal is None or voted else refusal.message,
        "error": error,
    }
    return render(request, "decisions/poll_detail.html", context, status=status)


@require_GET
def poll_detail(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    return _detail(request, institution, poll)


@require_POST
def poll_vote(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    spec = spec_of(poll)
    data = ballot_data(spec.kind, request.POST, len(spec.options))
    try:
        cast = vote(actor=request.user, poll=poll, data=data, limit_rate=True)
    except (ValidationFailed, Conflict, PermissionDenied, Throttled) as exc:
        return _detail(request, institution, poll, error=exc.message, data=data, status=exc.status)
    context = {
        "institution": institution,
        "poll": poll,
        "receipt": cast.receipt,
        "receipt_groups": selectors.receipt_groups(cast.receipt),
        "ballot": ballot_text(spec_of(poll), cast.content),
        "changed": cast.changed,
    }
    response = render(request, "decisions/poll_receipt.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def poll_results(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    results = selectors.results_view(poll)
    context = {
        "institution": institution,
        "poll": poll,
        "results": results,
        "charts": [bar_chart(*chart) for chart in results.charts] if results else [],
    }
    return render(request, "decisions/poll_results.html", context)


@require_http_methods(["GET", "POST"])
def poll_ballots(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    institution, poll = _poll(request, slug, poll_id)
    rows = selectors.published_ballots(poll)
    searched = request.POST.get("receipt", "")
    wanted = selectors.normalise_receipt(searched)
    found = bool(wanted) and any(row.receipt == wanted for row in rows)
    context = {
        "institution": institution,
        "poll": poll,
        "published": bool(poll.ballots_file),
        "rows": [(row, selectors.receipt_groups(row.receipt)) for row in rows],
        "searched": searched,
        "wanted": wanted,
        "found": found,
    }
    return render(request, "decisions/poll_ballots.html", context)


@require_GET
def poll_ballots_file(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    _institution, poll = _poll(request, slug, poll_id)
    if not poll.ballots_file:
        raise Http404(_("The ballots are published when the vote closes."))
    response = HttpResponse(poll.ballots_file, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}.json"'
    return response
