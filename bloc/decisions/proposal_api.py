"""The proposals' part of the JSON API (mounted under /api/v1/institutions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.core.errors import ValidationFailed
from bloc.decisions import proposal_selectors as sel
from bloc.decisions import proposals as svc
from bloc.decisions.models import Amendment, Comment, Poll, Proposal, Task
from bloc.decisions.polls import poll_sync
from bloc.institutions.models import Institution
from bloc.institutions.selectors import institution_get
from bloc.membership.models import Membership

router = Router(tags=["proposals"])


class ProposalSummaryOut(Schema):
    id: int
    title: str
    state: str
    author: str
    rule: str
    created_at: datetime


class CommentOut(Schema):
    id: int
    parent_id: int | None = Field(description="The comment this replies to (one level deep).")
    author: str
    stance: str
    body: str | None = Field(description="Empty (null) when hidden by a moderator.")
    created_at: datetime
    hidden: bool
    hidden_reason: str


class AmendmentOut(Schema):
    id: int
    author: str
    passage: str = Field(description="Text struck from the proposal; empty: appended.")
    replacement: str
    reason: str
    state: str
    applied: bool = Field(description="Whether it changed the text (adopted ones may not fit).")
    text_before: str = Field(description="The proposal's text just before it was applied.")
    poll_id: int | None


class TaskOut(Schema):
    id: int
    title: str
    owner_id: int
    owner: str
    due_on: date
    done_at: datetime | None
    evidence: str


class ProposalOut(ProposalSummaryOut):
    body: str = Field(description="Markdown, as amended so far.")
    options: list[str]
    seats: int
    secret: bool
    discussion_since: datetime | None
    discussion_ends_at: datetime | None = Field(
        description="When the bylaws' minimum discussion time is over."
    )
    decided_at: datetime | None
    carried_out_at: datetime | None
    evidence: str
    withdrawn_at: datetime | None
    comments: list[CommentOut]
    amendments: list[AmendmentOut]
    tasks: list[TaskOut]
    poll_ids: list[int] = Field(description="The proposal's own polls (not its amendments').")


class ProposalIn(Schema):
    title: str = Field(max_length=svc.TITLE_MAX)
    body: str = Field(max_length=svc.BODY_MAX)
    rule: str | None = Field(default=None, description="Default: the bylaws' default rule.")
    options: list[str] = Field(default_factory=list, description="None for motions.")
    seats: int = 1
    secret: bool = True


class CloseIn(Schema):
    closes_at: datetime
    opens_at: datetime | None = Field(default=None, description="Default: now.")


class CommentIn(Schema):
    stance: str = Field(description="for, against, question or concern")
    body: str = Field(max_length=svc.COMMENT_MAX)
    parent_id: int | None = None


class ReasonIn(Schema):
    reason: str = Field(max_length=svc.REASON_MAX)


class AmendmentIn(Schema):
    passage: str = ""
    replacement: str = ""
    reason: str = ""


class TaskIn(Schema):
    title: str = Field(max_length=svc.TITLE_MAX)
    owner_id: int
    due_on: date


class EvidenceIn(Schema):
    evidence: str = Field(max_length=5000)


def _viewable(request: HttpRequest, slug: str) -> Institution:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "decisions.view", institution)
    return institution


def _proposal(request: HttpRequest, slug: str, proposal_id: int) -> Proposal:
    institution = _viewable(request, slug)
    return sel.proposal_get(institution=institution, proposal_id=proposal_id)


def _summary(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "state": p.state,
        "author": p.author.full_name,
        "rule": p.rule,
        "created_at": p.created_at,
    }


def _comment(c: Comment) -> CommentOut:
    hidden = c.hidden_at is not None
    return CommentOut(
        id=c.pk,
        parent_id=c.parent_id,
        author=c.author.full_name,
        stance=c.stance,
        body=None if hidden else c.body,
        created_at=c.created_at,
        hidden=hidden,
        hidden_reason=c.hidden_reason,
    )


def _amendment(a: Amendment) -> AmendmentOut:
    poll = Poll.objects.filter(amendment=a).values_list("pk", flat=True).first()
    return AmendmentOut(
        id=a.pk,
        author=a.author.full_name,
        passage=a.passage,
        replacement=a.replacement,
        reason=a.reason,
        state=a.state,
        applied=svc.amendment_applied(a),
        text_before=a.text_before,
        poll_id=poll,
    )


def _task(t: Task) -> TaskOut:
    return TaskOut(
        id=t.pk,
        title=t.title,
        owner_id=t.owner_id,
        owner=t.owner.full_name,
        due_on=t.due_on,
        done_at=t.done_at,
        evidence=t.evidence,
    )


def _full(proposal: Proposal) -> ProposalOut:
    for poll in Poll.objects.filter(proposal=proposal):
        poll_sync(poll)  # an ended vote is counted before we answer
    p = Proposal.objects.select_related("author", "institution").get(pk=proposal.pk)
    return ProposalOut(
        **_summary(p),
        body=p.body,
        options=list(p.options),
        seats=p.seats,
        secret=p.secret,
        discussion_since=p.discussion_since,
        discussion_ends_at=svc.discussion_ends_at(p),
        decided_at=p.decided_at,
        carried_out_at=p.carried_out_at,
        evidence=p.evidence,
        withdrawn_at=p.withdrawn_at,
        comments=[_comment(c) for c in p.comments.select_related("author")],
        amendments=[_amendment(a) for a in p.amendments.select_related("author")],
        tasks=[_task(t) for t in p.tasks.select_related("owner")],
        poll_ids=list(
            Poll.objects.filter(proposal=p, amendment__isnull=True).values_list("pk", flat=True)
        ),
    )


@router.get("/{slug}/proposals", response=list[ProposalSummaryOut], summary="List proposals")
def proposal_list(request: HttpRequest, slug: str) -> list[ProposalSummaryOut]:
    institution = _viewable(request, slug)
    rows = Proposal.objects.filter(institution=institution).select_related("author")
    return [ProposalSummaryOut(**_summary(p)) for p in rows]


@router.post("/{slug}/proposals", response={201: ProposalOut}, summary="Write a draft proposal")
def proposal_create(request: HttpRequest, slug: str, payload: ProposalIn) -> Status:
    institution = institution_get(slug=slug)
    proposal = svc.proposal_create(actor=request.user, institution=institution, **payload.dict())
    return Status(201, _full(proposal))


@router.get(
    "/{slug}/proposals/{proposal_id}",
    response=ProposalOut,
    summary="A proposal with its comments, amendments, tasks and polls",
)
def proposal_detail(request: HttpRequest, slug: str, proposal_id: int) -> ProposalOut:
    return _full(_proposal(request, slug, proposal_id))


@router.post(
    "/{slug}/proposals/{proposal_id}/discussion",
    response=ProposalOut,
    summary="Open a draft for discussion",
)
def proposal_open(request: HttpRequest, slug: str, proposal_id: int) -> ProposalOut:
    proposal = _proposal(request, slug, proposal_id)
    return _full(svc.proposal_open_discussion(actor=request.user, proposal=proposal))


@router.post("/{slug}/proposals/{proposal_id}/withdraw", response=ProposalOut, summary="Withdraw")
def proposal_withdraw(request: HttpRequest, slug: str, proposal_id: int) -> ProposalOut:
    proposal = _proposal(request, slug, proposal_id)
    return _full(svc.proposal_withdraw(actor=request.user, proposal=proposal))


@router.post("/{slug}/proposals/{proposal_id}/vote", response=ProposalOut, summary="Call the vote")
def proposal_vote(
    request: HttpRequest, slug: str, proposal_id: int, payload: CloseIn
) -> ProposalOut:
    proposal = _proposal(request, slug, proposal_id)
    svc.proposal_move_to_vote(
        actor=request.user,
        proposal=proposal,
        closes_at=payload.closes_at,
        opens_at=payload.opens_at,
    )
    return _full(proposal)


@router.post(
    "/{slug}/proposals/{proposal_id}/carried-out",
    response=ProposalOut,
    summary="Record that an adopted proposal was carried out",
)
def proposal_carry_out(
    request: HttpRequest, slug: str, proposal_id: int, payload: EvidenceIn
) -> ProposalOut:
    proposal = _proposal(request, slug, proposal_id)
    return _full(
        svc.proposal_carry_out(actor=request.user, proposal=proposal, evidence=payload.evidence)
    )


@router.post(
    "/{slug}/proposals/{proposal_id}/comments",
    response={201: CommentOut},
    summary="Comment, or reply to a comment",
)
def comment_add(request: HttpRequest, slug: str, proposal_id: int, payload: CommentIn) -> Status:
    proposal = _proposal(request, slug, proposal_id)
    parent = None
    if payload.parent_id is not None:
        parent = sel.comment_get(proposal=proposal, comment_id=payload.parent_id)
    comment = svc.comment_add(
        actor=request.user,
        proposal=proposal,
        stance=payload.stance,
        body=payload.body,
        parent=parent,
    )
    return Status(201, _comment(comment))


@router.post(
    "/{slug}/proposals/{proposal_id}/comments/{comment_id}/hide",
    response=CommentOut,
    summary="Hide a comment (moderators; the reason is shown and logged)",
)
def comment_hide(
    request: HttpRequest, slug: str, proposal_id: int, comment_id: int, payload: ReasonIn
) -> CommentOut:
    proposal = _proposal(request, slug, proposal_id)
    comment = sel.comment_get(proposal=proposal, comment_id=comment_id)
    return _comment(svc.comment_hide(actor=request.user, comment=comment, reason=payload.reason))


@router.post(
    "/{slug}/proposals/{proposal_id}/amendments",
    response={201: AmendmentOut},
    summary="Propose an amendment",
)
def amendment_propose(
    request: HttpRequest, slug: str, proposal_id: int, payload: AmendmentIn
) -> Status:
    proposal = _proposal(request, slug, proposal_id)
    amendment = svc.amendment_propose(actor=request.user, proposal=proposal, **payload.dict())
    return Status(201, _amendment(amendment))


def _amendment_of(
    request: HttpRequest, slug: str, proposal_id: int, amendment_id: int
) -> Amendment:
    proposal = _proposal(request, slug, proposal_id)
    return sel.amendment_get(proposal=proposal, amendment_id=amendment_id)


@router.post(
    "/{slug}/proposals/{proposal_id}/amendments/{amendment_id}/accept",
    response=AmendmentOut,
    summary="Accept an amendment as friendly (the author)",
)
def amendment_accept(
    request: HttpRequest, slug: str, proposal_id: int, amendment_id: int
) -> AmendmentOut:
    amendment = _amendment_of(request, slug, proposal_id, amendment_id)
    return _amendment(svc.amendment_accept(actor=request.user, amendment=amendment))


@router.post(
    "/{slug}/proposals/{proposal_id}/amendments/{amendment_id}/vote",
    response=AmendmentOut,
    summary="Put an amendment to a majority vote",
)
def amendment_vote(
    request: HttpRequest, slug: str, proposal_id: int, amendment_id: int, payload: CloseIn
) -> AmendmentOut:
    amendment = _amendment_of(request, slug, proposal_id, amendment_id)
    svc.amendment_to_vote(actor=request.user, amendment=amendment, closes_at=payload.closes_at)
    return _amendment(amendment)


@router.post(
    "/{slug}/proposals/{proposal_id}/tasks",
    response={201: TaskOut},
    summary="Add a follow-up task to an adopted proposal",
)
def task_add(request: HttpRequest, slug: str, proposal_id: int, payload: TaskIn) -> Status:
    proposal = _proposal(request, slug, proposal_id)
    membership = (
        Membership.objects.filter(
            institution=proposal.institution, user_id=payload.owner_id, left_at__isnull=True
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationFailed.for_field(
            "owner_id", svc.owner_not_member_message(), code="owner_not_member"
        )
    task = svc.task_add(
        actor=request.user,
        proposal=proposal,
        title=payload.title,
        owner=membership.user,
        due_on=payload.due_on,
    )
    return Status(201, _task(task))


@router.post(
    "/{slug}/proposals/{proposal_id}/tasks/{task_id}/complete",
    response=TaskOut,
    summary="Mark a task done, with evidence",
)
def task_complete(
    request: HttpRequest, slug: str, proposal_id: int, task_id: int, payload: EvidenceIn
) -> TaskOut:
    proposal = _proposal(request, slug, proposal_id)
    task = sel.task_get(proposal=proposal, task_id=task_id)
    return _task(svc.task_complete(actor=request.user, task=task, evidence=payload.evidence))
