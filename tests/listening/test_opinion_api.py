"""Opinion conversations over the JSON API."""

from __future__ import annotations

import pytest

from bloc.accounts import services
from bloc.listening.models import Statement, StatementVote
from tests.listening.opinion_helpers import two_camps, verified

pytestmark = pytest.mark.django_db

BASE = "/api/v1/listening/maple/opinions"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method, url, body, auth):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, body, content_type="application/json", **auth)


def test_the_whole_conversation(client, maple, fiona):  # type: ignore[no-untyped-def]
    voter = verified(maple, 1)[0]
    as_fiona, as_voter = bearer(fiona), bearer(voter)
    refused = send(client, "post", BASE, {"topic": "Why?"}, as_voter)
    assert refused.status_code == 403
    made = send(
        client, "post", BASE, {"topic": "What next?", "seeds": ["Trees", "Lights"]}, as_fiona
    )
    assert made.status_code == 201, made.json()
    talk = made.json()
    assert talk["statements"] == 2 and talk["is_open"]
    url = f"{BASE}/{talk['id']}"
    assert client.get(url, **as_voter).json()["topic"] == "What next?"

    long = send(client, "post", f"{url}/statements", {"text": "x" * 2000}, as_voter)
    assert long.status_code == 422 and "280" in long.json()["message"]
    empty = send(client, "post", f"{url}/statements", {"text": "   "}, as_voter)
    assert empty.status_code == 422
    twice = send(client, "post", f"{url}/statements", {"text": "trees!"}, as_voter)
    assert twice.status_code == 422
    assert twice.json()["message"] == "This statement is already in the conversation."
    assert Statement.objects.count() == 2

    sent = send(client, "post", f"{url}/statements", {"text": "Benches"}, as_voter)
    assert sent.status_code == 201 and sent.json()["moderation"] == "pending"
    new = sent.json()["id"]
    assert [s["text"] for s in client.get(f"{url}/statements", **as_voter).json()] == [
        "Trees",
        "Lights",
    ]
    assert len(client.get(f"{url}/statements", **as_fiona).json()) == 3

    hidden = send(client, "put", f"{url}/statements/{new}/vote", {"vote": "agree"}, as_voter)
    assert hidden.status_code == 409 and StatementVote.objects.count() == 0
    nope = send(
        client, "post", f"{url}/statements/{new}/moderation", {"decision": "accept"}, as_voter
    )
    assert nope.status_code == 403
    ok = send(
        client, "post", f"{url}/statements/{new}/moderation", {"decision": "accept"}, as_fiona
    )
    assert ok.json()["moderation"] == "accepted"
    voted = send(client, "put", f"{url}/statements/{new}/vote", {"vote": "agree"}, as_voter)
    assert voted.json() == {"statement_id": new, "vote": "agree"}
    send(client, "put", f"{url}/statements/{new}/vote", {"vote": "pass"}, as_voter)
    assert list(StatementVote.objects.values_list("vote", flat=True)) == [0]
    bad = send(client, "put", f"{url}/statements/{new}/vote", {"vote": "maybe"}, as_voter)
    assert bad.status_code == 422


def test_the_analysis(client, maple, fiona):  # type: ignore[no-untyped-def]
    talk, a, b = two_camps(maple, fiona)
    got = client.get(f"{BASE}/{talk.pk}/analysis", **bearer(a[0]))
    assert got.status_code == 200, got.json()
    body = got.json()
    assert len(body["groups"]) == 2
    assert sorted(g["size"] for g in body["groups"]) == [len(a), len(b)]
    assert body["consensus"][0]["text"] == talk.statements.order_by("pk").last().text
    assert len(body["points"]) == len(a) + len(b)
    assert "participant" not in str(body["points"][0])


def test_strangers_are_refused(client, maple, fiona, bob):  # type: ignore[no-untyped-def]
    talk, _a, _b = two_camps(maple, fiona, per_camp=3)
    assert client.get(f"{BASE}/{talk.pk}/analysis", **bearer(bob)).status_code == 403


def test_seeds_and_closing(client, maple, fiona):  # type: ignore[no-untyped-def]
    voter = verified(maple, 1)[0]
    as_fiona, as_voter = bearer(fiona), bearer(voter)
    talk = send(client, "post", BASE, {"topic": "What next?"}, as_fiona).json()
    url = f"{BASE}/{talk['id']}"
    seed = send(client, "post", f"{url}/statements", {"text": "Trees", "seed": True}, as_fiona)
    assert seed.status_code == 201 and seed.json()["moderation"] == "accepted"
    not_officer = send(
        client, "post", f"{url}/statements", {"text": "Pots", "seed": True}, as_voter
    )
    assert not_officer.status_code == 403
    assert send(client, "post", f"{url}/close", {}, as_voter).status_code == 403
    closed = send(client, "post", f"{url}/close", {}, as_fiona)
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    sid = seed.json()["id"]
    late = send(client, "put", f"{url}/statements/{sid}/vote", {"vote": "agree"}, as_voter)
    assert late.status_code == 409 and StatementVote.objects.count() == 0
