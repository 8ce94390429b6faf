"""What every budget page starts from: the budget (counted if due) and its header."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from bloc.budgeting import selectors as sel
from bloc.budgeting.models import Budget
from bloc.budgeting.services import budget_sync
from bloc.core.errors import NotFound
from bloc.institutions.views import get_institution, page_refusal

PHASE_LABELS = {
    sel.DRAFT: _("Being prepared"),
    sel.IDEAS: _("Ideas"),
    sel.REVIEW: _("Feasibility review"),
    sel.VOTING: _("Voting"),
    sel.RESULTS: _("Results"),
    sel.IMPLEMENTATION: _("Implementation"),
}


def phase_steps(budget: Budget) -> list[dict[str, Any]]:
    starts = {
        sel.IDEAS: budget.ideas_open,
        sel.REVIEW: budget.review_from,
        sel.VOTING: budget.voting_opens,
        sel.RESULTS: budget.voting_closes,
        sel.IMPLEMENTATION: budget.implementation_from,
    }
    return [
        {"name": name, "label": PHASE_LABELS[name], "start": starts[name]}
        for name in sel.PHASES[1:]
    ]


def budget_page(
    request: HttpRequest, slug: str, budget_id: int
) -> tuple[Budget, dict[str, Any]] | HttpResponse:
    """The budget and the context its header needs, or the login redirect / 403 / 404.

    Counts the votes first when voting has closed and nobody has yet.
    """
    institution = get_institution(slug)
    try:
        budget: Budget | None = sel.budget_get(institution=institution, budget_id=budget_id)
    except NotFound:
        budget = None
    # A council's budget is also open to the members of its assemblies; for the rest,
    # the institution's rule answers first (a budget they may not see is not found).
    refused = page_refusal(request, "budget.view", budget or institution)
    if refused is not None:
        return refused
    if budget is None:
        raise Http404
    budget_sync(budget)
    return budget, {
        "institution": institution,
        "budget": budget,
        "phase": sel.phase(budget),
        "phases": phase_steps(budget),
    }
