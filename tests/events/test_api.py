"""Events over the JSON API: list, detail, answering, and shifts (a full one is 409)."""

from __future__ import annotations

import pytest

from bloc.events import services
from tests.conftest import PASSWORD, member
from tests.events.conftest import make_shift, members

pytestmark = pytest.mark.django_db


def test_answer_sign_up_withdraw_and_a_full_shift(client, maple, fiona, event, alice):
    member(maple, alice)
    (other,) = members(maple, 1)
    shift = make_shift(event, fiona, capacity=1)
    base = f"/api/v1/institutions/{maple.slug}/events"
    assert client.get(base).status_code == 403  # private records, nobody logged in
    assert client.login(username=alice.email, password=PASSWORD)

    listed = client.get(base).json()
    assert [e["title"] for e in listed] == ["Street-cleaning day"]
    response = client.post(f"{base}/{event.pk}/rsvp", {"answer": "maybe"}, "application/json")
    assert response.status_code == 200
    assert response.json()["rsvps"] == {"yes": 0, "maybe": 1, "no": 0}
    assert response.json()["my_answer"] == "maybe"
    bad = client.post(f"{base}/{event.pk}/rsvp", {"answer": "perhaps"}, "application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"

    signup = f"{base}/{event.pk}/shifts/{shift.pk}/signup"
    body = client.post(signup).json()
    assert body["shifts"][0] | {"id": 0} == {
        "id": 0, "title": "Sweep", "capacity": 1, "taken": 1, "full": True, "signed_up": True,
        "starts_at": body["shifts"][0]["starts_at"], "ends_at": body["shifts"][0]["ends_at"],
    }  # fmt: skip
    client.logout()
    assert client.login(username=other.email, password=PASSWORD)
    full = client.post(signup)
    assert full.status_code == 409 and full.json()["code"] == "shift_full"
    client.logout()
    assert client.login(username=alice.email, password=PASSWORD)
    assert client.delete(signup).json()["shifts"][0]["taken"] == 0
    assert client.delete(signup).json()["code"] == "not_signed_up"
    assert client.get(f"{base}/{event.pk + 99}").status_code == 404
    # Members answer; only officers set up events.
    new = {"title": "Bake sale", "starts_at": "2030-05-01T10:00:00Z",
           "ends_at": "2030-05-01T12:00:00Z"}  # fmt: skip
    assert client.post(base, new, "application/json").status_code == 403
    services.shift_sign_up(actor=other, shift=shift)
