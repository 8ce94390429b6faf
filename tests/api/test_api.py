"""The JSON API: authentication, errors with the field named, and what each route does."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from bloc.accounts import services
from bloc.accounts.models import ApiToken
from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.audit.services import audit_append
from bloc.institutions import services as institution_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_token(alice):
    _token, secret = services.api_token_create(actor=alice, name="script")
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_anonymous_requests_to_private_routes_get_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_token_identifies_its_owner(client, alice, alice_token):
    response = client.get("/api/v1/me", **bearer(alice_token))
    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.org"
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("secret", ["bloc_not-a-real-token", "garbage", ""])
def test_a_wrong_token_is_refused(client, alice, secret):
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_a_token_of_a_deactivated_person_stops_working(client, alice, alice_token):
    alice.is_active = False
    alice.save()
    assert client.get("/api/v1/me", **bearer(alice_token)).status_code == 401


def test_patch_me_changes_the_profile(client, alice, alice_token):
    response = client.patch(
        "/api/v1/me",
        {"preferred_language": "es"},
        content_type="application/json",
        **bearer(alice_token),
    )
    assert response.status_code == 200
    assert response.json()["preferred_language"] == "es"
    alice.refresh_from_db()
    assert alice.preferred_language == "es"


def test_a_wrong_type_gets_422_naming_the_field_and_changes_nothing(client, alice, alice_token):
    before = AuditEvent.objects.count()
    response = client.patch(
        "/api/v1/me",
        {"preferred_language": "fr", "full_name": "X"},
        content_type="application/json",
        **bearer(alice_token),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "preferred_language" in body["fields"]
    alice.refresh_from_db()
    assert (alice.preferred_language, alice.full_name) == ("en", "Alice Walker")
    assert AuditEvent.objects.count() == before


def test_a_service_refusal_names_the_field(client, alice, alice_token):
    response = client.patch(
        "/api/v1/me", {"full_name": "    "}, content_type="application/json", **bearer(alice_token)
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"full_name": ["Please enter your name."]}


def test_bad_json_gets_400(client, alice, alice_token):
    response = client.patch(
        "/api/v1/me", "{not json", content_type="application/json", **bearer(alice_token)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_json"


def test_the_browser_session_works_with_csrf(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/v1/me").status_code == 200
    refused = browser.patch("/api/v1/me", {"full_name": "M"}, content_type="application/json")
    assert refused.status_code == 403
    browser.get("/")  # sets the CSRF cookie, as a page would
    token = browser.cookies["csrftoken"].value
    allowed = browser.patch(
        "/api/v1/me",
        {"full_name": "Alice W."},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert allowed.status_code == 200


def test_tokens_are_listed_made_and_revoked(client, alice, alice_token):
    made = client.post(
        "/api/v1/tokens", {"name": "backup"}, content_type="application/json", **bearer(alice_token)
    )
    assert made.status_code == 201
    new = made.json()
    assert new["secret"].startswith("bloc_")
    listed = client.get("/api/v1/tokens", **bearer(alice_token)).json()
    assert {t["name"] for t in listed} == {"script", "backup"}
    assert all("secret" not in t and "digest" not in t for t in listed)
    revoked = client.delete(f"/api/v1/tokens/{new['id']}", **bearer(alice_token))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/v1/me", **bearer(new["secret"])).status_code == 401


def test_a_token_cannot_be_revoked_by_someone_else(client, alice, bob, alice_token):
    _token, bob_secret = services.api_token_create(actor=bob, name="bob's")
    mine = ApiToken.objects.get(user=alice)
    response = client.delete(f"/api/v1/tokens/{mine.pk}", **bearer(bob_secret))
    assert response.status_code == 404
    assert client.get("/api/v1/me", **bearer(alice_token)).status_code == 200


def test_an_empty_token_name_is_refused(client, alice, alice_token):
    response = client.post(
        "/api/v1/tokens", {"name": ""}, content_type="application/json", **bearer(alice_token)
    )
    assert response.status_code == 422
    assert "name" in response.json()["fields"]


def test_anyone_can_read_the_audit_head(client):
    with pytest.MonkeyPatch.context():
        from django.db import transaction

        with transaction.atomic():
            audit_append(actor=SYSTEM, action="test.event")
    body = client.get("/api/v1/audit/head").json()
    assert body["seq"] == 1 and len(body["hash"]) == 64


def test_only_administrators_read_audit_events(client, alice, staff):
    client.force_login(alice)
    assert client.get("/api/v1/audit/events").status_code == 403
    client.force_login(staff)
    response = client.get("/api/v1/audit/events?after=0&limit=10")
    assert response.status_code == 200
    verify = client.get("/api/v1/audit/verify").json()
    assert verify["ok"] is True


def test_query_limits_are_validated(client, staff):
    client.force_login(staff)
    response = client.get("/api/v1/audit/events?limit=100000")
    assert response.status_code == 422
    assert "limit" in response.json()["fields"]


def test_institutions_are_public(client):
    chapter = institution_services.chapter_create(actor=SYSTEM, name="Riverside")
    institution_services.institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Maple Street",
        kind="block_association",
        addresses=["1 Maple Street"],
    )
    body = client.get("/api/v1/institutions/").json()
    assert body == [
        {
            "id": body[0]["id"],
            "slug": "maple-street",
            "name": "Maple Street",
            "kind": "block_association",
            "chapter": "riverside",
            "member_count": 0,
            "verified_count": 0,
        }
    ]


def test_unknown_routes_get_404_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404


def test_the_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs", follow=True)
    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]
    json.dumps(schema)
