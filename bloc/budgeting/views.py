"""Budgeting pages: the budgets, their ideas and review, the projects and their making.

Thin views: parse the form, call a service, redirect with a message; or show the
page again with the errors (422 bad input, 409 the phase does not allow it, 403
refused). Every budget page starts from ``page.budget_page``, which also counts the
votes once voting has closed. The voting pages are in ``vote_views``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.budgeting import explain
from bloc.budgeting import selectors as sel
from bloc.budgeting import services as svc
from bloc.budgeting.forms import (
    BALLOT_FIELDS,
    PHASE_FIELDS,
    BudgetForm,
    IdeaForm,
    MergeForm,
    ReviewForm,
    UpdateForm,
)
from bloc.budgeting.messages import money
from bloc.budgeting.models import Budget, Project, ProjectStatus
from bloc.budgeting.page import PHASE_LABELS, budget_page
from bloc.concerns.views import PHOTO_CACHE_SECONDS
from bloc.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from bloc.forms import add_domain_error, submit
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution, may, page_refusal, viewable
from bloc.membership.selectors import member_list

# --- helpers -------------------------------------------------------------------


def _project(budget: Budget, project_id: int) -> Project:
    try:
        return sel.project_get(budget=budget, project_id=project_id)
    except NotFound:
        raise Http404 from None


def _to_project(project: Project) -> HttpResponse:
    return redirect(
        "institutions:budget_project",
        slug=project.budget.institution.slug,
        budget_id=project.budget_id,
        project_id=project.pk,
    )


def _to_budget(budget: Budget) -> HttpResponse:
    return redirect("institutions:budget_detail", slug=budget.institution.slug, budget_id=budget.pk)


def _before_voting(budget: Budget) -> bool:
    return sel.phase_index(sel.phase(budget)) < sel.phase_index(sel.VOTING)


def _members(institution: Institution) -> dict[int, Any]:
    """The institution's current members (user by pk), by name: the review team's pool."""
    users = [m.user for m in member_list(institution=institution)]
    return {u.pk: u for u in sorted(users, key=lambda u: u.full_name.casefold())}


def _owners(institution: Institution) -> dict[str, Any]:
    """Whose budget it may be: the institution's own, or a council's it sits in."""
    return {
        "councils": sel.council_choices(institution),
        "owner": _("%(name)s's own") % {"name": institution.name},
    }


def _choices(users: dict[int, Any]) -> list[tuple[int, str]]:
    return [(pk, u.full_name or u.email) for pk, u in users.items()]


def _line(budget: Budget, project: Project, funded: bool) -> dict[str, Any]:
    """A project as its line in a list shows it: money in the budget's currency."""
    revised = project.cost is not None and project.cost != project.estimated_cost
    return {
        "project": project,
        "funded": funded,
        "estimate": money(project.estimated_cost, budget.currency),
        "revised": money(project.final_cost, budget.currency) if revised else "",
        "cost": money(project.final_cost, budget.currency),
        "spent": money(project.spent, budget.currency),
    }


# --- budgets -------------------------------------------------------------------


@require_GET
def budget_list(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "budget.view")
    if isinstance(found, HttpResponse):
        return found
    rows = [
        {
            "budget": budget,
            "money": money(budget.amount, budget.currency),
            "phase": PHASE_LABELS[sel.phase(budget)],
        }
        for budget in sel.budgets_of(institution=found)
    ]
    context = {
        "institution": found,
        "rows": rows,
        "may_manage": may(request, "budget.manage", found),
    }
    return render(request, "budgeting/budget_list.html", context)


def _budget_form_page(
    request: HttpRequest,
    institution: Institution,
    form: BudgetForm | None,
    *,
    budget: Budget | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "institution": institution,
        "budget": budget,
        "form": form,
        "notice": notice,
        "frozen": bool(
            form and any(form.fields[f].disabled for f in BALLOT_FIELDS if f in form.fields)
        ),
    }
    return render(request, "budgeting/budget_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def budget_create(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "budget.manage")
    if isinstance(found, HttpResponse):
        return found
    institution = found
    users = _members(institution)
    if request.method != "POST":
        return _budget_form_page(
            request, institution, BudgetForm(members=_choices(users), **_owners(institution))
        )
    form = BudgetForm(request.POST, members=_choices(users), **_owners(institution))
    status = 422
    if form.is_valid():

        def create() -> Budget:
            with transaction.atomic():
                budget = svc.budget_create(
                    actor=request.user, institution=institution, settings=form.settings()
                )
                team = [users[pk] for pk in form.cleaned_data["reviewers"]]
                if team:
                    svc.reviewers_set(actor=request.user, budget=budget, users=team)
            return budget

        budget, status = submit(form, create)
        if budget is not None:
            messages.success(
                request, _("The budget %(title)s is set up.") % {"title": budget.title}
            )
            return _to_budget(budget)
    return _budget_form_page(request, institution, form, status=status)


@require_http_methods(["GET", "POST"])
def budget_edit(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    found = budget_page(request, slug, budget_id)
    if isinstance(found, HttpResponse):
        return found
    budget, context = found
    institution = context["institution"]
    refused = page_refusal(request, "budget.manage", institution)
    if refused is not None:
        return refused
    if budget.imported_from:
        notice = _("An imported budget is a record; it cannot be changed.")
        return _budget_form_page(request, institution, None, budget=budget, notice=notice)
    frozen: tuple[str, ...] = ()
    notice = ""
    if not _before_voting(budget):
        frozen = BALLOT_FIELDS
        notice = _("Voting has opened: the money, the ballot and the rule can no longer change.")
        if budget.counted_at is not None:
            frozen += ("voting_closes",)
    users = _members(institution)
    initial = BudgetForm.initial_of(budget)
    if request.method != "POST":
        form = BudgetForm(
            initial=initial, members=_choices(users), frozen=frozen, **_owners(institution)
        )
        return _budget_form_page(request, institution, form, budget=budget, notice=notice)
    form = BudgetForm(
        request.POST,
        initial=initial,
        members=_choices(users),
        frozen=frozen,
        **_owners(institution),
    )
    status = 422
    if form.is_valid():
        # The page shows times to the minute (a frozen field, to the second): an
        # unchanged time keeps the precision it was stored with.
        for name in PHASE_FIELDS:
            stored = getattr(budget, name)
            shown = (stored.replace(second=0, microsecond=0), stored.replace(microsecond=0))
            if form.cleaned_data[name] in shown:
                form.cleaned_data[name] = stored
        team = [users[pk] for pk in form.cleaned_data["reviewers"]]

        def update() -> Budget:
            with transaction.atomic():
                saved = svc.budget_update(
                    actor=request.user, budget=budget, settings=form.settings()
                )
                if {u.pk for u in team} != set(saved.reviewers.values_list("pk", flat=True)):
                    svc.reviewers_set(actor=request.user, budget=saved, users=team)
            return saved

        saved, status = submit(form, update)
        if saved is not None:
            messages.success(request, _("The budget is saved."))
            return _to_budget(saved)
    return _budget_form_page(
        request, institution, form, budget=budget, notice=notice, status=status
    )


@require_GET
def budget_detail(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    found = budget_page(request, slug, budget_id)
    if isinstance(found, HttpResponse):
        return found
    budget, context = found
    institution = context["institution"]
    phase = context["phase"]
    projects = list(sel.projects_of(budget=budget).select_related("merged_into", "submitted_by"))
    funded = set(sel.funded_keys(budget=budget))
    # Keyed by ProjectStatus value: on the ballot, awaiting review, not feasible, merged.
    by_status: dict[str, list[dict[str, Any]]] = {
        status: [] for status in ("feasible", "proposed", "infeasible", "merged")
    }
    for project in projects:
        by_status[project.status].append(_line(budget, project, project.key in funded))
    funded_total = sum(row["project"].final_cost for row in by_status["feasible"]
                       if row["funded"])  # fmt: skip
    context.update(
        {
            "money": money(budget.amount, budget.currency),
            "on_ballot": by_status["feasible"],
            "awaiting": by_status["proposed"],
            "infeasible": by_status["infeasible"],
            "merged": by_status["merged"],
            "counted": budget.counted_at is not None,
            "funded_count": len(funded),
            "funded_money": money(funded_total, budget.currency),
            "may_propose": phase == sel.IDEAS and may(request, "budget.propose", budget),
            "may_review": phase in (sel.IDEAS, sel.REVIEW)
            and may(request, "budget.review", budget),
            "may_manage": not budget.imported_from and may(request, "budget.manage", institution),
            "has_voted": phase == sel.VOTING and sel.has_voted(budget=budget, actor=request.user),
        }
    )
    return render(request, "budgeting/budget_detail.html", context)


# --- ideas and their review ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def idea_submit(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    found = budget_page(request, slug, budget_id)
    if isinstance(found, HttpResponse):
        return found
    budget, context = found
    refused = page_refusal(request, "budget.propose", context["budget"])
    if refused is not None:
        return refused
    form: IdeaForm | None = IdeaForm(currency=budget.currency)
    status = 200
    if request.method == "POST":
        form = IdeaForm(request.POST, currency=budget.currency)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            project, status = submit(form, lambda: svc.idea_submit(
                actor=request.user, budget=budget, title=data["title"],
                description=data["description"], estimated_cost=data["estimated_cost"],
                place=data["place"], category=data["category"],
            ))  # fmt: skip
            if project is not None:
                messages.success(
                    request,
                    _(
                        "Thank you. Your idea is in: the review team will check whether it can "
                        "be done and put it on the ballot."
                    ),  # fmt: skip
                )
                return _to_project(project)
    elif context["phase"] != sel.IDEAS:
        form = None  # not taking ideas now: the page says so instead of a form
    context.update({"form": form, "money": money(budget.amount, budget.currency)})
    return render(request, "budgeting/idea_form.html", context, status=status)


def _review_closed(budget: Budget, project: Project) -> str:
    """Why this idea cannot be reviewed now, or ''."""
    if not _before_voting(budget):
        return str(_("Voting has opened: the ballot can no longer change."))
    if project.status == ProjectStatus.MERGED:
        return str(_("This idea was merged into another; review that one."))
    return ""


def _project_page(
    request: HttpRequest,
    budget: Budget,
    context: dict[str, Any],
    project: Project,
    *,
    update_form: UpdateForm | None = None,
    review_form: ReviewForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    project = (
        Project.objects.select_related("merged_into", "submitted_by", "reviewed_by")
        .filter(pk=project.pk)
        .get()
    )
    counted = budget.counted_at is not None
    funded = counted and project.key in sel.funded_keys(budget=budget)
    may_review = _review_closed(budget, project) == "" and may(request, "budget.review", budget)
    if review_form is not None and not error:
        error = _review_closed(budget, project)
    cost = project.final_cost
    context.update(
        {
            "project": project,
            "merged": list(project.merged.order_by("pk")),
            "estimate": money(project.estimated_cost, budget.currency),
            "revised": money(project.cost, budget.currency) if project.cost is not None else "",
            "revised_differs": project.cost is not None and project.cost != project.estimated_cost,
            "counted": counted,
            "funded": funded,
            "why": explain.why(budget, sel.steps_by_project(budget=budget).get(project.key))
            if counted
            else "",
            "rule_summary": explain.rule_summary(budget) if counted else "",
            "spent": money(project.spent, budget.currency),
            "cost": money(cost, budget.currency),
            "spent_percent": min(100, round(project.spent * 100 / cost)) if cost else 0,
            "updates": [
                {
                    "update": update,
                    "spent": "" if update.spent is None else money(update.spent, budget.currency),
                }
                for update in sel.updates_of(project=project).select_related("author")
            ],
            "may_track": funded and may(request, "budget.track", budget),
            "update_form": update_form or UpdateForm(),
            "may_review": may_review,
            "review_form": review_form if may_review else None,
            "error": error,
        }
    )
    return render(request, "budgeting/project_detail.html", context, status=status)


@require_GET
def project_detail(
    request: HttpRequest, slug: str, budget_id: int, project_id: int
) -> HttpResponse:
    found = budget_page(request, slug, budget_id)
    if isinstance(found, HttpResponse):
        return found
    budget, context = found
    return _project_page(request, budget, context, _project(budget, project_id))


@require_http_methods(["GET", "POST"])
def project_review(
    request: HttpRequest, slug: str, budget_id: int, project_id: int
) -> HttpResponse:
    found = budget_page(request, slug, budget_id)
    if isinstance(found, HttpResponse):
        return found
    budget, context = found
    refused = page_refusal(request, "budget.review", budget)
    if refused is not None:
        return refused
    project = _project(budget, project_id)
    if request.method != "POST":
        form = ReviewForm(initial=ReviewForm.initial_of(project))
        return _project_page(request, budget, context, project, review_form=form)
    form = ReviewForm(request.POST)
    status, error = 422, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            reviewed = svc.idea_review(
                actor=request.user,
                project=project,
                feasible=data["feasible"] == "yes",
                reason=data["reason"],
                cost=data["cost"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except ValidationFailed as exc:
            add_domain_error(form, exc)
            status = exc.status
        except DomainError as exc:
            status, error = exc.status, exc.message
        else:
            if reviewed.status == ProjectStatus.FEASIBLE:
                messages.success(request, _("Marked feasible: it goes on the ballot."))
            else:
                messages.success(request, _("Marked not feasible, with your reason."))
            return _to_project(reviewed)
    return _project_page(
        request, budget, context, project, review_form=form, error=error, status=status
    )


@require_http_methods(["GET", "POST"])
def ideas_merge(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    found = budget_page(request, slug, budget_id)
    if isinstance(found, HttpResponse):
        return found
    budget, context = found
    refused = page_refusal(request, "budget.review", budget)
    if refused is not None:
        return refused
    ideas = [p for p in sel.projects_of(budget=budget) if p.status != ProjectStatus.MERGED]
    by_pk = {p.pk: p for p in ideas}
    status = 200
    form: MergeForm | None = MergeForm(ideas=ideas)
    if not _before_voting(budget):
        context["notice"] = _("Voting has opened: the ballot can no longer change.")
        form = None
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        form = MergeForm(request.POST, ideas=ideas)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            others = [by_pk[pk] for pk in data["others"] if pk != data["into"]]
            kept, status = submit(form, lambda: svc.ideas_merge(
                actor=request.user, into=by_pk[data["into"]], others=others,
                reason=data["reason"],
            ))  # fmt: skip
            if kept is not None:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s idea merged into %(title)s.",
                        "%(count)s ideas merged into %(title)s.",
                        len(others),
                    )
                    % {"count": len(others), "title": kept.title},
                )
                return _to_project(kept)
    context.update({"form": form, "ideas": ideas})
    return render(request, "budgeting/merge_form.html", context, status=status)


# --- implementation ------------------------------------------------------------


@require_POST
def project_update(
    request: HttpRequest, slug: str, budget_id: int, project_id: int
) -> HttpResponse:
    found = budget_page(request, slug, budget_id)
    if isinstance(found, HttpResponse):
        return found
    budget, context = found
    refused = page_refusal(request, "budget.track", budget)
    if refused is not None:
        return refused
    project = _project(budget, project_id)
    form = UpdateForm(request.POST, request.FILES)
    status, error = 422, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            svc.project_update(
                actor=request.user,
                project=project,
                text=data["text"],
                progress=data["progress"],
                spent=data["spent"],
                photos=data["photos"],
                photo_description=data["photo_description"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except ValidationFailed as exc:
            add_domain_error(form, exc)
            status = exc.status
        except DomainError as exc:
            status, error = exc.status, exc.message
        else:
            messages.success(request, _("The update is published."))
            return _to_project(project)
    return _project_page(
        request, budget, context, project, update_form=form, error=error, status=status
    )


@require_GET
def project_photo(
    request: HttpRequest, slug: str, budget_id: int, project_id: int, photo_id: int
) -> HttpResponse:
    institution = get_institution(slug)
    try:
        budget = sel.budget_get(institution=institution, budget_id=budget_id)
    except NotFound:
        budget = None
    decision = permissions.check(request.user, "budget.view", budget or institution)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)
    try:
        if budget is None:
            raise NotFound("")
        project = sel.project_get(budget=budget, project_id=project_id)
        photo = sel.photo_get(project=project, photo_id=photo_id)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    # Public records may sit in shared caches; members-only photos only in the browser's.
    scope = "private" if request.user.is_authenticated else "public"
    response["Cache-Control"] = f"{scope}, max-age={PHOTO_CACHE_SECONDS}, immutable"
    return response
