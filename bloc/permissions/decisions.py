"""Rules about proposals, deliberation, follow-up and polls.

Whether a member may vote in a given poll is not a rule here: it is the poll's
electorate, snapshotted when the poll opens (``bloc.decisions.voting``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bloc.permissions import ALLOW, Decision, is_person, login_required_decision, rule
from bloc.permissions.roles import (
    holds_role,
    is_chapter_organizer,
    is_member,
    leads,
    members_and_organizers,
)


def _public_records(institution: Any) -> bool:
    from bloc.institutions.selectors import bylaws_settings

    return bylaws_settings(institution=institution).public_records


def _members_only() -> Decision:
    return Decision(False, "members_only", _("Only members of this institution can do this."))


@rule("decisions.view")
def _decisions_view(actor: Any, institution: Any) -> Decision:
    # Proposals, polls and their results are public when the bylaws make records public.
    if _public_records(institution):
        return ALLOW
    return members_and_organizers(actor, institution)


@rule("proposal.create")
@rule("amendment.create")
def _members(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    return ALLOW if is_member(actor, institution) else _members_only()


@rule("proposal.edit")
def _proposal_edit(actor: Any, proposal: Any) -> Decision:
    # The author edits their own draft or proposal under discussion; others amend it.
    if not is_person(actor):
        return login_required_decision()
    if proposal.author_id == actor.pk and is_member(actor, proposal.institution):
        return ALLOW
    return Decision(False, "author_only", _("Only the author can change this proposal."))


@rule("proposal.move_to_vote")
def _proposal_move_to_vote(actor: Any, proposal: Any) -> Decision:
    from bloc.institutions.selectors import bylaws_settings

    if not is_person(actor):
        return login_required_decision()
    institution = proposal.institution
    who = bylaws_settings(institution=institution).who_moves_to_vote
    if leads(actor, institution):
        return ALLOW
    if who == "author" and proposal.author_id == actor.pk and is_member(actor, institution):
        return ALLOW
    if who == "any_member" and is_member(actor, institution):
        return ALLOW
    if who == "author":
        reason = _("Under the bylaws, only the author or a facilitator can call the vote.")
    elif who == "facilitator":
        reason = _("Under the bylaws, only a facilitator can call the vote.")
    else:
        reason = _("Only members of this institution can call the vote.")
    return Decision(False, "may_not_call_vote", reason)


@rule("comment.create")
def _comment_create(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if is_member(actor, institution) or is_chapter_organizer(actor, institution.chapter_id):
        return ALLOW
    return _members_only()


@rule("comment.moderate")
def _comment_moderate(actor: Any, institution: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution):
        return ALLOW
    return Decision(
        False, "facilitators_only", _("Only a facilitator or a chapter organizer can moderate.")
    )


@rule("amendment.decide")
def _amendment_decide(actor: Any, proposal: Any) -> Decision:
    # The author accepts an amendment as friendly or sends it to a vote; a
    # facilitator may send it to a vote too (an author cannot bury an amendment).
    if not is_person(actor):
        return login_required_decision()
    if proposal.author_id == actor.pk or leads(actor, proposal.institution):
        return ALLOW
    return Decision(
        False,
        "author_only",
        _("Only the proposal's author or a facilitator can decide what happens to an amendment."),
    )


@rule("task.manage")
def _task_manage(actor: Any, proposal: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    institution = proposal.institution
    if (
        leads(actor, institution)
        or holds_role(actor, institution, "secretary")
        or (proposal.author_id == actor.pk and is_member(actor, institution))
    ):
        return ALLOW
    return Decision(
        False,
        "follow_up_only",
        _("Only the author, the secretary or a facilitator can manage the follow-up."),
    )


@rule("task.complete")
def _task_complete(actor: Any, task: Any) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if task.owner_id == actor.pk:
        return ALLOW
    return _task_manage(actor, task.proposal)


def _officers(actor: Any, institution: Any, refusal: str) -> Decision:
    if not is_person(actor):
        return login_required_decision()
    if leads(actor, institution) or holds_role(actor, institution, "secretary"):
        return ALLOW
    return Decision(False, "facilitators_only", refusal)


@rule("poll.create")
def _poll_create(actor: Any, institution: Any) -> Decision:
    return _officers(
        actor, institution, _("Only a facilitator or the secretary can set up a vote.")
    )


@rule("poll.conduct")
def _poll_conduct(actor: Any, institution: Any) -> Decision:
    # In-room voting: the roster, paper ballots and shows of hands.
    return _officers(
        actor,
        institution,
        _("Only a facilitator or the secretary can record votes cast in the room."),
    )
