"""A counted platform poll may be the last one its platform waited for."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bloc.decisions.models import Poll
from bloc.decisions.signals import poll_counted


@receiver(poll_counted, sender=Poll)
def _poll_counted(sender: Any, poll: Poll, **kwargs: Any) -> None:
    from bloc.electoral.models import PlatformBallot
    from bloc.electoral.platforms import platform_count

    ballot = PlatformBallot.objects.select_related("platform").filter(poll_id=poll.pk).first()
    if ballot is not None:
        platform_count(ballot.platform)
