"""The published ballots of a counted budget, and a voter's check of their receipt.

Once the votes are counted every ballot is listed, named by its projects, with the
receipt of online ones (paper ballots have none) and never a voter's name. A voter
finds their receipt to see that their ballot was counted as they cast it.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bloc.budgeting import selectors as sel
from bloc.budgeting.page import budget_page
from bloc.decisions.poll_selectors import normalise_receipt, receipt_groups

PER_PAGE = 200


@require_http_methods(["GET", "POST"])
def ballots(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    page = budget_page(request, slug, budget_id)
    if isinstance(page, HttpResponse):
        return page
    budget, context = page
    searched = request.POST.get("receipt", "")
    wanted = normalise_receipt(searched)
    found = sel.published_ballot(budget=budget, receipt=wanted) if wanted else None
    rows = Paginator(sel.published_ballots(budget=budget), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context.update(
        counted=budget.counted_at is not None,
        rows=[
            (row, receipt_groups(row.receipt or ""))
            for row in sel.described(budget=budget, ballots=rows)
        ],
        page_obj=rows,
        searched=searched,
        found=found,
    )
    return render(request, "budgeting/ballots.html", context)
