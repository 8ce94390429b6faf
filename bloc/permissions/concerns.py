"""Rules about concerns and working groups.

Reporting is open to members and to anyone whose home address (on their profile)
is in the institution's area: a neighbour need not join to say a streetlight is
out. Saying "me too", raising a concern to a proposal and joining a working group
are for members. Facilitators (and the chapter's organizers) set up working
groups and may assign and move any concern; a working group's members assign
concerns to their own group and move the concerns it holds.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import is_member, leads, members_and_organizers


def _members_only() -> Decision:
    return Decision(False, "members_only", _("Only members of this institution can do this."))


def lives_in_area(actor: Any, institution: Any) -> bool:
    """Whether the address on the person's profile is in the institution's area."""
    from bloc.core.addresses import covers
    from bloc.institutions.selectors import area_keys

    address = getattr(actor, "address", "") or ""
    return bool(address.strip()) and covers(area_keys(institution=institution), address)


def in_a_group(actor: Any, institution: Any) -> bool:
    from bloc.concerns.models import WorkingGroup

    return WorkingGroup.objects.filter(institution=institution, members__pk=actor.pk).exists()


@rule("concern.view")
def _concern_view(actor: Any, institution: Any) -> Decision:
    # The same as decisions.view: public when the bylaws make records public.
    from bloc.institutions.selectors import bylaws_settings

    if bylaws_settings(institution=institution).public_records:
        return ALLOW
    return members_and_organizers(actor, institution)


@rule("concern.report")
def _concern_report(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution) or lives_in_area(actor, institution):
        return ALLOW
    return Decision(
        False,
        "residents_only",
        _(
            "Only members and residents of the area can report a concern. If you live "
            "here, add your home address to your profile."
        ),
    )


@rule("concern.me_too")
@rule("concern.raise")
@rule("working_group.join")
def _members(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    return ALLOW if is_member(actor, institution) else _members_only()


@rule("working_group.create")
def _working_group_create(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution):
        return ALLOW
    return Decision(False, "facilitators_only", _("Only a facilitator can set up a working group."))


@rule("concern.assign")
def _concern_assign(actor: Any, institution: Any) -> Decision:
    # Which group a member may assign to (their own) is checked by the service.
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution) or (
        is_member(actor, institution) and in_a_group(actor, institution)
    ):
        return ALLOW
    return Decision(
        False,
        "working_groups_only",
        _("Only a facilitator or a working group's members can assign concerns."),
    )


@rule("concern.update")
def _concern_update(actor: Any, concern: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    institution = concern.institution
    if leads(actor, institution):
        return ALLOW
    group = concern.working_group
    if (
        group is not None
        and is_member(actor, institution)
        and group.members.filter(pk=actor.pk).exists()
    ):
        return ALLOW
    return Decision(
        False,
        "working_group_only",
        _(
            "Only the members of the working group that holds this concern, or a facilitator, can update it."
        ),
    )
