"""Every counting rule by name: what ballots it takes, whether it fills several seats.

The one place that maps a rule's name (``bloc tally --rule``, a poll's stored rule) to
the function that counts it, so the command, the decisions app and the API agree on
the names and on what each rule needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from bloc.core.tally.approval import approval, av
from bloc.core.tally.ballots import ApprovalProfile, RankedProfile, ScoreProfile
from bloc.core.tally.borda import borda
from bloc.core.tally.committees import equal_shares, seq_phragmen
from bloc.core.tally.condorcet import condorcet, ranked_pairs, schulze
from bloc.core.tally.irv import irv
from bloc.core.tally.meek import meek
from bloc.core.tally.motions import ConsensusRules, MajorityRules, consensus, majority
from bloc.core.tally.pav import pav
from bloc.core.tally.plurality import plurality
from bloc.core.tally.result import Result
from bloc.core.tally.score import score
from bloc.core.tally.stv import stv
from bloc.core.tally.tiebreak import DEFAULT_SEED

Profile = RankedProfile | ApprovalProfile | ScoreProfile

RANKED, APPROVAL, SCORE, MOTION = "ranked", "approval", "score", "motion"


class RuleError(ValueError):
    """The rule cannot count these ballots with these options (a user's mistake)."""


@dataclass(frozen=True)
class Options:
    """What a count may be told beyond the ballots; each rule reads what it needs."""

    seats: int = 1
    seed: int = DEFAULT_SEED
    score_by: str = "mean"
    threshold: Fraction | None = None
    quorum_ballots: int = 0
    members: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    name: str
    ballots: str
    multi_seat: bool
    summary: str
    count: Callable[[Profile, Options], Result]


def _ranked(profile: Profile, rule: str) -> RankedProfile:
    if not isinstance(profile, RankedProfile):
        raise RuleError(f"{rule} counts ranked ballots; these are {_kind(profile)} ballots")
    return profile


def _approval(profile: Profile, rule: str) -> ApprovalProfile:
    if not isinstance(profile, ApprovalProfile):
        raise RuleError(f"{rule} counts approval ballots; these are {_kind(profile)} ballots")
    return profile


def _score(profile: Profile, rule: str) -> ScoreProfile:
    if not isinstance(profile, ScoreProfile):
        raise RuleError(f"{rule} counts score ballots; these are {_kind(profile)} ballots")
    return profile


def _kind(profile: Profile) -> str:
    if isinstance(profile, RankedProfile):
        return RANKED
    return APPROVAL if isinstance(profile, ApprovalProfile) else SCORE


#: Names a motion's options may carry, by rule, in ballot files (case-insensitive).
MOTION_CHOICES = {
    "majority": (("for", "yes", "aye"), ("against", "no", "nay"), ("abstain", "abstention")),
    "consensus": (("consent", "agree"), ("stand aside", "stand_aside", "stand-aside"), ("block",)),
}


def motion_counts(profile: Profile, rule: str) -> tuple[int, int, int]:
    """The three counts of a motion from ballots whose first choice names an option.

    A ranked ballot file whose candidates are ``for``/``against``/``abstain`` (or
    ``yes``/``no``; for consensus ``consent``/``stand aside``/``block``): each ballot
    counts for its first choice; an empty ballot is not counted.
    """
    ranked = _ranked(profile, rule)
    choices = MOTION_CHOICES["consensus" if rule == "consensus" else "majority"]
    kind_of: dict[int, int] = {}
    for index, name in enumerate(ranked.candidates):
        kinds = [k for k, names in enumerate(choices) if name.strip().lower() in names]
        if not kinds:
            expected = " / ".join(names[0] for names in choices)
            raise RuleError(f"{rule} needs options named {expected}; found {name!r}")
        kind_of[index] = kinds[0]
    counts = [0, 0, 0]
    for index, votes in enumerate(ranked.first_preferences()):
        counts[kind_of[index]] += int(votes)
    return counts[0], counts[1], counts[2]


def _majority(profile: Profile, options: Options, *, super_: bool) -> Result:
    f, a, ab = motion_counts(profile, "supermajority" if super_ else "majority")
    quorum = options.quorum_ballots
    if super_:
        rules = MajorityRules.supermajority(
            options.threshold or Fraction(2, 3), quorum_ballots=quorum
        )
    else:
        rules = MajorityRules(quorum_ballots=quorum)
    return majority(f, a, ab, rules=rules, members=options.members)


def _consensus(profile: Profile, options: Options) -> Result:
    c, s, b = motion_counts(profile, "consensus")
    fallback = None
    if options.threshold is not None:
        fallback = MajorityRules.supermajority(options.threshold)
    rules = ConsensusRules(quorum_ballots=options.quorum_ballots, fallback=fallback)
    return consensus(c, s, b, rules=rules, members=options.members)


_LIST = [
    Rule("plurality", RANKED, False, "most first preferences",
         lambda p, o: plurality(_ranked(p, "plurality"))),
    Rule("irv", RANKED, False, "instant runoff",
         lambda p, o: irv(_ranked(p, "irv"), seed=o.seed)),
    Rule("stv", RANKED, True, "single transferable vote, Scottish rules",
         lambda p, o: stv(_ranked(p, "stv"), o.seats, seed=o.seed)),
    Rule("meek", RANKED, True, "single transferable vote, Meek's method",
         lambda p, o: meek(_ranked(p, "meek"), o.seats, seed=o.seed)),
    Rule("schulze", RANKED, False, "Schulze (beat path on margins)",
         lambda p, o: schulze(_ranked(p, "schulze"))),
    Rule("ranked_pairs", RANKED, False, "Tideman's ranked pairs on margins",
         lambda p, o: ranked_pairs(_ranked(p, "ranked_pairs"))),
    Rule("condorcet", RANKED, False, "the Condorcet winner, if there is one",
         lambda p, o: condorcet(_ranked(p, "condorcet"))),
    Rule("borda", RANKED, False, "symmetric Borda count",
         lambda p, o: borda(_ranked(p, "borda"))),
    Rule("approval", APPROVAL, False, "most approvals",
         lambda p, o: approval(_approval(p, "approval"))),
    Rule("av", APPROVAL, True, "approval voting committee: the most approved",
         lambda p, o: av(_approval(p, "av"), o.seats, seed=o.seed)),
    Rule("pav", APPROVAL, True, "proportional approval voting",
         lambda p, o: pav(_approval(p, "pav"), o.seats, seed=o.seed)),
    Rule("seq_phragmen", APPROVAL, True, "sequential Phragmén",
         lambda p, o: seq_phragmen(_approval(p, "seq_phragmen"), o.seats, seed=o.seed)),
    Rule("equal_shares", APPROVAL, True, "Method of Equal Shares",
         lambda p, o: equal_shares(_approval(p, "equal_shares"), o.seats, seed=o.seed)),
    Rule("score", SCORE, False, "score (range) voting",
         lambda p, o: score(_score(p, "score"), by=o.score_by)),
    Rule("majority", MOTION, False, "simple majority of votes cast",
         lambda p, o: _majority(p, o, super_=False)),
    Rule("supermajority", MOTION, False, "supermajority (two thirds unless told)",
         lambda p, o: _majority(p, o, super_=True)),
    Rule("consensus", MOTION, False, "consensus: one block stops it",
         _consensus),
]  # fmt: skip

RULES: dict[str, Rule] = {rule.name: rule for rule in _LIST}
#: Other names people use for the same rules.
ALIASES = {"mes": "equal_shares", "phragmen": "seq_phragmen", "beat_path": "schulze",
           "rcv": "irv", "range": "score"}  # fmt: skip


def get_rule(name: str) -> Rule:
    """The rule called ``name`` (or an alias); ``RuleError`` lists the known names."""
    key = ALIASES.get(name, name)
    if key not in RULES:
        raise RuleError(f"unknown rule {name!r}; known rules: {', '.join(RULES)}")
    return RULES[key]


def count(name: str, profile: Profile, options: Options | None = None) -> Result:
    """Count ``profile`` by the rule ``name``; ``RuleError`` when they do not fit."""
    rule = get_rule(name)
    options = options or Options()
    if options.seats < 1:
        raise RuleError("seats must be at least 1")
    if options.seats > 1 and not rule.multi_seat:
        raise RuleError(f"{rule.name} elects one winner; use stv, meek, av, pav, "
                        "seq_phragmen or equal_shares for several seats")  # fmt: skip
    return rule.count(profile, options)
