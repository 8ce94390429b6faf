"""Voting, paper ballots, results and the .pb export, through Django's test client."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from bloc.actors import SYSTEM
from bloc.budgeting import explain
from bloc.budgeting import selectors as sel
from bloc.budgeting.models import Budget, BudgetBallot, BudgetParticipation, Channel
from bloc.budgeting.pabulib_import import budget_import
from bloc.core.budgeting import ballot as ballot_rules
from bloc.core.budgeting.pabulib import parse_pb, to_election
from bloc.core.bylaws import BylawsSettings
from bloc.institutions.services import bylaws_amend
from tests.budgeting.conftest import make_budget, move_to, with_projects
from tests.conftest import member

pytestmark = pytest.mark.django_db


def _url(name, budget, *args):  # type: ignore[no-untyped-def]
    return reverse(f"institutions:{name}", args=["maple", budget.pk, *args])


def _nothing_stored() -> bool:
    return not BudgetBallot.objects.exists() and not BudgetParticipation.objects.exists()


def _stored(budget):  # type: ignore[no-untyped-def]
    (ballot,) = BudgetBallot.objects.filter(budget=budget)
    return ballot_rules.decode(ballot.content)


def _alert(page: str) -> str:
    match = re.search(r'<div class="form-errors" role="alert" id="ballot-error"><p>(.*?)</p>', page)
    assert match, "no error box on the page"
    return match.group(1)


def _checked(page: str, pk: int) -> bool:
    match = re.search(rf'<input type="checkbox" name="project" value="{pk}"[^>]*>', page)
    assert match, f"no checkbox for project {pk}"
    return " checked" in match.group(0)


def test_an_approval_ballot_states_its_limit_and_refuses_too_many(client, maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", max_projects=2)
    a, b, c = with_projects(budget, fiona, [100, 200, 300])
    client.force_login(voters[0])
    page = client.get(_url("budget_vote", budget)).content.decode()
    assert "Choose up to 2 projects." in page and "Project 1" in page and "100 USD" in page
    assert _url("budget_project", budget, a.pk) in page

    refused = client.post(_url("budget_vote", budget), {"project": [a.pk, b.pk, c.pk]})
    page = refused.content.decode()
    assert refused.status_code == 422
    assert _alert(page) == "You may choose at most 2 projects."
    assert all(_checked(page, p.pk) for p in (a, b, c))  # the voter's ticks are kept
    assert _nothing_stored()

    done = client.post(_url("budget_vote", budget), {"project": [a.pk, c.pk]})
    assert done.status_code == 200 and "Your vote is recorded" in done.content.decode()
    assert _stored(budget) == (a.pk, c.pk)


def test_a_knapsack_ballot_over_budget_says_by_how_much_then_a_valid_one_gives_a_receipt(
    client, maple, fiona, voters
):
    budget = make_budget(maple, fiona, "voting", ballot_kind="knapsack", amount=1000)
    a, b, c = with_projects(budget, fiona, [600, 500, 300])
    client.force_login(voters[0])
    page = client.get(_url("budget_vote", budget)).content.decode()
    assert "The budget is 1,000 USD." in page
    assert 'id="ballot-tally" class="ballot-tally" aria-live="polite"' in page
    assert 'src="/static/bloc/budget-ballot.js"' in page
    assert 'data-cost="600"' in page

    refused = client.post(_url("budget_vote", budget), {"project": [a.pk, b.pk]})
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "1,100 USD, which is 100 USD over the budget of 1,000 USD" in _alert(page)
    assert _checked(page, a.pk) and _checked(page, b.pk) and not _checked(page, c.pk)
    assert _nothing_stored()

    done = client.post(_url("budget_vote", budget), {"project": [a.pk, c.pk]})
    page = done.content.decode()
    ballot = BudgetBallot.objects.get()
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    assert f'data-receipt="{ballot.receipt}"' in page and ballot.receipt[:4] in page
    assert "never with your name" in page and "Together they cost 900 USD." in page
    assert ballot_rules.decode(ballot.content) == (a.pk, c.pk)
    participation = BudgetParticipation.objects.get()
    assert participation.user == voters[0] and participation.channel == Channel.ONLINE


def test_a_cumulative_ballot_refuses_overspent_points_and_stores_what_was_entered(
    client, maple, fiona, voters
):
    budget = make_budget(maple, fiona, "voting", ballot_kind="cumulative", max_points=10,
                         max_per_project=6)  # fmt: skip
    a, b, c = with_projects(budget, fiona, [100, 200, 300])
    client.force_login(voters[1])
    page = client.get(_url("budget_vote", budget)).content.decode()
    assert "You have 10 points to give." in page and "At most 6 points on one project." in page
    assert f'name="points-{a.pk}"' in page and 'data-kind="cumulative"' in page

    over = {f"points-{a.pk}": "6", f"points-{b.pk}": "5", f"points-{c.pk}": ""}
    refused = client.post(_url("budget_vote", budget), over)
    page = refused.content.decode()
    assert refused.status_code == 422
    assert _alert(page) == "You gave 11 points, 1 more than the 10 you have."
    assert f'name="points-{b.pk}" id="points-{b.pk}"' in page and 'value="5"' in page
    assert _nothing_stored()

    done = client.post(_url("budget_vote", budget),
                       {f"points-{a.pk}": "6", f"points-{c.pk}": "4"})  # fmt: skip
    assert done.status_code == 200 and "6 points" in done.content.decode()
    assert _stored(budget) == ((a.pk, 6), (c.pk, 4))


def test_an_ordinal_ballot_refuses_duplicate_ranks_and_stores_the_order(
    client, maple, fiona, voters
):
    budget = make_budget(maple, fiona, "voting", ballot_kind="ordinal", rule="greedy",
                         completion="")  # fmt: skip
    a, b, c = with_projects(budget, fiona, [100, 200, 300])
    client.force_login(voters[2])
    page = client.get(_url("budget_vote", budget)).content.decode()
    assert f'name="rank-{a.pk}"' in page and 'max="3"' in page

    refused = client.post(_url("budget_vote", budget),
                          {f"rank-{a.pk}": "1", f"rank-{b.pk}": "1"})  # fmt: skip
    assert refused.status_code == 422
    assert "Two projects are both ranked 1." in _alert(refused.content.decode())
    assert _nothing_stored()

    done = client.post(_url("budget_vote", budget),
                       {f"rank-{a.pk}": "2", f"rank-{b.pk}": "", f"rank-{c.pk}": "1"})  # fmt: skip
    assert done.status_code == 200
    assert _stored(budget) == (c.pk, a.pk)
    receipt = done.content.decode()
    assert receipt.index("Project 3") < receipt.index("Project 1")  # in rank order


def test_a_second_vote_is_refused(client, maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting")
    a, b = with_projects(budget, fiona, [100, 200])
    client.force_login(voters[0])
    assert client.post(_url("budget_vote", budget), {"project": [a.pk]}).status_code == 200
    page = client.get(_url("budget_vote", budget)).content.decode()
    assert "You have already voted on this budget." in page and 'name="project"' not in page
    again = client.post(_url("budget_vote", budget), {"project": [b.pk]})
    page = again.content.decode()
    assert again.status_code == 409 and 'id="vote-refusal" role="alert"' in page
    assert page.count("You have already voted on this budget.") == 1
    assert BudgetBallot.objects.count() == 1 and _stored(budget) == (a.pk,)


def test_someone_who_may_not_vote_is_told_why(client, maple, fiona, alice, voters):
    budget = make_budget(maple, fiona, "voting")
    (a,) = with_projects(budget, fiona, [100])
    # Fiona joined after voting opened; Alice is a member whose address is not verified.
    member(maple, alice)
    for person in (fiona, alice):
        client.force_login(person)
        page = client.get(_url("budget_vote", budget)).content.decode()
        assert "Only verified members who had joined before voting opened can vote." in page
        assert 'name="project"' not in page
        refused = client.post(_url("budget_vote", budget), {"project": [a.pk]})
        assert refused.status_code == 403
    assert _nothing_stored()

    early = make_budget(maple, fiona, "review", title="Next year")
    client.force_login(voters[0])
    page = client.get(_url("budget_vote", early)).content.decode()
    assert "Voting has not opened yet" in page


def test_a_visitor_of_a_public_budget_is_asked_to_log_in(client, maple, fiona):
    bylaws_amend(actor=SYSTEM, institution=maple, text="Public.",
                 rules=BylawsSettings(public_records=True))  # fmt: skip
    budget = make_budget(maple, fiona, "voting")
    with_projects(budget, fiona, [100])
    page = client.get(_url("budget_vote", budget)).content.decode()
    assert "Log in to vote." in page and 'name="project"' not in page
    assert reverse("accounts:login") + "?next=" in page


def test_a_paper_ballot_entered_by_fiona_stops_that_voter_voting_online(
    client, maple, fiona, voters
):
    budget = make_budget(maple, fiona, "voting", ballot_kind="knapsack", amount=1000)
    a, b = with_projects(budget, fiona, [600, 500])
    client.force_login(voters[1])
    assert client.get(_url("budget_paper", budget)).status_code == 403  # organizers only

    assert (
        _url("budget_paper", budget) not in client.get(_url("budget_vote", budget)).content.decode()
    )
    client.force_login(fiona)
    assert _url("budget_paper", budget) in client.get(_url("budget_vote", budget)).content.decode()
    page = client.get(_url("budget_paper", budget)).content.decode()
    assert all(f'<option value="{v.pk}"' in page for v in voters)
    assert f'<option value="{fiona.pk}"' not in page  # joined after voting opened

    empty_box = client.post(_url("budget_paper", budget),
                            {"action": "ballot", "project": [a.pk]})  # fmt: skip
    assert empty_box.status_code == 409 and "Check off the voter" in _alert(
        empty_box.content.decode()
    )
    checked = client.post(_url("budget_paper", budget),
                          {"action": "checkoff", "voter": voters[0].pk}, follow=True)  # fmt: skip
    page = checked.content.decode()
    assert "Voter 0 is checked off" in page
    assert f'<option value="{voters[0].pk}"' not in page  # ticked off the roster
    assert BudgetParticipation.objects.get().channel == Channel.PAPER
    assert not BudgetBallot.objects.exists()

    over = client.post(_url("budget_paper", budget),
                       {"action": "ballot", "project": [a.pk, b.pk]})  # fmt: skip
    assert over.status_code == 422 and "100 USD over" in _alert(over.content.decode())
    assert not BudgetBallot.objects.exists()

    entered = client.post(_url("budget_paper", budget),
                          {"action": "ballot", "project": [a.pk]}, follow=True)  # fmt: skip
    assert "The paper ballot is entered." in entered.content.decode()
    assert _stored(budget) == (a.pk,)
    assert BudgetBallot.objects.get().receipt is None  # nothing ties it to Voter 0

    twice = client.post(_url("budget_paper", budget),
                        {"action": "checkoff", "voter": voters[0].pk})  # fmt: skip
    assert twice.status_code == 409
    assert "Voter 0 is already checked off" in twice.content.decode()

    client.force_login(voters[0])
    page = client.get(_url("budget_vote", budget)).content.decode()
    assert "You handed in a paper ballot" in page and 'name="project"' not in page
    online = client.post(_url("budget_vote", budget), {"project": [b.pk]})
    assert online.status_code == 409 and BudgetBallot.objects.count() == 1

    move_to(budget, "results")
    client.force_login(fiona)
    page = client.get(_url("budget_paper", budget)).content.decode()
    assert (
        "Paper ballots are taken and entered while voting is open." in page
        and 'name="voter"' not in page
    )


def _voted_budget(client, maple, fiona, voters):  # type: ignore[no-untyped-def]
    """Four online votes on the default rule (MES, Add1, then greedy): 1000 USD, three projects."""
    budget = make_budget(maple, fiona, "voting")
    projects = with_projects(budget, fiona, [600, 500, 300])
    a, b, c = projects
    for voter, chosen in zip(voters, ([a, c], [a], [a, b], [b]), strict=True):
        client.force_login(voter)
        response = client.post(_url("budget_vote", budget), {"project": [p.pk for p in chosen]})
        assert response.status_code == 200
    return budget, projects


def test_results_wait_for_the_count_then_explain_each_project(client, maple, fiona, voters):
    budget, (a, b, c) = _voted_budget(client, maple, fiona, voters)
    client.force_login(fiona)
    waiting = client.get(_url("budget_results", budget))
    assert waiting.status_code == 200
    assert "The results appear here when voting closes" in waiting.content.decode()
    assert client.get(_url("budget_export", budget)).status_code == 404

    move_to(budget, "results")
    page = client.get(_url("budget_results", budget)).content.decode()
    budget = Budget.objects.get(pk=budget.pk)
    assert budget.counted_at is not None
    funded = budget.result["selected"]
    assert funded  # somebody's project was chosen
    section = page[page.index('id="funded-heading"') : page.index('id="votes-heading"')]
    for project in (a, b, c):
        assert (project.key in funded) == (project.title in section)
    assert "4 people voted." in page
    assert f'id="total-spent">{budget.result["total_cost"]:,} USD<' in page
    assert f'id="money-left">{budget.result["left"]:,} USD<' in page
    assert escape(explain.rule_summary(budget)) in page
    assert len(budget.result["steps"]) == 3
    for step in budget.result["steps"]:
        assert escape(explain.why(budget, step)) in page
    assert "Price per supporter" in page  # the Method of Equal Shares' rounds
    assert '<svg role="img"' in page and "Votes per project" in page
    assert "<caption>Voters who chose each project</caption>" in page
    assert _url("budget_project", budget, a.pk) in page


def test_the_export_round_trips_through_the_pabulib_reader(client, maple, fiona, voters):
    budget, projects = _voted_budget(client, maple, fiona, voters)
    move_to(budget, "results")
    client.force_login(fiona)
    response = client.get(_url("budget_export", budget))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="maple-street-2027.pb"'
    election = to_election(parse_pb(response.content.decode("utf-8")))
    stored, _ = sel.election(budget=Budget.objects.get(pk=budget.pk))
    assert election.ids == tuple(str(p.pk) for p in projects) == stored.ids
    assert election.costs == (600, 500, 300) and election.budget == 1000
    assert sum(election.counts) == 4
    assert sorted(zip(election.ballots, election.counts, strict=True)) == sorted(
        zip(stored.ballots, stored.counts, strict=True)
    )


PB = """META
key;value
description;Riverside 2023
country;Nowhere
unit;Riverside
num_projects;3
num_votes;4
budget;1000
vote_type;approval
rule;greedy
date_begin;01.03.2023
date_end;15.03.2023
PROJECTS
project_id;cost;name;votes;selected
p1;600;Playground;3;1
p2;500;Library hours;2;0
p3;300;Trees;1;1
VOTES
voter_id;vote
1;p1,p2
2;p1
3;p1,p3
4;p2
"""


def test_an_imported_budget_says_so_and_compares_with_the_city(client, maple, fiona):
    budget = budget_import(actor=fiona, institution=maple, text=PB, name="riverside.pb")
    client.force_login(fiona)
    page = client.get(_url("budget_results", budget)).content.decode()
    assert "imported from the Pabulib open-data file riverside.pb" in page
    assert (
        'id="recorded-comparison">bloc\'s count funds the same projects the city recorded.' in page
    )
    assert "Playground" in page and "Trees" in page
    assert "Price per supporter" not in page  # greedy has no prices
    assert "budget_vote" not in page and "/vote/" not in page  # long closed

    other = budget_import(actor=fiona, institution=maple, name="changed.pb",
                          text=PB.replace("p3;300;Trees;1;1", "p3;300;Trees;1;0"))  # fmt: skip
    page = client.get(_url("budget_results", other)).content.decode()
    assert "differs from the projects the city recorded" in page
    trees = other.projects.get(pb_id="p3")
    assert re.search(
        r"Funded here but not recorded by the city: <a href=\"[^\"]+\">Trees</a>", page
    )
    assert _url("budget_project", other, trees.pk) in page


def test_no_page_has_an_inline_script(client, maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", ballot_kind="knapsack")
    (a,) = with_projects(budget, fiona, [100])
    client.force_login(voters[0])
    pages = [
        client.get(_url("budget_vote", budget)),
        client.post(_url("budget_vote", budget), {"project": [a.pk]}),
    ]
    client.force_login(fiona)
    pages.append(client.get(_url("budget_paper", budget)))
    move_to(budget, "results")
    pages.append(client.get(_url("budget_results", budget)))
    for response in pages:
        assert response.status_code == 200
        scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
        assert all(" src=" in tag for tag in scripts), scripts
        assert " on" not in " ".join(
            re.findall(r"<[a-z]+ [^>]*\bon[a-z]+=", response.content.decode())
        )
