"""What a counted assembly poll decides for a council, applied in the closing transaction.

A join seats the assembly, a leave unseats it (its delegates' terms end), an election
seats the winners, a recall ends the delegate's term at once; a ratification poll may
be the last one a question was waiting for. What was done is kept on the vote
(``result``) and in the audit log; a join refused because the councils changed while
the assembly voted says so there.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.confederation import councils as services
from bloc.confederation.models import AssemblyVote, AssemblyVoteKind
from bloc.core.errors import Conflict
from bloc.decisions.models import Poll
from bloc.decisions.signals import poll_counted, polls_tick_started


@receiver(polls_tick_started, sender=Poll)
def _tick(sender: Any, **kwargs: Any) -> None:
    """Go on sending questions down to their assemblies (``questions.fanout_continue``)."""
    from bloc.confederation.models import Question, QuestionState
    from bloc.confederation.questions import fanout_continue, ratification_finish

    for question in Question.objects.filter(fanout__isnull=False).select_related("council"):
        fanout_continue(question)
        if question.fanout is None and question.state == QuestionState.RATIFYING:
            ratification_finish(question)


@receiver(poll_counted, sender=Poll)
def _poll_counted(sender: Any, poll: Poll, **kwargs: Any) -> None:
    vote = (
        AssemblyVote.objects.select_related("council", "institution", "delegate", "question")
        .filter(poll_id=poll.pk, applied_at=None)
        .first()
    )
    if vote is None:
        return
    vote.result = _apply(vote, poll)
    vote.applied_at = timezone.now()
    vote.save(update_fields=["result", "applied_at"])


def _apply(vote: AssemblyVote, poll: Poll) -> str:
    adopted = poll.outcome == "adopted"
    try:
        if vote.kind == AssemblyVoteKind.JOIN:
            if not adopted:
                return "rejected"
            services.seat_add(actor=SYSTEM, council=vote.council, member=vote.institution)
            return "joined"
        if vote.kind == AssemblyVoteKind.LEAVE:
            seat = services.seat_of(vote.council, vote.institution)
            if not adopted or seat is None:
                return "rejected" if not adopted else "not_seated"
            services.seat_remove(actor=SYSTEM, seat=seat)
            return "left"
        if vote.kind == AssemblyVoteKind.RECALL:
            if not adopted:
                return "kept"
            services.delegate_end(actor=SYSTEM, delegate=vote.delegate, reason="recalled")  # type: ignore[arg-type]
            return "recalled"
        if vote.kind == AssemblyVoteKind.ELECT:
            return _elect(vote, poll)
        if vote.kind == AssemblyVoteKind.RATIFY and vote.question is not None:
            from bloc.confederation.questions import ratification_finish

            ratification_finish(vote.question)
        return poll.outcome
    except Conflict as problem:
        return f"refused: {problem.code}"


def _elect(vote: AssemblyVote, poll: Poll) -> str:
    if poll.rule == "stv":
        if poll.outcome != "elected":
            return poll.outcome
        chosen = [vote.candidates[w - 1] for w in (poll.result or {}).get("winners", [])]
    elif poll.outcome == "adopted":
        chosen = list(vote.candidates)
    else:
        return "rejected"
    seat = services.seat_of(vote.council, vote.institution)
    if seat is None:
        return "not_seated"
    users = get_user_model().objects.in_bulk(chosen)
    for pk in chosen:
        services.delegate_add(actor=SYSTEM, seat=seat, user=users[pk])
    return "elected"
