"""Who may do what, in one place: this package, one module per app.

``check(actor, action, obj)`` answers with a ``Decision``: allowed or not,
and if not, a stable code and a translated reason a person can read.
Services call ``require`` (which raises ``PermissionDenied``); views call
``check`` only to decide what to show. Each rule is a small function
registered under an action name, so a permission matrix test can walk them
all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from bloc.actors import is_system

__all__ = ["ALLOW", "Decision", "check", "is_system", "require", "rule"]
from bloc.core.errors import PermissionDenied


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = ""
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)

Rule = Callable[[Any, Any], Decision]
RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if action in RULES:
            raise ValueError(f"two rules for {action}")
        RULES[action] = fn
        return fn

    return register


def check(actor: Any, action: str, obj: Any = None) -> Decision:
    """May ``actor`` do ``action`` (to ``obj``)? bloc itself (SYSTEM) always may."""
    if action not in RULES:
        raise KeyError(f"no permission rule for {action!r}")
    if is_system(actor):
        return ALLOW
    return RULES[action](actor, obj)


def require(actor: Any, action: str, obj: Any = None) -> None:
    decision = check(actor, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason, code=decision.code)


def login_required_decision() -> Decision:
    return Decision(False, "login_required", _("You need to log in first."))


def is_person(actor: Any) -> bool:
    """A logged-in, active person (not an anonymous visitor, not bloc itself)."""
    return bool(getattr(actor, "is_authenticated", False)) and getattr(actor, "is_active", False)


# Each module registers its rules on import.
from bloc.permissions import (  # noqa: E402,F401
    accounts,
    budgeting,
    concerns,
    confederation,
    decisions,
    electoral,
    events,
    hub,
    institutions,
    listening,
    meetings,
    membership,
)
