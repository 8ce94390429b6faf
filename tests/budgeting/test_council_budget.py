"""A council's budget: run by one institution below the council, open to the verified
members of every assembly in it, who submit ideas and vote; one vote per person."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.budgeting.conftest import make_budget, move_to, with_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def northside_budget(world):
    """Northside's budget, run by Block A; everyone joined a month ago."""
    from bloc.membership.models import Membership

    Membership.objects.update(joined_at=timezone.now() - datetime.timedelta(days=30))
    a = world.blocks["a"]
    return make_budget(
        a.institution, a.facilitator, title="Northside 2027", council_id=world.north.pk
    )


def test_a_council_budget_must_be_run_by_an_institution_below_it(world):
    a = world.blocks["a"]
    with pytest.raises(ValidationFailed) as refused:
        make_budget(a.institution, a.facilitator, council_id=world.south.pk)
    assert "council_id" in refused.value.fields
    city = make_budget(a.institution, a.facilitator, title="City 2027", council_id=world.city.pk)
    assert city.council == world.city  # above Block A through Northside


def test_members_of_every_assembly_in_the_council_propose_and_others_do_not(
    world, northside_budget
):
    from bloc.budgeting.services import idea_submit

    b_member, c_member = world.blocks["b"].people[0], world.blocks["c"].people[0]
    idea = idea_submit(actor=b_member, budget=northside_budget, title="Benches",
                       description="Two benches.", estimated_cost=300)  # fmt: skip
    assert idea.budget == northside_budget
    with pytest.raises(PermissionDenied) as refused:
        idea_submit(actor=c_member, budget=northside_budget, title="Lights",
                    description="Lights.", estimated_cost=100)  # fmt: skip
    assert "Northside" in refused.value.message


def test_every_verified_member_below_votes_once_even_in_two_assemblies(world, northside_budget):
    from bloc.budgeting.services import eligible, vote

    a, b, c = (world.blocks[k] for k in "abc")
    from bloc.membership.models import Membership

    # Someone who belongs to both blocks (a facilitator registered them in each).
    both = b.people[1]
    month_ago = timezone.now() - datetime.timedelta(days=30)
    Membership.objects.create(institution=a.institution, user=both, verified_at=month_ago)
    Membership.objects.update(joined_at=month_ago)
    bench, lights = with_projects(northside_budget, a.facilitator, [300, 200])
    move_to(northside_budget, "voting")
    assert eligible(budget=northside_budget, user=b.people[0])
    assert not eligible(budget=northside_budget, user=c.people[0])
    vote(actor=both, budget=northside_budget, data=[bench.pk])
    with pytest.raises(Conflict):
        vote(actor=both, budget=northside_budget, data=[lights.pk])


def test_the_budget_pages_open_to_the_council_s_members(world, northside_budget, client):
    b_member, c_member = world.blocks["b"].people[0], world.blocks["c"].people[0]
    url = f"/institutions/{world.blocks['a'].institution.slug}/budgets/{northside_budget.pk}/"
    client.force_login(c_member)
    assert client.get(url).status_code == 403  # Block A's records are not public
    client.force_login(b_member)
    page = client.get(url)
    assert page.status_code == 200
    assert "A budget of Northside, run by Block A" in page.content.decode()
    council = client.get(f"/councils/{world.north.slug}/").content.decode()
    assert "Northside 2027" in council


def test_the_api_says_whose_budget_it_is_and_opens_it_to_the_council_s_members(
    world, northside_budget, client
):
    url = f"/api/v1/institutions/block-a/budgets/{northside_budget.pk}"
    client.force_login(world.blocks["c"].people[0])
    assert client.get(url).status_code == 403
    client.force_login(world.blocks["b"].people[0])
    answer = client.get(url)
    assert answer.status_code == 200 and answer.json()["council"] == world.north.slug


def test_the_form_offers_the_councils_the_institution_sits_in(world, client):
    a, c = world.blocks["a"], world.blocks["c"]
    client.force_login(a.facilitator)
    form = client.get(f"/institutions/{a.institution.slug}/budgets/new/").content.decode()
    assert "Whose budget" in form
    assert ">Northside<" in form and ">City<" in form and ">Southside<" not in form
    client.force_login(c.facilitator)
    form = client.get(f"/institutions/{c.institution.slug}/budgets/new/").content.decode()
    assert ">Southside<" in form and ">Northside<" not in form
