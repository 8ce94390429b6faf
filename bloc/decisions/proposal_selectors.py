"""Reading proposals: lists, one proposal with its threads, amendments and history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bloc.core.errors import NotFound
from bloc.decisions.markdown import word_diff
from bloc.decisions.models import (
    Amendment,
    AmendmentState,
    Comment,
    Poll,
    Proposal,
    ProposalState,
    Task,
)
from bloc.decisions.proposals import apply_amendment
from bloc.institutions.models import Institution

#: The order in which the list page shows the states.
STATE_ORDER = (
    ProposalState.DISCUSSION,
    ProposalState.VOTE,
    ProposalState.DRAFT,
    ProposalState.ADOPTED,
    ProposalState.CARRIED_OUT,
    ProposalState.REJECTED,
    ProposalState.WITHDRAWN,
)


@dataclass
class StateGroup:
    state: str
    label: str
    proposals: list[Proposal]


def proposals_by_state(*, institution: Institution) -> list[StateGroup]:
    """The institution's proposals in groups by state (empty groups left out)."""
    rows = list(Proposal.objects.filter(institution=institution).select_related("author"))
    groups = []
    for state in STATE_ORDER:
        chosen = [p for p in rows if p.state == state]
        if chosen:
            groups.append(StateGroup(str(state), str(state.label), chosen))
    return groups


def proposal_get(*, institution: Institution, proposal_id: int) -> Proposal:
    try:
        return Proposal.objects.select_related("author", "institution").get(
            institution=institution, pk=proposal_id
        )
    except Proposal.DoesNotExist:
        raise NotFound(_("There is no such proposal.")) from None


def comment_get(*, proposal: Proposal, comment_id: int) -> Comment:
    try:
        return Comment.objects.select_related("proposal").get(proposal=proposal, pk=comment_id)
    except Comment.DoesNotExist:
        raise NotFound(_("There is no such comment.")) from None


def amendment_get(*, proposal: Proposal, amendment_id: int) -> Amendment:
    try:
        return Amendment.objects.select_related("proposal").get(proposal=proposal, pk=amendment_id)
    except Amendment.DoesNotExist:
        raise NotFound(_("There is no such amendment.")) from None


def task_get(*, proposal: Proposal, task_id: int) -> Task:
    try:
        return Task.objects.select_related("proposal", "owner").get(proposal=proposal, pk=task_id)
    except Task.DoesNotExist:
        raise NotFound(_("There is no such task.")) from None


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def comment_threads(*, proposal: Proposal) -> list[Thread]:
    """Top-level comments, oldest first, each with its replies (hidden ones included:
    the page shows who hid them and why in their place)."""
    comments = list(proposal.comments.select_related("author", "hidden_by"))
    threads = {c.pk: Thread(c) for c in comments if c.parent_id is None}
    for c in comments:
        if c.parent_id is not None and c.parent_id in threads:
            threads[c.parent_id].replies.append(c)
    return list(threads.values())


@dataclass
class AmendmentView:
    amendment: Amendment
    diff: SafeString | None  # the change, marked word by word
    applied: bool  # the text was changed by it
    fits: bool  # for an undecided one: its passage is still in the text once
    poll: Poll | None


def amendment_views(*, proposal: Proposal) -> list[AmendmentView]:
    views = []
    for a in proposal.amendments.select_related("author"):
        poll = Poll.objects.filter(amendment=a).first()
        diff, applied, fits = None, False, True
        if a.state in (AmendmentState.ACCEPTED, AmendmentState.ADOPTED) and a.text_before:
            after = apply_amendment(a.text_before, a.passage, a.replacement) or ""
            diff, applied = word_diff(a.text_before, after), True
        elif a.state in (AmendmentState.PENDING, AmendmentState.VOTE):
            after = apply_amendment(proposal.body, a.passage, a.replacement)
            fits = after is not None
            if after is not None:
                diff = word_diff(proposal.body, after)
        views.append(AmendmentView(a, diff, applied, fits, poll))
    return views


@dataclass
class Event:
    at: datetime
    text: str


def proposal_timeline(*, proposal: Proposal, polls: list[Poll]) -> list[Event]:
    """What happened to the proposal, oldest first."""
    events = [Event(proposal.created_at, _("Drafted"))]
    if proposal.discussion_since:
        events.append(Event(proposal.discussion_since, _("Opened for discussion")))
    # Numbered as on the page: in the order they were proposed.
    for number, a in enumerate(proposal.amendments.all(), start=1):
        if a.decided_at and a.state != AmendmentState.WITHDRAWN:
            events.append(
                Event(
                    a.decided_at,
                    _("Amendment %(n)s: %(state)s") % {"n": number, "state": a.get_state_display()},
                )
            )
    for poll in polls:
        if poll.amendment_id is None:
            events.append(Event(poll.created_at, _("Called to a vote")))
    if proposal.decided_at:
        adopted = proposal.state in (ProposalState.ADOPTED, ProposalState.CARRIED_OUT)
        text = _("Adopted by the vote") if adopted else _("Rejected by the vote")
        events.append(Event(proposal.decided_at, text))
    if proposal.carried_out_at:
        events.append(Event(proposal.carried_out_at, _("Carried out")))
    if proposal.withdrawn_at:
        events.append(Event(proposal.withdrawn_at, _("Withdrawn")))
    return sorted(events, key=lambda e: e.at)
