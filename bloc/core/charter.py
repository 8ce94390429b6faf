"""How far an institution is from the democratic charter.

The charter has seven points (``Point``, in this order):

1. open membership: every resident of the area may join;
2. one member, one vote: no weighting by units, shares or dues;
3. a quorum rule: decisions need a share of the verified members;
4. rotation of roles with term limits;
5. recall of any role-holder by the members;
6. public agendas and minutes;
7. decisions by the members, not a board.

``assess(settings, practice)`` reads two things: the bylaws' enforceable
settings (``BylawsSettings``: what the institution *says*) and a ``Practice``
(what it *does*: roles held past their limit, roles left empty, meetings
without minutes, ...). The bylaws decide whether a point is claimed at all;
practice can only pull a claimed point down from met to partly met, never
up, and never down to missing (a point the bylaws hold is not gone because
practice slips; it is not kept either).

Each point gets a ``Status`` and one or more ``Reason``s: a stable code and
integer parameters, which the Django layer turns into a translated sentence
(the core cannot know the reader's language). Every reason says whether it
comes from the bylaws or from practice.

Scoring (exact, no floats): a point met is worth 2 half-points, partly met 1,
missing 0; ``Assessment.score`` is the ``Fraction`` earned / 14, so 1 means
every point met. ``Assessment.percent`` is ``floor(100 * score)``, an
integer that reaches 100 only when all seven points are met.

The next step is the one change that would raise the score most directly:
if two or more points fall short in the bylaws, adopt the charter (it fixes
all of them at once); if one does, amend that point; otherwise the first
practice problem in ``PRACTICE_PRIORITY`` order (residents before roles
before records), and when nothing falls short, keep practising.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from bloc.core.bylaws import BylawsSettings

# A quorum below this share of the verified members lets a handful decide for everyone.
QUORUM_FLOOR_PERCENT = 5
# The longest anyone may hold one role without a break (term length x term limit):
# beyond four years a role stops rotating in any sense members would recognise.
MAX_TENURE_MONTHS = 48
# What adopting the charter sets when the bylaws say nothing stricter.
CHARTER_QUORUM_PERCENT = 10
CHARTER_TERM_MONTHS = 12
CHARTER_TERM_LIMIT = 2

POINT_VALUE_MET = 2
POINT_VALUE_PARTLY = 1
POINT_VALUE_MISSING = 0


class Point(StrEnum):
    OPEN_MEMBERSHIP = "open_membership"
    ONE_MEMBER_ONE_VOTE = "one_member_one_vote"
    QUORUM = "quorum"
    ROTATION = "rotation"
    RECALL = "recall"
    PUBLIC_RECORDS = "public_records"
    MEMBER_DECISIONS = "member_decisions"


POINTS: tuple[Point, ...] = tuple(Point)
MAX_SCORE_UNITS = POINT_VALUE_MET * len(POINTS)


class Status(StrEnum):
    MET = "met"
    PARTLY = "partly"
    MISSING = "missing"

    @property
    def value_units(self) -> int:
        """Half-points this status is worth (met 2, partly 1, missing 0)."""
        return _STATUS_UNITS[self]


_STATUS_UNITS = {
    Status.MET: POINT_VALUE_MET,
    Status.PARTLY: POINT_VALUE_PARTLY,
    Status.MISSING: POINT_VALUE_MISSING,
}


class Source(StrEnum):
    BYLAWS = "bylaws"
    PRACTICE = "practice"


Params = tuple[tuple[str, int], ...]


def _params(**values: int) -> Params:
    return tuple(sorted(values.items()))


@dataclass(frozen=True)
class Reason:
    """Why a point has its status: a stable ``code`` and its integer parameters.

    ``problem`` is False for the reason a met point is met.
    """

    code: str
    source: Source
    problem: bool
    args: Params = ()

    @property
    def params(self) -> dict[str, int]:
        return dict(self.args)


@dataclass(frozen=True)
class Practice:
    """What the institution actually does; every count defaults to "no problem seen".

    Counts that bloc cannot observe yet (meetings, polls and decisions come
    with later issues) stay 0 until then. ``verified_members`` is the number
    of current members whose residency is verified: the people who can vote
    and who make a quorum.
    """

    verified_members: int = 0
    # Current members whose residency has waited unverified for longer than
    # ``waiting_days`` (membership is open in name only if no one admits them).
    residents_waiting: int = 0
    waiting_days: int = 30
    # Role-holders today whose run of consecutive terms is longer than the
    # bylaws' term limit (the limit was lowered, or the record predates it).
    roles_past_limit: int = 0
    # Current terms longer than the bylaws' term length.
    terms_too_long: int = 0
    # Roles once held whose last term ended without anyone taking it over.
    roles_unfilled: int = 0
    # Recall petitions left open for longer than ``recall_days`` without a vote.
    recalls_stalled: int = 0
    recall_days: int = 60
    meetings_without_agenda: int = 0
    meetings_without_minutes: int = 0
    decisions_without_quorum: int = 0
    weighted_votes: int = 0  # polls whose votes were weighted (by units, shares, dues)
    decisions_by_board: int = 0  # decisions recorded without a vote of the members

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Practice.{name} must be a whole number >= 0, not {value!r}")


@dataclass(frozen=True)
class PointAssessment:
    point: Point
    status: Status
    reasons: tuple[Reason, ...]

    @property
    def problems(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.problem)


@dataclass(frozen=True)
class NextStep:
    """The single most useful thing to do next. ``point`` is None for charter-wide steps."""

    code: str
    point: Point | None = None
    args: Params = ()

    @property
    def params(self) -> dict[str, int]:
        return dict(self.args)


@dataclass(frozen=True)
class Assessment:
    points: tuple[PointAssessment, ...]  # one per charter point, in ``POINTS`` order
    next_step: NextStep

    def __getitem__(self, point: Point) -> PointAssessment:
        for assessed in self.points:
            if assessed.point is point:
                return assessed
        raise KeyError(point)

    @property
    def score_units(self) -> int:
        """Half-points earned, out of ``MAX_SCORE_UNITS`` (14)."""
        return sum(p.status.value_units for p in self.points)

    @property
    def score(self) -> Fraction:
        return Fraction(self.score_units, MAX_SCORE_UNITS)

    @property
    def percent(self) -> int:
        """``floor(100 * score)``: 100 only when every point is met."""
        return self.score_units * 100 // MAX_SCORE_UNITS

    def with_status(self, status: Status) -> tuple[Point, ...]:
        return tuple(p.point for p in self.points if p.status is status)


# --- the seven points ----------------------------------------------------------


def _bylaws(code: str, *, problem: bool = True, **params: int) -> Reason:
    return Reason(code, Source.BYLAWS, problem, _params(**params))


def _practice(code: str, count: int, **params: int) -> Reason | None:
    if count <= 0:
        return None
    return Reason(code, Source.PRACTICE, True, _params(count=count, **params))


def _judge(point: Point, claim: list[Reason], practice: list[Reason | None]) -> PointAssessment:
    """Status from the bylaws' claim, pulled down to partly by any practice problem.

    ``claim`` is the bylaws' reasons: a single non-problem reason when the
    bylaws hold the point, else problems. A claim made only of problems is
    missing unless one of them is in ``_PARTIAL_CLAIMS`` (the bylaws hold part of it).
    """
    seen = [r for r in practice if r is not None]
    bylaws_problems = [r for r in claim if r.problem]
    if not bylaws_problems:
        status = Status.PARTLY if seen else Status.MET
        reasons = tuple(seen) if seen else tuple(claim)
    elif any(r.code in _PARTIAL_CLAIMS for r in bylaws_problems):
        status = Status.PARTLY
        reasons = (*bylaws_problems, *seen)
    else:
        # The bylaws do not hold the point: practice cannot make it less present.
        status = Status.MISSING
        reasons = tuple(bylaws_problems)
    return PointAssessment(point, status, reasons)


# Bylaws reasons that leave a point partly (rather than not at all) in place.
_PARTIAL_CLAIMS = frozenset(
    {"quorum_too_low", "no_term_limit", "no_term_length", "tenure_too_long"}
)


def _open_membership(s: BylawsSettings, p: Practice) -> PointAssessment:
    claim = [_bylaws("membership_open", problem=False)]
    if not s.open_membership:
        claim = [_bylaws("membership_restricted")]
    waiting = _practice("residents_waiting", p.residents_waiting, days=p.waiting_days)
    return _judge(Point.OPEN_MEMBERSHIP, claim, [waiting])


def _one_member_one_vote(s: BylawsSettings, p: Practice) -> PointAssessment:
    claim = [_bylaws("votes_equal", problem=False)]
    if not s.one_member_one_vote:
        claim = [_bylaws("votes_weighted")]
    return _judge(
        Point.ONE_MEMBER_ONE_VOTE, claim, [_practice("weighted_votes_held", p.weighted_votes)]
    )


def _quorum(s: BylawsSettings, p: Practice) -> PointAssessment:
    if s.quorum_percent is None:
        claim = [_bylaws("no_quorum")]
    elif s.quorum_percent < QUORUM_FLOOR_PERCENT:
        claim = [_bylaws("quorum_too_low", percent=s.quorum_percent, floor=QUORUM_FLOOR_PERCENT)]
    else:
        claim = [_bylaws("quorum_set", problem=False, percent=s.quorum_percent)]
    return _judge(
        Point.QUORUM,
        claim,
        [_practice("decisions_without_quorum", p.decisions_without_quorum)],
    )


def _rotation_claim(months: int | None, limit: int | None) -> Reason:
    if limit is None:
        if months is None:
            return _bylaws("no_terms")
        return _bylaws("no_term_limit", months=months)
    if months is None:
        return _bylaws("no_term_length", limit=limit)
    if months * limit > MAX_TENURE_MONTHS:
        return _bylaws(
            "tenure_too_long",
            months=months,
            limit=limit,
            tenure=months * limit,
            most=MAX_TENURE_MONTHS,
        )
    return _bylaws("terms_limited", problem=False, months=months, limit=limit)


def _rotation(s: BylawsSettings, p: Practice) -> PointAssessment:
    months, limit = s.term_months, s.term_limit
    claim = [_rotation_claim(months, limit)]
    # Practice measured against a limit or a length only counts if the bylaws set one.
    seen = [
        _practice("roles_past_limit", p.roles_past_limit, limit=limit)
        if limit is not None
        else None,
        _practice("terms_too_long", p.terms_too_long, months=months)
        if months is not None
        else None,
        _practice("roles_unfilled", p.roles_unfilled),
    ]
    return _judge(Point.ROTATION, claim, seen)


def _recall(s: BylawsSettings, p: Practice) -> PointAssessment:
    claim = [_bylaws("recall_allowed", problem=False)]
    if not s.recall:
        claim = [_bylaws("no_recall")]
    stalled = _practice("recalls_stalled", p.recalls_stalled, days=p.recall_days)
    return _judge(Point.RECALL, claim, [stalled])


def _public_records(s: BylawsSettings, p: Practice) -> PointAssessment:
    claim = [_bylaws("records_public", problem=False)]
    if not s.public_records:
        claim = [_bylaws("records_private")]
    seen = [
        _practice("meetings_without_agenda", p.meetings_without_agenda),
        _practice("meetings_without_minutes", p.meetings_without_minutes),
    ]
    return _judge(Point.PUBLIC_RECORDS, claim, seen)


def _member_decisions(s: BylawsSettings, p: Practice) -> PointAssessment:
    claim = [_bylaws("members_decide", problem=False)]
    if not s.member_decisions:
        claim = [_bylaws("board_decides")]
    seen = [
        # With no verified member there is no one who can vote, so no one decides but a few.
        Reason("no_verified_members", Source.PRACTICE, True) if p.verified_members == 0 else None,
        _practice("decisions_by_board", p.decisions_by_board),
    ]
    return _judge(Point.MEMBER_DECISIONS, claim, seen)


_ASSESSORS = {
    Point.OPEN_MEMBERSHIP: _open_membership,
    Point.ONE_MEMBER_ONE_VOTE: _one_member_one_vote,
    Point.QUORUM: _quorum,
    Point.ROTATION: _rotation,
    Point.RECALL: _recall,
    Point.PUBLIC_RECORDS: _public_records,
    Point.MEMBER_DECISIONS: _member_decisions,
}

# Practice problems, most urgent first, and the step each calls for. Residents
# come first (without verified members nothing else can be decided), then the
# roles, then the records.
PRACTICE_PRIORITY: tuple[tuple[str, str], ...] = (
    ("no_verified_members", "verify_residents"),
    ("residents_waiting", "verify_residents"),
    ("decisions_by_board", "decide_in_assembly"),
    ("weighted_votes_held", "count_votes_equally"),
    ("decisions_without_quorum", "respect_quorum"),
    ("roles_past_limit", "rotate_roles"),
    ("terms_too_long", "shorten_terms"),
    ("roles_unfilled", "elect_role_holders"),
    ("recalls_stalled", "vote_on_recalls"),
    ("meetings_without_agenda", "publish_agendas"),
    ("meetings_without_minutes", "publish_minutes"),
)


def _next_step(points: tuple[PointAssessment, ...]) -> NextStep:
    bylaws_gaps = [
        p for p in points if any(r.source is Source.BYLAWS and r.problem for r in p.reasons)
    ]
    if len(bylaws_gaps) >= 2:
        return NextStep("adopt_charter", None, _params(count=len(bylaws_gaps)))
    if bylaws_gaps:
        return NextStep("amend_bylaws", bylaws_gaps[0].point)
    problems = {r.code: (p.point, r) for p in points for r in p.reasons if r.problem}
    for code, step in PRACTICE_PRIORITY:
        if code in problems:
            point, reason = problems[code]
            return NextStep(step, point, reason.args)
    return NextStep("keep_practising")


def assess(settings: BylawsSettings, practice: Practice | None = None) -> Assessment:
    """Judge ``settings`` and ``practice`` against the charter's seven points.

    ``practice`` defaults to ``Practice()``, which has no verified members,
    so even perfect bylaws then leave "decisions by the members" partly met.
    Deterministic; never raises for valid settings.
    """
    practice = practice if practice is not None else Practice()
    points = tuple(_ASSESSORS[point](settings, practice) for point in POINTS)
    return Assessment(points, _next_step(points))


def charter_settings(current: BylawsSettings) -> BylawsSettings:
    """``current`` with the charter adopted: every point's setting on, nothing loosened.

    A quorum already at or above the floor is kept, otherwise it becomes 10%;
    term length and term limit are kept when already stricter (shorter, fewer)
    than 12 months and 2 terms. Vouching, letters and custom roles stay as
    they were. Idempotent.
    """
    quorum = current.quorum_percent
    if quorum is None or quorum < QUORUM_FLOOR_PERCENT:
        quorum = CHARTER_QUORUM_PERCENT
    months = current.term_months
    if months is None or months > CHARTER_TERM_MONTHS:
        months = CHARTER_TERM_MONTHS
    limit = current.term_limit
    if limit is None or limit > CHARTER_TERM_LIMIT:
        limit = CHARTER_TERM_LIMIT
    return replace(
        current,
        open_membership=True,
        one_member_one_vote=True,
        quorum_percent=quorum,
        term_months=months,
        term_limit=limit,
        recall=True,
        public_records=True,
        member_decisions=True,
    )
