"""Who may do what, in one place.

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


def _login_required() -> Decision:
    return Decision(False, "login_required", _("You need to log in first."))


def _is_person(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and getattr(actor, "is_active", False)


# --- accounts -------------------------------------------------------------


@rule("account.update")
def _account_update(actor: Any, user: Any) -> Decision:
    if not _is_person(actor):
        return _login_required()
    if user is not None and user.pk != actor.pk:
        return Decision(False, "not_yours", _("You can only change your own account."))
    return ALLOW


@rule("account.register_resident")
def _account_register_resident(actor: Any, obj: Any) -> Decision:
    # Facilitators will register residents from paper sheets (membership issue);
    # until then, administrators and bloc itself.
    if not _is_person(actor):
        return _login_required()
    if actor.is_staff:
        return ALLOW
    return Decision(False, "staff_only", _("Only administrators can register residents."))


@rule("api_token.manage")
def _api_token_manage(actor: Any, token: Any) -> Decision:
    if not _is_person(actor):
        return _login_required()
    if token is not None and token.user_id != actor.pk:
        return Decision(False, "not_yours", _("This token belongs to someone else."))
    return ALLOW


# --- audit ----------------------------------------------------------------


@rule("audit.read")
def _audit_read(actor: Any, obj: Any) -> Decision:
    # The log names accounts by number; until per-institution views exist,
    # reading events is for administrators. The head is public (see api).
    if not _is_person(actor):
        return _login_required()
    if not actor.is_staff:
        return Decision(False, "staff_only", _("Only administrators can read the audit log."))
    return ALLOW


# --- institutions and membership -----------------------------------------


def is_chapter_organizer(actor: Any, chapter: Any) -> bool:
    from bloc.institutions.models import ChapterOrganizer

    return (
        _is_person(actor)
        and ChapterOrganizer.objects.filter(
            chapter=chapter, user_id=actor.pk, ended_at__isnull=True
        ).exists()
    )


@rule("institution.create")
def _institution_create(actor: Any, chapter: Any) -> Decision:
    if not _is_person(actor):
        return _login_required()
    if actor.is_staff or is_chapter_organizer(actor, chapter):
        return ALLOW
    return Decision(
        False, "organizers_only", _("Only the chapter's organizers can create an institution.")
    )


@rule("membership.join")
def _membership_join(actor: Any, institution: Any) -> Decision:
    if not _is_person(actor):
        return _login_required()
    return ALLOW


def holds_role(actor: Any, institution: Any, role: str) -> bool:
    from django.utils import timezone

    from bloc.membership.models import RoleTerm

    today = timezone.localdate()
    return (
        _is_person(actor)
        and RoleTerm.objects.filter(
            membership__institution=institution,
            membership__user_id=actor.pk,
            role=role,
            starts_on__lte=today,
            ends_on__gt=today,
        ).exists()
    )


@rule("membership.verify")
def _membership_verify(actor: Any, institution: Any) -> Decision:
    if not _is_person(actor):
        return _login_required()
    if holds_role(actor, institution, "facilitator") or is_chapter_organizer(
        actor, institution.chapter
    ):
        return ALLOW
    return Decision(
        False,
        "facilitators_only",
        _("Only a facilitator of this institution can verify residents."),
    )


@rule("role.assign")
def _role_assign(actor: Any, institution: Any) -> Decision:
    # Until elections of role-holders exist (decisions), facilitators and
    # the chapter's organizers record who holds which role.
    if not _is_person(actor):
        return _login_required()
    if holds_role(actor, institution, "facilitator") or is_chapter_organizer(
        actor, institution.chapter
    ):
        return ALLOW
    return Decision(
        False, "facilitators_only", _("Only a facilitator of this institution can record roles.")
    )
