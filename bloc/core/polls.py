"""A poll's counting, as plain data: what it asks, how it is counted, what is published.

``PollSpec`` is everything about a poll the count depends on (rule, options, seats,
the rule's parameters, the tie-break seed). From it come the ballot a voter fills
in (``form``), the tally engine's options (``options``), the count of a poll's stored
ballots (``count``), the ballot file published after close (``ballot_file``) and the
``bloc tally`` command that reproduces the published result from that file
(``command``): the app and the command line count the same file the same way.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from bloc.core import ballot_entry
from bloc.core.ballot_entry import APPROVAL, CHOICE, RANKED, SCORE, BallotForm
from bloc.core.formats.json_ballots import format_json_ballots
from bloc.core.tally import rules as tally_rules
from bloc.core.tally.motions import ADOPT
from bloc.core.tally.result import Result
from bloc.core.tally.tiebreak import DEFAULT_SEED

#: Options of the motion rules, by the names ``bloc tally`` reads them by.
MOTION_OPTIONS = {
    "majority": ("for", "against", "abstain"),
    "supermajority": ("for", "against", "abstain"),
    "consensus": ("consent", "stand aside", "block"),
}
MOTIONS = tuple(MOTION_OPTIONS)

#: Rules a poll may use: every rule of the engine. Ranked pairs is limited in options
#: because its running time grows too fast with many equal margins.
POLL_RULES = tuple(tally_rules.RULES)
MAX_OPTIONS = 60
MAX_OPTIONS_BY_RULE = {"ranked_pairs": 12}

#: Outcomes of a poll.
ADOPTED, REJECTED, ELECTED, NO_QUORUM, TIED = "adopted", "rejected", "elected", "no_quorum", "tied"

Row = tuple[str, int]  # (canonical ballot text, how many voters cast it)


class SpecProblem(ValueError):
    """A poll cannot be set up like this. Codes: ``unknown_rule``, ``too_few_options``,
    ``too_many_options`` (``most``), ``same_option``, ``blank_option``, ``bad_seats``
    (``most``), ``bad_threshold``, ``bad_approvals``, ``bad_scores``, ``bad_parameter``
    (``name``)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


def ballot_kind(rule: str) -> str:
    """What a voter fills in for ``rule``: pick one, rank, approve or score."""
    engine = tally_rules.get_rule(rule)
    if engine.ballots == tally_rules.MOTION or engine.name == "plurality":
        return CHOICE
    return {tally_rules.RANKED: RANKED, tally_rules.APPROVAL: APPROVAL}.get(engine.ballots, SCORE)


def is_motion(rule: str) -> bool:
    return tally_rules.ALIASES.get(rule, rule) in MOTION_OPTIONS


_PARAMETERS = {
    "threshold",  # supermajority: share needed; consensus: the fallback's share ("2/3")
    "max_approvals",
    "min_approvals",
    "low",
    "high",
    "by",  # score: mean | sum
    "rank_all",
    "seed",
}


@dataclass(frozen=True)
class PollSpec:
    rule: str
    options: tuple[str, ...]
    seats: int = 1
    parameters: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        rule: str,
        options: Sequence[str] = (),
        *,
        seats: int = 1,
        parameters: Mapping[str, Any] | None = None,
    ) -> PollSpec:
        """Check and normalise a poll's set-up (motions get their fixed options)."""
        if tally_rules.ALIASES.get(rule, rule) not in tally_rules.RULES:
            raise SpecProblem("unknown_rule")
        rule = tally_rules.ALIASES.get(rule, rule)
        names = MOTION_OPTIONS.get(rule) or tuple(o.strip() for o in options)
        if any(not name for name in names):
            raise SpecProblem("blank_option")
        if len(names) < 2:
            raise SpecProblem("too_few_options")
        most = MAX_OPTIONS_BY_RULE.get(rule, MAX_OPTIONS)
        if len(names) > most:
            raise SpecProblem("too_many_options", most=most)
        if len(set(names)) != len(names):
            raise SpecProblem("same_option")
        engine = tally_rules.RULES[rule]
        if seats < 1 or (seats > 1 and (not engine.multi_seat or seats >= len(names))):
            raise SpecProblem("bad_seats", most=len(names) - 1 if engine.multi_seat else 1)
        spec = cls(rule, names, seats, dict(parameters or {}))
        unknown = sorted(set(spec.parameters) - _PARAMETERS)
        if unknown:
            raise SpecProblem("bad_parameter", name=unknown[0])
        spec.form()  # each raises SpecProblem on a bad setting
        spec.threshold()
        spec.options_for_count()
        return spec

    def _int(self, name: str, default: int) -> int:
        value = self.parameters.get(name, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecProblem("bad_parameter", name=name)
        return value

    def threshold(self) -> Fraction | None:
        raw = self.parameters.get("threshold")
        if raw in (None, ""):
            return None
        try:
            value = Fraction(str(raw))
        except (ValueError, ZeroDivisionError):
            raise SpecProblem("bad_threshold") from None
        if not Fraction(1, 2) <= value <= 1:
            raise SpecProblem("bad_threshold")
        return value

    @property
    def kind(self) -> str:
        return ballot_kind(self.rule)

    @property
    def seed(self) -> int:
        return self._int("seed", DEFAULT_SEED)

    def form(self) -> BallotForm:
        """The ballot a voter fills in."""
        kind = self.kind
        most = self.parameters.get("max_approvals")
        least = self._int("min_approvals", 0)
        if kind == APPROVAL and (
            (most is not None and (isinstance(most, bool) or not isinstance(most, int)))
            or least < 0
            or (most is not None and not max(least, 1) <= most <= len(self.options))
            or least > len(self.options)
        ):
            raise SpecProblem("bad_approvals")
        low, high = self._int("low", 0), self._int("high", 5)
        if kind == SCORE and not (low < high and high - low <= 100 and low >= -100):
            raise SpecProblem("bad_scores")
        return BallotForm(
            kind=kind,
            options=self.options,
            max_approvals=most if kind == APPROVAL else None,
            min_approvals=least if kind == APPROVAL else 0,
            low=low,
            high=high,
            rank_all=bool(self.parameters.get("rank_all", False)),
            # A choice ballot must choose; an empty ranking or approval still
            # counts for turnout (a voter may spoil their ballot on purpose).
            allow_empty=kind != CHOICE,
        )

    def options_for_count(
        self, *, quorum: int = 0, electorate: int | None = None
    ) -> tally_rules.Options:
        by = self.parameters.get("by", "mean")
        if by not in ("mean", "sum"):
            raise SpecProblem("bad_parameter", name="by")
        return tally_rules.Options(
            seats=self.seats,
            seed=self.seed,
            score_by=by,
            threshold=self.threshold(),
            quorum_ballots=quorum if self.rule in MOTIONS else 0,
            members=electorate if self.rule in MOTIONS else None,
        )

    def command(self, filename: str, *, quorum: int = 0, electorate: int | None = None) -> str:
        """The ``bloc tally`` command that counts the published file as the poll did."""
        parts = ["bloc", "tally", filename, "--rule", self.rule]
        if self.seats > 1:
            parts += ["--seats", str(self.seats)]
        threshold = self.threshold()
        if threshold is not None:
            parts += ["--threshold", str(threshold)]
        if self.rule in MOTIONS:
            if quorum:
                parts += ["--quorum", str(quorum)]
            if electorate is not None:
                parts += ["--members", str(electorate)]
        if self.parameters.get("by", "mean") != "mean":
            parts += ["--by", str(self.parameters["by"])]
        parts += ["--seed", str(self.seed)]
        return " ".join(parts)


def quorum_ballots(percent: int | None, electorate: int) -> int:
    """Ballots needed for ``percent`` of ``electorate`` (rounded up); 0 without a quorum."""
    return 0 if not percent else math.ceil(Fraction(percent, 100) * electorate)


def merge_rows(rows: Iterable[Row]) -> list[Row]:
    """Identical ballots merged, in the order of their text (never in the order cast)."""
    merged: Counter[str] = Counter()
    for content, n in rows:
        if n < 0:
            raise ValueError("a negative count of ballots")
        if n:
            merged[content] += n
    return sorted(merged.items())


@dataclass(frozen=True)
class Count:
    result: Result
    outcome: str
    turnout: int  # ballots counted, empty ones included
    quorum: int
    quorum_met: bool


def _profile(
    spec: PollSpec, receipted: Iterable[tuple[str, str]], rows: Iterable[Row]
) -> tuple[tally_rules.Profile, list[str | None]]:
    # Receipted (online) ballots one row each in receipt order, a random order; then
    # paper and hand-count rows merged. The count and the published file both use
    # this, so ``bloc tally`` on the file counts exactly what the poll counted.
    form = spec.form()
    online = sorted(receipted)
    others = merge_rows(rows)
    contents = [c for _, c in online] + [c for c, _ in others]
    counts = [1] * len(online) + [n for _, n in others]
    receipts: list[str | None] = [r for r, _ in online] + [None] * len(others)
    ballots = [ballot_entry.decode(form, c) for c in contents]
    return ballot_entry.profile(form, ballots, counts), receipts


def count(
    spec: PollSpec,
    receipted: Iterable[tuple[str, str]] = (),
    rows: Iterable[Row] = (),
    *,
    quorum: int = 0,
    electorate: int | None = None,
) -> Count:
    """Count a poll's ballots: ``receipted`` online ballots ``(receipt, content)`` and
    ``rows`` of paper and hand-counted ballots (each text is checked again as decoded).

    The outcome is ``adopted``/``rejected`` for a motion (the rule itself applies the
    quorum), else ``elected`` with winners, ``tied`` when the rule leaves a tie
    unbroken, or ``no_quorum`` when fewer ballots than ``quorum`` (and at least one)
    were cast: the count is still made and shown, but decides nothing.
    """
    profile, _ = _profile(spec, receipted, rows)
    result = tally_rules.count(
        spec.rule, profile, spec.options_for_count(quorum=quorum, electorate=electorate)
    )
    turnout = int(profile.counts.sum())
    # Nobody voting decides nothing, even without a quorum (a lot would pick a winner).
    quorum_met = turnout >= max(quorum, 1)
    if spec.rule in MOTIONS:
        outcome = ADOPTED if result.winners == (ADOPT,) else REJECTED
    elif not quorum_met:
        outcome = NO_QUORUM
    elif len(result.winners) != spec.seats:
        outcome = TIED
    else:
        outcome = ELECTED
    return Count(result, outcome, turnout, quorum, quorum_met)


def ballot_file(
    spec: PollSpec,
    receipted: Iterable[tuple[str, str]] = (),
    rows: Iterable[Row] = (),
    *,
    title: str | None = None,
) -> str:
    """The published ballots (bloc-ballots JSON): each online ballot with its receipt,
    then paper and hand-count rows. ``bloc tally`` on it, run as ``spec.command(...)``
    says, gives the poll's result."""
    profile, receipts = _profile(spec, receipted, rows)
    return format_json_ballots(
        profile, seats=spec.seats if spec.seats > 1 else None, title=title, receipts=receipts
    )
