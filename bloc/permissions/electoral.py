"""Rules about the electoral work: the platform, candidates and their endorsement,
scorecards, campaigns and petitions.

What the public sees is public: the platform, candidates' profiles (their answers
once the cycle makes them public), endorsements and recalls, scorecards, petitions'
progress. An assembly's facilitators or secretary act for it (propose priorities,
nominate, start a recall), as they set up its votes. The chapter's organizers run
cycles, scorecards, campaigns and petitions. Contact data (who lives where, who
supports whom) is seen only by the campaign's own roles: its managers, and each
canvasser for the turfs given to them; not by organizers as such.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, check, is_person, login_required_decision, rule
from bloc.permissions.roles import is_chapter_organizer


def _organizers(actor: Any, chapter: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_chapter_organizer(actor, chapter):
        return ALLOW
    return Decision(False, "organizers_only", _("Only the chapter's organizers can do this."))


def campaign_role(actor: Any, campaign: Any) -> str | None:
    """The actor's role in the campaign (``manager`` | ``canvasser``), or None."""
    from bloc.electoral.models import CampaignRole

    if not is_person(actor):
        return None
    return (
        CampaignRole.objects.filter(campaign=campaign, user_id=actor.pk)
        .values_list("role", flat=True)
        .first()
    )


def _campaign_roles_only() -> Decision:
    return Decision(
        False, "campaign_roles_only", _("Only the campaign's managers and canvassers see this.")
    )


@rule("platform.view")
def _platform_view(actor: Any, chapter: Any) -> Decision:
    return ALLOW


@rule("priority.propose")
def _priority_propose(actor: Any, institution: Any) -> Decision:
    return check(actor, "poll.create", institution)


@rule("platform.manage")
def _platform_manage(actor: Any, chapter: Any) -> Decision:
    return _organizers(actor, chapter)


@rule("cycle.manage")
def _cycle_manage(actor: Any, chapter: Any) -> Decision:
    """Set up a cycle and its questionnaire, move candidates through the stages,
    score the rubric, record who won."""
    return _organizers(actor, chapter)


@rule("candidate.nominate")
def _candidate_nominate(actor: Any, institution: Any) -> Decision:
    """An assembly nominates (or seconds) a candidate; also starts a recall."""
    return check(actor, "poll.create", institution)


@rule("candidate.apply")
def _candidate_apply(actor: Any, chapter: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    return ALLOW


@rule("scorecard.manage")
def _scorecard_manage(actor: Any, chapter: Any) -> Decision:
    return _organizers(actor, chapter)


@rule("campaign.manage")
def _campaign_manage(actor: Any, chapter: Any) -> Decision:
    """Start a campaign, give its roles, build its turfs."""
    return _organizers(actor, chapter)


@rule("campaign.contacts")
def _campaign_contacts(actor: Any, campaign: Any) -> Decision:
    """See the campaign's contact data (a canvasser: their own turfs'; the service
    narrows it)."""
    if not is_person(actor):
        return login_required_decision()
    if campaign_role(actor, campaign):
        return ALLOW
    return _campaign_roles_only()


@rule("campaign.export")
def _campaign_export(actor: Any, campaign: Any) -> Decision:
    """Download walk lists, contact logs and GOTV lists (each download is audit-logged)."""
    if not is_person(actor):
        return login_required_decision()
    if campaign_role(actor, campaign) == "manager":
        return ALLOW
    return Decision(False, "managers_only", _("Only the campaign's managers can export its data."))


@rule("turf.canvass")
def _turf_canvass(actor: Any, turf: Any) -> Decision:
    """Log contacts on a turf: its canvassers and the campaign's managers."""
    if not is_person(actor):
        return login_required_decision()
    role = campaign_role(actor, turf.campaign)
    if role == "manager" or (role and turf.canvassers.filter(pk=actor.pk).exists()):
        return ALLOW
    return Decision(False, "not_your_turf", _("This turf is not one of yours."))


@rule("campaign.offer_shifts")
def _campaign_offer_shifts(actor: Any, institution: Any) -> Decision:
    """An institution offers its events' shifts to a campaign."""
    return check(actor, "event.manage", institution)


@rule("petition.manage")
def _petition_manage(actor: Any, chapter: Any) -> Decision:
    """Start a petition; enter and check signatures (names and addresses are private)."""
    return _organizers(actor, chapter)


@rule("petition.circulate")
def _petition_circulate(actor: Any, petition: Any) -> Decision:
    """Hand in a signature sheet: members of the chapter's institutions, and organizers."""
    from bloc.membership.models import Membership

    if not is_person(actor):
        return login_required_decision()
    if (
        is_chapter_organizer(actor, petition.chapter_id)
        or Membership.objects.filter(
            user_id=actor.pk, institution__chapter_id=petition.chapter_id, left_at__isnull=True
        ).exists()
    ):
        return ALLOW
    return Decision(
        False, "chapter_members_only", _("Only members of the chapter's institutions circulate.")
    )
