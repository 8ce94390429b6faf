"""Rules about meetings: who schedules and runs them, who attends, whose profile is whose."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import holds_role, is_member, leads, members_and_organizers


@rule("meeting.view")
def _meeting_view(actor: Any, institution: Any) -> Decision:
    # Agendas, places and online links are for members (and organizers who help).
    return members_and_organizers(actor, institution)


@rule("meeting.manage")
def _meeting_manage(actor: Any, institution: Any) -> Decision:
    # Schedule, agenda, door code, attendance, running the queue, minutes.
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution) or holds_role(actor, institution, "secretary"):
        return ALLOW
    return Decision(
        False,
        "facilitators_only",
        _("Only a facilitator or the secretary can run meetings."),
    )


@rule("meeting.attend")
def _meeting_attend(actor: Any, institution: Any) -> Decision:
    # Checking in and taking a place in the speakers' queue.
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution):
        return ALLOW
    return Decision(False, "members_only", _("Only members of this institution can do this."))


@rule("speaking_profile.edit")
def _speaking_profile_edit(actor: Any, obj: Any = None) -> Decision:
    # Everyone edits only their own profile; there is no way to name another person.
    return ALLOW if is_person(actor) else login_required_decision()
