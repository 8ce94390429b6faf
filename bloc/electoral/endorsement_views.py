"""The endorsement pages: a candidate's endorsement (public, with the organizers' and the
assemblies' forms) and the chapter's endorsements and recalls (public).

Each form posts to a thin view that calls one service and, on success, redirects with a
message; a refusal shows the page again with the service's message and its status (422
bad input, 409 not now, 403 not allowed), having written nothing.
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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bloc.core.errors import DomainError, NotFound
from bloc.electoral import endorsement_selectors as sel
from bloc.electoral import endorsements as services
from bloc.electoral.endorsement_forms import (
    ChapterVoteForm,
    DeclineForm,
    RecallForm,
    RubricForm,
    SendForm,
)
from bloc.electoral.models import Candidate, Stage
from bloc.forms import add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.views import may

Bound = dict[str, forms.Form]


def candidate_or_404(pk: int) -> Candidate:
    candidate = sel.candidate_for_endorsement(pk)
    if candidate is None:
        raise Http404
    return candidate


def _url(candidate: Candidate) -> str:
    return reverse("electoral:endorsement", args=[candidate.pk])


def _rubric_form(candidate: Candidate, context: dict[str, Any], data: Any = None) -> RubricForm:
    return RubricForm(
        data,
        prefix="rubric",
        criteria=[row.criterion for row in context["rubric"]],
        mine={row.index: row.mine for row in context["rubric"] if row.mine is not None},
    )


def _recall_form(institutions: list[Institution], data: Any = None) -> RecallForm:
    return RecallForm(data, prefix="recall", institutions=[(i.pk, i.name) for i in institutions])


def endorsement_response(
    request: HttpRequest,
    candidate: Candidate,
    *,
    status: int = 200,
    error: str = "",
    bound: Bound | None = None,
) -> HttpResponse:
    bound = bound or {}
    if candidate.stage == Stage.ASSEMBLY_VOTES:
        # Count the assemblies' polls that are due: nobody may have looked at them.
        candidate = services.endorsement_sync(candidate)
    context = sel.endorsement_state(candidate, request.user)
    organizer = may(request, "cycle.manage", candidate.cycle.chapter)
    shown: set[str] = set()
    if organizer:
        # The forms the page shows (a refusal on another is shown at the top).
        shown = {
            key
            for key, on in (
                ("decline", bool(context["next_stage"])),
                ("send", context["may_send"]),
                ("chapter", context["may_open_chapter_vote"]),
                ("rubric", context["uses_rubric"] and context["running"]),
            )
            if on
        }
    recall_assemblies = (
        sel.recall_assemblies(candidate, request.user)
        if candidate.stage == Stage.ENDORSED and not context["recall_pending"]
        else []
    )
    if recall_assemblies:
        shown.add("recall")
    lines = [error] if error else []
    for key, form in bound.items():
        if key not in shown and form.is_bound:
            lines.extend(str(e) for errors in form.errors.values() for e in errors)
    context.update(
        {
            "organizer": organizer,
            "send_form": bound.get("send") or SendForm(prefix="send"),
            "chapter_form": bound.get("chapter") or ChapterVoteForm(prefix="chapter"),
            "decline_form": bound.get("decline") or DeclineForm(prefix="decline"),
            "rubric_form": bound.get("rubric") or _rubric_form(candidate, context),
            "recall_form": bound.get("recall") or _recall_form(recall_assemblies),
            "may_recall": bool(recall_assemblies),
            "error": " ".join(lines),
        }
    )
    return render(request, "electoral/endorsement.html", context, status=status)


@require_GET
def endorsement(request: HttpRequest, pk: int) -> HttpResponse:
    return endorsement_response(request, candidate_or_404(pk))


@require_GET
def endorsements(request: HttpRequest) -> HttpResponse:
    return render(request, "electoral/endorsements.html", sel.endorsements_list())


# --- the forms that act --------------------------------------------------------------


def _act(
    request: HttpRequest,
    pk: int,
    key: str,
    make_form: Callable[[Candidate, Any], forms.Form] | None,
    act: Callable[[Candidate, forms.Form | None], Any],
    message: Callable[[Candidate], str],
) -> HttpResponse:
    """Parse the form (if any), call the service; redirect on success, else show the
    page again with the refusal."""
    candidate = candidate_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_url(candidate))
    form = make_form(candidate, request.POST) if make_form else None
    status, error = 422, ""
    if form is None or form.is_valid():
        try:
            act(candidate, form)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except DomainError as exc:
            status = exc.status
            if form is None:
                error = exc.message
            else:
                add_domain_error(form, exc)
        else:
            candidate.refresh_from_db()
            messages.success(request, message(candidate))
            return redirect(_url(candidate))
    bound = {key: form} if form is not None else {}
    return endorsement_response(request, candidate, status=status, error=error, bound=bound)


@require_POST
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "advance",
        None,
        lambda c, _f: services.candidate_advance(actor=request.user, candidate=c),
        lambda c: (
            _("%(name)s moved on to: %(stage)s.") % {"name": c.name, "stage": c.get_stage_display()}
        ),
    )


@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "decline",
        lambda c, data: DeclineForm(data, prefix="decline"),
        lambda c, f: services.candidate_decline(
            actor=request.user, candidate=c, reason=f.cleaned_data["reason"]
        ),
        lambda c: _("The candidacy of %(name)s ends here.") % {"name": c.name},
    )


@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "send",
        lambda c, data: SendForm(data, prefix="send"),
        lambda c, f: services.endorsement_send(
            actor=request.user, candidate=c, closes_at=f.cleaned_data["closes_at"]
        ),
        lambda c: _("Every assembly now votes on endorsing %(name)s.") % {"name": c.name},
    )


@require_POST
def chapter_vote(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "chapter",
        lambda c, data: ChapterVoteForm(data, prefix="chapter"),
        lambda c, f: services.chapter_vote_open(
            actor=request.user,
            candidate=c,
            mandates_close_at=f.cleaned_data["mandates_close_at"],
        ),
        lambda c: (
            _("The council %(council)s now decides on endorsing %(name)s.")
            % {"council": c.cycle.council.name, "name": c.name}
        ),
    )


@require_POST
def rubric(request: HttpRequest, pk: int) -> HttpResponse:
    def make(candidate: Candidate, data: Any) -> forms.Form:
        context = {"rubric": sel.rubric_rows(candidate, request.user)[0]}
        return _rubric_form(candidate, context, data)

    return _act(
        request,
        pk,
        "rubric",
        make,
        lambda c, f: services.rubric_score(
            actor=request.user,
            candidate=c,
            scores=f.scores(),  # type: ignore[union-attr]
        ),
        lambda c: _("Your scores are saved."),
    )


@require_POST
def recall(request: HttpRequest, pk: int) -> HttpResponse:
    def make(candidate: Candidate, data: Any) -> forms.Form:
        # Any assembly of the cycle parses: the service says who may act for it.
        ids = services.assemblies_of(candidate.cycle)
        return _recall_form(list(Institution.objects.filter(pk__in=ids).order_by("name")), data)

    def act(candidate: Candidate, form: forms.Form | None) -> Any:
        assert form is not None  # noqa: S101 - this view always has its form
        data = form.cleaned_data
        institution = Institution.objects.get(pk=data["institution"])
        return services.recall_start(
            actor=request.user,
            candidate=candidate,
            institution=institution,
            reason=data["reason"],
            mandates_close_at=data["mandates_close_at"],
        )

    return _act(
        request,
        pk,
        "recall",
        make,
        act,
        lambda c: (
            _("The council %(council)s now decides on recalling the endorsement.")
            % {"council": c.cycle.council.name}
        ),
    )
