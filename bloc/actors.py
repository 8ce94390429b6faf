"""Who is acting: a person, an anonymous visitor, or bloc itself.

Services take an ``actor`` first. Pages and the API pass ``request.user``
(a User or AnonymousUser); commands such as ``bloc demo`` pass ``SYSTEM``,
which is never the same as "nobody is logged in".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from bloc.accounts.models import User


class SystemActor:
    """bloc acting on its own behalf (CLI, demo data, scheduled tasks)."""

    is_authenticated = False
    is_system = True
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()

Actor: TypeAlias = "User | AnonymousUser | SystemActor"


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def actor_label(actor: object) -> str:
    """How the audit log names an actor: ``user:<id>``, ``system`` or ``anonymous``."""
    if isinstance(actor, SystemActor):
        return "system"
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) is not None:
        return f"user:{actor.pk}"  # type: ignore[attr-defined]
    if isinstance(actor, AnonymousUser) or actor is None:
        return "anonymous"
    raise TypeError(f"not an actor: {actor!r}")
