"""The polls over the JSON API: set up, vote with a receipt, read the result and ballots."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bloc.accounts import services
from bloc.decisions.models import Participation, Poll, SecretBallot
from tests.decisions.conftest import close_now

pytestmark = pytest.mark.django_db

BASE = "/api/v1/institutions/maple/polls"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **auth)


def new_poll(client, auth, **changes):  # type: ignore[no-untyped-def]
    now = timezone.now()
    body = {
        "title": "Who chairs the spring meeting?",
        "rule": "irv",
        "options": ["Ana", "Bo", "Cy"],
        "opens_at": (now - datetime.timedelta(minutes=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(days=1)).isoformat(),
        **changes,
    }
    return post(client, BASE, body, auth)


def test_a_ranked_poll_from_set_up_to_published_ballots(client, voters):
    fiona, *members = voters
    as_fiona = bearer(fiona)
    created = new_poll(client, as_fiona)
    assert created.status_code == 201, created.json()
    poll = created.json()
    assert (poll["phase"], poll["ballot_kind"], poll["electorate"]) == ("open", "ranked", 6)
    assert [(o["position"], o["name"]) for o in poll["options"]] == [
        (0, "Ana"),
        (1, "Bo"),
        (2, "Cy"),
    ]
    assert poll["may_vote"] and not poll["has_voted"] and poll["refusal"] is None
    url = f"{BASE}/{poll['id']}"

    listed = client.get(BASE, **as_fiona).json()
    assert [(p["id"], p["phase"], p["outcome"]) for p in listed] == [(poll["id"], "open", None)]

    # Two options given the same rank: refused with the reason, nothing stored.
    as_first = bearer(members[0])
    bad = post(client, f"{url}/vote", {"ballot": {"0": 1, "1": 1}}, as_first)
    assert bad.status_code == 422
    assert bad.json()["code"] == "same_rank" and "ballot" in bad.json()["fields"]
    assert not Participation.objects.exists() and not SecretBallot.objects.exists()

    receipts = {}
    rankings = [{"1": 1, "0": 2}, {"1": 1}, {"0": 1, "2": 2}, {"2": 1, "1": 2}, {"1": 1, "2": 2}]
    for person, ranking in zip(members, rankings, strict=True):
        cast = post(client, f"{url}/vote", {"ballot": ranking}, bearer(person))
        assert cast.status_code == 200, cast.json()
        assert cast.json()["changed"] is False
        receipts[person.pk] = cast.json()["receipt"]
    assert cast.json()["ballot"] == "[1,2]"

    again = post(client, f"{url}/vote", {"ballot": {"0": 1}}, as_first)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert SecretBallot.objects.count() == 5

    detail = client.get(url, **as_first).json()
    assert detail["has_voted"] and not detail["may_vote"]
    assert detail["refusal"]["code"] == "already_voted"

    early = client.get(f"{url}/result", **as_fiona)
    assert early.status_code == 409 and early.json()["code"] == "poll_not_closed"
    assert client.get(f"{url}/ballots", **as_fiona).json()["code"] == "poll_not_closed"

    close_now(Poll.objects.get(pk=poll["id"]))
    result = client.get(f"{url}/result", **as_first).json()
    assert (result["outcome"], result["winners"], result["turnout"]) == ("elected", ["Bo"], 5)
    assert result["electorate"] == 6 and result["result"]["rule"] == "irv"
    assert result["command"].startswith(f"bloc tally poll-{poll['id']}.json --rule irv")

    ballots = client.get(f"{url}/ballots", **as_first).json()
    assert ballots["candidates"] == ["Ana", "Bo", "Cy"]
    published = [b["receipt"] for b in ballots["ballots"]]
    assert receipts[members[0].pk] in published
    assert sorted(published) == sorted(receipts.values())

    closed = client.get(url, **as_first).json()
    assert (closed["phase"], closed["outcome"]) == ("closed", "elected")
    assert closed["refusal"]["code"] == "poll_closed"


def test_set_up_refusals_and_cancelling(client, voters):
    fiona, member_one, *_ = voters
    as_member = bearer(member_one)
    refused = new_poll(client, as_member)
    assert refused.status_code == 403 and refused.json()["code"] == "facilitators_only"
    as_fiona = bearer(fiona)
    bad_seats = new_poll(client, as_fiona, rule="stv", seats=3)
    assert bad_seats.status_code == 422 and bad_seats.json()["code"] == "bad_seats"
    assert "seats" in bad_seats.json()["fields"]
    assert not Poll.objects.exists()

    # Times without an offset are read in the site's time zone.
    naive = timezone.localtime() + datetime.timedelta(days=2)
    later = new_poll(
        client,
        as_fiona,
        opens_at=naive.replace(tzinfo=None).isoformat(),
        closes_at=(naive + datetime.timedelta(days=1)).replace(tzinfo=None).isoformat(),
    )
    assert later.status_code == 201 and later.json()["phase"] == "scheduled"
    assert Poll.objects.get(pk=later.json()["id"]).opens_at == naive

    motion = new_poll(client, as_fiona, rule="majority", options=["ignored"]).json()
    assert [o["name"] for o in motion["options"]] == ["for", "against", "abstain"]
    url = f"{BASE}/{motion['id']}"
    assert post(client, f"{url}/vote", {"ballot": 0}, as_member).status_code == 200
    assert post(client, f"{url}/cancel", {"reason": ""}, as_fiona).status_code == 422
    cancelled = post(client, f"{url}/cancel", {"reason": "Set up twice"}, as_fiona).json()
    assert (cancelled["phase"], cancelled["cancelled"]) == ("closed", True)
    late = post(client, f"{url}/vote", {"ballot": 1}, bearer(fiona))
    assert late.status_code == 409 and late.json()["code"] == "poll_cancelled"
    assert client.get(f"{url}/result", **as_fiona).json()["code"] == "poll_cancelled"


def test_outsiders_cannot_see_polls_unless_records_are_public(client, voters, bob):
    fiona = voters[0]
    poll = new_poll(client, bearer(fiona)).json()
    as_bob = bearer(bob)
    assert client.get(BASE, **as_bob).status_code == 403
    assert client.get(f"{BASE}/{poll['id']}", **as_bob).status_code == 403
    assert client.get(f"{BASE}/999999", **bearer(fiona)).status_code == 404
    vote = post(client, f"{BASE}/{poll['id']}/vote", {"ballot": {"0": 1}}, as_bob)
    assert vote.status_code == 403
    assert not SecretBallot.objects.exists()


def test_a_setting_that_would_break_the_count_is_refused(client, voters):
    # Accepted, it would make the count fail at close: the poll could never be counted.
    for parameters in ({"seed": "abc"}, {"by": "median"}):
        rule = "score" if "by" in parameters else "irv"
        response = new_poll(client, bearer(voters[0]), rule=rule, parameters=parameters)
        assert response.status_code == 422 and response.json()["code"] == "bad_parameter"
    assert not Poll.objects.exists()
