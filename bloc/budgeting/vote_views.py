"""Voting on a budget online and on paper, its results and its open data.

Every page starts from ``budget_page`` (which also counts the votes once voting has
closed). The ballot works without JavaScript; ``budget-ballot.js`` only adds a running
total. A vote's receipt is shown once, in the response to the vote itself: it is never
put in a URL, a session or a cache, and never stored beside the voter's name.

Before the count the results page says when the results will appear (status 200, so
a link shared early still explains itself); the .pb export is a 404 until then.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bloc.budgeting import explain, services
from bloc.budgeting import selectors as sel
from bloc.budgeting.explain import amount
from bloc.budgeting.messages import money
from bloc.budgeting.models import BallotKind, Budget, BudgetParticipation, Channel, Project
from bloc.budgeting.pabulib_import import budget_export
from bloc.budgeting.page import budget_page
from bloc.charts import bar_chart
from bloc.core.budgeting import ballot as ballot_rules
from bloc.core.errors import Conflict, PermissionDenied, Throttled, ValidationFailed
from bloc.institutions.views import may, require_page
from bloc.membership.models import Membership

TICKED = (BallotKind.APPROVAL, BallotKind.KNAPSACK)


# --- the ballot, shared by the online and the paper pages ------------------------------


def _field(budget: Budget) -> str:
    """The name stem of a project's input: ``project`` (a checkbox), ``points-<pk>``..."""
    if budget.ballot_kind in TICKED:
        return "project"
    return "points" if budget.ballot_kind == BallotKind.CUMULATIVE else "rank"


def ballot_data(budget: Budget, projects: list[Project], post: QueryDict) -> Any:
    """What the form sent, as ``services.vote`` takes it (see ``ballot_rules.check``)."""
    if budget.ballot_kind in TICKED:
        return post.getlist("project")
    stem = _field(budget)
    return {str(p.pk): post.get(f"{stem}-{p.pk}", "").strip() for p in projects}


def _rows(budget: Budget, projects: list[Project], data: Any) -> list[dict[str, Any]]:
    """One row per project for the ballot, with what the voter entered (after a refusal)."""
    rows = []
    ticked = {str(v) for v in data} if budget.ballot_kind in TICKED and data else set()
    entered = data if isinstance(data, dict) else {}
    for project in projects:
        rows.append(
            {
                "project": project,
                "cost": project.final_cost,
                "cost_text": money(project.final_cost, budget.currency),
                "checked": str(project.pk) in ticked,
                "value": entered.get(str(project.pk), ""),
            }
        )
    return rows


def _ballot_context(budget: Budget, projects: list[Project], data: Any) -> dict[str, Any]:
    kind = budget.ballot_kind
    most_points = budget.max_points
    if budget.max_per_project is not None:
        most_points = min(most_points, budget.max_per_project)
    return {
        "kind": kind,
        "rows": _rows(budget, projects, data),
        "amount_text": money(budget.amount, budget.currency),
        "most_points": most_points,
        "most_rank": len(projects),
    }


def _recorded(budget: Budget, projects: list[Project], content: str) -> dict[str, Any]:
    """What a stored ballot says, for the receipt page: the projects (with points or in
    rank order) and, for ticked ballots, their total cost."""
    by_pk = {p.pk: p for p in projects}
    decoded = ballot_rules.decode(content)
    items: list[dict[str, Any]] = []
    total = 0
    for entry in decoded:
        if isinstance(entry, tuple):
            key, points = entry
        else:
            key, points = entry, None
        project = by_pk.get(key)
        if project is None:
            continue
        total += project.final_cost
        items.append(
            {
                "project": project,
                "points": points,
                "cost_text": money(project.final_cost, budget.currency),
            }
        )
    return {"items": items, "total_text": money(total, budget.currency)}


def _receipt_groups(receipt: str) -> str:
    """A receipt in groups of four for reading aloud or comparing by eye."""
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


# --- voting online -----------------------------------------------------------------------


def _vote_page(
    request: HttpRequest,
    budget: Budget,
    context: dict[str, Any],
    *,
    error: str = "",
    data: Any = None,
    status: int = 200,
) -> HttpResponse:
    projects = sel.on_ballot(budget=budget)
    refusal = services.voting_refusal(budget=budget, actor=request.user)
    context = {
        **context,
        **_ballot_context(budget, projects, data),
        "may_vote": refusal is None,
        "refusal": refusal.message if refusal is not None else "",
        "refusal_code": refusal.code if refusal is not None else "",
        # A refused vote says why once: in the refusal box, marked as an alert.
        "refusal_alert": refusal is not None and bool(error),
        "error": error if refusal is None else "",
        "may_paper": context["phase"] == sel.VOTING
        and may(request, "budget.paper", budget.institution),
    }
    return render(request, "budgeting/vote.html", context, status=status)


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    page = budget_page(request, slug, budget_id)
    if isinstance(page, HttpResponse):
        return page
    budget, context = page
    if request.method != "POST":
        return _vote_page(request, budget, context)
    projects = sel.on_ballot(budget=budget)
    data = ballot_data(budget, projects, request.POST)
    try:
        cast = services.vote(actor=request.user, budget=budget, data=data, limit_rate=True)
    except (ValidationFailed, Conflict, PermissionDenied, Throttled) as exc:
        return _vote_page(request, budget, context, error=exc.message, data=data, status=exc.status)
    context.update(
        receipt=cast.receipt,
        receipt_groups=_receipt_groups(cast.receipt),
        recorded=_recorded(budget, projects, cast.content),
        kind=budget.ballot_kind,
    )
    response = render(request, "budgeting/receipt.html", context)
    response["Cache-Control"] = "no-store"
    return response


# --- paper ballots -----------------------------------------------------------------------


def _roster(budget: Budget) -> list[Membership]:
    """Members who may still vote: those ``services.eligible`` accepts, without a vote."""
    voted = BudgetParticipation.objects.filter(budget=budget).values("user_id")
    rows = (
        sel.roster(budget=budget)
        .exclude(user_id__in=voted)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    # Once per person, who may belong to two assemblies under a council's budget.
    once: dict[int, Membership] = {}
    for membership in rows:
        once.setdefault(membership.user_id, membership)
    return list(once.values())


def _paper_refusal(exc: Conflict | PermissionDenied | ValidationFailed, voter: Any) -> str:
    """The service's refusal, told to the organizer rather than to the voter."""
    name = voter.full_name if voter is not None else ""
    if exc.code == "already_voted":
        return str(_("%(name)s has already voted online; that vote stands.") % {"name": name})
    if exc.code == "voted_on_paper":
        return str(_("%(name)s is already checked off as having voted on paper.") % {"name": name})
    return exc.message


@login_required
@require_http_methods(["GET", "POST"])
def paper_ballot(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    """The polling table, in two steps so that nobody learns whose ballot is whose:
    check off each voter who hands in a paper ballot (``action=checkoff``), and later
    enter the ballots from the box, one by one, with no name (``action=ballot``)."""
    page = budget_page(request, slug, budget_id)
    if isinstance(page, HttpResponse):
        return page
    budget, context = page
    require_page(request, "budget.paper", budget.institution)
    projects = sel.on_ballot(budget=budget)
    error, data, voter_id, status, step = "", None, "", 200, ""
    if request.method == "POST":
        step = request.POST.get("action", "")
        voter = None
        try:
            if step == "checkoff":
                voter_id = request.POST.get("voter", "").strip()
                voter = (get_user_model().objects.filter(pk=int(voter_id)).first()
                         if voter_id.isdigit() else None)  # fmt: skip
                services.paper_checkoff(actor=request.user, budget=budget, voter=voter)
                done = _("%(name)s is checked off: their ballot goes in the box.") % {
                    "name": voter.full_name  # type: ignore[union-attr]
                }
            else:
                data = ballot_data(budget, projects, request.POST)
                services.paper_ballot_add(actor=request.user, budget=budget, data=data)
                done = _("The paper ballot is entered.")
        except (ValidationFailed, Conflict, PermissionDenied) as exc:
            error, status = _paper_refusal(exc, voter), exc.status
        else:
            messages.success(request, done)
            return redirect(
                "institutions:budget_paper", slug=budget.institution.slug, budget_id=budget.pk
            )
    handed_in, entered = sel.paper_counts(budget=budget)
    context.update(
        _ballot_context(budget, projects, data if step == "ballot" else None),
        is_voting=context["phase"] == sel.VOTING,
        roster=_roster(budget),
        voter_id=voter_id,
        handed_in=handed_in,
        entered=entered,
        in_box=handed_in - entered,
        checkoff_error=error if step == "checkoff" else "",
        error=error if step != "checkoff" else "",
    )
    return render(request, "budgeting/paper.html", context, status=status)


# --- results -----------------------------------------------------------------------------


def _outcome(step: dict[str, Any]) -> str:
    return str(_("Funded") if step.get("outcome") == "funded" else _("Not funded"))


def _results_context(budget: Budget) -> dict[str, Any]:
    result = budget.result or {}
    currency = budget.currency
    projects = sel.on_ballot(budget=budget)
    by_key = {p.key: p for p in projects}
    selected = [str(k) for k in result.get("selected", [])]
    funded_set = set(selected)
    funded = [
        {"project": by_key.get(k), "key": k, "cost_text": money(_cost(by_key, k), currency)}
        for k in selected
    ]
    steps = [
        {
            "project": by_key.get(str(step["project"])),
            "key": step["project"],
            "cost_text": amount(step.get("cost", 0), currency),
            "votes": step.get("votes"),
            "funded": step.get("outcome") == "funded",
            "outcome": _outcome(step),
            "price": amount(step["price"], currency) if "price" in step else "",
            "why": explain.why(budget, step),
        }
        for step in result.get("steps", [])
    ]
    cumulative = budget.ballot_kind == BallotKind.CUMULATIVE
    votes = sel.votes_by_project(budget=budget)
    ranked = sorted(projects, key=lambda p: (-votes.get(p.key, 0), p.pk))
    chart_title = _("Points per project") if cumulative else _("Votes per project")
    chart = bar_chart(
        chart_title,
        _("One bar per project, most first. Funded projects have dark bars and a check mark."),
        [(p.title, votes.get(p.key, 0)) for p in ranked],
        marked=[p.key in funded_set for p in ranked],
    )
    notes = [str(n) for n in result.get("notes", [])]
    recorded = [str(k) for k in result.get("recorded", [])]
    if recorded and notes:
        # budget_import appends its comparison with the recorded selection last; the
        # page says the same below in the reader's language.
        notes = notes[:-1]
    comparison: dict[str, Any] = {}
    if recorded:
        comparison = {
            "same": sorted(recorded) == sorted(selected),
            "only_city": [
                {"project": by_key.get(k), "key": k} for k in recorded if k not in funded_set
            ],
            "only_bloc": [
                {"project": by_key.get(k), "key": k} for k in selected if k not in recorded
            ],
        }
    participations = BudgetParticipation.objects.filter(budget=budget)
    return {
        "funded": funded,
        "total_text": money(int(result.get("total_cost", 0)), currency),
        "left_text": money(int(result.get("left", 0)), currency),
        "amount_text": money(budget.amount, currency),
        "turnout": sel.turnout(budget=budget),
        "on_paper": participations.filter(channel=Channel.PAPER).count(),
        "rule_summary": explain.rule_summary(budget),
        "steps": steps,
        "has_price": any(s["price"] for s in steps),
        "notes": notes,
        "chart": chart,
        "chart_title": chart_title,
        "bars": [
            {"project": p, "value": votes.get(p.key, 0), "funded": p.key in funded_set}
            for p in ranked
        ],
        "cumulative": cumulative,
        "comparison": comparison,
    }


def _cost(by_key: dict[str, Project], key: str) -> int:
    project = by_key.get(key)
    return project.final_cost if project is not None else 0


@require_GET
def results(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    page = budget_page(request, slug, budget_id)
    if isinstance(page, HttpResponse):
        return page
    budget, context = page
    if budget.counted_at is not None:
        context.update(_results_context(budget))
    return render(request, "budgeting/results.html", context)


# --- open data ---------------------------------------------------------------------------


@require_GET
def export_pb(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    page = budget_page(request, slug, budget_id)
    if isinstance(page, HttpResponse):
        return page
    budget, _context = page
    if budget.counted_at is None:
        raise Http404(_("A budget's open data is published once its votes are counted."))
    response = HttpResponse(budget_export(budget=budget), content_type="text/plain; charset=utf-8")
    filename = f"{slugify(budget.title) or f'budget-{budget.pk}'}.pb"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
