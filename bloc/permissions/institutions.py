"""Rules about institutions, their bylaws and the democratic charter."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import (
    holds_role,
    leads,
    members_and_organizers,
)


@rule("institution.create")
def _institution_create(actor: Any, chapter: Any) -> Decision:
    # Any resident may found an institution (and becomes its first facilitator);
    # the chapter's organizers help others found theirs.
    if not is_person(actor):
        return login_required_decision()
    return ALLOW


@rule("institution.update")
def _institution_update(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution):
        return ALLOW
    return Decision(
        False,
        "facilitators_only",
        _("Only a facilitator of this institution or a chapter organizer can change it."),
    )


@rule("bylaws.amend")
def _bylaws_amend(actor: Any, institution: Any) -> Decision:
    # Amendments are decided by the members; a facilitator or the secretary records them.
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution) or holds_role(actor, institution, "secretary"):
        return ALLOW
    return Decision(
        False,
        "facilitators_only",
        _("Only a facilitator or the secretary can record an amendment of the bylaws."),
    )


@rule("charter.view")
def _charter_view(actor: Any, institution: Any) -> Decision:
    return members_and_organizers(actor, institution)


@rule("charter.adopt")
def _charter_adopt(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if holds_role(actor, institution, "facilitator"):
        return ALLOW
    return Decision(
        False,
        "facilitators_only",
        _("Only a facilitator can record that the members adopted the charter."),
    )
