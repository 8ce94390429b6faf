"""Budgeting pages through Django's test client: budgets, ideas, review, merge, making."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.budgeting import services
from bloc.budgeting.models import Budget, Project, ProjectStatus, ProjectUpdate
from bloc.core.bylaws import BylawsSettings
from bloc.institutions.services import bylaws_amend
from tests.budgeting.conftest import make_budget, move_to, with_projects
from tests.concerns.conftest import image_bytes, photo
from tests.conftest import make_person, member

pytestmark = pytest.mark.django_db


def _url(name, *args):  # type: ignore[no-untyped-def]
    return reverse(f"institutions:{name}", args=["maple", *args])


def _when(days: int) -> str:
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _budget_form(**over):  # type: ignore[no-untyped-def]
    data = {
        "title": "Maple Street 2028",
        "description": "Money for the street.",
        "source": "dues",
        "source_detail": "The 2028 dues",
        "amount": "5000",
        "currency": "usd",
        "ballot_kind": "knapsack",
        "min_projects": "0",
        "max_projects": "",
        "max_points": "10",
        "max_per_project": "",
        "rule": "mes",
        "sat": "cost",
        "completion": "add1_greedy",
        "ideas_open": _when(1),
        "review_from": _when(15),
        "voting_opens": _when(30),
        "voting_closes": _when(37),
        "implementation_from": _when(40),
    }
    data.update(over)
    return data


def _idea(budget, actor, title="Benches", cost=800):  # type: ignore[no-untyped-def]
    return services.idea_submit(actor=actor, budget=budget, title=title,
                                description="Two benches by the bus stop.", estimated_cost=cost,
                                place="Bus stop", category="Streets")  # fmt: skip


def test_members_see_the_budgets_and_visitors_only_when_records_are_public(
    client, maple, fiona, alice, bob
):
    member(maple, alice)
    budget = make_budget(maple, fiona, "ideas", amount=12000)
    assert client.get(_url("budget_list")).status_code == 302  # to log in
    assert client.get(_url("budget_detail", budget.pk)).status_code == 302

    client.force_login(alice)
    listing = client.get(_url("budget_list")).content.decode()
    assert "Maple Street 2027" in listing and "12,000 USD" in listing and "Ideas" in listing
    assert _url("budget_detail", budget.pk) in listing
    assert _url("budget_create") not in listing  # only facilitators set budgets up
    detail = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert "12,000 USD" in detail and "Members&#x27; dues" in detail
    assert _url("budget_idea_submit", budget.pk) in detail
    assert _url("budget_merge", budget.pk) not in detail  # not on the review team

    client.force_login(fiona)
    assert _url("budget_create") in client.get(_url("budget_list")).content.decode()

    client.force_login(bob)  # not a member
    assert client.get(_url("budget_list")).status_code == 403
    assert client.get(_url("budget_detail", budget.pk)).status_code == 403

    client.logout()
    bylaws_amend(
        actor=SYSTEM, institution=maple, text="Public.", rules=BylawsSettings(public_records=True)
    )
    assert "Maple Street 2027" in client.get(_url("budget_list")).content.decode()
    public = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert "Log in to submit an idea" in public
    assert client.get(_url("budget_create")).status_code == 302  # visitors log in first
    assert client.get(_url("budget_detail", budget.pk + 99)).status_code == 404


def test_a_facilitator_sets_up_a_budget_with_its_review_team(client, maple, fiona, alice, bob):
    member(maple, alice)
    client.force_login(fiona)
    form = client.get(_url("budget_create")).content.decode()
    assert 'type="datetime-local"' in form and "Alice Walker" in form
    assert "Bob Rivera" not in form  # the team is chosen among the members
    assert "each group of neighbours gets about its fair share" in form  # the rules explained

    sent = client.post(_url("budget_create"), _budget_form(reviewers=[alice.pk]))
    budget = Budget.objects.get()
    assert sent.status_code == 302 and sent.url == _url("budget_detail", budget.pk)
    assert (budget.title, budget.amount, budget.currency) == ("Maple Street 2028", 5000, "USD")
    assert budget.ballot_kind == "knapsack" and budget.completion == "add1_greedy"
    assert list(budget.reviewers.all()) == [alice]

    # Greedy has no completion: the form drops it rather than refuse the budget.
    client.post(_url("budget_create"), _budget_form(title="Greedy one", rule="greedy"))
    assert Budget.objects.get(title="Greedy one").completion == ""

    client.force_login(alice)  # a member, not a facilitator
    assert client.get(_url("budget_create")).status_code == 403
    assert client.post(_url("budget_create"), _budget_form()).status_code == 403


def test_a_budget_with_phases_out_of_order_or_negative_money_is_refused(client, maple, fiona):
    client.force_login(fiona)
    before = AuditEvent.objects.count()
    late = client.post(_url("budget_create"), _budget_form(voting_closes=_when(20)))
    page = late.content.decode()
    assert late.status_code == 422 and 'role="alert"' in page
    # The error sits by the field it is about.
    error = page.index('id="id_voting_closes_error"')
    assert "Each phase must start after the one before it." in page[error : error + 200]
    negative = client.post(_url("budget_create"), _budget_form(amount="-50"))
    assert negative.status_code == 422
    assert "An amount of money cannot be negative." in negative.content.decode()
    assert not Budget.objects.exists() and AuditEvent.objects.count() == before


def test_a_facilitator_edits_a_budget_but_not_its_ballot_once_voting_opened(
    client, maple, fiona, alice
):
    member(maple, alice)
    budget = make_budget(maple, fiona, "voting", amount=1000)
    client.force_login(fiona)
    page = client.get(_url("budget_edit", budget.pk)).content.decode()
    assert "the money, the ballot and the rule can no longer change" in page
    assert 'name="amount" value="1000"' in page and "disabled" in page

    local = {
        name: timezone.localtime(getattr(budget, name)).strftime("%Y-%m-%dT%H:%M")
        for name in (
            "ideas_open",
            "review_from",
            "voting_opens",
            "voting_closes",
            "implementation_from",
        )  # fmt: skip
    }
    data = _budget_form(
        title="Maple Street 2027, revised",
        ballot_kind="approval",
        amount="999999",  # a disabled field: what is posted is ignored
        reviewers=[alice.pk],
        **local,
    )
    sent = client.post(_url("budget_edit", budget.pk), data)
    assert sent.status_code == 302
    budget.refresh_from_db()
    assert budget.title == "Maple Street 2027, revised" and budget.amount == 1000
    assert budget.ballot_kind == "approval" and list(budget.reviewers.all()) == [alice]

    client.force_login(alice)
    assert client.get(_url("budget_edit", budget.pk)).status_code == 403


def test_a_member_submits_an_idea_and_a_bad_cost_writes_nothing(client, maple, fiona, alice, bob):
    member(maple, alice)
    budget = make_budget(maple, fiona, "ideas")
    client.force_login(alice)
    assert client.get(_url("budget_idea_submit", budget.pk)).status_code == 200
    fields = {"title": "Benches", "description": "Two benches.", "place": "Bus stop",
              "category": "Streets"}  # fmt: skip
    before = AuditEvent.objects.count()
    for cost, message in [
        ("-200", "An amount of money cannot be negative."),
        ("two hundred", "Give a whole amount of money, in digits."),
    ]:
        refused = client.post(_url("budget_idea_submit", budget.pk),
                              {**fields, "estimated_cost": cost})  # fmt: skip
        page = refused.content.decode()
        assert refused.status_code == 422 and 'role="alert"' in page
        error = page.index('id="id_estimated_cost_error"')
        assert message in page[error : error + 200]
    assert not Project.objects.exists() and AuditEvent.objects.count() == before

    sent = client.post(_url("budget_idea_submit", budget.pk), {**fields, "estimated_cost": "800"})
    idea = Project.objects.get()
    assert sent.status_code == 302 and sent.url == _url("budget_project", budget.pk, idea.pk)
    assert (idea.submitted_by, idea.estimated_cost, idea.status) == (alice, 800, "proposed")
    page = client.get(sent.url).content.decode()
    assert "Alice Walker" in page and "800 USD (estimate)" in page and "Awaiting review" in page
    assert "Ideas awaiting review" in client.get(_url("budget_detail", budget.pk)).content.decode()

    client.force_login(bob)  # not a member
    assert client.get(_url("budget_idea_submit", budget.pk)).status_code == 403

    move_to(budget, "review")
    client.force_login(alice)
    closed = client.get(_url("budget_idea_submit", budget.pk)).content.decode()
    assert (
        "This budget is not taking ideas now." in closed and 'name="estimated_cost"' not in closed
    )
    late = client.post(_url("budget_idea_submit", budget.pk), {**fields, "estimated_cost": "5"})
    assert late.status_code == 409 and Project.objects.count() == 1


def test_the_review_team_reviews_an_idea_through_the_form(client, maple, fiona, alice):
    member(maple, alice)
    budget = make_budget(maple, fiona, "ideas")
    idea = _idea(budget, alice)
    review = _url("budget_project_review", budget.pk, idea.pk)

    client.force_login(alice)  # submitted it, but is not on the review team
    assert client.get(review).status_code == 403
    refused = client.post(review, {"feasible": "yes", "reason": "Mine!", "cost": ""})
    assert refused.status_code == 403
    assert Project.objects.get().status == ProjectStatus.PROPOSED
    client.logout()
    assert client.get(review).status_code == 302  # to log in

    client.force_login(fiona)
    page = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert review in page and _url("budget_merge", budget.pk) in page
    form = client.get(review).content.decode()
    assert 'type="radio"' in form and "<legend>Can it be done?</legend>" in form
    no_reason = client.post(review, {"feasible": "yes", "reason": "", "cost": ""})
    assert no_reason.status_code == 422
    negative = client.post(review, {"feasible": "yes", "reason": "Fine.", "cost": "-1"})
    assert negative.status_code == 422
    assert "cannot be negative" in negative.content.decode()
    assert Project.objects.get().status == ProjectStatus.PROPOSED

    sent = client.post(review, {"feasible": "yes", "reason": "The city allows it.", "cost": "950"})
    assert sent.status_code == 302 and sent.url == _url("budget_project", budget.pk, idea.pk)
    idea.refresh_from_db()
    assert (idea.status, idea.cost, idea.reviewed_by) == ("feasible", 950, fiona)
    project = client.get(sent.url).content.decode()
    assert "The city allows it." in project
    assert "950 USD, revised by the review team (estimated 800 USD)" in project
    detail = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert "950 USD (estimated 800 USD)" in detail

    other = _idea(budget, alice, "Fountain", 99999)
    client.post(_url("budget_project_review", budget.pk, other.pk),
                {"feasible": "no", "reason": "No water main there."})  # fmt: skip
    detail = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert "Not feasible" in detail and "Why not: No water main there." in detail

    move_to(budget, "voting")
    closed = client.post(review, {"feasible": "no", "reason": "Changed my mind."})
    assert closed.status_code == 409
    assert "Voting has opened" in client.get(review).content.decode()
    idea.refresh_from_db()
    assert idea.status == "feasible"


def test_the_review_team_merges_ideas_through_the_form(client, maple, fiona, alice):
    member(maple, alice)
    budget = make_budget(maple, fiona, "review")
    services.reviewers_set(actor=fiona, budget=budget, users=[alice])
    move_to(budget, "ideas")
    keep = _idea(budget, fiona, "Benches by the stop")
    twin = _idea(budget, fiona, "A bench at the bus stop")
    client.force_login(alice)  # on the review team
    form = client.get(_url("budget_merge", budget.pk)).content.decode()
    assert 'type="checkbox"' in form and "A bench at the bus stop" in form

    empty = client.post(_url("budget_merge", budget.pk), {"into": keep.pk, "reason": "Same."})
    assert empty.status_code == 422
    assert "Choose at least one idea to merge." in empty.content.decode()

    sent = client.post(
        _url("budget_merge", budget.pk),
        {"into": keep.pk, "others": [twin.pk], "reason": "Both ask for a bench at the stop."},
    )
    assert sent.status_code == 302 and sent.url == _url("budget_project", budget.pk, keep.pk)
    twin.refresh_from_db()
    assert twin.status == ProjectStatus.MERGED and twin.merged_into == keep
    kept = client.get(sent.url).content.decode()
    assert _url("budget_project", budget.pk, twin.pk) in kept  # lists what it took in
    folded = client.get(_url("budget_project", budget.pk, twin.pk)).content.decode()
    assert 'id="merged-into"' in folded and _url("budget_project", budget.pk, keep.pk) in folded
    assert "Both ask for a bench at the stop." in folded
    detail = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert "Merged into another idea" in detail

    client.force_login(fiona)
    services.reviewers_set(actor=fiona, budget=budget, users=[])
    client.force_login(alice)
    assert client.get(_url("budget_merge", budget.pk)).status_code == 403


def test_a_project_page_says_why_it_was_not_funded(client, maple, fiona, voters):
    budget = make_budget(maple, fiona, "voting", amount=1000, rule="greedy", completion="")
    a, b, c = with_projects(budget, fiona, [600, 500, 300])
    client.force_login(voters[0])
    page = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert _url("budget_vote", budget.pk) in page and "You have voted." not in page
    for voter, ballot in zip(voters, [[a, c], [a, b], [b], [a]], strict=True):
        services.vote(actor=voter, budget=budget, data=[p.pk for p in ballot])
    assert "You have voted." in client.get(_url("budget_detail", budget.pk)).content.decode()

    move_to(budget, "results")
    page = client.get(_url("budget_project", budget.pk, b.pk)).content.decode()
    assert "Why it was not funded" in page
    assert (
        "but when its turn came only 400 USD was left and it costs 500 USD, 100 USD short" in page
    )
    assert "Projects were taken in order of their votes" in page  # how the rule works
    assert _url("budget_results", budget.pk) in page
    funded = client.get(_url("budget_project", budget.pk, a.pk)).content.decode()
    assert "Why it was funded" in funded and "Not funded" not in funded
    detail = client.get(_url("budget_detail", budget.pk)).content.decode()
    assert "2 projects are funded, 900 USD in all" in detail


def test_an_implementation_update_with_a_photo_shows_on_the_project_page(
    client, maple, fiona, alice, voters
):
    member(maple, alice)
    budget = make_budget(maple, fiona, "voting", amount=100, rule="greedy", completion="")
    a, b = with_projects(budget, fiona, [100, 50])
    services.vote(actor=voters[0], budget=budget, data=[a.pk])
    move_to(budget, "implementation")
    client.force_login(fiona)
    page = client.get(_url("budget_project", budget.pk, a.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page and "No updates yet." in page

    sent = client.post(
        _url("budget_project_update", budget.pk, a.pk),
        {
            "text": "The benches are in.",
            "progress": "done",
            "spent": "90",
            "photos": [photo(image_bytes((320, 240)))],
            "photo_description": "Two green benches by the bus stop",
        },
    )
    assert sent.status_code == 302 and sent.url == _url("budget_project", budget.pk, a.pk)
    shot = ProjectUpdate.objects.get().photos.get()
    page = client.get(sent.url).content.decode()
    assert "The benches are in." in page and "Done" in page and "90 USD of 100 USD (90%)" in page
    assert _url("budget_photo", budget.pk, a.pk, shot.pk) in page
    assert 'alt="Two green benches by the bus stop"' in page

    image = client.get(_url("budget_photo", budget.pk, a.pk, shot.pk))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert (
        image["Cache-Control"].startswith("private")
        and "max-age=31536000" in image["Cache-Control"]
    )
    assert Image.open(io.BytesIO(image.content)).size == (320, 240)
    assert client.get(_url("budget_photo", budget.pk, b.pk, shot.pk)).status_code == 404

    bad = client.post(_url("budget_project_update", budget.pk, a.pk),
                      {"text": "Look", "photos": [photo(b"not a picture", "x.jpg")]})  # fmt: skip
    assert bad.status_code == 422 and ProjectUpdate.objects.count() == 1
    unfunded = client.post(_url("budget_project_update", budget.pk, b.pk), {"text": "Started."})
    assert unfunded.status_code == 409
    assert "Only funded projects have an implementation" in unfunded.content.decode()

    client.force_login(alice)  # a member: reads the updates, cannot post them
    page = client.get(_url("budget_project", budget.pk, a.pk)).content.decode()
    assert "The benches are in." in page and "Post an update" not in page
    assert client.post(_url("budget_project_update", budget.pk, a.pk),
                       {"text": "Mine."}).status_code == 403  # fmt: skip
    assert ProjectUpdate.objects.count() == 1
    outsider = make_person("out@example.org", "Otto Outside")
    client.force_login(outsider)
    assert client.get(_url("budget_photo", budget.pk, a.pk, shot.pk)).status_code == 403


def test_the_budget_page_renders_in_spanish(client, maple, fiona):
    budget = make_budget(maple, fiona, "ideas")
    _idea(budget, fiona)
    bylaws_amend(
        actor=SYSTEM, institution=maple, text="Public.", rules=BylawsSettings(public_records=True)
    )
    # A visitor: a logged-in person's own preferred language would win over the browser's.
    page = client.get(_url("budget_detail", budget.pk), HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and '<html lang="es">' in page.content.decode()
