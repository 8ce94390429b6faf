"""Motions: majority, supermajority and consensus, counted against stated thresholds.

A motion is adopted or not; the ``Result`` says which (``winners`` is ``(ADOPT,)`` or
``(REJECT,)``) and its ``MotionCount`` lists every count, every threshold and which
conditions were met, so a member can see exactly why.

Majority and supermajority (``majority``):

* ``threshold`` is the share of ``base`` votes that must be for the motion: more than
  half for a simple majority (``inclusive=False``), at least two thirds for a 2/3
  supermajority (``inclusive=True``), as bylaws usually word them;
* ``base`` says how abstentions count: ``"votes_cast"`` (for + against: abstentions do
  not count either way, Robert's Rules), ``"ballots"`` (abstentions included, so they
  weigh like votes against) or ``"members"`` (a share of every eligible member: not
  voting weighs like voting against);
* quorum: at least ``quorum_ballots`` ballots (abstentions included), and at least
  ``quorum_share`` of ``members`` voting when set. Without quorum the motion fails,
  whatever the count. A motion with no vote for it never passes, even when the
  threshold would be 0.

Consensus (``consensus``), for groups that decide by consent: each participant
consents, stands aside (does not support but lets it pass) or blocks. It passes when
there are at most ``max_blocks`` blocks (0 by default: one block stops it) and at most
``max_stand_asides`` stand-asides (no limit by default), and quorum is met. When it
fails and the bylaws allow a fallback, the same ballots are counted as a
supermajority: consents for, blocks against, stand-asides as abstentions (they said
they would not stand in the way) — the fallback is named in the checks and notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from bloc.core.tally.result import MotionCount, Result

#: The two "candidates" of a motion's Result.
ADOPT, REJECT = 0, 1
OUTCOMES = ("adopt", "reject")

BASES = ("votes_cast", "ballots", "members")

SIMPLE_MAJORITY = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)


@dataclass(frozen=True)
class MajorityRules:
    """How a motion passes; see the module docstring. Raises ``ValueError`` when invalid."""

    threshold: Fraction = SIMPLE_MAJORITY
    inclusive: bool = False
    base: str = "votes_cast"
    quorum_ballots: int = 0
    quorum_share: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        if not 0 <= self.threshold <= 1:
            raise ValueError(f"the threshold must be between 0 and 1, got {self.threshold}")
        if self.base not in BASES:
            raise ValueError(f"base must be one of {', '.join(BASES)}, got {self.base!r}")
        if self.quorum_ballots < 0:
            raise ValueError("the quorum cannot be negative")
        if not 0 <= self.quorum_share <= 1:
            raise ValueError(f"the quorum share must be between 0 and 1, got {self.quorum_share}")

    @classmethod
    def supermajority(
        cls,
        threshold: Fraction = TWO_THIRDS,
        *,
        base: str = "votes_cast",
        quorum_ballots: int = 0,
        quorum_share: Fraction = Fraction(0),
    ) -> MajorityRules:
        """At least ``threshold`` (two thirds by default) of the base must be for."""
        return cls(threshold, True, base, quorum_ballots, quorum_share)


@dataclass(frozen=True)
class ConsensusRules:
    """When consent is reached; see the module docstring."""

    max_blocks: int = 0
    max_stand_asides: int | None = None
    quorum_ballots: int = 0
    quorum_share: Fraction = Fraction(0)
    fallback: MajorityRules | None = None

    def __post_init__(self) -> None:
        if self.max_blocks < 0 or (self.max_stand_asides is not None and self.max_stand_asides < 0):
            raise ValueError("the block and stand-aside limits cannot be negative")
        if self.quorum_ballots < 0 or not 0 <= self.quorum_share <= 1:
            raise ValueError("the quorum must be a non-negative count and a share from 0 to 1")


def _check_counts(members: int | None, needs_members: bool, **counts: int) -> None:
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"the number of {name.replace('_', ' ')} ballots cannot be negative")
    if needs_members and members is None:
        raise ValueError("these rules need the number of eligible members")
    if members is not None and members < sum(counts.values()):
        raise ValueError(f"{sum(counts.values())} ballots but only {members} eligible members")


def _quorum(quorum_ballots: int, share: Fraction, members: int | None) -> int:
    needed = quorum_ballots
    if share and members is not None:
        needed = max(needed, math.ceil(share * members))
    return needed


def _needed(threshold: Fraction, inclusive: bool, base: int) -> int:
    """Fewest votes for that meet the threshold of ``base`` (never fewer than one)."""
    share = threshold * base
    needed = math.ceil(share) if inclusive else math.floor(share) + 1
    return max(needed, 1)


def _result(rule: str, count: MotionCount, total: int, notes: tuple[str, ...]) -> Result:
    return Result(
        rule=rule,
        candidates=OUTCOMES,
        winners=(ADOPT,) if count.passed else (REJECT,),
        rounds=(),
        total_ballots=total,
        motion=count,
        notes=notes,
    )


def majority(
    for_: int,
    against: int,
    abstain: int = 0,
    *,
    rules: MajorityRules | None = None,
    members: int | None = None,
) -> Result:
    """Count a motion by majority or supermajority (``rules``; simple majority by default).

    ``members`` is the number of eligible members, needed for ``base="members"`` or a
    quorum share. Raises ``ValueError`` on negative counts, more ballots than members,
    or missing ``members``.
    """
    rules = rules or MajorityRules()
    count = _majority_count(for_, against, abstain, rules, members)
    rule = (
        "majority"
        if not rules.inclusive and rules.threshold == SIMPLE_MAJORITY
        else "supermajority"
    )
    return _result(rule, count, for_ + against + abstain, ())


def _majority_count(
    for_: int,
    against: int,
    abstain: int,
    rules: MajorityRules,
    members: int | None,
    *,
    labels: tuple[str, str, str] = ("for", "against", "abstain"),
    extra_checks: tuple[tuple[str, bool], ...] = (),
) -> MotionCount:
    needs_members = rules.base == "members" or bool(rules.quorum_share)
    _check_counts(members, needs_members, for_=for_, against=against, abstain=abstain)
    ballots = for_ + against + abstain
    base = {
        "votes_cast": for_ + against,
        "ballots": ballots,
        "members": members if members is not None else ballots,
    }[rules.base]
    needed = _needed(rules.threshold, rules.inclusive, base)
    quorum_needed = _quorum(rules.quorum_ballots, rules.quorum_share, members)
    quorum_met = ballots >= quorum_needed
    threshold_met = for_ >= needed
    threshold_code = ("at_least_" if rules.inclusive else "more_than_") + "threshold"
    checks = (*extra_checks, ("quorum", quorum_met), (threshold_code, threshold_met))
    return MotionCount(
        counts=((labels[0], for_), (labels[1], against), (labels[2], abstain)),
        threshold=rules.threshold,
        threshold_of=rules.base,
        base=base,
        needed=needed,
        quorum_needed=quorum_needed,
        quorum_present=ballots,
        passed=quorum_met and threshold_met,
        checks=checks,
    )


def consensus(
    consent: int,
    stand_aside: int = 0,
    block: int = 0,
    *,
    rules: ConsensusRules | None = None,
    members: int | None = None,
) -> Result:
    """Count a consensus decision (``rules``: by default one block stops it).

    Raises ``ValueError`` on negative counts, more ballots than members, or a quorum
    share without ``members``.
    """
    rules = rules or ConsensusRules()
    _check_counts(
        members, bool(rules.quorum_share), consent=consent, stand_aside=stand_aside, block=block
    )
    ballots = consent + stand_aside + block
    quorum_needed = _quorum(rules.quorum_ballots, rules.quorum_share, members)
    checks = [
        ("quorum", ballots >= quorum_needed),
        ("blocks_within_limit", block <= rules.max_blocks),
    ]
    if rules.max_stand_asides is not None:
        checks.append(("stand_asides_within_limit", stand_aside <= rules.max_stand_asides))
    checks.append(("some_consent", consent > 0))
    reached = all(met for _, met in checks)
    counts = (("consent", consent), ("stand_aside", stand_aside), ("block", block))
    if reached or rules.fallback is None:
        count = MotionCount(
            counts=counts,
            threshold=Fraction(0),
            threshold_of="ballots",
            base=ballots,
            needed=1,
            quorum_needed=quorum_needed,
            quorum_present=ballots,
            passed=reached,
            checks=tuple(checks),
        )
        return _result("consensus", count, ballots, ())
    # Consensus failed and the bylaws fall back to a (super)majority of the same ballots.
    fallback = _majority_count(
        consent,
        block,
        stand_aside,
        rules.fallback,
        members,
        labels=("consent", "block", "stand_aside"),
        extra_checks=(("consensus_reached", False),),
    )
    note = (
        "Consensus was not reached; the bylaws' fallback counted consents for, blocks "
        "against and stand-asides as abstentions."
    )
    return _result("consensus", fallback, ballots, (note,))
