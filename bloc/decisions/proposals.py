"""Proposals: drafting, deliberation, amendments, the vote that decides them, follow-up.

Each service checks permission, validates, writes and appends to the audit log in
one transaction. A proposal's outcome is never set by hand: ``proposal_decided`` and
``amendment_decided`` are called by ``bloc.decisions.polls`` when the poll is counted.

Choices made here:
- Comments may be added in every state but withdrawn (follow-up is discussed too).
  Replies are one level deep: a reply to a reply joins the thread of its top comment.
- An amendment strikes a passage that occurs exactly once in the text (an empty
  passage appends). If an amendment adopted by vote no longer fits because another
  amendment changed its passage meanwhile, it is recorded as adopted but not
  applied (``text_before`` stays empty) and the page says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.core import polls as poll_rules
from bloc.core import proposals as rules
from bloc.core.errors import Conflict, PermissionDenied, ValidationFailed
from bloc.decisions.messages import proposal_problem, spec_problem
from bloc.decisions.models import (
    Amendment,
    AmendmentState,
    Comment,
    Poll,
    Proposal,
    ProposalState,
    Stance,
    Task,
)
from bloc.decisions.polls import poll_create
from bloc.institutions.models import Institution
from bloc.institutions.selectors import bylaws_settings
from bloc.permissions.roles import is_member
from bloc.validation import clean_text

TITLE_MAX = 200
BODY_MAX = 20_000
COMMENT_MAX = 5_000
REASON_MAX = 500
UNDECIDED_AMENDMENTS = (AmendmentState.PENDING, AmendmentState.VOTE)


# --- pure helpers ----------------------------------------------------------------


def apply_amendment(body: str, passage: str, replacement: str) -> str | None:
    """The text with ``passage`` replaced, or None if it does not occur exactly once.

    An empty passage appends the replacement as a new paragraph.
    """
    if not passage:
        return f"{body.rstrip()}\n\n{replacement.strip()}".strip()
    if body.count(passage) != 1:
        return None
    return body.replace(passage, replacement, 1)


def _required(field: str, value: str, message: str, most: int) -> str:
    return clean_text(field, value, most, required=message)


def _clean(
    title: str, body: str, rule: str, options: Sequence[str], seats: int
) -> tuple[str, str, poll_rules.PollSpec]:
    title = _required("title", title, _("Give the proposal a title."), TITLE_MAX)
    body = _required("body", body, _("Write what you propose."), BODY_MAX)
    names = [o.strip() for o in options if o and o.strip()]
    try:
        spec = poll_rules.PollSpec.build(rule, names, seats=seats)
    except poll_rules.SpecProblem as problem:
        raise spec_problem(problem) from None
    return title, body, spec


def _transition(proposal: Proposal, target: str, **kwargs: object) -> None:
    try:
        rules.check_transition(proposal.state, target, now=timezone.now(), **kwargs)  # type: ignore[arg-type]
    except rules.ProposalProblem as problem:
        raise proposal_problem(problem) from None


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _done(proposal: Proposal) -> Proposal:
    proposal.refresh_from_db()
    return proposal


# --- proposals -------------------------------------------------------------------


def proposal_create(
    *,
    actor: object,
    institution: Institution,
    title: str,
    body: str,
    rule: str | None = None,
    options: Sequence[str] = (),
    seats: int = 1,
    secret: bool = True,
) -> Proposal:
    """A new draft; the rule defaults to the bylaws' ``default_rule``."""
    permissions.require(actor, "proposal.create", institution)
    rule = rule or bylaws_settings(institution=institution).default_rule
    title, body, spec = _clean(title, body, rule, options, seats)
    motion = poll_rules.is_motion(spec.rule)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            institution=institution,
            title=title,
            body=body,
            author=actor,
            rule=spec.rule,
            options=[] if motion else list(spec.options),
            seats=spec.seats,
            secret=secret,
        )
        audit_append(
            actor=actor,
            action="proposal.create",
            subject=proposal,
            data={"institution": institution.slug, "title": title, "rule": spec.rule},
        )
    return proposal


def proposal_update(
    *,
    actor: object,
    proposal: Proposal,
    title: str,
    body: str,
    rule: str,
    options: Sequence[str] = (),
    seats: int = 1,
    secret: bool = True,
) -> Proposal:
    """Change a draft. Once in discussion, changes go through amendments."""
    permissions.require(actor, "proposal.edit", proposal)
    title, body, spec = _clean(title, body, rule, options, seats)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.state != ProposalState.DRAFT:
            raise Conflict(
                _("Only a draft can be edited; propose an amendment instead."), code="not_draft"
            )
        locked.title, locked.body, locked.rule = title, body, spec.rule
        locked.options = [] if poll_rules.is_motion(spec.rule) else list(spec.options)
        locked.seats, locked.secret = spec.seats, secret
        locked.save()
        audit_append(
            actor=actor,
            action="proposal.update",
            subject=locked,
            data={"title": title, "rule": spec.rule},
        )
    return _done(proposal)


def proposal_open_discussion(*, actor: object, proposal: Proposal) -> Proposal:
    permissions.require(actor, "proposal.edit", proposal)
    with transaction.atomic():
        locked = _locked(proposal)
        _transition(locked, rules.DISCUSSION)
        locked.state = ProposalState.DISCUSSION
        locked.discussion_since = timezone.now()
        locked.save(update_fields=["state", "discussion_since"])
        audit_append(actor=actor, action="proposal.discuss", subject=locked)
    return _done(proposal)


def proposal_withdraw(*, actor: object, proposal: Proposal) -> Proposal:
    permissions.require(actor, "proposal.edit", proposal)
    with transaction.atomic():
        locked = _locked(proposal)
        _transition(locked, rules.WITHDRAWN)
        locked.state = ProposalState.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["state", "withdrawn_at"])
        audit_append(actor=actor, action="proposal.withdraw", subject=locked)
    return _done(proposal)


def undecided_amendments(proposal: Proposal) -> int:
    return proposal.amendments.filter(state__in=UNDECIDED_AMENDMENTS).count()


def discussion_ends_at(proposal: Proposal) -> datetime | None:
    """When the bylaws' minimum discussion time is over (None before discussion)."""
    if proposal.discussion_since is None:
        return None
    hours = bylaws_settings(institution=proposal.institution).min_discussion_hours
    return proposal.discussion_since + timedelta(hours=hours)


def proposal_move_to_vote(
    *,
    actor: object,
    proposal: Proposal,
    closes_at: datetime,
    opens_at: datetime | None = None,
) -> Poll:
    """Call the vote: the poll asks the proposal's question by the proposal's rule."""
    permissions.require(actor, "proposal.move_to_vote", proposal)
    settings = bylaws_settings(institution=proposal.institution)
    with transaction.atomic():
        locked = _locked(proposal)
        _transition(
            locked,
            rules.VOTE,
            discussion_since=locked.discussion_since,
            min_discussion=timedelta(hours=settings.min_discussion_hours),
            pending_amendments=undecided_amendments(locked),
        )
        poll = poll_create(
            actor=actor,
            institution=locked.institution,
            title=locked.title,
            description=locked.body,
            rule=locked.rule,
            options=locked.options,
            seats=locked.seats,
            secret=locked.secret,
            opens_at=opens_at or timezone.now(),
            closes_at=closes_at,
            proposal=locked,
            check_permission=False,
        )
        locked.state = ProposalState.VOTE
        locked.save(update_fields=["state"])
        audit_append(actor=actor, action="proposal.to_vote", subject=locked, data={"poll": poll.pk})
    proposal.refresh_from_db()
    return poll


def proposal_decided(proposal: Proposal, *, adopted: bool) -> Proposal:
    """Record the outcome of the proposal's poll (called by the poll's count)."""
    target = rules.ADOPTED if adopted else rules.REJECTED
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.state != ProposalState.VOTE:
            return _done(proposal)  # already recorded
        _transition(locked, target, by_poll=True)
        locked.state = target
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_at"])
        audit_append(actor=SYSTEM, action=f"proposal.{target}", subject=locked)
    return _done(proposal)


def proposal_carry_out(*, actor: object, proposal: Proposal, evidence: str) -> Proposal:
    """Record that an adopted proposal was carried out, and how we know."""
    permissions.require(actor, "task.manage", proposal)
    evidence = _required(
        "evidence", evidence, _("Say how it was carried out (a link, a photo, minutes)."), 5_000
    )
    with transaction.atomic():
        locked = _locked(proposal)
        _transition(locked, rules.CARRIED_OUT)
        locked.state = ProposalState.CARRIED_OUT
        locked.carried_out_at = timezone.now()
        locked.evidence = evidence
        locked.save(update_fields=["state", "carried_out_at", "evidence"])
        audit_append(actor=actor, action="proposal.carried_out", subject=locked)
    return _done(proposal)


# --- comments --------------------------------------------------------------------


def comment_add(
    *,
    actor: object,
    proposal: Proposal,
    stance: str,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    permissions.require(actor, "comment.create", proposal.institution)
    if stance not in Stance.values:
        raise ValidationFailed.for_field(
            "stance", _("Say whether you are for, against, asking or concerned.")
        )
    body = _required("body", body, _("Write your comment."), COMMENT_MAX)
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise ValidationFailed.for_field(
                "parent", _("You can only reply to a comment on this proposal.")
            )
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: join the thread
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.state == ProposalState.WITHDRAWN:
            raise Conflict(_("This proposal was withdrawn."), code="withdrawn")
        comment = Comment.objects.create(
            proposal=locked, author=actor, stance=stance, body=body, parent=parent
        )
        audit_append(
            actor=actor,
            action="comment.add",
            subject=comment,
            data={"proposal": locked.pk, "stance": stance, "parent": parent.pk if parent else None},
        )
    return comment


def comment_hide(*, actor: object, comment: Comment, reason: str) -> Comment:
    """Hide a comment from the page; the row, and why it was hidden, stay on record."""
    permissions.require(actor, "comment.moderate", comment.proposal.institution)
    reason = _required("reason", reason, _("Say why the comment is hidden."), REASON_MAX)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.hidden_at is not None:
            raise Conflict(_("This comment is already hidden."), code="already_hidden")
        locked.hidden_at = timezone.now()
        locked.hidden_by = actor  # type: ignore[assignment]
        locked.hidden_reason = reason
        locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit_append(actor=actor, action="comment.hide", subject=locked, data={"reason": reason})
    comment.refresh_from_db()
    return comment


def comment_unhide(*, actor: object, comment: Comment) -> Comment:
    permissions.require(actor, "comment.moderate", comment.proposal.institution)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.hidden_at is None:
            raise Conflict(_("This comment is not hidden."), code="not_hidden")
        audit_append(
            actor=actor,
            action="comment.unhide",
            subject=locked,
            data={"was_hidden_because": locked.hidden_reason},
        )
        locked.hidden_at, locked.hidden_by, locked.hidden_reason = None, None, ""
        locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    comment.refresh_from_db()
    return comment


# --- amendments ------------------------------------------------------------------


def _not_fitting() -> Conflict:
    return Conflict(
        _(
            "The passage to change no longer occurs exactly once in the text; "
            "another amendment may have changed it."
        ),
        code="passage_gone",
    )


def _in_discussion(proposal: Proposal) -> None:
    if proposal.state != ProposalState.DISCUSSION:
        raise Conflict(
            _("Amendments are made while the proposal is in discussion."),
            code="not_in_discussion",
        )


def amendment_propose(
    *, actor: object, proposal: Proposal, passage: str, replacement: str, reason: str = ""
) -> Amendment:
    permissions.require(actor, "amendment.create", proposal.institution)
    passage = (passage or "").strip()
    replacement = (replacement or "").strip()
    reason = (reason or "").strip()
    if not passage and not replacement:
        raise ValidationFailed.for_field(
            "replacement", _("Give the new wording, or the passage to strike.")
        )
    if passage == replacement:
        raise ValidationFailed.for_field(
            "replacement", _("The new wording is the same as the passage.")
        )
    if len(replacement) > BODY_MAX or len(reason) > COMMENT_MAX:
        raise ValidationFailed.for_field("replacement", _("This amendment is too long."))
    with transaction.atomic():
        locked = _locked(proposal)
        _in_discussion(locked)
        if passage and locked.body.count(passage) != 1:
            message = (
                _("This passage occurs more than once; include a few more words around it.")
                if passage in locked.body
                else _("This passage is not in the text; copy it exactly.")
            )
            raise ValidationFailed.for_field("passage", message, code="passage_not_found")
        amendment = Amendment.objects.create(
            proposal=locked, author=actor, passage=passage, replacement=replacement, reason=reason
        )
        audit_append(
            actor=actor, action="amendment.propose", subject=amendment, data={"proposal": locked.pk}
        )
    return amendment


def _lock_amendment(amendment: Amendment) -> tuple[Amendment, Proposal]:
    proposal = _locked(amendment.proposal)
    return Amendment.objects.select_for_update().get(pk=amendment.pk), proposal


def _pending(amendment: Amendment) -> None:
    if amendment.state != AmendmentState.PENDING:
        raise Conflict(_("This amendment has already been dealt with."), code="not_pending")


def _apply(amendment: Amendment, proposal: Proposal) -> bool:
    text = apply_amendment(proposal.body, amendment.passage, amendment.replacement)
    if text is None:
        return False
    amendment.text_before = proposal.body
    proposal.body = text
    proposal.save(update_fields=["body"])
    return True


def amendment_accept(*, actor: object, amendment: Amendment) -> Amendment:
    """The author takes the amendment as friendly: the text changes now."""
    permissions.require(actor, "proposal.edit", amendment.proposal)
    with transaction.atomic():
        locked, proposal = _lock_amendment(amendment)
        _pending(locked)
        _in_discussion(proposal)
        if not _apply(locked, proposal):
            raise _not_fitting()
        locked.state = AmendmentState.ACCEPTED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_at", "text_before"])
        audit_append(actor=actor, action="amendment.accept", subject=locked)
    amendment.refresh_from_db()
    return amendment


def amendment_to_vote(*, actor: object, amendment: Amendment, closes_at: datetime) -> Poll:
    """The members decide the amendment by majority, before the main motion."""
    permissions.require(actor, "amendment.decide", amendment.proposal)
    with transaction.atomic():
        locked, proposal = _lock_amendment(amendment)
        _pending(locked)
        _in_discussion(proposal)
        poll = poll_create(
            actor=actor,
            institution=proposal.institution,
            title=(_("Amendment to “%(title)s”") % {"title": proposal.title})[:TITLE_MAX],
            description=locked.reason,
            rule="majority",
            secret=proposal.secret,
            opens_at=timezone.now(),
            closes_at=closes_at,
            proposal=proposal,
            amendment=locked,
            check_permission=False,
        )
        locked.state = AmendmentState.VOTE
        locked.save(update_fields=["state"])
        audit_append(
            actor=actor, action="amendment.to_vote", subject=locked, data={"poll": poll.pk}
        )
    amendment.refresh_from_db()
    return poll


def amendment_withdraw(*, actor: object, amendment: Amendment) -> Amendment:
    if getattr(actor, "pk", None) != amendment.author_id:
        raise PermissionDenied(
            _("Only the author of an amendment can withdraw it."), code="author_only"
        )
    with transaction.atomic():
        locked, _proposal = _lock_amendment(amendment)
        _pending(locked)
        locked.state = AmendmentState.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_at"])
        audit_append(actor=actor, action="amendment.withdraw", subject=locked)
    amendment.refresh_from_db()
    return amendment


def amendment_decided(amendment: Amendment, *, adopted: bool) -> Amendment:
    """Record the outcome of the amendment's poll (called by the poll's count)."""
    with transaction.atomic():
        locked, proposal = _lock_amendment(amendment)
        if locked.state != AmendmentState.VOTE:
            amendment.refresh_from_db()
            return amendment
        applied = False
        if adopted:
            locked.state = AmendmentState.ADOPTED
            if proposal.state == ProposalState.DISCUSSION:
                applied = _apply(locked, proposal)
        else:
            locked.state = AmendmentState.REJECTED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_at", "text_before"])
        audit_append(
            actor=SYSTEM,
            action=f"amendment.{locked.state}",
            subject=locked,
            data={"applied": applied},
        )
    amendment.refresh_from_db()
    return amendment


def amendment_applied(amendment: Amendment) -> bool:
    """Whether the amendment changed the text (an adopted one may not have fitted)."""
    return bool(amendment.text_before)


# --- follow-up -------------------------------------------------------------------


def owner_not_member_message() -> str:
    return _("The task's owner must be a member of this institution.")


def task_add(*, actor: object, proposal: Proposal, title: str, owner: object, due_on: date) -> Task:
    permissions.require(actor, "task.manage", proposal)
    title = _required("title", title, _("Say what needs doing."), TITLE_MAX)
    if owner is None or not is_member(owner, proposal.institution):
        raise ValidationFailed.for_field("owner", owner_not_member_message())
    if due_on is None:
        raise ValidationFailed.for_field("due_on", _("Give a due date."))
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.state != ProposalState.ADOPTED:
            raise Conflict(
                _("Tasks are added to an adopted proposal, before it is carried out."),
                code="not_adopted",
            )
        task = Task.objects.create(proposal=locked, title=title, owner=owner, due_on=due_on)
        audit_append(
            actor=actor,
            action="task.add",
            subject=task,
            data={"proposal": locked.pk, "owner": owner.pk, "due_on": due_on.isoformat()},  # type: ignore[attr-defined]
        )
    return task


def task_complete(*, actor: object, task: Task, evidence: str) -> Task:
    permissions.require(actor, "task.complete", task)
    evidence = _required("evidence", evidence, _("Say how the task was done."), 5_000)
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.done_at is not None:
            raise Conflict(_("This task is already done."), code="already_done")
        locked.done_at = timezone.now()
        locked.evidence = evidence
        locked.save(update_fields=["done_at", "evidence"])
        audit_append(actor=actor, action="task.complete", subject=locked)
    task.refresh_from_db()
    return task
