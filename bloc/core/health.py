"""An institution's health score, so organizers know where to go.

The score starts at 100 and each problem takes away at most its weight
(weights sum to 100, so the score stays in [0, 100]). Every penalty is
bounded and monotone: more of a problem never raises the score.

============================  ======  ==============================================
problem (reason code)         weight  points lost
============================  ======  ==============================================
``charter_distance``          30      30 * (1 - points met / total points)
``irregular_meetings``        20      20 * min(1, (days since last - interval) /
                                      (2 * interval)) once the usual interval is
                                      exceeded (full loss at 3x the interval, or
                                      when no meeting was ever held)
``participation_decline``     20      20 * (previous - recent) / previous when
                                      voters fell (recent 90 days vs the 90 before)
``overdue_rotations``         10      10 * min(n, 3) / 3
``old_concerns``              10      10 * min(n, 5) / 5  (unresolved > 30 days)
``lapsed_quorum``             10      10 * min(n, 3) / 3  (meetings or polls lapsed)
============================  ======  ==============================================

Reasons are stable codes with integer parameters (the app layer translates
them), listed with the exact points lost, worst first. Arithmetic is exact
(``Fraction``); ``percent`` is the score rounded down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import floor

Params = tuple[tuple[str, int], ...]

CHARTER_DISTANCE = "charter_distance"
IRREGULAR_MEETINGS = "irregular_meetings"
PARTICIPATION_DECLINE = "participation_decline"
OVERDUE_ROTATIONS = "overdue_rotations"
OLD_CONCERNS = "old_concerns"
LAPSED_QUORUM = "lapsed_quorum"

WEIGHTS: dict[str, int] = {
    CHARTER_DISTANCE: 30,
    IRREGULAR_MEETINGS: 20,
    PARTICIPATION_DECLINE: 20,
    OVERDUE_ROTATIONS: 10,
    OLD_CONCERNS: 10,
    LAPSED_QUORUM: 10,
}
# Counts at which a penalty reaches its full weight.
ROTATIONS_CAP = 3
CONCERNS_CAP = 5
LAPSED_CAP = 3
# Days since the last meeting, in usual intervals, at which the full weight is lost.
MEETING_FULL_LOSS_INTERVALS = 3


@dataclass(frozen=True)
class HealthInput:
    """What is known about one institution.

    ``days_since_last_meeting`` is ``None`` when it never met.
    """

    institution_id: int
    charter_points_met: int
    charter_points_total: int
    days_since_last_meeting: int | None
    usual_meeting_interval_days: int
    voters_recent: int
    voters_previous: int
    overdue_rotations: int = 0
    old_concerns: int = 0
    lapsed_quorum: int = 0

    def __post_init__(self) -> None:
        if self.charter_points_total < 1:
            raise ValueError("charter_points_total must be at least 1")
        if not 0 <= self.charter_points_met <= self.charter_points_total:
            raise ValueError("charter_points_met must be within 0..total")
        if self.usual_meeting_interval_days < 1:
            raise ValueError("usual_meeting_interval_days must be at least 1")
        counts = (
            self.voters_recent,
            self.voters_previous,
            self.overdue_rotations,
            self.old_concerns,
            self.lapsed_quorum,
        )
        if any(n < 0 for n in counts) or (
            self.days_since_last_meeting is not None and self.days_since_last_meeting < 0
        ):
            raise ValueError("counts and days must be non-negative")


@dataclass(frozen=True)
class Reason:
    """A problem: stable ``code``, exact points ``lost`` and the numbers behind it."""

    code: str
    lost: Fraction
    args: Params = ()

    @property
    def params(self) -> dict[str, int]:
        return dict(self.args)


@dataclass(frozen=True)
class Health:
    institution_id: int
    score: Fraction
    reasons: tuple[Reason, ...]

    @property
    def percent(self) -> int:
        return floor(self.score)


def _capped(weight: int, n: int, cap: int) -> Fraction:
    return Fraction(weight * min(n, cap), cap)


def _losses(h: HealthInput) -> list[Reason]:
    reasons: list[Reason] = []
    w = WEIGHTS
    missing = h.charter_points_total - h.charter_points_met
    reasons.append(
        Reason(
            CHARTER_DISTANCE,
            Fraction(w[CHARTER_DISTANCE] * missing, h.charter_points_total),
            (("met", h.charter_points_met), ("total", h.charter_points_total)),
        )
    )
    interval = h.usual_meeting_interval_days
    if h.days_since_last_meeting is None:
        lost = Fraction(w[IRREGULAR_MEETINGS])
        args: Params = (("interval", interval),)
    else:
        late = max(0, h.days_since_last_meeting - interval)
        span = (MEETING_FULL_LOSS_INTERVALS - 1) * interval
        lost = Fraction(w[IRREGULAR_MEETINGS] * min(late, span), span)
        args = (("days_since", h.days_since_last_meeting), ("interval", interval))
    reasons.append(Reason(IRREGULAR_MEETINGS, lost, args))
    if h.voters_previous > 0:
        fall = max(0, h.voters_previous - h.voters_recent)
        lost = Fraction(w[PARTICIPATION_DECLINE] * fall, h.voters_previous)
    else:
        lost = Fraction(0)
    reasons.append(
        Reason(
            PARTICIPATION_DECLINE,
            lost,
            (("recent", h.voters_recent), ("previous", h.voters_previous)),
        )
    )
    for code, n, cap in (
        (OVERDUE_ROTATIONS, h.overdue_rotations, ROTATIONS_CAP),
        (OLD_CONCERNS, h.old_concerns, CONCERNS_CAP),
        (LAPSED_QUORUM, h.lapsed_quorum, LAPSED_CAP),
    ):
        reasons.append(Reason(code, _capped(w[code], n, cap), (("count", n),)))
    return reasons


def health(h: HealthInput) -> Health:
    """The score (0..100, exact) and the reasons that lost points, worst first.

    Ties between reasons keep the order of ``WEIGHTS``.
    """
    order = list(WEIGHTS)
    problems = sorted(
        (r for r in _losses(h) if r.lost > 0),
        key=lambda r: (-r.lost, order.index(r.code)),
    )
    score = 100 - sum((r.lost for r in problems), Fraction(0))
    return Health(h.institution_id, score, tuple(problems))


def rank(institutions: Iterable[HealthInput]) -> tuple[Health, ...]:
    """Health of every institution, worst score first, ties by id."""
    return tuple(
        sorted((health(h) for h in institutions), key=lambda r: (r.score, r.institution_id))
    )
