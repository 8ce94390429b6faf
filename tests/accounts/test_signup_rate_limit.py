"""Sign-ups per address are limited: over the limit the page answers 429 and nothing is
written; another address may still sign up."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bloc.accounts.models import ThrottleAttempt, User
from bloc.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up(email: str, ip: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    form = {
        "full_name": "Carmen Ortiz",
        "email": email,
        "password": PASSWORD,
        "password_again": PASSWORD,
        "address": "",
        "preferred_language": "en",
    }
    # A fresh browser each time: a logged-in person is sent home, not signed up.
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:signup"), form)


def test_sign_ups_beyond_the_limit_from_one_address_are_refused(settings):
    settings.BLOC_SIGNUPS_PER_IP = 3
    assert sign_up("one@example.org").status_code == 302
    assert sign_up("two@example.org").status_code == 302
    # An address already taken counts too (trying addresses to find accounts is limited).
    assert sign_up("one@example.org").status_code == 422
    users, events, marks = (
        User.objects.count(),
        AuditEvent.objects.count(),
        ThrottleAttempt.objects.count(),
    )

    refused = sign_up("three@example.org")
    assert refused.status_code == 429
    assert "Too many sign-ups from your address." in refused.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)
    assert ThrottleAttempt.objects.count() == marks
    assert not User.objects.filter(email="three@example.org").exists()

    assert sign_up("three@example.org", ip="198.51.100.20").status_code == 302


def test_invalid_forms_do_not_use_up_the_limit(settings):
    settings.BLOC_SIGNUPS_PER_IP = 1
    for _ in range(3):
        assert sign_up("not-an-email").status_code == 422
    assert sign_up("fine@example.org").status_code == 302
