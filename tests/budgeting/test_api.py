"""Participatory budgets over the JSON API: set up, ideas, review, vote, results, making."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.accounts import services
from bloc.budgeting.models import (
    Budget,
    BudgetBallot,
    BudgetParticipation,
    Project,
    ProjectStatus,
    ProjectUpdate,
)
from tests.budgeting.conftest import make_budget, move_to, with_projects
from tests.conftest import member

pytestmark = pytest.mark.django_db

BASE = "/api/v1/institutions/maple/budgets"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **auth)


def patch(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.patch(url, body, content_type="application/json", **auth)


def settings_body(**changes):  # type: ignore[no-untyped-def]
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return {
        "title": "Maple Street 2027",
        "source": "dues",
        "amount": 5000,
        "currency": "usd",
        "ballot_kind": "knapsack",
        "rule": "greedy",
        "sat": "cost",
        "completion": "",
        "ideas_open": (now - day).isoformat(),
        "review_from": (now + day).isoformat(),
        "voting_opens": (now + 2 * day).isoformat(),
        "voting_closes": (now + 3 * day).isoformat(),
        "implementation_from": (now + 4 * day).isoformat(),
        **changes,
    }


def test_a_facilitator_sets_up_and_changes_a_budget(client, maple, fiona, alice):
    as_fiona = bearer(fiona)
    made = post(client, BASE, settings_body(), as_fiona)
    assert made.status_code == 201, made.json()
    budget = made.json()
    assert (budget["phase"], budget["currency"], budget["ballot_kind"]) == (
        "ideas",
        "USD",
        "knapsack",
    )
    assert budget["counted_at"] is None and budget["turnout"] is None
    assert budget["rule_summary"].startswith("Projects were taken in order of their votes")
    one = f"{BASE}/{budget['id']}"

    # Bad input: every wrong field named, nothing written.
    bad = post(client, BASE, settings_body(amount=-5, review_from="2000-01-01T00:00"), as_fiona)
    assert bad.status_code == 422
    assert {"amount", "review_from"} <= set(bad.json()["fields"])
    wrong_kind = post(client, BASE, settings_body(ballot_kind="lottery"), as_fiona)
    assert wrong_kind.status_code == 422 and "ballot_kind" in wrong_kind.json()["fields"]
    assert Budget.objects.count() == 1

    # Only facilitators set budgets up; budgets are seen by members only (records not public).
    member(maple, alice)
    refused = post(client, BASE, settings_body(), bearer(alice))
    assert refused.status_code == 403 and refused.json()["code"] == "facilitators_only"
    assert client.get(BASE).status_code == 403
    listed = client.get(BASE, **bearer(alice)).json()
    assert [(b["id"], b["title"]) for b in listed] == [(budget["id"], "Maple Street 2027")]

    changed = patch(client, one, {"title": "Maple 2027", "max_projects": 3}, as_fiona)
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["title"], changed.json()["max_projects"]) == ("Maple 2027", 3)
    assert changed.json()["amount"] == 5000  # what was not sent stays
    assert patch(client, one, {"title": "Mine"}, bearer(alice)).status_code == 403
    assert patch(client, one, {"amount": None}, as_fiona).status_code == 422

    move_to(Budget.objects.get(), "voting")
    fixed = patch(client, one, {"amount": 9000}, as_fiona)
    assert fixed.status_code == 409 and fixed.json()["code"] == "voting_started"
    assert Budget.objects.get().amount == 5000
    assert patch(client, one, {"description": "Our dues."}, as_fiona).status_code == 200


def test_ideas_are_submitted_reviewed_and_merged(client, maple, fiona, alice, bob):
    budget = make_budget(maple, fiona, "ideas")
    member(maple, alice)
    as_alice, as_fiona = bearer(alice), bearer(fiona)
    ideas = f"{BASE}/{budget.pk}/ideas"
    body = {"title": "Benches", "description": "By the bus stop.", "estimated_cost": 800}
    made = post(client, ideas, {**body, "place": "Bus stop"}, as_alice)
    assert made.status_code == 201, made.json()
    idea = made.json()
    assert (idea["status"], idea["final_cost"], idea["funded"], idea["updates"]) == (
        "proposed",
        800,
        None,
        [],
    )

    negative = post(client, ideas, {**body, "estimated_cost": -5}, as_alice)
    assert negative.status_code == 422 and negative.json()["code"] == "negative_money"
    assert "estimated_cost" in negative.json()["fields"]
    untitled = post(client, ideas, {**body, "title": "  "}, as_alice)
    assert untitled.status_code == 422 and "title" in untitled.json()["fields"]
    assert post(client, ideas, body, bearer(bob)).status_code == 403  # not a member
    assert Project.objects.count() == 1

    one = f"{BASE}/{budget.pk}/projects/{idea['id']}"
    review = {"feasible": True, "reason": "The city allows it.", "cost": 950}
    refused = post(client, f"{one}/review", review, as_alice)
    assert refused.status_code == 403 and refused.json()["code"] == "reviewers_only"
    no_reason = post(client, f"{one}/review", {**review, "reason": ""}, as_fiona)
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    assert Project.objects.get().status == ProjectStatus.PROPOSED
    reviewed = post(client, f"{one}/review", review, as_fiona)
    assert reviewed.status_code == 200, reviewed.json()
    assert (reviewed.json()["status"], reviewed.json()["cost"], reviewed.json()["final_cost"]) == (
        "feasible",
        950,
        950,
    )
    assert reviewed.json()["review_reason"] == "The city allows it."

    second = post(client, ideas, {**body, "title": "More benches"}, as_alice).json()
    merge = f"{BASE}/{budget.pk}/merge"
    merge_body = {"into": idea["id"], "others": [second["id"]], "reason": "Same corner."}
    assert post(client, merge, merge_body, as_alice).status_code == 403
    elsewhere = make_budget(maple, fiona, "ideas", title="Other")
    (stranger,) = with_projects(elsewhere, fiona, [10])
    foreign = post(client, merge, {**merge_body, "others": [stranger.pk]}, as_fiona)
    assert foreign.status_code == 422 and "others" in foreign.json()["fields"]
    merged = post(client, merge, merge_body, as_fiona)
    assert merged.status_code == 200 and merged.json()["id"] == idea["id"]

    projects = client.get(f"{BASE}/{budget.pk}/projects", **as_alice).json()
    assert [(p["id"], p["status"], p["merged_into"]) for p in projects] == [
        (idea["id"], "feasible", None),
        (second["id"], "merged", idea["id"]),
    ]
    feasible = client.get(f"{BASE}/{budget.pk}/projects", {"status": "feasible"}, **as_alice)
    assert [p["id"] for p in feasible.json()] == [idea["id"]]


def test_a_knapsack_ballot_is_checked_and_counted_once(client, maple, fiona, alice, voters):
    budget = make_budget(
        maple, fiona, "voting", ballot_kind="knapsack", rule="greedy", completion=""
    )
    a, b, c = with_projects(budget, fiona, [600, 500, 300])
    url = f"{BASE}/{budget.pk}"
    as_voter = bearer(voters[0])

    form = client.get(f"{url}/ballot", **as_voter).json()
    assert (form["kind"], form["amount"], form["may_vote"], form["refusal"]) == (
        "knapsack",
        1000,
        True,
        None,
    )
    assert [(p["id"], p["cost"]) for p in form["projects"]] == [
        (a.pk, 600),
        (b.pk, 500),
        (c.pk, 300),
    ]
    member(maple, alice)  # joined too late and not verified
    refusal = client.get(f"{url}/ballot", **bearer(alice)).json()["refusal"]
    assert refusal["code"] == "not_eligible"

    over = post(client, f"{url}/vote", {"ballot": [a.pk, b.pk]}, as_voter)
    assert over.status_code == 422
    assert over.json()["code"] == "over_budget" and "ballot" in over.json()["fields"]
    assert "100 USD over" in over.json()["message"]
    shape = post(client, f"{url}/vote", {"ballot": "everything"}, as_voter)
    assert shape.status_code == 422 and "ballot" in shape.json()["fields"]
    not_eligible = post(client, f"{url}/vote", {"ballot": [c.pk]}, bearer(alice))
    assert not_eligible.status_code == 403
    assert not BudgetBallot.objects.exists() and not BudgetParticipation.objects.exists()

    cast = post(client, f"{url}/vote", {"ballot": [c.pk, a.pk]}, as_voter)
    assert cast.status_code == 201, cast.json()
    assert cast.json()["receipt"] and BudgetBallot.objects.get().receipt == cast.json()["receipt"]
    again = post(client, f"{url}/vote", {"ballot": [b.pk]}, as_voter)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert BudgetBallot.objects.count() == 1
    after = client.get(f"{url}/ballot", **as_voter).json()
    assert after["has_voted"] and not after["may_vote"]

    # Nothing is told about the count before it happens.
    early = client.get(f"{url}/result", **as_voter)
    assert early.status_code == 409 and early.json()["code"] == "not_counted"
    assert client.get(f"{url}/export.pb", **as_voter).status_code == 409
    assert client.get(f"{url}/projects", **as_voter).json()[0]["votes"] is None


def test_an_approval_ballot_with_a_limit(client, maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", ballot_kind="approval", max_projects=2)
    projects = with_projects(budget, fiona, [100, 200, 300])
    url = f"{BASE}/{budget.pk}/vote"
    too_many = post(client, url, {"ballot": [p.pk for p in projects]}, bearer(voters[0]))
    assert too_many.status_code == 422 and too_many.json()["code"] == "too_many"
    unknown = post(client, url, {"ballot": [999_999]}, bearer(voters[0]))
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_project"
    assert not BudgetBallot.objects.exists()
    assert post(client, url, {"ballot": [projects[0].pk]}, bearer(voters[0])).status_code == 201


def test_cumulative_and_ordinal_ballots_take_a_mapping(client, maple, fiona, voters):
    points = make_budget(
        maple, fiona, "voting", ballot_kind="cumulative", max_points=5, rule="greedy", completion=""
    )
    p1, p2 = with_projects(points, fiona, [100, 200])
    url = f"{BASE}/{points.pk}/vote"
    form = client.get(f"{BASE}/{points.pk}/ballot", **bearer(voters[0])).json()
    assert (form["kind"], form["max_points"]) == ("cumulative", 5)
    over = post(client, url, {"ballot": {str(p1.pk): 4, str(p2.pk): 3}}, bearer(voters[0]))
    assert over.status_code == 422 and over.json()["code"] == "too_many_points"
    cast = post(client, url, {"ballot": {str(p1.pk): 3, str(p2.pk): 2}}, bearer(voters[0]))
    assert cast.status_code == 201, cast.json()

    ranks = make_budget(
        maple, fiona, "voting", ballot_kind="ordinal", rule="greedy", completion="", title="Ranked"
    )
    r1, r2 = with_projects(ranks, fiona, [100, 200])
    url = f"{BASE}/{ranks.pk}/vote"
    same = post(client, url, {"ballot": {str(r1.pk): 1, str(r2.pk): 1}}, bearer(voters[1]))
    assert same.status_code == 422 and same.json()["code"] == "same_rank"
    cast = post(client, url, {"ballot": {str(r2.pk): 1, str(r1.pk): 2}}, bearer(voters[1]))
    assert cast.status_code == 201, cast.json()
    assert BudgetBallot.objects.count() == 2


def test_results_explain_each_project_and_export_as_pabulib(client, maple, fiona, voters):
    budget = make_budget(
        maple, fiona, "voting", ballot_kind="approval", rule="greedy", completion=""
    )
    a, b, c = with_projects(budget, fiona, [600, 500, 300])
    url = f"{BASE}/{budget.pk}"
    for person, chosen in zip(voters, [[a, c], [a, b], [a], [b]], strict=True):
        assert (
            post(
                client, f"{url}/vote", {"ballot": [p.pk for p in chosen]}, bearer(person)
            ).status_code
            == 201
        )
    move_to(budget, "results")
    as_fiona = bearer(fiona)

    result = client.get(f"{url}/result", **as_fiona)
    assert result.status_code == 200, result.json()
    body = result.json()
    assert (body["turnout"], body["total_cost"], body["left"]) == (4, 900, 100)
    assert [(p["id"], p["votes"], p["funded"]) for p in body["projects"]] == [
        (a.pk, 3, True),
        (c.pk, 1, True),
        (b.pk, 2, False),
    ]
    skipped = body["projects"][2]["why"]
    assert skipped.startswith("Not funded") and "400 USD" in skipped  # only 400 was left
    assert body["result"]["selected"] == [str(a.pk), str(c.pk)]

    detail = client.get(url, **as_fiona).json()
    assert detail["phase"] == "results" and detail["turnout"] == 4 and detail["counted_at"]
    listed = client.get(f"{url}/projects", **as_fiona).json()
    assert [(p["id"], p["funded"]) for p in listed] == [(a.pk, True), (b.pk, False), (c.pk, True)]
    assert listed[1]["why"] == skipped

    exported = client.get(f"{url}/export.pb", **as_fiona)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/plain")
    text = exported.content.decode()
    assert text.startswith("META") and "VOTES" in text and "num_votes;4" in text


def test_funded_projects_get_implementation_updates(client, maple, fiona, alice, voters):
    budget = make_budget(
        maple, fiona, "voting", ballot_kind="approval", rule="greedy", completion=""
    )
    funded, unfunded = with_projects(budget, fiona, [600, 500])
    post(client, f"{BASE}/{budget.pk}/vote", {"ballot": [funded.pk]}, bearer(voters[0]))
    move_to(budget, "implementation")
    one = f"{BASE}/{budget.pk}/projects/{funded.pk}"
    as_fiona = bearer(fiona)

    update = {"text": "The benches are ordered.", "progress": "in_progress", "spent": 250}
    made = post(client, f"{one}/updates", update, as_fiona)
    assert made.status_code == 201, made.json()
    project = made.json()
    assert (project["progress"], project["spent"], project["funded"]) == ("in_progress", 250, True)
    assert [(u["text"], u["spent"], u["photos"]) for u in project["updates"]] == [
        ("The benches are ordered.", 250, [])
    ]

    member(maple, alice)
    refused = post(client, f"{one}/updates", update, bearer(alice))
    assert refused.status_code == 403
    negative = post(client, f"{one}/updates", {**update, "spent": -1}, as_fiona)
    assert negative.status_code == 422 and "spent" in negative.json()["fields"]
    wrong = post(client, f"{one}/updates", {**update, "progress": "teleported"}, as_fiona)
    assert wrong.status_code == 422 and "progress" in wrong.json()["fields"]
    other = f"{BASE}/{budget.pk}/projects/{unfunded.pk}/updates"
    not_funded = post(client, other, update, as_fiona)
    assert not_funded.status_code == 409 and not_funded.json()["code"] == "not_funded"
    assert ProjectUpdate.objects.count() == 1
    assert client.get(one, **bearer(alice)).json()["spent"] == 250


def test_a_budget_of_another_institution_is_not_found(client, maple, fiona):
    budget = make_budget(maple, fiona, "ideas")
    missing = client.get(f"{BASE}/{budget.pk + 1}", **bearer(fiona))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    gone = client.get(f"{BASE}/{budget.pk}/projects/12345", **bearer(fiona))
    assert gone.status_code == 404
