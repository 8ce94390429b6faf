"""Opinion conversations in the JSON API (mounted under /api/v1/listening)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.institutions.selectors import institution_get
from bloc.listening import opinion_selectors as sel
from bloc.listening import opinions as svc
from bloc.listening.models import OpinionConversation, Statement

router = Router(tags=["opinion"])

VoteName = Literal["agree", "disagree", "pass"]
DecisionName = Literal["accept", "reject"]


class OpinionConversationIn(Schema):
    topic: str = Field(max_length=svc.TOPIC_MAX)
    description: str = Field(default="", max_length=svc.DESCRIPTION_MAX)
    seeds: list[str] = Field(default_factory=list, max_length=svc.SEEDS_MOST)
    participants_submit: bool = True


class OpinionConversationOut(Schema):
    id: int
    institution: str
    topic: str
    description: str
    is_open: bool
    participants_submit: bool
    created_at: datetime
    closed_at: datetime | None
    statements: int = Field(description="Accepted statements.")


class OpinionStatementIn(Schema):
    # The service checks the length, with the same message as the pages.
    text: str = Field(max_length=10_000)
    seed: bool = Field(default=False, description="An officer's seed statement, accepted at once.")


class OpinionStatementOut(Schema):
    id: int
    text: str
    is_seed: bool
    moderation: str


class OpinionModerationIn(Schema):
    decision: DecisionName


class OpinionVoteIn(Schema):
    vote: VoteName


class OpinionVoteOut(Schema):
    statement_id: int
    vote: VoteName


class OpinionGroupStatementOut(Schema):
    statement_id: int
    text: str
    direction: str
    agree_percent: int
    disagree_percent: int
    seen: int


class OpinionGroupOut(Schema):
    id: int
    size: int
    statements: list[OpinionGroupStatementOut]


class OpinionConsensusOut(Schema):
    statement_id: int
    text: str
    agree_percents: list[int] = Field(description="Share agreeing in each group, in group order.")


class OpinionPointOut(Schema):
    x: float
    y: float
    group: int = Field(description="-1: voted too little to be grouped.")


class OpinionAnalysisOut(Schema):
    computed_at: datetime | None
    participants: int
    groups: list[OpinionGroupOut]
    consensus: list[OpinionConsensusOut]
    points: list[OpinionPointOut] = Field(description="Participants on the map (anonymous).")


NAMES = {1: "agree", -1: "disagree", 0: "pass"}


def _conversation(request: HttpRequest, slug: str, conversation_id: int) -> OpinionConversation:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "opinion.view", institution)
    return sel.conversation_get(institution=institution, conversation_id=conversation_id)


def _conversation_out(conversation: OpinionConversation) -> dict[str, object]:
    return {
        "id": conversation.pk,
        "institution": conversation.institution.slug,
        "topic": conversation.topic,
        "description": conversation.description,
        "is_open": conversation.is_open,
        "participants_submit": conversation.participants_submit,
        "created_at": conversation.created_at,
        "closed_at": conversation.closed_at,
        "statements": sel.accepted_statements(conversation).count(),
    }


def _statement_out(statement: Statement) -> dict[str, object]:
    return {
        "id": statement.pk,
        "text": statement.text,
        "is_seed": statement.is_seed,
        "moderation": statement.moderation,
    }


@router.post(
    "/{slug}/opinions",
    response={201: OpinionConversationOut},
    summary="Open a conversation with its seed statements (officers)",
)
def opinion_create(request: HttpRequest, slug: str, payload: OpinionConversationIn) -> Status:
    institution = institution_get(slug=slug)
    made = svc.conversation_open(actor=request.user, institution=institution, **payload.dict())
    return Status(201, _conversation_out(sel.conversation_get(conversation_id=made.pk)))


@router.get(
    "/{slug}/opinions/{conversation_id}",
    response=OpinionConversationOut,
    summary="A conversation (members)",
)
def opinion_detail(request: HttpRequest, slug: str, conversation_id: int) -> object:
    return _conversation_out(_conversation(request, slug, conversation_id))


@router.post(
    "/{slug}/opinions/{conversation_id}/close",
    response=OpinionConversationOut,
    summary="Close a conversation: no more statements or votes (officers)",
)
def opinion_close(request: HttpRequest, slug: str, conversation_id: int) -> object:
    conversation = _conversation(request, slug, conversation_id)
    return _conversation_out(svc.conversation_close(actor=request.user, conversation=conversation))


@router.get(
    "/{slug}/opinions/{conversation_id}/statements",
    response=list[OpinionStatementOut],
    summary="The accepted statements (the pending ones too, for officers)",
)
def opinion_statements(request: HttpRequest, slug: str, conversation_id: int) -> object:
    conversation = _conversation(request, slug, conversation_id)
    shown = list(sel.accepted_statements(conversation))
    if permissions.check(request.user, "opinion.manage", conversation.institution):
        shown += list(sel.pending_statements(conversation))
    return [_statement_out(s) for s in shown]


@router.post(
    "/{slug}/opinions/{conversation_id}/statements",
    response={201: OpinionStatementOut},
    summary="Submit a statement (verified members; held for moderation)",
)
def opinion_statement_submit(
    request: HttpRequest, slug: str, conversation_id: int, payload: OpinionStatementIn
) -> Status:
    conversation = _conversation(request, slug, conversation_id)
    made = svc.statement_submit(
        actor=request.user, conversation=conversation, text=payload.text, seed=payload.seed
    )
    return Status(201, _statement_out(made))


@router.post(
    "/{slug}/opinions/{conversation_id}/statements/{statement_id}/moderation",
    response=OpinionStatementOut,
    summary="Accept or reject a statement (officers)",
)
def opinion_statement_moderate(
    request: HttpRequest,
    slug: str,
    conversation_id: int,
    statement_id: int,
    payload: OpinionModerationIn,
) -> object:
    conversation = _conversation(request, slug, conversation_id)
    statement = sel.statement_get(conversation=conversation, statement_id=statement_id)
    done = svc.statement_moderate(
        actor=request.user, statement=statement, accept=payload.decision == "accept"
    )
    return _statement_out(done)


@router.put(
    "/{slug}/opinions/{conversation_id}/statements/{statement_id}/vote",
    response=OpinionVoteOut,
    summary="Agree, disagree or pass on an accepted statement (again to change the vote)",
)
def opinion_vote(
    request: HttpRequest, slug: str, conversation_id: int, statement_id: int, payload: OpinionVoteIn
) -> object:
    conversation = _conversation(request, slug, conversation_id)
    statement = sel.statement_get(conversation=conversation, statement_id=statement_id)
    cast = svc.vote_cast(actor=request.user, statement=statement, vote=payload.vote)
    return {"statement_id": statement.pk, "vote": NAMES[cast.vote]}


@router.get(
    "/{slug}/opinions/{conversation_id}/analysis",
    response=OpinionAnalysisOut,
    summary="The opinion map: groups, their statements, the consensus (recomputed when stale)",
)
def opinion_analysis(request: HttpRequest, slug: str, conversation_id: int) -> object:
    conversation = _conversation(request, slug, conversation_id)
    view = sel.map_view(conversation, svc.analysis_current(conversation))
    return {
        "computed_at": view.analysis.computed_at if view.analysis else None,
        "participants": view.participants,
        "groups": [
            {
                "id": g.id,
                "size": g.size,
                "statements": [
                    {
                        "statement_id": s.statement,
                        "text": s.text,
                        "direction": s.direction,
                        "agree_percent": s.agree_percent,
                        "disagree_percent": s.disagree_percent,
                        "seen": s.seen,
                    }
                    for s in g.statements
                ],
            }
            for g in view.groups
        ],
        "consensus": [
            {"statement_id": c.statement, "text": c.text, "agree_percents": c.agree_percents}
            for c in view.consensus
        ],
        "points": [{"x": x, "y": y, "group": g} for x, y, g in view.points],
    }
