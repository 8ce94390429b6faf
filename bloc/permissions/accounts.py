"""Rules about people's own accounts, tokens and the audit log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule


@rule("account.update")
def _account_update(actor: Any, user: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if user is not None and user.pk != actor.pk:
        return Decision(False, "not_yours", _("You can only change your own account."))
    return ALLOW


@rule("account.register_resident")
def _account_register_resident(actor: Any, obj: Any) -> Decision:
    # Residents who signed up on paper: administrators (and bloc itself) record them.
    if not is_person(actor):
        return login_required_decision()
    if actor.is_staff:
        return ALLOW
    return Decision(False, "staff_only", _("Only administrators can register residents."))


@rule("api_token.manage")
def _api_token_manage(actor: Any, token: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if token is not None and token.user_id != actor.pk:
        return Decision(False, "not_yours", _("This token belongs to someone else."))
    return ALLOW


@rule("audit.read")
def _audit_read(actor: Any, obj: Any) -> Decision:
    # The log names accounts by number; reading events is for administrators.
    # The head is public (see the API), so anyone can witness it.
    if not is_person(actor):
        return login_required_decision()
    if not actor.is_staff:
        return Decision(False, "staff_only", _("Only administrators can read the audit log."))
    return ALLOW
