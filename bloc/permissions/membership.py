"""Rules about joining, residency verification, vouching, letters, roles and recall."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import (
    is_member,
    is_verified_member,
    leads,
    members_and_organizers,
    membership_of,
)


def _leaders_only(actor: Any, institution: Any, reason: str) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution):
        return ALLOW
    return Decision(False, "facilitators_only", reason)


@rule("membership.join")
def _membership_join(actor: Any, institution: Any) -> Decision:
    # Whether the person lives in the area is checked by the service, which says why not.
    if not is_person(actor):
        return login_required_decision()
    return ALLOW


@rule("membership.leave")
def _membership_leave(actor: Any, membership: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if membership is not None and membership.user_id != actor.pk:
        return Decision(False, "not_yours", _("Only the member can leave for themselves."))
    return ALLOW


@rule("membership.list")
def _membership_list(actor: Any, institution: Any) -> Decision:
    return members_and_organizers(actor, institution)


@rule("membership.verify")
def _membership_verify(actor: Any, institution: Any) -> Decision:
    return _leaders_only(
        actor, institution, _("Only a facilitator of this institution can verify residents.")
    )


@rule("membership.unverify")
def _membership_unverify(actor: Any, institution: Any) -> Decision:
    return _leaders_only(
        actor,
        institution,
        _("Only a facilitator of this institution can withdraw a verification."),
    )


@rule("vouch.give")
def _vouch_give(actor: Any, vouchee: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if vouchee is not None and vouchee.user_id == actor.pk:
        return Decision(False, "self_vouch", _("You cannot vouch for yourself."))
    institution = vouchee.institution if vouchee is not None else None
    if institution is not None and not is_verified_member(actor, institution):
        return Decision(
            False,
            "verified_members_only",
            _("Only verified members of this institution can vouch for a neighbor."),
        )
    return ALLOW


@rule("letters.generate")
def _letters_generate(actor: Any, institution: Any) -> Decision:
    return _leaders_only(
        actor, institution, _("Only a facilitator of this institution can print letters.")
    )


@rule("letters.redeem")
def _letters_redeem(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if not is_member(actor, institution):
        return Decision(
            False, "members_only", _("Join the institution first, then enter your letter's code.")
        )
    return ALLOW


@rule("role.assign")
def _role_assign(actor: Any, institution: Any) -> Decision:
    # Role-holders are chosen by the members (elections come with decisions);
    # a facilitator or an organizer records the result.
    return _leaders_only(
        actor, institution, _("Only a facilitator of this institution can record roles.")
    )


@rule("role.view")
def _role_view(actor: Any, institution: Any) -> Decision:
    return members_and_organizers(actor, institution)


@rule("recall.petition")
def _recall_petition(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_verified_member(actor, institution):
        return ALLOW
    return Decision(
        False,
        "verified_members_only",
        _("Only verified members can open or sign a recall petition."),
    )


__all__ = ["membership_of"]
