"""The budget's life from ideas to implementation, through the services."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bloc.budgeting import selectors as sel
from bloc.budgeting import services
from bloc.budgeting.models import BudgetBallot, BudgetParticipation, Project, ProjectStatus
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.budgeting.conftest import make_budget, move_to, with_projects


def test_an_idea_goes_from_submission_to_the_ballot(maple, fiona, alice):
    from tests.conftest import member

    member(maple, alice)
    budget = make_budget(maple, fiona, "ideas")
    idea = services.idea_submit(actor=alice, budget=budget, title="Benches",
                                description="Two benches by the bus stop.", estimated_cost="800",
                                place="Bus stop", category="Streets")  # fmt: skip
    assert idea.status == ProjectStatus.PROPOSED and idea.final_cost == 800
    reviewed = services.idea_review(actor=fiona, project=idea, feasible=True,
                                    reason="The city allows it.", cost=950)  # fmt: skip
    assert reviewed.status == ProjectStatus.FEASIBLE and reviewed.final_cost == 950
    assert [p.pk for p in sel.on_ballot(budget=budget)] == [idea.pk]


@pytest.mark.parametrize(
    ("cost", "code"), [("-5", "negative_money"), ("ten", "bad_money"), ("", "bad_money")]
)
def test_a_bad_cost_is_refused_and_nothing_is_written(maple, fiona, cost, code):
    budget = make_budget(maple, fiona, "ideas")
    with pytest.raises(ValidationFailed) as refused:
        services.idea_submit(actor=fiona, budget=budget, title="X", description="Y",
                             estimated_cost=cost)  # fmt: skip
    assert refused.value.code == code and "estimated_cost" in refused.value.fields
    assert not Project.objects.exists()


def test_ideas_only_while_the_budget_takes_them(maple, fiona):
    budget = make_budget(maple, fiona, "review")
    with pytest.raises(Conflict):
        services.idea_submit(actor=fiona, budget=budget, title="X", description="Y",
                             estimated_cost=1)  # fmt: skip


def test_only_the_review_team_reviews(maple, fiona, alice):
    from tests.conftest import member

    member(maple, alice)
    budget = make_budget(maple, fiona, "ideas")
    idea = services.idea_submit(actor=alice, budget=budget, title="Lights",
                                description="More light.", estimated_cost=100)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.idea_review(actor=alice, project=idea, feasible=True, reason="I like it")
    services.reviewers_set(actor=fiona, budget=budget, users=[alice])
    services.idea_review(actor=alice, project=idea, feasible=False, reason="Not city land.")
    idea.refresh_from_db()
    assert idea.status == ProjectStatus.INFEASIBLE and idea.review_reason == "Not city land."


def test_merging_moves_ideas_and_what_was_merged_into_them(maple, fiona):
    budget = make_budget(maple, fiona, "ideas")
    a, b, c = with_projects(budget, fiona, [10, 20, 30])
    services.ideas_merge(actor=fiona, into=b, others=[c], reason="Same corner.")
    services.ideas_merge(actor=fiona, into=a, others=[b], reason="Same street.")
    b.refresh_from_db(), c.refresh_from_db()
    assert b.status == c.status == ProjectStatus.MERGED
    assert b.merged_into_id == c.merged_into_id == a.pk


def test_the_ballot_is_fixed_once_voting_opens(maple, fiona):
    budget = make_budget(maple, fiona, "voting")
    (project,) = with_projects(budget, fiona, [10])
    with pytest.raises(Conflict):
        services.idea_review(actor=fiona, project=project, feasible=False, reason="Too late")


def test_a_knapsack_ballot_over_budget_says_by_how_much_and_stores_nothing(maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", ballot_kind="knapsack", amount=1000)
    a, b, c = with_projects(budget, fiona, [600, 300, 250])
    with pytest.raises(ValidationFailed) as refused:
        services.vote(actor=voters[0], budget=budget, data=[a.pk, b.pk, c.pk])
    assert refused.value.code == "over_budget"
    assert "1,150 USD" in refused.value.message and "150 USD over" in refused.value.message
    assert not BudgetParticipation.objects.exists() and not BudgetBallot.objects.exists()
    cast = services.vote(actor=voters[0], budget=budget, data=[str(a.pk), str(b.pk)])
    assert len(cast.receipt) == 64


def test_too_many_approvals_are_refused(maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", max_projects=2)
    projects = with_projects(budget, fiona, [1, 2, 3])
    with pytest.raises(ValidationFailed) as refused:
        services.vote(actor=voters[0], budget=budget, data=[p.pk for p in projects])
    assert refused.value.code == "too_many"
    assert not BudgetBallot.objects.exists()


def test_one_person_one_vote_online_and_on_paper(maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting")
    (a, b) = with_projects(budget, fiona, [100, 200])
    services.vote(actor=voters[0], budget=budget, data=[a.pk])
    with pytest.raises(Conflict) as again:
        services.vote(actor=voters[0], budget=budget, data=[b.pk])
    assert again.value.code == "already_voted"
    services.paper_checkoff(actor=fiona, budget=budget, voter=voters[1])
    with pytest.raises(Conflict) as online:
        services.vote(actor=voters[1], budget=budget, data=[a.pk])
    assert online.value.code == "voted_on_paper"
    with pytest.raises(Conflict) as twice:
        services.paper_checkoff(actor=fiona, budget=budget, voter=voters[0])
    assert twice.value.code == "already_voted"
    services.paper_ballot_add(actor=fiona, budget=budget, data=[b.pk])
    assert BudgetBallot.objects.count() == 2


def test_no_more_paper_ballots_than_voters_checked_off(maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting")
    (a,) = with_projects(budget, fiona, [100])
    with pytest.raises(Conflict) as empty_box:
        services.paper_ballot_add(actor=fiona, budget=budget, data=[a.pk])
    assert empty_box.value.code == "no_paper_ballot_left"
    services.paper_checkoff(actor=fiona, budget=budget, voter=voters[2])
    services.paper_ballot_add(actor=fiona, budget=budget, data=[a.pk])
    with pytest.raises(Conflict):
        services.paper_ballot_add(actor=fiona, budget=budget, data=[a.pk])
    paper = BudgetBallot.objects.get(budget=budget)
    assert paper.paper and paper.receipt is None  # nothing ties it to the voter
    with pytest.raises(PermissionDenied):
        services.paper_checkoff(actor=voters[0], budget=budget, voter=voters[1])


def test_who_joined_after_voting_opened_cannot_vote(maple, fiona):
    from tests.conftest import make_person, member

    budget = make_budget(maple, fiona, "voting")
    with_projects(budget, fiona, [100])
    late = make_person("late@example.org", "Late Comer", address="118 Maple Street")
    member(maple, late, verified=True)
    with pytest.raises(PermissionDenied) as refused:
        services.vote(actor=late, budget=budget, data=[])
    assert refused.value.code == "not_eligible"


def test_the_count_funds_what_the_rule_says_and_explains_the_rest(maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", amount=1000, rule="greedy", completion="")
    a, b, c = with_projects(budget, fiona, [600, 500, 300])
    for voter, ballot in zip(voters, [[a, c], [a, b], [b], [a]], strict=True):
        services.vote(actor=voter, budget=budget, data=[p.pk for p in ballot])
    move_to(budget, "results")
    services.budget_sync(budget)
    assert budget.result["selected"] == [a.key, c.key]  # a: 3 votes, b: 2 does not fit, c
    steps = sel.steps_by_project(budget=budget)
    assert steps[b.key]["reason"] == "does_not_fit" and steps[b.key]["short"] == 100
    from bloc.budgeting.explain import why

    assert "100 USD short" in why(budget, steps[b.key])


def test_mes_with_add1_greedy_is_what_the_core_computes(maple, fiona, voters):
    from bloc.core.budgeting.mes import mes

    budget = make_budget(maple, fiona, "voting", amount=900)
    a, b, c = with_projects(budget, fiona, [400, 500, 300])
    for voter, ballot in zip(voters, [[a], [a, b], [b, c], [c]], strict=True):
        services.vote(actor=voter, budget=budget, data=[p.pk for p in ballot])
    move_to(budget, "results")
    services.budget_sync(budget)
    e, _ = sel.election(budget=budget)
    expected = mes(e, sat="cost", completion="add1_greedy").selected_ids
    assert budget.result["selected"] == list(expected)


def test_implementation_updates_only_on_funded_projects(maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", amount=100, rule="greedy", completion="")
    a, b = with_projects(budget, fiona, [100, 50])
    services.vote(actor=voters[0], budget=budget, data=[a.pk])
    move_to(budget, "implementation")
    update = services.project_update(actor=fiona, project=a, text="Bought the paint.",
                                     progress="in_progress", spent="40")  # fmt: skip
    a.refresh_from_db()
    assert (a.progress, a.spent, update.text) == ("in_progress", 40, "Bought the paint.")
    with pytest.raises(Conflict):
        services.project_update(actor=fiona, project=b, text="?")


def test_phases_must_be_in_order(maple, fiona):
    with pytest.raises(ValidationFailed) as refused:
        make_budget(maple, fiona, "ideas", **{})  # fine
        from django.utils import timezone

        from bloc.budgeting.services import BudgetSettings, budget_create

        now = timezone.now()
        budget_create(actor=fiona, institution=maple, settings=BudgetSettings(
            title="Bad", amount=10, source="dues", ideas_open=now, review_from=now,
            voting_opens=now, voting_closes=now, implementation_from=now))  # fmt: skip
    assert "voting_closes" in refused.value.fields


@pytest.mark.django_db(transaction=True)
def test_simultaneous_votes_by_one_member_store_one_ballot(maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting")
    (a,) = with_projects(budget, fiona, [10])
    outcomes: list[str] = []

    def cast() -> None:
        try:
            services.vote(actor=voters[0], budget=budget, data=[a.pk])
            outcomes.append("ok")
        except Conflict as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert BudgetBallot.objects.filter(budget=budget).count() == 1


def test_a_vote_threshold_leaves_out_projects_with_too_few_votes(maple, fiona, voters):
    from bloc.budgeting.explain import why

    budget = make_budget(maple, fiona, "voting", amount=1000, rule="greedy", completion="",
                         min_votes=2)  # fmt: skip
    a, b = with_projects(budget, fiona, [300, 200])
    for voter, ballot in zip(voters, [[a, b], [a]], strict=False):
        services.vote(actor=voter, budget=budget, data=[p.pk for p in ballot])
    move_to(budget, "results")
    services.budget_sync(budget)
    assert budget.result["selected"] == [a.key]  # b fits, but had 1 vote of the 2 needed
    step = sel.steps_by_project(budget=budget)[b.key]
    assert step["reason"] == "below_threshold"
    assert why(budget, step) == ("Not funded: a project needs 2 votes to be funded, and it had 1.")
    assert budget.result["votes"] == {a.key: 2, b.key: 1}
