"""Who may do what: each persona against each action of the foundation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.core.errors import PermissionDenied
from bloc.institutions import services as institution_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(alice, bob, staff):
    chapter = institution_services.chapter_create(actor=SYSTEM, name="Riverside")
    from tests.conftest import make_person

    organizer = make_person("org@example.org", "Olga Organizer")
    institution_services.chapter_organizer_add(actor=SYSTEM, chapter=chapter, user=organizer)
    return {
        "alice": alice,
        "bob": bob,
        "staff": staff,
        "organizer": organizer,
        "anonymous": AnonymousUser(),
        "chapter": chapter,
    }


# (action, object, who is allowed)
MATRIX = [
    ("account.update", "alice", {"alice"}),
    ("api_token.manage", None, {"alice", "bob", "staff", "organizer"}),
    ("audit.read", None, {"staff"}),
    ("institution.create", "chapter", {"alice", "bob", "staff", "organizer"}),
    ("membership.join", None, {"alice", "bob", "staff", "organizer"}),
    ("account.register_resident", None, {"staff"}),
]
PERSONAS = ["anonymous", "alice", "bob", "staff", "organizer"]


@pytest.mark.parametrize(("action", "target", "allowed"), MATRIX)
def test_permission_matrix(world, action, target, allowed):
    obj = world[target] if target else None
    for persona in PERSONAS:
        decision = permissions.check(world[persona], action, obj)
        assert bool(decision) == (persona in allowed), (persona, action)
        if not decision:
            assert decision.code and decision.reason  # a refusal always says why
    assert permissions.check(SYSTEM, action, obj)


def test_refusals_raise_with_the_reason(world):
    with pytest.raises(PermissionDenied) as refused:
        permissions.require(world["anonymous"], "account.update", world["alice"])
    assert refused.value.code == "login_required"


def test_an_unknown_action_is_a_programming_error(world):
    with pytest.raises(KeyError):
        permissions.check(world["alice"], "no.such.action")
