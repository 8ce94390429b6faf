"""What a counted poll or a council's decision means for the electoral work.

A counted platform poll may be the last one its platform waited for; a counted
endorsement poll may be the last one its candidate waited for (the candidate then moves
on or out); a council's decision on a chapter vote endorses a candidate, or not, or
recalls an endorsement.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bloc.confederation.models import Question as CouncilQuestion
from bloc.decisions.models import Poll
from bloc.decisions.signals import poll_counted, question_decided


@receiver(poll_counted, sender=Poll)
def _poll_counted(sender: Any, poll: Poll, **kwargs: Any) -> None:
    from bloc.electoral.endorsements import endorsement_count
    from bloc.electoral.models import EndorsementBallot, PlatformBallot
    from bloc.electoral.platforms import platform_count

    ballot = PlatformBallot.objects.select_related("platform").filter(poll_id=poll.pk).first()
    if ballot is not None:
        platform_count(ballot.platform)
        return
    endorsement = (
        EndorsementBallot.objects.select_related("candidate", "candidate__cycle")
        .filter(poll_id=poll.pk)
        .first()
    )
    if endorsement is not None:
        endorsement_count(endorsement.candidate)


@receiver(question_decided, sender=CouncilQuestion)
def _question_decided(sender: Any, question: CouncilQuestion, **kwargs: Any) -> None:
    from bloc.electoral.endorsements import chapter_vote_decided

    chapter_vote_decided(question)
