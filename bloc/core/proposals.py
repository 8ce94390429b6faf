"""A proposal's life cycle and a poll's phases, as plain rules the services enforce.

draft → discussion → vote → adopted | rejected → carried out. A draft or a proposal
under discussion can be withdrawn by its author; a vote's outcome comes only from
its poll (never set by hand), and only an adopted proposal can be carried out.
Moving to a vote needs the bylaws' minimum discussion time to have passed and no
amendment left undecided (amendments are voted before the main motion).

Refusals are ``ProposalProblem`` with a stable code and parameters; the app words
them in the member's language.
"""

from __future__ import annotations

from datetime import datetime, timedelta

DRAFT = "draft"
DISCUSSION = "discussion"
VOTE = "vote"
ADOPTED = "adopted"
REJECTED = "rejected"
CARRIED_OUT = "carried_out"
WITHDRAWN = "withdrawn"

STATES = (DRAFT, DISCUSSION, VOTE, ADOPTED, REJECTED, CARRIED_OUT, WITHDRAWN)

#: Which state may follow which. ``VOTE → ADOPTED/REJECTED`` happens only when the
#: poll closes (``decided_by_poll``).
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({DISCUSSION, WITHDRAWN}),
    DISCUSSION: frozenset({VOTE, WITHDRAWN}),
    VOTE: frozenset({ADOPTED, REJECTED}),
    ADOPTED: frozenset({CARRIED_OUT}),
    REJECTED: frozenset(),
    CARRIED_OUT: frozenset(),
    WITHDRAWN: frozenset(),
}

#: Poll phases.
SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"


class ProposalProblem(ValueError):
    """A transition is refused. Codes: ``not_allowed`` (``current``, ``target``),
    ``decided_by_poll``, ``discussion_too_short`` (``hours_left``),
    ``amendments_pending`` (``count``)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


def check_transition(
    current: str,
    target: str,
    *,
    now: datetime,
    discussion_since: datetime | None = None,
    min_discussion: timedelta = timedelta(0),
    pending_amendments: int = 0,
    by_poll: bool = False,
) -> None:
    """Raise ``ProposalProblem`` unless ``current → target`` is allowed now.

    ``discussion_since`` is when discussion opened; ``by_poll`` is set only by the
    poll's closing, the one way to an outcome.
    """
    if current not in STATES or target not in TRANSITIONS[current]:
        raise ProposalProblem("not_allowed", current=current, target=target)
    if current == VOTE and not by_poll:
        raise ProposalProblem("decided_by_poll")
    if target == VOTE:
        if pending_amendments:
            raise ProposalProblem("amendments_pending", count=pending_amendments)
        started = discussion_since or now
        left = started + min_discussion - now
        if left > timedelta(0):
            hours = int(-(-left.total_seconds() // 3600))  # rounded up: never "0 hours left"
            raise ProposalProblem("discussion_too_short", hours_left=hours)


def poll_phase(opens_at: datetime, closes_at: datetime, now: datetime) -> str:
    """``scheduled`` before it opens, ``open`` from ``opens_at`` until ``closes_at``
    (excluded), ``closed`` from then on. Raises ``ValueError`` if it closes before it
    opens."""
    if closes_at <= opens_at:
        raise ValueError("a poll must close after it opens")
    if now < opens_at:
        return SCHEDULED
    return OPEN if now < closes_at else CLOSED
