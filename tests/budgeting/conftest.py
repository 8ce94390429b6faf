"""Fixtures for budgeting: Maple Street's budgets in each phase, with voters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.confederation.conftest import world  # noqa: F401 - councils' budgets use it
from tests.conftest import make_person, member

#: Days from now at which each phase starts, so that the budget stands in that phase.
PHASE_STARTS = {
    "draft": (1, 2, 3, 4, 5),
    "ideas": (-1, 2, 3, 4, 5),
    "review": (-2, -1, 3, 4, 5),
    "voting": (-3, -2, -1, 4, 5),
    "results": (-4, -3, -2, -1, 5),
    "implementation": (-5, -4, -3, -2, -1),
}


def make_budget(institution, actor, phase="ideas", **fields):  # type: ignore[no-untyped-def]
    """A budget standing in ``phase`` (made as a draft, then its dates moved)."""
    from bloc.budgeting.models import Budget
    from bloc.budgeting.services import BudgetSettings, budget_create

    now = timezone.now()
    day = datetime.timedelta(days=1)
    draft = [now + d * day for d in PHASE_STARTS["draft"]]
    settings = BudgetSettings(
        title=fields.pop("title", "Maple Street 2027"),
        amount=fields.pop("amount", 1000),
        source=fields.pop("source", "dues"),
        ideas_open=draft[0],
        review_from=draft[1],
        voting_opens=draft[2],
        voting_closes=draft[3],
        implementation_from=draft[4],
        **fields,
    )
    budget = budget_create(actor=actor, institution=institution, settings=settings)
    starts = [now + d * day for d in PHASE_STARTS[phase]]
    names = ("ideas_open", "review_from", "voting_opens", "voting_closes", "implementation_from")
    Budget.objects.filter(pk=budget.pk).update(**dict(zip(names, starts, strict=True)))
    budget.refresh_from_db()
    return budget


def move_to(budget, phase):  # type: ignore[no-untyped-def]
    from bloc.budgeting.models import Budget

    now = timezone.now()
    day = datetime.timedelta(days=1)
    names = ("ideas_open", "review_from", "voting_opens", "voting_closes", "implementation_from")
    starts = [now + d * day for d in PHASE_STARTS[phase]]
    Budget.objects.filter(pk=budget.pk).update(**dict(zip(names, starts, strict=True)))
    budget.refresh_from_db()
    return budget


def with_projects(budget, actor, costs):  # type: ignore[no-untyped-def]
    """Feasible projects of these costs (made in the ideas phase, then reviewed)."""
    from bloc.budgeting.models import Project, ProjectStatus

    return [
        Project.objects.create(
            budget=budget,
            title=f"Project {i}",
            description="Something good.",
            estimated_cost=cost,
            status=ProjectStatus.FEASIBLE,
            submitted_by=actor,
        )
        for i, cost in enumerate(costs, start=1)
    ]


@pytest.fixture
def voters(maple):  # type: ignore[no-untyped-def]
    """Four verified members of Maple Street, joined long before any vote."""
    from bloc.membership.models import Membership

    people = []
    for i in range(4):
        person = make_person(
            f"voter{i}@example.org", f"Voter {i}", address=f"11{2 * i} Maple Street"
        )
        member(maple, person, verified=True)
        people.append(person)
    Membership.objects.filter(user__in=people).update(
        joined_at=timezone.now() - datetime.timedelta(days=30)
    )
    return people
