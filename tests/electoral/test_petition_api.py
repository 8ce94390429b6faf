"""Petitions over the JSON API: public progress, sheets, signatures entered and checked
by the organizers, and the refusals (a resident never reads signers' names)."""

from __future__ import annotations

import pytest

from bloc.accounts import services
from bloc.audit.models import AuditEvent
from bloc.electoral.models import Petition, PetitionSheet, PetitionSignature
from tests.electoral.test_petition_services import circulator, days, organizer, petition

pytestmark = pytest.mark.django_db

__all__ = ["circulator", "organizer", "petition"]  # fixtures

BASE = "/api/v1/electoral/petitions"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **auth)


def sheet(client, petition, auth, label, signatures, day):  # type: ignore[no-untyped-def]
    response = post(
        client,
        f"{BASE}/{petition.pk}/sheets",
        {"label": label, "signatures": signatures, "collected_on": days(day).isoformat()},
        auth,
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_organizers_start_a_petition_and_a_resident_cannot(client, world, organizer):
    body = {
        "chapter": "riverside",
        "kind": "initiative",
        "title": "Rent control",
        "jurisdiction": ["block-a", "block-b"],
        "target": 500,
        "deadline": days(60).isoformat(),
    }
    refused = post(client, BASE, body, bearer(world.blocks["a"].facilitator))
    assert refused.status_code == 403 and refused.json()["code"] == "organizers_only"
    assert not Petition.objects.exists()
    bad = post(client, BASE, {**body, "jurisdiction": ["nowhere"]}, bearer(organizer))
    assert bad.status_code == 422 and "jurisdiction" in bad.json()["fields"]
    made = post(client, BASE, body, bearer(organizer))
    assert made.status_code == 201, made.json()
    out = made.json()
    assert out["jurisdiction"] == ["block-a", "block-b"] and out["kind"] == "initiative"
    assert out["progress"]["collected"] == 0 and out["progress"]["projected"] is None
    assert out["progress"]["days_left"] == 60


def test_the_whole_flow_and_the_hand_computed_projection(
    client, petition, circulator, organizer, django_assert_max_num_queries
):
    hers, theirs = bearer(circulator), bearer(organizer)
    first = sheet(client, petition, hers, "S1", 4, -5)
    second = sheet(client, petition, hers, "S2", 4, -2)
    sheet(client, petition, theirs, "S3", 12, -2)
    lines = {
        first["id"]: [("Ana Pérez", "1 A Street"), ("Bo Li", "2 A Street"),
                      ("Cy Ray", "3 B Street"), ("Di Fox", "4 B Street")],
        second["id"]: [("ANA PEREZ", "1 A St."), ("Ed Moe", "9 C Street"),
                       ("Flo Nu", "5 A Street"), ("Gus Ode", "6 B Street")],
    }  # fmt: skip
    for sheet_id, rows in lines.items():
        url = f"{BASE}/{petition.pk}/sheets/{sheet_id}/signatures"
        body = {"lines": [{"name": n, "address": a} for n, a in rows]}
        refused = post(client, url, body, hers)
        assert refused.status_code == 403
        entered = post(client, url, body, theirs)
        assert entered.status_code == 200, entered.json()
        assert [e["verdict"] for e in entered.json()] == [""] * 4
    assert post(client, f"{BASE}/{petition.pk}/check", {}, hers).status_code == 403
    checked = post(client, f"{BASE}/{petition.pk}/check", {}, theirs)
    assert checked.json() == {"checked": 8, "valid": 6, "duplicates": 1, "outside": 1}

    with django_assert_max_num_queries(6):
        public = client.get(f"{BASE}/{petition.pk}")
    progress = public.json()["progress"]
    assert (progress["sheets"], progress["collected"], progress["entered"]) == (3, 20, 8)
    assert progress["rate"] == 0.75
    # Wilson at 95% for 6 of 8: 0.4093 to 0.9285 (worked out in test_petition_pages).
    assert round(progress["rate_low"], 4) == 0.4093
    assert round(progress["rate_high"], 4) == 0.9285
    assert (progress["projected"], progress["projected_low"], progress["projected_high"]) == (
        15,
        8,
        18,
    )
    assert progress["on_track"] is True and progress["target"] == 10
    assert [(d["collected"], d["valid_so_far"]) for d in progress["days"]] == [(4, 4), (20, 6)]
    assert progress["circulators"] is None  # the public does not see who circulated
    mine = client.get(f"{BASE}/{petition.pk}", **theirs).json()["progress"]["circulators"]
    assert [(c["name"], c["signatures"], c["valid"]) for c in mine] == [
        ("Olga Organizer", 12, 0),
        ("Person C2", 8, 6),
    ]
    listed = client.get(BASE).json()
    assert [(p["id"], p["collected"], p["valid"]) for p in listed] == [(petition.pk, 20, 6)]


def test_a_resident_cannot_read_the_signers(client, petition, circulator, organizer, world):
    from tests.electoral.test_petition_services import enter, log

    enter(log(petition, circulator, signatures=1), organizer, [("Ana Pérez", "1 A Street")])
    url = f"{BASE}/{petition.pk}/signatures"
    for resident in (circulator, world.blocks["a"].facilitator):
        refused = client.get(url, **bearer(resident))
        assert refused.status_code == 403
        assert "Ana" not in refused.content.decode()
    assert client.get(url).status_code == 401
    public = client.get(f"{BASE}/{petition.pk}").content.decode()
    assert "Ana" not in public and "1 A Street" not in public
    assert client.get(url, {"verdict": "valid"}, **bearer(organizer)).json() == []
    rows = client.get(url, {"verdict": "unchecked"}, **bearer(organizer)).json()
    assert [(r["sheet"], r["line"], r["name"], r["address"]) for r in rows] == [
        ("S1", 1, "Ana Pérez", "1 A Street")
    ]


def test_bad_sheets_and_signatures_are_refused_and_nothing_is_written(
    client, petition, circulator, organizer
):
    hers, theirs = bearer(circulator), bearer(organizer)
    made = sheet(client, petition, hers, "S1", 2, -1)
    before = (PetitionSheet.objects.count(), AuditEvent.objects.count())
    for body, field in [
        ({"label": "s1", "signatures": 3, "collected_on": days(-1).isoformat()}, "label"),
        ({"label": "S2", "signatures": 0, "collected_on": days(-1).isoformat()}, "signatures"),
        ({"label": "S2", "signatures": 500, "collected_on": days(-1).isoformat()}, "signatures"),
        ({"label": "S2", "signatures": 3, "collected_on": days(1).isoformat()}, "collected_on"),
        ({"label": "S2", "signatures": 3, "collected_on": days(31).isoformat()}, "collected_on"),
    ]:
        refused = post(client, f"{BASE}/{petition.pk}/sheets", body, hers)
        assert refused.status_code == 422, body
        assert field in refused.json()["fields"]
    url = f"{BASE}/{petition.pk}/sheets/{made['id']}/signatures"
    one = {"lines": [{"name": "Ana Pérez", "address": "1 A Street"}]}
    mismatch = post(client, url, one, theirs)
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "count_mismatch"
    assert (PetitionSheet.objects.count(), AuditEvent.objects.count()) == before
    assert not PetitionSignature.objects.exists()
    fixed = post(client, url, {**one, "fix_count": True}, theirs)
    assert fixed.status_code == 200
    assert PetitionSheet.objects.get(pk=made["id"]).signatures == 1
    assert client.get(f"{BASE}/999").status_code == 404


def test_organizers_change_a_petition(client, petition, organizer, circulator):
    url = f"{BASE}/{petition.pk}"
    refused = client.patch(
        url, {"target": 5}, content_type="application/json", **bearer(circulator)
    )
    assert refused.status_code == 403
    changed = client.patch(
        url,
        {"target": 12, "jurisdiction": ["block-a"]},
        content_type="application/json",
        **bearer(organizer),
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["target"] == 12 and changed.json()["jurisdiction"] == ["block-a"]
