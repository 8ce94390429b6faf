"""Rules about listening: surveys and door-to-door conversations about needs.

An institution's officers (a facilitator or the secretary: those who set up its votes)
create surveys, see their results and export them. Members answer a members-only
survey; anyone holding a public survey's link answers it (the link is checked by the
service, not here). Verified members canvass: they record what residents need. The
needs are seen by the institution's members, but the residents' names and phones only
by its officers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, check, is_person, login_required_decision, rule
from bloc.permissions.roles import is_member, is_verified_member


def _officers(actor: Any, institution: Any, reason: str) -> Decision:
    decision = check(actor, "poll.create", institution)
    if decision or decision.code == "login_required":
        return decision
    return Decision(False, "officers_only", reason)


@rule("survey.manage")
def _survey_manage(actor: Any, institution: Any) -> Decision:
    """Create a survey, add its questions, see its results, export them."""
    return _officers(actor, institution, _("Only a facilitator or the secretary can run a survey."))


@rule("survey.answer")
def _survey_answer(actor: Any, survey: Any) -> Decision:
    """Answer a members-only survey (a public one: whoever holds the link)."""
    if survey.audience == "public":
        return ALLOW
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, survey.institution):
        return ALLOW
    return Decision(
        False, "members_only", _("Only members of this institution answer this survey.")
    )


@rule("needs.record")
def _needs_record(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_verified_member(actor, institution):
        return ALLOW
    return Decision(
        False,
        "verified_members_only",
        _("Only verified members of this institution record door-to-door conversations."),
    )


@rule("needs.view")
def _needs_view(actor: Any, institution: Any) -> Decision:
    """The needs (without who said them): the institution's members."""
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution):
        return ALLOW
    return Decision(False, "members_only", _("Only members of this institution see its needs."))


@rule("needs.contacts")
def _needs_contacts(actor: Any, institution: Any) -> Decision:
    """Residents' names and phones, and turning needs into concerns or proposals."""
    return _officers(
        actor,
        institution,
        _("Only a facilitator or the secretary see residents' contact details."),
    )


# --- opinion conversations (Polis-style) --------------------------------------------


@rule("opinion.manage")
def _opinion_manage(actor: Any, institution: Any) -> Decision:
    """Open and close a conversation, add seed statements, moderate statements."""
    return _officers(
        actor, institution, _("Only a facilitator or the secretary can run a conversation.")
    )


@rule("opinion.view")
def _opinion_view(actor: Any, institution: Any) -> Decision:
    """See the conversations, their accepted statements and their opinion maps."""
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution):
        return ALLOW
    return Decision(
        False, "members_only", _("Only members of this institution see its conversations.")
    )


@rule("opinion.participate")
def _opinion_participate(actor: Any, institution: Any) -> Decision:
    """Submit statements and vote on them: verified members."""
    if not is_person(actor):
        return login_required_decision()
    if is_verified_member(actor, institution):
        return ALLOW
    return Decision(
        False,
        "verified_members_only",
        _("Only verified members of this institution take part in its conversations."),
    )
