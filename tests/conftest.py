"""Shared fixtures: personas and the audit-log purge switch for the test database.

Set DATABASE_URL to run the whole suite on PostgreSQL; otherwise SQLite.
"""

from __future__ import annotations

import pytest

from bloc.audit import guard

# Django empties tables between transactional tests; only the test suite may.
guard.allow_purge_for_tests()

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # Argon2 is what production uses (asserted in tests/accounts/test_passwords.py);
    # elsewhere a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def make_person(email: str, name: str, **extra):  # type: ignore[no-untyped-def]
    from bloc.accounts.models import User

    return User.objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    """A resident with an account."""
    return make_person("alice@example.org", "Alice Walker", address="112 Maple Street")


@pytest.fixture
def bob(db):  # type: ignore[no-untyped-def]
    """Another resident, who must not be able to act for Alice."""
    return make_person("bob@example.org", "Bob Rivera", preferred_language="es")


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return make_person("admin@example.org", "Ada Admin", is_staff=True)
