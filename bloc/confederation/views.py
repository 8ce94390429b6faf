"""The council pages under /councils/: the tree, a council, a question, a delegate.

Councils are public: anyone may read every page. The forms on them post to the
views in ``action_views``, which show these pages again (through the ``*_response``
builders here) with the refusal and its status when a service says no.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bloc.confederation import selectors as sel
from bloc.confederation.councils import get_council
from bloc.confederation.forms import (
    ClosesForm,
    DelegateVoteForm,
    EffectForm,
    ElectionForm,
    QuestionForm,
    RankedVoteForm,
    RatifyForm,
    RecallForm,
    SendUpForm,
)
from bloc.confederation.models import Council, Delegate, Question, QuestionState
from bloc.confederation.questions import ratification_sync
from bloc.confederation.tree import Tree, load_tree
from bloc.core.errors import NotFound
from bloc.institutions.views import may

Bound = dict[str, forms.Form]


def council_or_404(slug: str) -> Council:
    try:
        return get_council(slug)
    except NotFound:
        raise Http404 from None


def question_or_404(council: Council, pk: int) -> Question:
    question = sel.get_question(council, pk)
    if question is None:
        raise Http404
    return question


def delegate_or_404(council: Council, pk: int) -> Delegate:
    delegate = sel.get_delegate(council, pk)
    if delegate is None:
        raise Http404
    return delegate


def page_error(error: str, bound: Bound, shown: set[str]) -> str:
    """The page's error: ``error``, and the refusal on any bound form the page does
    not show (the viewer may not use it), so a refusal is never lost."""
    lines = [error] if error else []
    for key, form in bound.items():
        if key not in shown and form.is_bound:
            lines.extend(str(e) for errors in form.errors.values() for e in errors)
    return " ".join(lines)


# --- the tree ----------------------------------------------------------------------


@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    context = sel.tree_page(institution_slug=request.GET.get("institution", "")[:80])
    return render(request, "confederation/tree.html", context)


# --- a council ---------------------------------------------------------------------


def council_response(
    request: HttpRequest,
    council: Council,
    *,
    status: int = 200,
    error: str = "",
    bound: Bound | None = None,
) -> HttpResponse:
    bound = bound or {}
    context = sel.council_page(council=council, viewer=request.user)
    assemblies = []
    shown = {"ask"} if may(request, "council.convene", council) else set()
    for institution in sel.viewer_assemblies(council=council, viewer=request.user):
        key = institution.slug
        seat = context["seats"].get(institution.pk)
        entry: dict[str, object] = {"institution": institution, "seat": seat}
        if seat is None:
            entry["problem"] = sel.join_refusal(context["tree"], council, institution)
            shown.add(f"join-{key}")
            entry["join_form"] = bound.get(f"join-{key}") or ClosesForm(prefix=f"join-{key}")
        else:
            vacancies = context["vacancies"][seat.pk]
            entry["vacancies"] = vacancies
            shown.add(f"leave-{key}")
            entry["leave_form"] = bound.get(f"leave-{key}") or ClosesForm(prefix=f"leave-{key}")
            if vacancies > 0:
                shown.add(f"elect-{key}")
                entry["elect_form"] = bound.get(f"elect-{key}") or ElectionForm(
                    prefix=f"elect-{key}", people=sel.candidates(institution)
                )
        assemblies.append(entry)
    effect_form = None
    if "ask" in shown:
        choices = sel.effect_choices(council, context["tree"])
        if choices or "effect" in bound:
            shown.add("effect")
            effect_form = bound.get("effect") or effect_form_for(council, context["tree"])
    context.update(
        {
            "assemblies": assemblies,
            "may_convene": "ask" in shown,
            "ask_form": bound.get("ask") or QuestionForm(prefix="ask"),
            "effect_form": effect_form,
            "error": page_error(error, bound, shown),
        }
    )
    return render(request, "confederation/council.html", context, status=status)


def effect_form_for(council: Council, tree: Tree | None = None, data: Any = None) -> EffectForm:
    """The form of a question about the council itself, with what it may decide."""
    choices = sel.effect_choices(council, tree or load_tree(council.chapter_id))
    return EffectForm(data, prefix="effect", choices=choices)


@require_GET
def council_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return council_response(request, council_or_404(slug))


# --- a question --------------------------------------------------------------------


def question_response(
    request: HttpRequest,
    question: Question,
    *,
    status: int = 200,
    error: str = "",
    bound: Bound | None = None,
) -> HttpResponse:
    bound = bound or {}
    if question.state == QuestionState.RATIFYING:
        # Count the ratification polls that are due: nobody may have looked at them.
        question = ratification_sync(question)
    focus = request.GET.get("focus", "")[:20] if request.method == "GET" else ""
    context = sel.question_page(question=question, viewer=request.user, focus=focus)
    my_vote = context["my_vote"]
    vote_form = bound.get("vote")
    if vote_form is None and question.options:
        # A ranking starts from the delegate's vote, else from their mandate.
        start = my_vote.ranking if my_vote else context["viewer_mandate"]
        vote_form = RankedVoteForm(
            prefix="vote", options=question.options, initial=RankedVoteForm.initial_for(start)
        )
    elif vote_form is None:
        initial = {"position": my_vote.position} if my_vote else None
        vote_form = DelegateVoteForm(prefix="vote", initial=initial)
    may_convene = may(request, "council.convene", question.council)
    shown = {"ratify", "up"} if may_convene else set()
    if context["viewer_delegate"] is not None:
        shown.add("vote")
    context.update(
        {
            "may_convene": may_convene,
            "vote_form": vote_form,
            "ratify_form": bound.get("ratify") or RatifyForm(prefix="ratify"),
            "up_form": bound.get("up") or SendUpForm(prefix="up"),
            "error": page_error(error, bound, shown),
        }
    )
    return render(request, "confederation/question.html", context, status=status)


@require_GET
def question_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_or_404(slug)
    return question_response(request, question_or_404(council, pk))


# --- a delegate --------------------------------------------------------------------


def delegate_response(
    request: HttpRequest,
    delegate: Delegate,
    *,
    status: int = 200,
    error: str = "",
    bound: Bound | None = None,
) -> HttpResponse:
    bound = bound or {}
    context = sel.delegate_page(delegate=delegate)
    institution = delegate.seat.institution
    may_recall = (
        institution is not None
        and delegate.ended_on is None
        and may(request, "delegate.recall", institution)
    )
    context.update(
        {
            "may_recall": may_recall,
            "recall_form": bound.get("recall") or RecallForm(prefix="recall"),
            "error": page_error(error, bound, {"recall"} if may_recall else set()),
        }
    )
    return render(request, "confederation/delegate.html", context, status=status)


@require_GET
def delegate_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_or_404(slug)
    return delegate_response(request, delegate_or_404(council, pk))
