"""The scorecard pages under /electoral/scorecards/: the officeholders and their scores,
and each officeholder's scorecard, with the organizers' forms on it.

Scorecards are public. The forms post to the views below, which call one service
and redirect with a message; a refusal (``DomainError``) shows the scorecard again
with the service's message and its status (422 bad input, 409 not now, 403 not
allowed), and nothing written. A visitor who is not logged in is sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from bloc.core.errors import DomainError, NotFound
from bloc.electoral import scorecard_selectors as sel
from bloc.electoral import scorecards as services
from bloc.electoral.models import Candidate
from bloc.electoral.scorecard_chart import history_chart
from bloc.electoral.scorecard_forms import (
    ActionForm,
    OutcomeForm,
    RemoveActionForm,
    VerdictForm,
)
from bloc.forms import add_domain_error
from bloc.institutions.models import Chapter
from bloc.institutions.views import may

Bound = dict[str, forms.Form]


def _candidate(pk: int) -> Candidate:
    try:
        return sel.candidate_get(pk)
    except NotFound:
        raise Http404 from None


def _url(candidate: Candidate) -> str:
    return reverse("electoral:scorecard", args=[candidate.pk])


# --- the list ----------------------------------------------------------------------


@require_GET
def scorecard_list(request: HttpRequest) -> HttpResponse:
    chapters = list(Chapter.objects.order_by("name")[:50])
    slug = request.GET.get("chapter", "")[:80]
    chapter = next((c for c in chapters if c.slug == slug), None)
    if slug and chapter is None:
        raise Http404
    context = {
        "rows": sel.officeholder_list(chapter),
        "chapter": chapter,
        "chapters": chapters if len(chapters) > 1 else [],
    }
    return render(request, "electoral/scorecard_list.html", context)


# --- one scorecard -----------------------------------------------------------------


def _history_chart(card: sel.Scorecard) -> Any:
    if not card.history:
        return None
    first, last = card.history[0], card.history[-1]
    title = _("How the score of %(name)s moved") % {"name": card.candidate.name}
    description = ngettext(
        "From %(first)s%% on %(start)s to %(last)s%% on %(end)s, over %(count)s day with verdicts.",
        "From %(first)s%% on %(start)s to %(last)s%% on %(end)s, over %(count)s days with "
        "verdicts.",
        len(card.history),
    ) % {
        "first": first.percent,
        "start": date_format(first.on),
        "last": last.percent,
        "end": date_format(last.on),
        "count": len(card.history),
    }
    return history_chart(title, description, [(p.on, p.percent) for p in card.history])


def page_error(error: str, bound: Bound, shown: set[str]) -> str:
    """The page's error, and the refusal on any bound form the page does not show."""
    lines = [error] if error else []
    for key, form in bound.items():
        if key not in shown and form.is_bound:
            lines.extend(str(e) for errors in form.errors.values() for e in errors)
    return " ".join(lines)


def scorecard_response(
    request: HttpRequest,
    candidate: Candidate,
    *,
    status: int = 200,
    error: str = "",
    bound: Bound | None = None,
) -> HttpResponse:
    bound = bound or {}
    card = sel.scorecard(candidate)
    may_manage = may(request, "scorecard.manage", candidate.cycle.chapter)
    shown: set[str] = set()
    context: dict[str, Any] = {
        "card": card,
        "candidate": candidate,
        "chart": _history_chart(card),
        "may_manage": may_manage,
    }
    if may_manage:
        pledges = [row.pledge for row in card.pledges]
        choices = [(p.pk, p.priority.title) for p in pledges]
        shown |= {"outcome", "add"}
        context["outcome_form"] = bound.get("outcome") or OutcomeForm(
            prefix="outcome", initial=OutcomeForm.initial_for(candidate)
        )
        if card.officeholder:
            context["add_form"] = bound.get("add") or ActionForm(prefix="add", pledges=pledges)
        for row in card.actions:
            key = row.action.pk
            shown |= {f"edit-{key}", f"verdict-{key}", f"remove-{key}"}
            row.edit_form = bound.get(f"edit-{key}") or ActionForm(
                prefix=f"edit-{key}", initial=ActionForm.initial_for(row.action)
            )
            row.verdict_form = bound.get(f"verdict-{key}") or VerdictForm(
                prefix=f"verdict-{key}", pledges=choices
            )
            row.remove_form = bound.get(f"remove-{key}") or RemoveActionForm(prefix=f"remove-{key}")
    context["error"] = page_error(error, bound, shown)
    return render(request, "electoral/scorecard.html", context, status=status)


@require_GET
def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return scorecard_response(request, _candidate(pk))


# --- the organizers' forms ---------------------------------------------------------


def _login_first(request: HttpRequest, candidate: Candidate) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    return redirect_to_login(_url(candidate))


def _submit(
    request: HttpRequest,
    candidate: Candidate,
    key: str,
    form: forms.Form,
    act: Callable[[], Any],
    message: Callable[[Any], str],
) -> HttpResponse:
    status = 422
    if form.is_valid():
        try:
            result = act()
        except NotFound as exc:
            raise Http404(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, message(result))
            return redirect(_url(candidate) + ("#actions" if key != "outcome" else ""))
    return scorecard_response(request, candidate, status=status, bound={key: form})


@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(pk)
    refused = _login_first(request, candidate)
    if refused:
        return refused
    form = ActionForm(request.POST, prefix="add", pledges=sel.pledges_of(candidate))
    return _submit(
        request,
        candidate,
        "add",
        form,
        lambda: services.action_add(
            actor=request.user,
            candidate=candidate,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            on=form.cleaned_data["on"],
            source_url=form.cleaned_data["source_url"],
            description=form.cleaned_data["description"],
            matches=form.matches(),
        ),
        lambda action: _("“%(title)s” is on the scorecard.") % {"title": action.title},
    )


def _action(request: HttpRequest, pk: int, action_pk: int) -> tuple[Candidate, Any]:
    candidate = _candidate(pk)
    try:
        return candidate, sel.action_get(candidate, action_pk)
    except NotFound:
        raise Http404 from None


@require_POST
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    candidate, action = _action(request, pk, action_pk)
    refused = _login_first(request, candidate)
    if refused:
        return refused
    form = ActionForm(request.POST, prefix=f"edit-{action.pk}")
    return _submit(
        request,
        candidate,
        f"edit-{action.pk}",
        form,
        lambda: services.action_update(
            actor=request.user,
            action=action,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            on=form.cleaned_data["on"],
            source_url=form.cleaned_data["source_url"],
            description=form.cleaned_data["description"],
        ),
        lambda corrected: _("“%(title)s” is corrected.") % {"title": corrected.title},
    )


@require_POST
def verdict_set(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    candidate, action = _action(request, pk, action_pk)
    refused = _login_first(request, candidate)
    if refused:
        return refused
    form = VerdictForm(
        request.POST, prefix=f"verdict-{action.pk}", pledges=sel.pledge_choices(candidate)
    )
    return _submit(
        request,
        candidate,
        f"verdict-{action.pk}",
        form,
        lambda: services.action_match_set(
            actor=request.user,
            action=action,
            pledge=sel.pledge_get(candidate, form.cleaned_data["pledge"]),
            verdict=form.cleaned_data["verdict"],
            note=form.cleaned_data["note"],
        ),
        lambda match: (
            _("The verdict on “%(pledge)s” is now: %(verdict)s.")
            % {"pledge": match.pledge.priority.title, "verdict": match.get_verdict_display()}
        ),
    )


@require_POST
def verdict_remove(request: HttpRequest, pk: int, action_pk: int, pledge_pk: int) -> HttpResponse:
    candidate, action = _action(request, pk, action_pk)
    refused = _login_first(request, candidate)
    if refused:
        return refused
    try:
        pledge = sel.pledge_get(candidate, pledge_pk)
        services.action_match_remove(actor=request.user, action=action, pledge=pledge)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return scorecard_response(request, candidate, status=exc.status, error=exc.message)
    messages.success(
        request,
        _("The verdict on “%(pledge)s” is removed: that action no longer counts for it.")
        % {"pledge": pledge.priority.title},
    )
    return redirect(_url(candidate) + "#actions")


@require_POST
def action_remove(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    candidate, action = _action(request, pk, action_pk)
    refused = _login_first(request, candidate)
    if refused:
        return refused
    form = RemoveActionForm(request.POST, prefix=f"remove-{action.pk}")
    title = action.title
    return _submit(
        request,
        candidate,
        f"remove-{action.pk}",
        form,
        lambda: services.action_remove(
            actor=request.user, action=action, reason=form.cleaned_data["reason"]
        ),
        lambda _none: _("“%(title)s” is off the scorecard.") % {"title": title},
    )


@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(pk)
    refused = _login_first(request, candidate)
    if refused:
        return refused
    form = OutcomeForm(request.POST, prefix="outcome")
    return _submit(
        request,
        candidate,
        "outcome",
        form,
        lambda: services.outcome_record(
            actor=request.user,
            candidate=candidate,
            elected=form.elected_value(),
            took_office_on=form.cleaned_data["took_office_on"],
            left_office_on=form.cleaned_data["left_office_on"],
        ),
        lambda recorded: (
            _("Recorded for %(name)s: %(term)s.")
            % {"name": recorded.name, "term": sel.term_text(recorded)}
        ),
    )
