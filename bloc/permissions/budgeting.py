"""Rules about participatory budgets.

Budgets are as public as the institution's records (a city allocation is public
money); a council's budget is also open to the members of every assembly below the
council, who submit ideas and vote there. Members submit ideas; the review team
(named on the budget) and the institution's facilitators review them and keep the
implementation record;
facilitators and the chapter's organizers set budgets up and enter paper ballots.
Who may vote — verified members at the opening of the vote — is checked by the
voting service, which also says why not.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import is_member, leads, members_and_organizers


def reviews(actor: Any, budget: Any) -> bool:
    """On the budget's review team (and still a member), or leading its institution."""
    if not is_person(actor):
        return False
    institution = budget.institution
    if leads(actor, institution):
        return True
    # A team member who has left the institution no longer reviews for it.
    return budget.reviewers.filter(pk=actor.pk).exists() and is_member(actor, institution)


def _institution_of(obj: Any) -> Any:
    """Budget rules take the institution (its list of budgets) or a budget."""
    return getattr(obj, "institution", obj)


def in_council_budget(actor: Any, obj: Any) -> bool:
    """A member of one of the assemblies a council's budget belongs to."""
    if not is_person(actor) or getattr(obj, "council_id", None) is None:
        return False
    from bloc.budgeting.selectors import assemblies_voting
    from bloc.membership.models import Membership

    return Membership.objects.filter(
        user_id=actor.pk, left_at__isnull=True, institution_id__in=assemblies_voting(obj)
    ).exists()


@rule("budget.view")
def _budget_view(actor: Any, obj: Any) -> Decision:
    from bloc.institutions.selectors import bylaws_settings

    institution = _institution_of(obj)
    if bylaws_settings(institution=institution).public_records:
        return ALLOW
    decision = members_and_organizers(actor, institution)
    if not decision and in_council_budget(actor, obj):
        return ALLOW
    return decision


@rule("budget.manage")
@rule("budget.paper")
def _budget_manage(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution):
        return ALLOW
    return Decision(
        False, "facilitators_only", _("Only a facilitator or an organizer can do this.")
    )


@rule("budget.propose")
def _budget_propose(actor: Any, obj: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, _institution_of(obj)) or in_council_budget(actor, obj):
        return ALLOW
    if getattr(obj, "council_id", None) is not None:
        return Decision(
            False,
            "members_only",
            _("Only members of the assemblies of %(council)s can submit an idea.")
            % {"council": obj.council.name},
        )
    return Decision(
        False, "members_only", _("Only members of this institution can submit an idea.")
    )


@rule("budget.review")
@rule("budget.track")
def _budget_review(actor: Any, budget: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if reviews(actor, budget):
        return ALLOW
    return Decision(
        False,
        "reviewers_only",
        _("Only the budget's review team or a facilitator can do this."),
    )
