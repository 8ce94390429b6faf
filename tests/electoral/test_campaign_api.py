# ruff: noqa: F811 - the shared fixtures are imported from test_campaigns
"""Campaigns over the JSON API: the public list, a campaign's shifts, turfs with
progress by block, a turf's walk list, logging contacts, GOTV and the CSV downloads."""

from __future__ import annotations

import pytest

from bloc.accounts import services
from tests.electoral.test_campaigns import camp, door, make_event, talk  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/electoral/campaigns"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **auth)


def test_the_campaigns_are_public_with_totals_only(client, camp, django_assert_max_num_queries):
    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5, resident="June")
    with django_assert_max_num_queries(4):
        response = client.get(BASE)
    assert response.status_code == 200
    [row] = response.json()
    assert row["title"] == "Rosa for council" and row["candidate"] == "Rosa Parks-Lee"
    assert row["progress"] == {"doors": 19, "knocked": 1, "talked": 1}
    detail = client.get(f"{BASE}/{camp.campaign.pk}").json()
    assert detail["role"] is None and detail["events"] == []
    assert "June" not in str(detail)


def test_an_organizer_starts_a_campaign_and_gives_roles(client, camp):
    auth = bearer(camp.oscar)
    created = post(client, BASE, {"chapter": "riverside", "title": "Second push",
                                  "candidate": camp.candidate.pk}, auth)  # fmt: skip
    assert created.status_code == 201, created.json()
    campaign_id = created.json()["id"]
    assert created.json()["role"] == "manager"
    role = client.put(f"{BASE}/{campaign_id}/roles/{camp.rita.pk}", {"role": "canvasser"},
                      content_type="application/json", **auth)  # fmt: skip
    assert role.status_code == 200 and role.json()["role"] == "canvasser"
    gone = client.delete(f"{BASE}/{campaign_id}/roles/{camp.rita.pk}", **auth)
    assert gone.status_code == 204
    refused = post(client, BASE, {"chapter": "riverside", "title": "Mine",
                                  "candidate": camp.candidate.pk}, bearer(camp.rita))  # fmt: skip
    assert refused.status_code == 403


def test_turfs_are_made_and_canvassers_assigned(client, camp):
    from bloc.institutions.models import AreaAddress

    auth = bearer(camp.olga)
    some = list(
        AreaAddress.objects.filter(institution__slug="block-c").values_list("pk", flat=True)[:4]
    )
    made = post(client, f"{BASE}/{camp.campaign.pk}/turfs",
                {"institution": "block-c", "name": "C", "addresses": some, "parts": 2}, auth)  # fmt: skip
    assert made.status_code == 201, made.json()
    assert [(t["name"], t["progress"]["doors"]) for t in made.json()] == [("C 1", 2), ("C 2", 2)]
    turf_id = made.json()[0]["id"]
    assigned = client.put(f"{BASE}/{camp.campaign.pk}/turfs/{turf_id}/canvassers",
                          {"canvassers": [camp.ana.pk]}, content_type="application/json", **auth)  # fmt: skip
    assert assigned.status_code == 200 and assigned.json()["canvassers"] == [camp.ana.pk]
    too_many = post(client, f"{BASE}/{camp.campaign.pk}/turfs",
                    {"institution": "block-d", "parts": 99}, auth)  # fmt: skip
    assert too_many.status_code == 422 and "parts" in too_many.json()["fields"]


def test_a_canvasser_logs_contacts_and_reads_their_turf(
    client, camp, django_assert_max_num_queries
):
    first = camp.turfs[0]
    auth = bearer(camp.ana)
    url = f"{BASE}/{camp.campaign.pk}/turfs/{first.pk}"
    logged = post(client, f"{url}/contacts", {"address": door(first, 1).pk, "outcome": "talked",
                  "resident": "June", "support": 5, "issues": ["ecology"], "follow_up": True},
                  auth)  # fmt: skip
    assert logged.status_code == 201, logged.json()
    assert logged.json()["support"] == 5 and logged.json()["issues"] == ["ecology"]
    with django_assert_max_num_queries(8):
        doors = client.get(f"{url}/walk-list", **auth)
    assert doors.status_code == 200
    first_door = doors.json()[0]
    assert (first_door["address"], first_door["resident"], first_door["supporter"]) == (
        "1 A Street", "June", True)  # fmt: skip
    assert first_door["latest"]["canvasser"] == camp.ana.full_name
    turfs = client.get(f"{BASE}/{camp.campaign.pk}/turfs", **auth).json()
    assert turfs["role"] == "canvasser"
    assert [t["name"] for b in turfs["blocks"] for t in b["turfs"]] == ["A 1"]
    assert turfs["progress"]["supporters"] == 1 and turfs["progress"]["not_voted"] == 1
    gotv = client.get(f"{BASE}/{camp.campaign.pk}/gotv", **auth).json()
    assert [d["address"] for d in gotv] == ["1 A Street"]
    voted = post(client, f"{url}/doors/{door(first, 1).pk}/voted", {}, auth)
    assert voted.status_code == 200 and voted.json()["voted_at"]
    again = post(client, f"{url}/doors/{door(first, 1).pk}/voted", {}, auth)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert client.get(f"{BASE}/{camp.campaign.pk}/gotv", **auth).json() == []


def test_bad_contacts_are_refused_with_a_message_and_nothing_written(client, camp):
    from bloc.electoral.models import Contact

    first, second = camp.turfs
    auth = bearer(camp.ana)
    url = f"{BASE}/{camp.campaign.pk}/turfs/{first.pk}/contacts"
    seven = post(client, url, {"address": door(first).pk, "outcome": "talked", "support": 7}, auth)
    assert seven.status_code == 422
    assert seven.json()["fields"]["support"] == ["Support is from 1 (against) to 5 (strongly for)."]
    elsewhere = post(client, url, {"address": door(second).pk, "outcome": "not_home"}, auth)
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "not_on_turf"
    assert elsewhere.json()["message"] == "11 A Street is not on the turf “A 1”."
    theirs = post(client, f"{BASE}/{camp.campaign.pk}/turfs/{second.pk}/contacts",
                  {"address": door(second).pk, "outcome": "not_home"}, auth)  # fmt: skip
    assert theirs.status_code == 403 and theirs.json()["code"] == "not_your_turf"
    assert not Contact.objects.exists()


def test_shifts_offered_show_on_the_campaign(client, camp):
    event, shift = make_event(camp.world)
    offered = post(client, f"{BASE}/{camp.campaign.pk}/shifts", {"event": event.pk},
                   bearer(camp.world.blocks["b"].facilitator))  # fmt: skip
    assert offered.status_code == 201, offered.json()
    [row] = client.get(f"{BASE}/{camp.campaign.pk}", **bearer(camp.rita)).json()["events"]
    assert row["title"] == "Canvass day" and row["may_take_part"] is True
    assert [(s["title"], s["capacity"], s["taken"]) for s in row["shifts"]] == [
        ("Morning doors", 2, 0)
    ]
    refused = post(client, f"{BASE}/{camp.campaign.pk}/shifts", {"event": event.pk},
                   bearer(camp.ana))  # fmt: skip
    assert refused.status_code == 403


def test_csv_downloads_for_managers_are_logged(client, camp):
    from bloc.audit.models import AuditEvent

    first = camp.turfs[0]
    talk(camp, first, door(first, 1), 5, resident="June")
    auth = bearer(camp.mia)
    walk = client.get(f"{BASE}/{camp.campaign.pk}/walk-list.csv", {"turf": first.pk}, **auth)
    assert walk.status_code == 200 and walk["Content-Type"] == "text/csv; charset=utf-8"
    assert len(walk.content.decode().strip().splitlines()) == 11
    assert client.get(f"{BASE}/{camp.campaign.pk}/contacts.csv", **auth).status_code == 200
    assert client.get(f"{BASE}/{camp.campaign.pk}/gotv.csv", **auth).status_code == 200
    logged = AuditEvent.objects.filter(action="campaign.export").order_by("seq")
    assert [(e.data["what"], e.data["rows"]) for e in logged] == [
        ("walk_list", 10), ("contacts", 1), ("gotv", 1)]  # fmt: skip
