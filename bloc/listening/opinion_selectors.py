"""Reads about opinion conversations, each in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from bloc.core.errors import NotFound
from bloc.institutions.models import Institution
from bloc.listening.models import (
    Moderation,
    OpinionAnalysis,
    OpinionConversation,
    Statement,
    StatementVote,
)


def conversations_of(institution: Institution) -> QuerySet[OpinionConversation]:
    return (
        OpinionConversation.objects.filter(institution=institution)
        .annotate(
            accepted=Count("statements", filter=Q(statements__moderation=Moderation.ACCEPTED))
        )
        .order_by("-created_at", "-pk")
    )


def conversation_get(
    *, conversation_id: int, institution: Institution | None = None
) -> OpinionConversation:
    found = OpinionConversation.objects.select_related("institution")
    if institution is not None:
        found = found.filter(institution=institution)
    conversation = found.filter(pk=conversation_id).first()
    if conversation is None:
        raise NotFound(_("There is no such conversation."))
    return conversation


def statement_get(*, conversation: OpinionConversation, statement_id: int) -> Statement:
    statement = Statement.objects.filter(conversation=conversation, pk=statement_id).first()
    if statement is None:
        raise NotFound(_("There is no such statement in this conversation."))
    statement.conversation = conversation
    return statement


def accepted_statements(conversation: OpinionConversation) -> QuerySet[Statement]:
    return Statement.objects.filter(
        conversation=conversation, moderation=Moderation.ACCEPTED
    ).order_by("pk")


def pending_statements(conversation: OpinionConversation) -> QuerySet[Statement]:
    return Statement.objects.filter(
        conversation=conversation, moderation=Moderation.PENDING
    ).order_by("pk")


def rejected_statements(conversation: OpinionConversation) -> QuerySet[Statement]:
    return Statement.objects.filter(
        conversation=conversation, moderation=Moderation.REJECTED
    ).order_by("pk")


def votes_of(conversation: OpinionConversation, participant: Any) -> dict[int, int]:
    """statement id → the participant's vote. One query."""
    if not getattr(participant, "is_authenticated", False):
        return {}
    return dict(
        StatementVote.objects.filter(
            statement__conversation=conversation, participant_id=participant.pk
        ).values_list("statement_id", "vote")
    )


@dataclass
class NextStatement:
    statement: Statement | None
    voted: int
    total: int


def next_statement(
    conversation: OpinionConversation, participant: Any, *, chosen: int | None = None
) -> NextStatement:
    """The first accepted statement the participant has not voted on (or ``chosen``,
    an accepted one, to change a vote). Two queries."""
    statements = list(accepted_statements(conversation))
    voted = votes_of(conversation, participant)
    done = sum(1 for s in statements if s.pk in voted)
    pick = None
    if chosen is not None:
        pick = next((s for s in statements if s.pk == chosen), None)
    if pick is None:
        pick = next((s for s in statements if s.pk not in voted), None)
    if pick is not None:
        pick.conversation = conversation
    return NextStatement(pick, done, len(statements))


@dataclass
class GroupStatement:
    statement: int
    text: str
    direction: str
    agree_percent: int
    disagree_percent: int
    seen: int


@dataclass
class GroupView:
    id: int
    number: int  # 1-based, for people
    size: int
    colour: str
    shape: str
    shape_label: str
    statements: list[GroupStatement] = field(default_factory=list)


@dataclass
class ConsensusView:
    statement: int
    text: str
    agree_percents: list[int]


@dataclass
class OpinionMapView:
    analysis: OpinionAnalysis | None
    groups: list[GroupView]
    consensus: list[ConsensusView]
    points: list[tuple[float, float, int]]  # x, y, group (-1: not grouped)
    participants: int
    ungrouped: int


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def map_view(conversation: OpinionConversation, analysis: OpinionAnalysis | None) -> OpinionMapView:
    """The stored analysis with statement texts, ready for the page and the API. One
    query (the statements' texts)."""
    from bloc.listening.opinion_svg import STYLES, shape_name

    if analysis is None:
        return OpinionMapView(None, [], [], [], 0, 0)
    result = analysis.result
    texts = dict(Statement.objects.filter(conversation=conversation).values_list("pk", "text"))
    sizes = result.get("sizes", {})
    groups: list[GroupView] = []
    for gid_text, reps in sorted(result.get("representative", {}).items(), key=lambda i: int(i[0])):
        gid = int(gid_text)
        colour, shape, _name = STYLES[gid % len(STYLES)]
        group = GroupView(
            gid, gid + 1, int(sizes.get(gid_text, 0)), colour, shape, shape_name(shape)
        )
        for rep in reps:
            seen = int(rep["seen"])
            group.statements.append(
                GroupStatement(
                    statement=int(rep["statement"]),
                    text=texts.get(int(rep["statement"]), ""),
                    direction=str(rep["direction"]),
                    agree_percent=_percent(int(rep["agree"]), seen),
                    disagree_percent=_percent(int(rep["disagree"]), seen),
                    seen=seen,
                )
            )
        groups.append(group)
    consensus = [
        ConsensusView(
            statement=int(c["statement"]),
            text=texts.get(int(c["statement"]), ""),
            agree_percents=[round(100 * float(s)) for s in c.get("agree_shares", [])],
        )
        for c in result.get("consensus", [])
    ]
    assigned = result.get("groups", {})
    points = [
        (float(xy[0]), float(xy[1]), int(assigned.get(pid, -1)))
        for pid, xy in sorted(result.get("positions", {}).items(), key=lambda i: int(i[0]))
    ]
    ungrouped = sum(1 for g in assigned.values() if int(g) < 0)
    return OpinionMapView(
        analysis, groups, consensus, points, int(result.get("participants", len(points))), ungrouped
    )
