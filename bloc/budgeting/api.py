"""Participatory budgets in the JSON API (mounted under /api/v1/institutions).

Every route brings the budget up to date first (``budget_sync``: count the votes if
voting has closed), so a result is there as soon as the closing time has passed.
Money is in whole units of the budget's currency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.budgeting import explain
from bloc.budgeting import selectors as sel
from bloc.budgeting import services as svc
from bloc.budgeting.models import Budget, Project
from bloc.budgeting.pabulib_import import budget_export
from bloc.core.errors import Conflict, NotFound, ValidationFailed
from bloc.institutions.models import Institution
from bloc.institutions.selectors import institution_get

router = Router(tags=["budgets"])

SourceName = Literal["dues", "fund", "city", "other"]
BallotKindName = Literal["approval", "knapsack", "cumulative", "ordinal"]
RuleName = Literal["mes", "greedy", "phragmen"]
SatName = Literal["cost", "card", "points"]
CompletionName = Literal["", "add1", "add1_overspend", "add1_greedy"]
StatusName = Literal["proposed", "feasible", "infeasible", "merged"]
ProgressName = Literal["", "not_started", "planning", "in_progress", "done", "cancelled"]
PHASE_DESCRIPTION = "draft, ideas, review, voting, results or implementation."


class BudgetOut(Schema):
    id: int
    title: str
    source: str
    amount: int
    currency: str
    phase: str = Field(description=PHASE_DESCRIPTION)
    ballot_kind: str
    rule: str
    voting_opens: datetime
    voting_closes: datetime
    counted_at: datetime | None = Field(description="When the votes were counted; null before.")
    council: str | None = Field(
        default=None,
        description="A council's budget: the council's short name (its assemblies' members "
        "propose and vote); null: the institution's own.",
    )


class BudgetDetailOut(BudgetOut):
    description: str
    source_detail: str
    ideas_open: datetime = Field(description="Each phase starts at its date and ends at the next.")
    review_from: datetime
    implementation_from: datetime
    min_projects: int = Field(description="Fewest projects a voter must choose (0: none).")
    max_projects: int | None = Field(description="Most projects a voter may choose or rank.")
    max_points: int = Field(description="Points each voter gives (cumulative ballots).")
    max_per_project: int | None = Field(description="Most points on one project.")
    min_votes: int = Field(description="Votes a project needs to be funded (0: none).")
    sat: str
    completion: str = Field(description="Method of Equal Shares only; empty: none.")
    rule_summary: str = Field(description="How the rule chooses, in words.")
    turnout: int | None = Field(description="Voters counted; null until the count.")
    imported_from: str = Field(description="The Pabulib file it was imported from, if any.")
    created_at: datetime


class BudgetIn(Schema):
    title: str = Field(max_length=svc.TITLE_MAX)
    description: str = Field(default="", max_length=svc.DESCRIPTION_MAX)
    source: SourceName
    source_detail: str = Field(default="", max_length=200)
    amount: int = Field(description="Whole units of the currency.")
    currency: str = Field(default="USD", description="Three-letter code: USD, EUR, …")
    ballot_kind: BallotKindName = "approval"
    min_projects: int = 0
    max_projects: int | None = None
    max_points: int = 10
    max_per_project: int | None = None
    min_votes: int = Field(default=0, description="Votes a project needs to be funded.")
    rule: RuleName = "mes"
    sat: SatName = "cost"
    completion: CompletionName = "add1_greedy"
    council: str | None = Field(
        default=None,
        description="A council's short name to make it that council's budget (the "
        "institution must sit under it); omitted: the institution's own.",
    )
    ideas_open: datetime
    review_from: datetime
    voting_opens: datetime
    voting_closes: datetime
    implementation_from: datetime


class BudgetPatch(Schema):
    title: str | None = Field(default=None, max_length=svc.TITLE_MAX)
    description: str | None = Field(default=None, max_length=svc.DESCRIPTION_MAX)
    source: SourceName | None = None
    source_detail: str | None = Field(default=None, max_length=200)
    amount: int | None = None
    currency: str | None = None
    ballot_kind: BallotKindName | None = None
    min_projects: int | None = None
    max_projects: int | None = None
    max_points: int | None = None
    max_per_project: int | None = None
    min_votes: int | None = None
    rule: RuleName | None = None
    sat: SatName | None = None
    completion: CompletionName | None = None
    ideas_open: datetime | None = None
    review_from: datetime | None = None
    voting_opens: datetime | None = None
    voting_closes: datetime | None = None
    implementation_from: datetime | None = None


class ProjectOut(Schema):
    id: int = Field(description="The number a ballot refers to this project by.")
    key: str = Field(description="Its id in the result and the Pabulib file.")
    title: str
    description: str
    place: str
    category: str
    status: str = Field(description="proposed, feasible (on the ballot), infeasible or merged.")
    estimated_cost: int
    cost: int | None = Field(description="The review team's revised cost, if any.")
    final_cost: int = Field(description="What the ballot and the count use.")
    review_reason: str = Field(description="The review team's public reason.")
    merged_into: int | None
    progress: str
    spent: int
    created_at: datetime
    votes: int | None = Field(
        description="Voters who chose it (cumulative: its points); null until the count."
    )
    funded: bool | None = Field(description="Null until the votes are counted.")
    why: str | None = Field(description="Why it was or was not funded; null until the count.")


class UpdatePhotoOut(Schema):
    id: int
    url: str
    content_type: str
    width: int
    height: int
    description: str


class ProjectUpdateOut(Schema):
    id: int
    author: str
    text: str
    progress: str = Field(description="The progress it recorded; empty if unchanged.")
    spent: int | None = Field(description="The money spent so far it recorded, if any.")
    at: datetime
    photos: list[UpdatePhotoOut]


class ProjectDetailOut(ProjectOut):
    updates: list[ProjectUpdateOut] = Field(description="The implementation record, oldest first.")


class ProjectFilter(Schema):
    status: StatusName | None = None


class IdeaIn(Schema):
    title: str = Field(max_length=svc.PROJECT_TITLE_MAX)
    description: str = Field(max_length=svc.DESCRIPTION_MAX)
    estimated_cost: int = Field(description="Whole units of the budget's currency.")
    place: str = Field(default="", max_length=svc.PLACE_MAX)
    category: str = Field(default="", max_length=svc.CATEGORY_MAX)


class IdeaReviewIn(Schema):
    feasible: bool
    reason: str = Field(max_length=svc.REASON_MAX, description="Public: everyone reads it.")
    cost: int | None = Field(default=None, description="A revised cost; null keeps the estimate.")


class IdeasMergeIn(Schema):
    into: int = Field(description="The idea the others are folded into.")
    others: list[int] = Field(min_length=1, max_length=500)
    reason: str = Field(max_length=svc.REASON_MAX)


class BudgetRefusalOut(Schema):
    code: str
    message: str


class BallotProjectOut(Schema):
    id: int
    title: str
    description: str
    place: str
    category: str
    cost: int


class BallotOut(Schema):
    kind: str = Field(description="approval, knapsack, cumulative or ordinal.")
    amount: int = Field(description="The budget; a knapsack ballot's choices must fit in it.")
    currency: str
    min_projects: int
    max_projects: int | None
    max_points: int | None = Field(description="Cumulative ballots: the points to give.")
    max_per_project: int | None = Field(description="Cumulative ballots: most on one project.")
    voting_opens: datetime
    voting_closes: datetime
    projects: list[BallotProjectOut]
    may_vote: bool
    refusal: BudgetRefusalOut | None = Field(description="Why the caller cannot vote now.")
    has_voted: bool


class BudgetVoteIn(Schema):
    ballot: Any = Field(
        description='approval and knapsack: [project ids]; cumulative: {"project id": points}; '
        'ordinal: {"project id": rank} (1 = first).'
    )


class BudgetVoteOut(Schema):
    receipt: str = Field(description="Shown once: keep it to find your ballot in the open data.")
    ballot: str = Field(description="The ballot as stored (canonical text).")


class BudgetResultProjectOut(Schema):
    id: int
    key: str
    title: str
    cost: int
    votes: int = Field(description="Voters who chose it (cumulative: its points).")
    funded: bool
    why: str


class BudgetResultOut(Schema):
    rule: str
    sat: str
    completion: str
    rule_summary: str
    counted_at: datetime
    amount: int
    currency: str
    turnout: int
    total_cost: int = Field(description="What the funded projects cost together.")
    left: int = Field(description="Money not spent by the count.")
    projects: list[BudgetResultProjectOut] = Field(
        description="The funded projects in the order funded, then the others in ballot order."
    )
    result: dict[str, Any] = Field(description="The counting engine's full result, step by step.")


class ProjectUpdateIn(Schema):
    text: str = Field(max_length=svc.UPDATE_MAX)
    progress: ProgressName = Field(default="", description="Empty: unchanged.")
    spent: int | None = Field(default=None, description="Money spent so far; null: unchanged.")


def _aware(moment: datetime) -> datetime:
    # A time sent without an offset is read in the site's time zone, as the pages do.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _institution(request: HttpRequest, slug: str) -> Institution:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "budget.view", institution)
    return institution


def _budget(request: HttpRequest, slug: str, budget_id: int) -> Budget:
    institution = institution_get(slug=slug)
    try:
        budget = sel.budget_get(institution=institution, budget_id=budget_id)
    except NotFound:
        permissions.require(request.user, "budget.view", institution)  # refused first
        raise
    # A council's budget is also open to its assemblies' members (see budget.view).
    permissions.require(request.user, "budget.view", budget)
    return svc.budget_sync(budget)


def _project(request: HttpRequest, slug: str, budget_id: int, project_id: int) -> Project:
    budget = _budget(request, slug, budget_id)
    project = sel.project_get(budget=budget, project_id=project_id)
    project.budget = budget
    return project


def _counted(budget: Budget) -> bool:
    return budget.counted_at is not None and bool(budget.result)


def _summary(budget: Budget) -> dict[str, Any]:
    return {
        "id": budget.pk,
        "title": budget.title,
        "source": budget.source,
        "amount": budget.amount,
        "currency": budget.currency,
        "phase": sel.phase(budget),
        "ballot_kind": budget.ballot_kind,
        "rule": budget.rule,
        "voting_opens": budget.voting_opens,
        "voting_closes": budget.voting_closes,
        "counted_at": budget.counted_at,
        "council": budget.council.slug if budget.council_id else None,
    }


def _detail(budget: Budget) -> BudgetDetailOut:
    return BudgetDetailOut(
        **_summary(budget),
        description=budget.description,
        source_detail=budget.source_detail,
        ideas_open=budget.ideas_open,
        review_from=budget.review_from,
        implementation_from=budget.implementation_from,
        min_projects=budget.min_projects,
        max_projects=budget.max_projects,
        max_points=budget.max_points,
        max_per_project=budget.max_per_project,
        min_votes=budget.min_votes,
        sat=budget.sat,
        completion=budget.completion,
        rule_summary=explain.rule_summary(budget),
        turnout=sel.turnout(budget=budget) if _counted(budget) else None,
        imported_from=budget.imported_from,
        created_at=budget.created_at,
    )


class _Outcome:
    """What the count says of each project (nothing before it)."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.counted = _counted(budget)
        self.steps = sel.steps_by_project(budget=budget) if self.counted else {}
        self.funded = set(sel.funded_keys(budget=budget)) if self.counted else set()
        self.votes = sel.votes_by_project(budget=budget) if self.counted else {}

    def of(self, project: Project) -> dict[str, Any]:
        if not self.counted:
            return {"votes": None, "funded": None, "why": None}
        return {
            "votes": self.votes.get(project.key, 0),
            "funded": project.key in self.funded,
            "why": explain.why(self.budget, self.steps.get(project.key)),
        }


def _project_out(project: Project, outcome: _Outcome) -> dict[str, Any]:
    return {
        "id": project.pk,
        "key": project.key,
        "title": project.title,
        "description": project.description,
        "place": project.place,
        "category": project.category,
        "status": project.status,
        "estimated_cost": project.estimated_cost,
        "cost": project.cost,
        "final_cost": project.final_cost,
        "review_reason": project.review_reason,
        "merged_into": project.merged_into_id,
        "progress": project.progress,
        "spent": project.spent,
        "created_at": project.created_at,
        **outcome.of(project),
    }


def _project_detail(project: Project) -> ProjectDetailOut:
    budget = project.budget
    project = sel.project_get(budget=budget, project_id=project.pk)
    slug = budget.institution.slug
    updates = [
        ProjectUpdateOut(
            id=u.pk,
            author=u.author.full_name,
            text=u.text,
            progress=u.progress,
            spent=u.spent,
            at=u.at,
            photos=[
                UpdatePhotoOut(
                    id=p.pk,
                    url=reverse(
                        "institutions:budget_photo", args=[slug, budget.pk, project.pk, p.pk]
                    ),
                    content_type=p.content_type,
                    width=p.width,
                    height=p.height,
                    description=p.description,
                )
                for p in u.photos.all()
            ],
        )
        for u in sel.updates_of(project=project).select_related("author")
    ]
    return ProjectDetailOut(**_project_out(project, _Outcome(budget)), updates=updates)


def _settings(payload: BudgetIn | dict[str, Any]) -> svc.BudgetSettings:
    values = payload.dict() if isinstance(payload, BudgetIn) else dict(payload)
    for name in (
        "ideas_open",
        "review_from",
        "voting_opens",
        "voting_closes",
        "implementation_from",
    ):
        values[name] = _aware(values[name])
    council = values.pop("council", None)
    if council:
        from bloc.confederation.models import Council

        found = Council.objects.filter(slug=council).values_list("pk", flat=True).first()
        if found is None:
            raise ValidationFailed.for_field("council", _("There is no such council."))
        values["council_id"] = found
    return svc.BudgetSettings(**values)


@router.get("/{slug}/budgets", response=list[BudgetOut], auth=optional_auth, summary="Budgets")
def budget_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    institution = _institution(request, slug)
    return [_summary(svc.budget_sync(b)) for b in sel.budgets_of(institution=institution)]


@router.post("/{slug}/budgets", response={201: BudgetDetailOut}, summary="Set up a budget")
def budget_create(request: HttpRequest, slug: str, payload: BudgetIn) -> Status[BudgetDetailOut]:
    institution = institution_get(slug=slug)
    budget = svc.budget_create(
        actor=request.user, institution=institution, settings=_settings(payload)
    )
    return Status(201, _detail(budget))


@router.get(
    "/{slug}/budgets/{budget_id}",
    response=BudgetDetailOut,
    auth=optional_auth,
    summary="A budget: its money, phases, ballot and rule",
)
def budget_detail(request: HttpRequest, slug: str, budget_id: int) -> BudgetDetailOut:
    return _detail(_budget(request, slug, budget_id))


@router.patch(
    "/{slug}/budgets/{budget_id}",
    response=BudgetDetailOut,
    summary="Change a budget's settings",
    description=(
        "Send only what changes. Once voting opens the money, the ballot and the rule are "
        "fixed (409 `voting_started`); an imported budget cannot change (409 `imported`)."
    ),
)
def budget_update(
    request: HttpRequest, slug: str, budget_id: int, payload: BudgetPatch
) -> BudgetDetailOut:
    budget = _budget(request, slug, budget_id)
    permissions.require(request.user, "budget.manage", budget.institution)
    current = {name: getattr(budget, name) for name in BudgetIn.model_fields}
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name not in ("max_projects", "max_per_project"):
            raise ValidationFailed.for_field(name, _("This field cannot be empty."))
    updated = svc.budget_update(
        actor=request.user, budget=budget, settings=_settings({**current, **changes})
    )
    return _detail(updated)


@router.get(
    "/{slug}/budgets/{budget_id}/projects",
    response=list[ProjectOut],
    auth=optional_auth,
    summary="The ideas and projects of a budget",
)
def project_list(
    request: HttpRequest, slug: str, budget_id: int, filters: Query[ProjectFilter]
) -> list[dict[str, Any]]:
    budget = _budget(request, slug, budget_id)
    outcome = _Outcome(budget)
    projects = sel.projects_of(budget=budget, status=filters.status)
    return [_project_out(p, outcome) for p in projects]


@router.get(
    "/{slug}/budgets/{budget_id}/projects/{project_id}",
    response=ProjectDetailOut,
    auth=optional_auth,
    summary="A project, why it was or was not funded, and its implementation record",
)
def project_detail(
    request: HttpRequest, slug: str, budget_id: int, project_id: int
) -> ProjectDetailOut:
    return _project_detail(_project(request, slug, budget_id, project_id))


@router.post(
    "/{slug}/budgets/{budget_id}/ideas",
    response={201: ProjectDetailOut},
    summary="Submit a project idea",
)
def idea_submit(
    request: HttpRequest, slug: str, budget_id: int, payload: IdeaIn
) -> Status[ProjectDetailOut]:
    budget = _budget(request, slug, budget_id)
    project = svc.idea_submit(actor=request.user, budget=budget, **payload.dict())
    project.budget = budget
    return Status(201, _project_detail(project))


@router.post(
    "/{slug}/budgets/{budget_id}/projects/{project_id}/review",
    response=ProjectDetailOut,
    summary="Review an idea: feasible (on the ballot) or not, with a public reason",
)
def project_review(
    request: HttpRequest, slug: str, budget_id: int, project_id: int, payload: IdeaReviewIn
) -> ProjectDetailOut:
    project = _project(request, slug, budget_id, project_id)
    reviewed = svc.idea_review(
        actor=request.user,
        project=project,
        feasible=payload.feasible,
        reason=payload.reason,
        cost=payload.cost,
    )
    reviewed.budget = project.budget
    return _project_detail(reviewed)


@router.post(
    "/{slug}/budgets/{budget_id}/merge",
    response=ProjectDetailOut,
    summary="Merge ideas into one",
    description="The others are marked merged, pointing to `into`, with the reason.",
)
def ideas_merge(
    request: HttpRequest, slug: str, budget_id: int, payload: IdeasMergeIn
) -> ProjectDetailOut:
    budget = _budget(request, slug, budget_id)
    permissions.require(request.user, "budget.review", budget)
    into = sel.project_get(budget=budget, project_id=payload.into)
    others = list(sel.projects_of(budget=budget).filter(pk__in=payload.others))
    if len(others) != len(set(payload.others)):
        raise ValidationFailed.for_field("others", _("Only ideas of this budget can be merged."))
    target = svc.ideas_merge(actor=request.user, into=into, others=others, reason=payload.reason)
    target.budget = budget
    return _project_detail(target)


def _ballot(request: HttpRequest, budget: Budget) -> BallotOut:
    refusal = svc.voting_refusal(budget=budget, actor=request.user)
    cumulative = budget.ballot_kind == "cumulative"
    return BallotOut(
        kind=budget.ballot_kind,
        amount=budget.amount,
        currency=budget.currency,
        min_projects=budget.min_projects,
        max_projects=budget.max_projects,
        max_points=budget.max_points if cumulative else None,
        max_per_project=budget.max_per_project if cumulative else None,
        voting_opens=budget.voting_opens,
        voting_closes=budget.voting_closes,
        projects=[
            BallotProjectOut(
                id=p.pk,
                title=p.title,
                description=p.description,
                place=p.place,
                category=p.category,
                cost=p.final_cost,
            )
            for p in sel.on_ballot(budget=budget)
        ],
        may_vote=refusal is None,
        refusal=None
        if refusal is None
        else BudgetRefusalOut(code=refusal.code, message=refusal.message),
        has_voted=sel.has_voted(budget=budget, actor=request.user),
    )


@router.get(
    "/{slug}/budgets/{budget_id}/ballot",
    response=BallotOut,
    auth=optional_auth,
    summary="The ballot: its kind, projects and limits, and whether you may vote",
)
def ballot_get(request: HttpRequest, slug: str, budget_id: int) -> BallotOut:
    return _ballot(request, _budget(request, slug, budget_id))


def _check_shape(budget: Budget, ballot: Any) -> None:
    """A list for approval and knapsack ballots, an object for the others."""
    if budget.ballot_kind in ("approval", "knapsack"):
        if not isinstance(ballot, list):
            message = _("Send the ballot as a list of the ids of the projects you choose.")
            raise ValidationFailed.for_field("ballot", message)
    elif not isinstance(ballot, dict):
        if budget.ballot_kind == "cumulative":
            message = _("Send the ballot as an object of project id to points.")
        else:
            message = _("Send the ballot as an object of project id to rank, 1 first.")
        raise ValidationFailed.for_field("ballot", message)


@router.post(
    "/{slug}/budgets/{budget_id}/vote",
    response={201: BudgetVoteOut},
    summary="Vote",
    description=(
        "One vote per member. A ballot that breaks the rules is refused with 422 and a "
        "`code`: `over_budget` (knapsack), `too_many`, `too_few`, `empty`, `too_many_points`, "
        "`project_points`, `bad_points`, `same_rank`, `bad_rank` or `unknown_project`; a "
        "second vote with 409 `already_voted` (or `voted_on_paper`); outside the voting "
        "phase 409 `not_open_yet` or `voting_closed`; who is not on the roster 403 "
        "`not_eligible`."
    ),
)
def budget_vote(
    request: HttpRequest, slug: str, budget_id: int, payload: BudgetVoteIn
) -> Status[BudgetVoteOut]:
    budget = _budget(request, slug, budget_id)
    refusal = svc.voting_refusal(budget=budget, actor=request.user)
    if refusal is not None:
        raise refusal
    _check_shape(budget, payload.ballot)
    cast = svc.vote(actor=request.user, budget=budget, data=payload.ballot, limit_rate=True)
    return Status(201, BudgetVoteOut(receipt=cast.receipt, ballot=cast.content))


def _require_counted(budget: Budget) -> Budget:
    if not _counted(budget):
        raise Conflict(
            _("The result is published when voting has closed and the votes are counted."),
            code="not_counted",
        )
    return budget


@router.get(
    "/{slug}/budgets/{budget_id}/result",
    response=BudgetResultOut,
    auth=optional_auth,
    summary="The result, once voting has closed, with why each project was or was not funded",
    description="Before the count: 409 `not_counted`.",
)
def budget_result(request: HttpRequest, slug: str, budget_id: int) -> BudgetResultOut:
    budget = _require_counted(_budget(request, slug, budget_id))
    result = dict(budget.result or {})
    outcome = _Outcome(budget)
    ballot = sel.on_ballot(budget=budget)
    order = {key: i for i, key in enumerate(result.get("selected", []))}
    ballot.sort(key=lambda p: order.get(p.key, len(order)))
    return BudgetResultOut(
        rule=budget.rule,
        sat=budget.sat,
        completion=budget.completion,
        rule_summary=explain.rule_summary(budget),
        counted_at=budget.counted_at,
        amount=budget.amount,
        currency=budget.currency,
        turnout=sel.turnout(budget=budget),
        total_cost=int(result.get("total_cost", 0)),
        left=int(result.get("left", budget.amount)),
        projects=[
            BudgetResultProjectOut(
                id=p.pk, key=p.key, title=p.title, cost=p.final_cost, **outcome.of(p)
            )
            for p in ballot
        ],
        result=result,
    )


@router.get(
    "/{slug}/budgets/{budget_id}/export.pb",
    auth=optional_auth,
    summary="The budget as a Pabulib file (open data), once counted",
    description="Before the count: 409 `not_counted`.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The Pabulib (.pb) text: META, PROJECTS and VOTES.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    },
)
def budget_export_pb(request: HttpRequest, slug: str, budget_id: int) -> HttpResponse:
    budget = _require_counted(_budget(request, slug, budget_id))
    response = HttpResponse(budget_export(budget=budget), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-budget-{budget.pk}.pb"'
    return response


@router.post(
    "/{slug}/budgets/{budget_id}/projects/{project_id}/updates",
    response={201: ProjectDetailOut},
    summary="Post an update on a funded project's making",
    description=(
        "Progress and money spent so far, for the review team and facilitators. Photos "
        "cannot be sent over the API: add them on the project's page."
    ),
)
def project_update(
    request: HttpRequest, slug: str, budget_id: int, project_id: int, payload: ProjectUpdateIn
) -> Status[ProjectDetailOut]:
    project = _project(request, slug, budget_id, project_id)
    svc.project_update(
        actor=request.user,
        project=project,
        text=payload.text,
        progress=payload.progress,
        spent=payload.spent,
    )
    return Status(201, _project_detail(project))
