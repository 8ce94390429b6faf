"""Concerns and working groups over the JSON API."""

from __future__ import annotations

import pytest

from bloc.accounts import services
from bloc.concerns.models import Concern
from tests.concerns.conftest import image_bytes, photo

pytestmark = pytest.mark.django_db

BASE = "/api/v1/institutions/maple"


def bearer(person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(actor=person, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json", **auth)


def test_report_list_me_too_and_move_a_concern(client, maple, alice, fiona, walter, streets):
    as_alice, as_fiona, as_walter = bearer(alice), bearer(fiona), bearer(walter)
    body = {"category": "housing", "place": "Building 114", "description": "No heat."}
    made = post(client, f"{BASE}/concerns", {**body, "anonymous": True}, as_alice)
    assert made.status_code == 201, made.json()
    concern = made.json()
    assert concern["reported_by"] is None and concern["state"] == "reported"

    bad = post(client, f"{BASE}/concerns", {**body, "category": "gossip"}, as_alice)
    assert bad.status_code == 422 and "category" in bad.json()["fields"]
    assert Concern.objects.count() == 1

    one = f"{BASE}/concerns/{concern['id']}"
    assert post(client, f"{one}/me-too", {}, as_fiona).json() == {"changed": True, "me_too": 1}
    assert post(client, f"{one}/me-too", {}, as_fiona).json() == {"changed": False, "me_too": 1}
    assert post(client, f"{one}/me-too", {}, as_alice).status_code == 403  # not a member

    listing = client.get(f"{BASE}/concerns", {"category": "housing"}, **as_fiona).json()
    assert listing["total"] == 1 and listing["concerns"][0]["id"] == concern["id"]

    assigned = post(client, f"{one}/assign", {"working_group_id": streets.pk}, as_walter)
    assert assigned.status_code == 200 and assigned.json()["working_group_id"] == streets.pk
    skip = post(client, f"{one}/updates", {"state": "resolved", "text": "x"}, as_walter)
    assert skip.status_code == 409 and skip.json()["code"] == "not_allowed"
    moved = post(client, f"{one}/updates", {"state": "acknowledged", "text": "Seen."}, as_walter)
    assert moved.status_code == 201
    detail = client.get(one, **as_fiona).json()
    assert detail["state"] == "acknowledged"
    assert [(u["state"], u["text"]) for u in detail["updates"]] == [("acknowledged", "Seen.")]

    raised = post(client, f"{one}/raise", {}, as_walter)
    assert raised.status_code == 201
    assert client.get(one, **as_fiona).json()["proposal_id"] == raised.json()["proposal_id"]


def test_me_too_can_be_taken_back(client, maple, fiona):
    auth = bearer(fiona)
    body = {"category": "other", "place": "Here", "description": "Loud."}
    one = f"{BASE}/concerns/{post(client, f'{BASE}/concerns', body, auth).json()['id']}"
    post(client, f"{one}/me-too", {}, auth)
    assert client.delete(f"{one}/me-too", **auth).json() == {"changed": True, "me_too": 0}
    assert client.delete(f"{one}/me-too", **auth).json() == {"changed": False, "me_too": 0}


def test_report_with_photos_as_a_multipart_form(client, maple, alice):
    auth = bearer(alice)
    fields = {"category": "environment", "place": "Creek", "description": "Oil on the water."}
    made = client.post(
        f"{BASE}/concerns/with-photos",
        {**fields, "photos": [photo(image_bytes((30, 20)), "creek.png")]},
        **auth,
    )
    assert made.status_code == 201, made.json()
    shot = Concern.objects.get().photos.get()
    assert (shot.width, shot.height, shot.content_type) == (30, 20, "image/jpeg")
    refused = client.post(
        f"{BASE}/concerns/with-photos",
        {**fields, "photos": [photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png")]},
        **auth,
    )
    assert refused.status_code == 422 and "photos" in refused.json()["fields"]
    assert Concern.objects.count() == 1


def test_working_groups_over_the_api(client, maple, fiona, walter):
    made = post(client, f"{BASE}/working-groups", {"name": "Parks"}, bearer(fiona))
    assert made.status_code == 201
    group = made.json()["id"]
    as_walter = bearer(walter)
    assert post(client, f"{BASE}/working-groups", {"name": "Mine"}, as_walter).status_code == 403
    joined = post(client, f"{BASE}/working-groups/{group}/join", {}, as_walter)
    assert joined.json() == {"changed": True}
    groups = client.get(f"{BASE}/working-groups", **as_walter).json()
    assert groups[0]["members"] == ["Walter Group"] and groups[0]["viewer_is_member"]
    left = post(client, f"{BASE}/working-groups/{group}/leave", {}, as_walter)
    assert left.json() == {"changed": True}
    assert client.get(f"{BASE}/working-groups").status_code == 403  # records are not public
