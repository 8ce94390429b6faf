"""A person's profile, language and API tokens, through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bloc.accounts.models import ApiToken
from bloc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_profile_needs_a_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_person_updates_their_profile(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Alice  Walker-Diaz",
            "preferred_language": "es",
            "address": "114 Maple Street",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.full_name, alice.preferred_language, alice.address) == (
        "Alice Walker-Diaz",
        "es",
        "114 Maple Street",
    )
    event = AuditEvent.objects.get(action="account.update")
    assert event.data == {"fields": ["address", "full_name", "preferred_language"]}
    assert "Maple" not in str(event.data)  # the log names fields, never copies personal data


def test_an_invalid_profile_change_is_refused_whole(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "New Name",
            "preferred_language": "xx",
            "address": "",
        },
    )
    assert response.status_code == 422
    alice.refresh_from_db()
    assert alice.full_name == "Alice Walker"


def test_an_anonymous_visitor_switches_to_spanish(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert page.context["LANGUAGE_CODE"] == "es"
    assert b'<html lang="es">' in page.content


def test_the_language_switcher_remembers_a_logged_in_persons_choice(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    alice.refresh_from_db()
    assert alice.preferred_language == "es"
    client.cookies.clear()
    client.force_login(alice)
    assert client.get("/").context["LANGUAGE_CODE"] == "es"


def test_the_switcher_does_not_redirect_elsewhere(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_person_makes_and_revokes_an_api_token(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:api_token_create"), {"name": "sign-in script"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("bloc_") and secret.encode() in response.content
    token = ApiToken.objects.get()
    assert secret not in (token.digest, token.prefix)  # only a hash is kept
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_nobody_revokes_someone_elses_token(client, alice, bob):
    from bloc.accounts import services

    token, _secret = services.api_token_create(actor=alice, name="mine")
    client.force_login(bob)
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_forms_need_the_csrf_token(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    response = strict.post(reverse("accounts:profile"), {"full_name": "Mallory"})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.full_name == "Alice Walker"
