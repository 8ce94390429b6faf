"""Votes per account are limited (polls and budgets together): a script is stopped with
429 and nothing is written; a person voting at human speed never meets the limit."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.accounts import services
from bloc.accounts.models import ThrottleAttempt
from bloc.audit.models import AuditEvent
from bloc.budgeting.models import BudgetBallot, BudgetParticipation
from bloc.decisions import voting
from bloc.decisions.models import Participation, SecretBallot
from bloc.membership.models import Membership
from tests.budgeting.conftest import make_budget, with_projects
from tests.decisions.conftest import open_poll

pytestmark = pytest.mark.django_db

API = "/api/v1/institutions/maple"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def vote_api(client, poll, auth):  # type: ignore[no-untyped-def]
    return client.post(
        f"{API}/polls/{poll.pk}/vote", {"ballot": 0}, content_type="application/json", **auth
    )


def nothing_stored(poll) -> bool:  # type: ignore[no-untyped-def]
    return not (
        Participation.objects.filter(poll=poll).exists()
        or SecretBallot.objects.filter(poll=poll).exists()
    )


@pytest.fixture
def limit_of_two(settings):  # type: ignore[no-untyped-def]
    settings.BLOC_VOTES_PER_ACCOUNT = 2
    settings.BLOC_VOTE_WINDOW = 60


def test_the_third_vote_in_a_minute_is_refused_across_polls_and_budgets(
    client, maple, voters, limit_of_two
):
    fiona, voter, *_ = voters
    first, second, third = (open_poll(maple, fiona, title=f"Poll {n}?") for n in range(3))
    budget = make_budget(maple, fiona, "voting", ballot_kind="knapsack", completion="")
    (project,) = with_projects(budget, fiona, [300])
    Membership.objects.filter(user=voter).update(
        joined_at=timezone.now() - datetime.timedelta(days=30)
    )
    auth = bearer(voter)

    assert vote_api(client, first, auth).status_code == 200
    cast = client.post(
        f"{API}/budgets/{budget.pk}/vote",
        {"ballot": [project.pk]},
        content_type="application/json",
        **auth,
    )
    assert cast.status_code == 201, cast.json()
    events = AuditEvent.objects.count()
    marks = ThrottleAttempt.objects.count()

    refused = vote_api(client, second, auth)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "vote_throttled"
    assert body["message"] == "Too many votes in a short time. Please wait a minute and try again."

    client.force_login(voter)
    page = client.post(reverse("institutions:poll_vote", args=["maple", third.pk]), {"choice": "0"})
    assert page.status_code == 429
    assert "Too many votes in a short time." in page.content.decode()

    assert nothing_stored(second) and nothing_stored(third)
    assert AuditEvent.objects.count() == events
    assert ThrottleAttempt.objects.count() == marks
    assert BudgetParticipation.objects.count() == BudgetBallot.objects.count() == 1

    # A minute later the account may vote again; its old marks are forgotten.
    ThrottleAttempt.objects.update(at=timezone.now() - datetime.timedelta(seconds=61))
    assert vote_api(client, second, auth).status_code == 200
    assert not nothing_stored(second)
    assert ThrottleAttempt.objects.filter(scope="vote").count() == 1


def test_a_refused_vote_does_not_count_against_the_limit(client, maple, voters, limit_of_two):
    fiona, voter, *_ = voters
    poll, other = open_poll(maple, fiona), open_poll(maple, fiona, title="Other?")
    auth = bearer(voter)
    assert vote_api(client, poll, auth).status_code == 200
    for _ in range(3):  # already voted: 409, and the limit is not used up
        assert vote_api(client, poll, auth).status_code == 409
    assert vote_api(client, other, auth).status_code == 200


def test_callers_that_do_not_ask_for_the_limit_are_not_counted(maple, voters, limit_of_two):
    fiona, voter, *_ = voters
    for n in range(3):  # e.g. the demo loader, casting many votes at once
        voting.vote(actor=voter, poll=open_poll(maple, fiona, title=f"Poll {n}?"), data=0)
    assert not ThrottleAttempt.objects.exists()
