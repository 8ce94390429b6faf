"""Reads about participatory budgets: phases, projects, the ballot, results, open data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from bloc.budgeting.models import (
    BallotKind,
    Budget,
    BudgetBallot,
    BudgetParticipation,
    Project,
    ProjectStatus,
    ProjectUpdate,
    UpdatePhoto,
)
from bloc.core.budgeting import ballot as ballot_rules
from bloc.core.budgeting.election import APPROVAL, CUMULATIVE, ORDINAL, Election
from bloc.core.budgeting.pabulib import PbFile
from bloc.core.errors import NotFound
from bloc.institutions.models import Institution
from bloc.membership.models import Membership
from bloc.permissions import is_person

DRAFT, IDEAS, REVIEW, VOTING, RESULTS, IMPLEMENTATION = (
    "draft",
    "ideas",
    "review",
    "voting",
    "results",
    "implementation",
)
PHASES = (DRAFT, IDEAS, REVIEW, VOTING, RESULTS, IMPLEMENTATION)


def phase(budget: Budget, now: datetime | None = None) -> str:
    """Where the budget stands: the latest phase whose start has passed."""
    now = now or timezone.now()
    starts = (
        (IMPLEMENTATION, budget.implementation_from),
        (RESULTS, budget.voting_closes),
        (VOTING, budget.voting_opens),
        (REVIEW, budget.review_from),
        (IDEAS, budget.ideas_open),
    )
    for name, start in starts:
        if now >= start:
            return name
    return DRAFT


def phase_index(name: str) -> int:
    return PHASES.index(name)


def budgets_of(*, institution: Institution) -> QuerySet[Budget]:
    return Budget.objects.filter(institution=institution)


def budget_get(*, institution: Institution, budget_id: int) -> Budget:
    budget = Budget.objects.filter(institution=institution, pk=budget_id).first()
    if budget is None:
        raise NotFound("No such budget.")
    return budget


def project_get(*, budget: Budget, project_id: int) -> Project:
    project = Project.objects.filter(budget=budget, pk=project_id).first()
    if project is None:
        raise NotFound("No such project.")
    return project


def projects_of(*, budget: Budget, status: str | None = None) -> QuerySet[Project]:
    projects = Project.objects.filter(budget=budget)
    if status is not None:
        projects = projects.filter(status=status)
    return projects.order_by("pk")


def on_ballot(*, budget: Budget) -> list[Project]:
    """The feasible projects, in the order the ballot lists them."""
    return list(projects_of(budget=budget, status=ProjectStatus.FEASIBLE))


def ballot_form(
    *, budget: Budget, projects: list[Project] | None = None
) -> ballot_rules.BudgetBallotForm:
    projects = on_ballot(budget=budget) if projects is None else projects
    return ballot_rules.BudgetBallotForm(
        kind=budget.ballot_kind,
        costs={p.pk: p.final_cost for p in projects},
        budget=budget.amount,
        min_projects=budget.min_projects,
        max_projects=budget.max_projects,
        max_points=budget.max_points,
        max_per_project=budget.max_per_project,
    )


def councils_above(institution: Any) -> list[int]:
    """The councils ``institution`` sits in, directly or through lower councils."""
    from bloc.confederation.tree import load_tree

    return [
        int(node[1:]) for node in load_tree(institution.chapter_id).path_up(f"i{institution.pk}")
    ]


def council_choices(institution: Any) -> list[tuple[int, str]]:
    """The councils whose budget ``institution`` may host, lowest first."""
    from bloc.confederation.models import Council

    ids = councils_above(institution)
    names = dict(Council.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [(pk, names[pk]) for pk in ids]


def assemblies_voting(budget: Budget) -> list[int]:
    """The institutions whose members propose and vote: the host, or for a council's
    budget every assembly below the council."""
    if budget.council_id is None:
        return [budget.institution_id]
    from bloc.confederation.tree import load_tree

    return load_tree(budget.institution.chapter_id).assemblies_below(budget.council_id)


def roster(*, budget: Budget) -> QuerySet[Membership]:
    """Who may vote: verified members who had joined before voting opened (joining
    mid-vote cannot add voters), whether or not they have voted. A person who belongs
    to two assemblies under a council's budget has two rows and still one vote (the
    voting services allow one ballot per person)."""
    return Membership.objects.filter(
        institution_id__in=assemblies_voting(budget),
        left_at__isnull=True,
        verified_at__isnull=False,
        joined_at__lte=budget.voting_opens,
    )


def has_voted(*, budget: Budget, actor: Any) -> bool:
    return (
        is_person(actor)
        and BudgetParticipation.objects.filter(budget=budget, user_id=actor.pk).exists()
    )


def paper_counts(*, budget: Budget) -> tuple[int, int]:
    """(members checked off as having handed in a paper ballot, paper ballots entered)."""
    handed_in = BudgetParticipation.objects.filter(budget=budget, channel="paper").count()
    return handed_in, BudgetBallot.objects.filter(budget=budget, paper=True).count()


def turnout(*, budget: Budget) -> int:
    """Voters counted: ballots cast here plus the voters of an imported file."""
    if budget.result and "voters" in budget.result:
        return int(budget.result["voters"])
    return sum(BudgetBallot.objects.filter(budget=budget).values_list("count", flat=True))


_KIND = {
    BallotKind.APPROVAL: APPROVAL,
    BallotKind.KNAPSACK: APPROVAL,
    BallotKind.CUMULATIVE: CUMULATIVE,
    BallotKind.ORDINAL: ORDINAL,
}


def election(*, budget: Budget) -> tuple[Election, list[Project]]:
    """The budget as the counting rules see it, and the projects in its order."""
    projects = on_ballot(budget=budget)
    index = {p.pk: i for i, p in enumerate(projects)}
    merged: Counter[str] = Counter()
    for content, count in BudgetBallot.objects.filter(budget=budget).values_list(
        "content", "count"
    ):
        merged[content] += count
    ballots: list[tuple[int, ...]] = []
    points: list[tuple[int, ...]] = []
    counts: list[int] = []
    cumulative = budget.ballot_kind == BallotKind.CUMULATIVE
    for content, count in sorted(merged.items()):
        decoded = ballot_rules.decode(content)
        if cumulative:
            pairs = [(index[k], v) for k, v in decoded if k in index]  # type: ignore[misc]
            if not pairs:
                continue
            ballots.append(tuple(p for p, _ in pairs))
            points.append(tuple(v for _, v in pairs))
        else:
            chosen = tuple(index[k] for k in decoded if k in index)  # type: ignore[comparison-overlap]
            if not chosen:
                continue
            ballots.append(chosen)
        counts.append(count)
    e = Election(
        ids=tuple(p.key for p in projects),
        costs=tuple(p.final_cost for p in projects),
        budget=budget.amount,
        kind=_KIND[BallotKind(budget.ballot_kind)],
        ballots=tuple(ballots),
        counts=tuple(counts),
        points=tuple(points) if cumulative else None,
    )
    return e, projects


def steps_by_project(*, budget: Budget) -> dict[str, dict[str, Any]]:
    """Each project's step in the stored result, by project key (its last step wins)."""
    if not budget.result:
        return {}
    return {step["project"]: step for step in budget.result["steps"]}


def funded_keys(*, budget: Budget) -> list[str]:
    return list(budget.result["selected"]) if budget.result else []


def votes_by_project(*, budget: Budget) -> dict[str, int]:
    """How many voters named each project (cumulative: the points it got); stored with
    the result at the count, so a city's 60,000 ballots are not read again."""
    if budget.result and "votes" in budget.result:
        return {str(k): int(v) for k, v in budget.result["votes"].items()}
    return tally_votes(*election(budget=budget))


def tally_votes(e: Election, projects: list[Project]) -> dict[str, int]:
    votes = [0] * len(projects)
    for i, (ballot, n) in enumerate(zip(e.ballots, e.counts, strict=True)):
        weights = e.points[i] if e.points is not None else (1,) * len(ballot)
        for p, w in zip(ballot, weights, strict=True):
            votes[p] += n * w
    return {p.key: votes[i] for i, p in enumerate(projects)}


@dataclass(frozen=True)
class PublishedBallot:
    receipt: str | None
    text: str  # the projects it names, with points or in rank order
    count: int


def _ballot_text(budget: Budget, content: str, titles: dict[int, str]) -> str:
    decoded = ballot_rules.decode(content)
    if budget.ballot_kind == BallotKind.CUMULATIVE:
        parts = [f"{titles.get(k, k)}: {v}" for k, v in decoded]  # type: ignore[misc]
    elif budget.ballot_kind == BallotKind.ORDINAL:
        parts = [f"{i}. {titles.get(k, k)}" for i, k in enumerate(decoded, start=1)]  # type: ignore[call-overload]
    else:
        parts = [str(titles.get(k, k)) for k in decoded]  # type: ignore[call-overload]
    return "; ".join(parts) or "—"


def published_ballots(*, budget: Budget) -> QuerySet[BudgetBallot]:
    """Every counted ballot (none before the count), in the random order of their keys."""
    if budget.counted_at is None:
        return BudgetBallot.objects.none()
    return BudgetBallot.objects.filter(budget=budget).order_by("pk")


def described(*, budget: Budget, ballots: Iterable[BudgetBallot]) -> list[PublishedBallot]:
    """Ballots as the published list shows them: their projects by title."""
    titles = dict(Project.objects.filter(budget=budget).values_list("pk", "title"))
    return [PublishedBallot(b.receipt, _ballot_text(budget, b.content, titles), b.count)
            for b in ballots]  # fmt: skip


def published_ballot(*, budget: Budget, receipt: str) -> PublishedBallot | None:
    """The counted ballot with this receipt, if there is one."""
    if not receipt:
        return None
    found = list(published_ballots(budget=budget).filter(receipt=receipt))
    return described(budget=budget, ballots=found)[0] if found else None


def updates_of(*, project: Project) -> QuerySet[ProjectUpdate]:
    return ProjectUpdate.objects.filter(project=project).prefetch_related("photos")


def photo_get(*, project: Project, photo_id: int) -> UpdatePhoto:
    photo = UpdatePhoto.objects.filter(update__project=project, pk=photo_id).first()
    if photo is None:
        raise NotFound("No such photo.")
    return photo


def to_pabulib(*, budget: Budget) -> PbFile:
    """The budget as a Pabulib file: META, the projects on the ballot, one row per voter.

    Voter ids are numbers in an order that says nothing about who voted; imported
    budgets keep their original META (with the counts brought up to date).
    """
    e, projects = election(budget=budget)
    kind = budget.ballot_kind
    meta: dict[str, str] = {str(k): str(v) for k, v in (budget.meta or {}).items()}
    meta.setdefault("description", budget.title)
    meta.setdefault("country", "")
    meta.setdefault("unit", budget.institution.name)
    meta["currency"] = budget.currency
    meta["num_projects"] = str(len(projects))
    meta["num_votes"] = str(sum(e.counts))
    meta["budget"] = str(budget.amount)
    meta["vote_type"] = {"knapsack": "approval"}.get(kind, kind)
    meta.setdefault("rule", "equalshares" if budget.rule == "mes" else budget.rule)
    meta.setdefault("date_begin", timezone.localtime(budget.voting_opens).strftime("%d.%m.%Y"))
    meta.setdefault("date_end", timezone.localtime(budget.voting_closes).strftime("%d.%m.%Y"))
    if budget.min_projects:
        meta["min_length"] = str(budget.min_projects)
    if budget.max_projects is not None:
        meta["max_length"] = str(budget.max_projects)
    if kind == BallotKind.KNAPSACK:
        meta["max_sum_cost"] = str(budget.amount)
    if budget.min_votes:
        meta["min_project_score_threshold"] = str(budget.min_votes)
    if kind == BallotKind.CUMULATIVE:
        meta["max_sum_points"] = str(budget.max_points)
        if budget.max_per_project is not None:
            meta["max_points"] = str(budget.max_per_project)
    funded = set(funded_keys(budget=budget))
    votes = votes_by_project(budget=budget)
    project_header = ["project_id", "cost", "name", "category", "votes", "selected"]
    if kind == BallotKind.CUMULATIVE:
        project_header[4] = "score"
    project_rows = [
        [
            p.key,
            str(p.final_cost),
            p.title,
            p.category,
            str(votes.get(p.key, 0)),
            "1" if p.key in funded else "0",
        ]
        for p in projects
    ]
    vote_header = ["voter_id", "vote"] + (["points"] if kind == BallotKind.CUMULATIVE else [])
    vote_rows: list[list[str]] = []
    voter = 0
    for i, (ballot, n) in enumerate(zip(e.ballots, e.counts, strict=True)):
        vote = ",".join(e.ids[p] for p in ballot)
        extra = [",".join(str(x) for x in e.points[i])] if e.points is not None else []
        for _ in range(n):
            voter += 1
            vote_rows.append([str(voter), vote, *extra])
    return PbFile(
        meta_header=["key", "value"],
        meta=list(meta.items()),
        projects_header=project_header,
        projects=project_rows,
        votes_header=vote_header,
        votes=vote_rows,
    )
