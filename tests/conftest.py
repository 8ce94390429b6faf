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


@pytest.fixture(autouse=True)
def _english_by_default():  # type: ignore[no-untyped-def]
    # A request in Spanish leaves Spanish active in the thread; each test starts in English.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


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


MAPLE_BOUNDARY = {
    "type": "Polygon",
    "coordinates": [
        [[-73.93, 40.84], [-73.92, 40.84], [-73.92, 40.85], [-73.93, 40.85], [-73.93, 40.84]]
    ],
}


@pytest.fixture
def chapter(db):  # type: ignore[no-untyped-def]
    from bloc.actors import SYSTEM
    from bloc.institutions.services import chapter_create

    return chapter_create(actor=SYSTEM, name="Riverside", slug="riverside")


@pytest.fixture
def maple(chapter):  # type: ignore[no-untyped-def]
    """A block association whose area is 110-118 Maple Street plus a boundary."""
    from bloc.actors import SYSTEM
    from bloc.core.bylaws import BylawsSettings
    from bloc.institutions.services import institution_create

    return institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name="Maple Street Block Association",
        slug="maple",
        kind="block_association",
        addresses=[f"{n} Maple Street" for n in range(110, 120, 2)],
        boundary=MAPLE_BOUNDARY,
        rules=BylawsSettings(term_limit=2, term_months=12, vouches_required=2, vouches_per_month=2),
    )


def member(institution, user, *, verified=False):  # type: ignore[no-untyped-def]
    from bloc.actors import SYSTEM
    from bloc.membership.services import membership_join, membership_verify

    membership = membership_join(actor=SYSTEM, institution=institution, user=user)
    if verified:
        membership = membership_verify(actor=SYSTEM, membership=membership)
    return membership


@pytest.fixture
def fiona(maple):  # type: ignore[no-untyped-def]
    """The facilitator of Maple Street, a verified member."""
    import datetime

    from django.utils import timezone

    from bloc.actors import SYSTEM
    from bloc.membership.roles import role_term_assign

    person = make_person("fiona@example.org", "Fiona Facilitator", address="110 Maple Street")
    membership = member(maple, person, verified=True)
    today = timezone.localdate()
    role_term_assign(
        actor=SYSTEM,
        membership=membership,
        role="facilitator",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
    )
    return person
