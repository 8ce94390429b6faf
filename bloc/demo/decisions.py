"""Demo decisions on Maple Street: counted polls to read, an open one to vote in.

Ballots are cast through the voting service by demo residents (a fixed seed), so
the counts, receipts, published ballot files and audit events are real.
"""

from __future__ import annotations

from datetime import timedelta
from random import Random

from django.utils import timezone

from bloc.accounts.models import User
from bloc.decisions import voting
from bloc.decisions.models import Poll
from bloc.decisions.polls import poll_create, poll_sync
from bloc.institutions.models import Institution
from bloc.membership.models import Membership

SEED = 6


def _voters(institution: Institution, logins: dict[str, User]) -> list[User]:
    """Verified members of the institution other than the demo logins (who vote themselves)."""
    return [
        m.user
        for m in Membership.objects.filter(
            institution=institution, verified_at__isnull=False, left_at__isnull=True
        )
        .exclude(user__in=logins.values())
        .select_related("user")
        .order_by("user__email")
    ]


def _counted_poll(
    institution: Institution,
    facilitator: User,
    voters: list[User],
    ballots,
    **kwargs,  # type: ignore[no-untyped-def]
) -> None:
    now = timezone.now()
    poll = poll_create(
        actor=facilitator,
        institution=institution,
        opens_at=now,
        closes_at=now + timedelta(hours=1),
        **kwargs,
    )
    for voter, ballot in zip(voters, ballots, strict=False):
        voting.vote(actor=voter, poll=poll, data=ballot)
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    poll.refresh_from_db()
    poll_sync(poll)


def load_decisions(institutions: dict[str, Institution], logins: dict[str, User]) -> None:
    maple = institutions["maple-street-block"]
    facilitator = logins["facilitator"]
    if Poll.objects.filter(institution=maple).exists():
        return
    rng = Random(SEED)
    voters = _voters(maple, logins)
    evenings = ["Monday", "Tuesday", "Wednesday", "Thursday"]
    weights = [0.2, 0.35, 0.3, 0.15]

    def ranking() -> dict[int, int]:
        order = sorted(range(4), key=lambda i: rng.random() ** (1 / weights[i]), reverse=True)
        return {option: rank for rank, option in enumerate(order[: rng.randint(1, 4)], 1)}

    _counted_poll(
        maple,
        facilitator,
        voters,
        [ranking() for _ in voters],
        title="Which evening for the monthly meeting?",
        description="Rank the evenings that suit you; the meeting moves to the winner.",
        rule="irv",
        options=evenings,
    )
    names = [v.full_name for v in voters[:5]]
    _counted_poll(
        maple,
        facilitator,
        voters[5:],
        [
            {option: rank for rank, option in enumerate(rng.sample(range(5), 3), 1)}
            for _ in voters[5:]
        ],
        title="Two delegates to the Riverside North assembly",
        description="Elected by single transferable vote for one year.",
        rule="stv",
        options=names,
        seats=2,
    )
    now = timezone.now()
    poll_create(
        actor=facilitator,
        institution=maple,
        title="Ask the city for a crosswalk at Maple and 3rd?",
        description="The secretary would write to the transport department on our behalf.",
        rule="majority",
        opens_at=now,
        closes_at=now + timedelta(days=7),
    )
