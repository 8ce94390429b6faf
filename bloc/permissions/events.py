"""Rules about community events, their volunteer shifts and calendars."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import holds_role, is_member, leads


@rule("event.view")
def _event_view(actor: Any, institution: Any) -> Decision:
    # Events are records like proposals and polls: the same people see them.
    from bloc.permissions import check

    return check(actor, "decisions.view", institution)


@rule("event.manage")
def _event_manage(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution) or holds_role(actor, institution, "secretary"):
        return ALLOW
    return Decision(
        False,
        "facilitators_only",
        _("Only a facilitator or the secretary can set up and change events."),
    )


@rule("event.take_part")
def _event_take_part(actor: Any, institution: Any) -> Decision:
    # Answering an invitation and volunteering for a shift.
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution):
        return ALLOW
    return Decision(
        False, "members_only", _("Only members of this institution can answer or volunteer.")
    )
