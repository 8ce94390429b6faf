"""The chapter's public page: counts, the map, recent public decisions, the next
public dates and how to join, for everyone; nothing of private institutions; the same
number of queries for 3 or 30 institutions."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.hub import services
from tests.hub.growth_calendar_helpers import (
    every_kind,
    institution,
    membership,
    organizer,
    person,
)

pytestmark = pytest.mark.django_db


def decided(inst, title, *, days_ago=2):  # type: ignore[no-untyped-def]
    from bloc.decisions.models import Proposal

    when = timezone.now() - datetime.timedelta(days=days_ago)
    return Proposal.objects.create(institution=inst, title=title, body="Because.",
                                   author=person("author"), rule="majority", state="adopted",
                                   decided_at=when)  # fmt: skip


def counted_budget(inst):  # type: ignore[no-untyped-def]
    from bloc.budgeting.models import Budget, Project

    now = timezone.now()
    day = datetime.timedelta(days=1)
    budget = Budget.objects.create(
        institution=inst, title=f"Budget of {inst.slug}", source="dues", amount=1000,
        ideas_open=now - 40 * day, review_from=now - 30 * day, voting_opens=now - 20 * day,
        voting_closes=now - 10 * day, implementation_from=now - 9 * day, counted_at=now - 9 * day,
    )  # fmt: skip
    won = Project.objects.create(budget=budget, title=f"Benches for {inst.slug}",
                                 description="x", estimated_cost=600, status="feasible")  # fmt: skip
    Project.objects.create(budget=budget, title=f"Fountain for {inst.slug}", description="x",
                           estimated_cost=900, status="feasible")  # fmt: skip
    budget.result = {"selected": [won.key]}
    budget.save(update_fields=["result"])
    return budget


@pytest.fixture
def network(chapter):  # type: ignore[no-untyped-def]
    from bloc.confederation.models import Council, Question
    from bloc.electoral.models import Candidate, Cycle

    open_block = institution(chapter, "open", public=True)
    closed_block = institution(chapter, "closed", kind="tenants_union", public=False)
    now = timezone.now()
    for place, verified in ((open_block, True), (closed_block, False), (open_block, False)):
        membership(place, person(), joined=now - datetime.timedelta(days=30),
                   verified=now - datetime.timedelta(days=20) if verified else None)  # fmt: skip
    decided(open_block, "Plant trees on Oak Street")
    decided(closed_block, "The rent strike plan")
    counted_budget(open_block)
    counted_budget(closed_block)
    council = Council.objects.create(chapter=chapter, name="Riverside Council", slug="rc")
    Question.objects.create(council=council, title="Ask the city for a bus lane",
                            state="carried", decided_at=now - datetime.timedelta(days=1))  # fmt: skip
    cycle = Cycle.objects.create(chapter=chapter, title="City elections",
                                 election_date=(now + datetime.timedelta(days=20)).date(),
                                 council=council)  # fmt: skip
    Candidate.objects.create(cycle=cycle, name="Rosa Parks-Lee", office="City council",
                             level="local", token_hash="a" * 64, stage="endorsed",
                             endorsed_at=now - datetime.timedelta(days=3),
                             email="rosa@example.org")  # fmt: skip
    day = now + datetime.timedelta(days=5)
    every_kind(open_block, day=day, council=council)
    every_kind(closed_block, day=day, council=council)
    return open_block, closed_block


def public_page(client, chapter):  # type: ignore[no-untyped-def]
    return client.get(reverse("hub:public", args=[chapter.slug]))


def test_a_visitor_sees_the_counts(client, chapter, network):
    response = public_page(client, chapter)

    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals["institutions"], totals["councils"]) == (2, 1)
    assert (totals["people"], totals["verified_people"]) == (3, 1)
    html = response.content.decode()
    assert "<strong>2</strong> institutions" in html
    assert "<strong>3</strong> people taking part" in html
    assert "Block association" in html and "Tenants&#x27; union" in html


def test_the_counts_come_from_the_last_refresh_once_there_is_one(client, chapter, network):
    services.refresh(SYSTEM, chapter=chapter)
    membership(network[0], person(), joined=timezone.now())
    response = public_page(client, chapter)

    assert response.context["totals"]["people"] == 3  # the snapshot, not the new member
    assert response.context["summary"].figures is not None


def test_recent_public_decisions_with_dates_and_links(client, chapter, network):
    html = public_page(client, chapter).content.decode()

    assert "Plant trees on Oak Street" in html
    assert "Ask the city for a bus lane" in html
    assert "Benches for open" in html and "Fountain for open" not in html
    assert "Rosa Parks-Lee" in html
    assert reverse("councils:question", args=["rc", 1]).rsplit("/", 2)[0] in html


def test_nothing_of_private_institutions(client, chapter, network):
    html = public_page(client, chapter).content.decode()

    assert "The rent strike plan" not in html
    assert "Benches for closed" not in html
    assert "Meeting of closed" not in html
    assert "rosa@example.org" not in html
    assert "@example.org" not in html


def test_the_next_public_dates_and_how_to_join(client, chapter, network):
    html = public_page(client, chapter).content.decode()

    assert "Meeting of open" in html
    assert "Election day: City elections" in html
    assert reverse("institutions:list") in html
    assert reverse("accounts:signup") in html
    assert reverse("hub:calendar_ics", args=[chapter.slug]) in html


def test_the_map_and_the_navigation(client, chapter, network):
    services.refresh(SYSTEM, chapter=chapter)
    html = public_page(client, chapter).content.decode()

    assert 'class="hub-nav"' in html
    assert 'id="hub-map"' in html
    assert reverse("hub:growth", args=[chapter.slug]) not in html


def test_organizers_see_their_part_of_the_navigation(client, chapter, network):
    client.force_login(organizer(chapter))
    html = public_page(client, chapter).content.decode()

    assert reverse("hub:growth", args=[chapter.slug]) in html


def test_an_unknown_chapter_is_not_found(client, db):
    assert client.get("/hub/nowhere/").status_code == 404


@pytest.mark.parametrize("refreshed", [False, True])
def test_the_page_costs_the_same_queries_for_3_or_30_institutions(
    client, chapter, refreshed, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    def count(n: int) -> int:
        for i in range(chapter.institutions.count(), n):
            place = institution(chapter, f"b{i}", public=i % 2 == 0)
            membership(place, person(), joined=timezone.now() - datetime.timedelta(days=3))
            decided(place, f"Decision {i}")
            counted_budget(place)
            every_kind(place, day=timezone.now() + datetime.timedelta(days=2))
        if refreshed:
            services.refresh(SYSTEM, chapter=chapter)
        public_page(client, chapter)
        with CaptureQueriesContext(connection) as queries:
            assert public_page(client, chapter).status_code == 200
        return len(queries)

    assert count(3) == count(30)
    with django_assert_max_num_queries(25):
        public_page(client, chapter)


def test_the_hub_index_leads_to_the_only_chapters_public_page(client, chapter):
    response = client.get(reverse("hub:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("hub:public", args=[chapter.slug])
    assert client.get(response["Location"]).status_code == 200
