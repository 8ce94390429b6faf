"""Signing up, logging in and out, throttling, password reset, through the pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bloc.accounts import services
from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Carmen Ortiz",
    "email": "Carmen@Example.org",
    "password": PASSWORD,
    "password_again": PASSWORD,
    "address": "85 Calle Las Palmas, Apt 2B",
    "preferred_language": "es",
}


def test_a_resident_signs_up_and_is_logged_in(client):
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get()
    assert user.email == "carmen@example.org"
    assert user.full_name == "Carmen Ortiz"
    assert user.preferred_language == "es"
    assert client.get(reverse("accounts:profile")).context["user"] == user
    assert AuditEvent.objects.filter(action="account.signup", actor=f"user:{user.pk}").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password_again": "something else entirely"}, "password_again"),
        ({"password": "12345678", "password_again": "12345678"}, "password"),
        ({"full_name": "   "}, "full_name"),
        ({"preferred_language": "fr"}, "preferred_language"),
    ],
)
def test_invalid_signup_explains_and_writes_nothing(client, change, field):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, **change})
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert b'role="alert"' in response.content
    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_email_address_has_one_account_whatever_its_case(client, alice):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "ALICE@example.org"})
    assert response.status_code == 422
    assert "already exists" in str(response.context["form"].errors)
    assert User.objects.count() == 1


def test_passwords_are_hashed_with_argon2_in_production():
    from django.conf import settings as django_settings

    import bloc.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User.objects.create_user(email="x@example.org", password=PASSWORD, full_name="X")
        assert identify_hasher(user.password).algorithm == "argon2"
    assert django_settings.AUTH_USER_MODEL == "accounts.User"


def login(client, email, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def test_login_and_logout(client, alice):
    response = login(client, "Alice@Example.org")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == alice.pk
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = login(client, alice.email, "wrong password")
    assert response.status_code == 422
    assert "do not match an account" in response.content.decode()


@override_settings(BLOC_LOGIN_FAILURES_PER_ACCOUNT=3)
def test_repeated_failures_lock_the_account_for_a_while(client, alice):
    for _ in range(3):
        login(client, alice.email, "guess")
    response = login(client, alice.email)  # even the right password
    assert response.status_code == 422
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(BLOC_LOGIN_FAILURES_PER_IP=4, BLOC_LOGIN_FAILURES_PER_ACCOUNT=100)
def test_repeated_failures_from_one_address_are_throttled_across_accounts(client, alice, bob):
    for n in range(4):
        login(client, f"nobody{n}@example.org", "guess")
    assert "Too many failed attempts" in login(client, bob.email).content.decode()
    other = login(client, bob.email, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


@override_settings(BLOC_LOGIN_FAILURES_PER_ACCOUNT=3)
def test_a_successful_login_clears_the_account_count(client, alice):
    login(client, alice.email, "guess")
    login(client, alice.email, "guess")
    assert login(client, alice.email).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, alice.email, "guess")
    assert login(client, alice.email).status_code == 302


def test_password_reset_by_email(client, alice):
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link[1], follow=True)
    assert response.context["validlink"]
    new_password = "a new long passphrase 42"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert login(client, alice.email, new_password).status_code == 302
    assert AuditEvent.objects.filter(action="account.password_reset").count() == 1


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_failed_write_leaves_nothing_behind(monkeypatch):
    """If anything fails after the account row is written, the account is not kept."""

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_append", broken)
    with pytest.raises(RuntimeError):
        services.user_signup(actor=SYSTEM, email="d@example.org", password=PASSWORD, full_name="D")
    assert not User.objects.filter(email="d@example.org").exists()


def test_the_reset_email_is_in_the_persons_own_language(client, bob):
    client.post(reverse("accounts:password_reset"), {"email": bob.email})
    assert mail.outbox[0].subject == "Restablece tu contraseña de bloc"
    assert "Alguien pidió restablecer" in mail.outbox[0].body


def test_signup_refuses_a_malformed_email_even_without_the_form():
    from bloc.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        services.user_signup(actor=SYSTEM, email="nope", password=PASSWORD, full_name="N")
    assert "email" in refused.value.fields
    assert not User.objects.exists()
