"""What a count produces: the winners, every round, and every tie and how it was broken.

A ``Result`` is the one object a count returns. It explains itself: ``to_text()`` is a
table with one row per candidate and one column per round (what ``bloc tally`` prints),
``to_json()`` a plain dict ready for ``json.dumps`` (what ``bloc tally --json`` prints
and the results pages chart). Candidates are 0-based indices inside the objects, like
the profiles; the JSON and the text number them from 1, as ballot files do.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

#: A vote total. Integers for whole ballots; ``Decimal`` for STV's fixed-point values
#: (the Scottish count keeps 5 decimals); ``Fraction`` where a rule needs exact rationals
#: (score means, Phragmén loads, Equal Shares prices).
Number = int | Decimal | Fraction

#: ``Round.reason`` codes: why a candidate left or won the count in that round.
REASON_FEWEST_VOTES = "fewest_votes"
REASON_MAJORITY = "majority"
REASON_LAST_REMAINING = "last_remaining"
REASON_MOST_VOTES = "most_votes"
REASON_MOST_POINTS = "most_points"  # Borda and score: the highest total or mean
REASON_QUOTA = "quota"  # STV: reached the quota
REASON_SEATS_LEFT = "seats_left"  # STV: as many continuing candidates as seats left
REASON_LOWEST_LOAD = "lowest_load"  # seq-Phragmén: smallest maximal load
REASON_LOWEST_PRICE = "lowest_price"  # Equal Shares: smallest price per supporter
REASON_MARGINAL_GAIN = "marginal_gain"  # sequential committee rules: best gain
REASON_BEST_COMMITTEE = "best_committee"  # PAV and AV: best committee score
REASON_UNDEFEATED = "undefeated"  # Schulze / ranked pairs: no one beats them

#: ``Transfer.kind`` codes (STV).
TRANSFER_SURPLUS = "surplus"
TRANSFER_EXCLUSION = "exclusion"

#: ``TieBreak.method`` codes.
TIEBREAK_EARLIER_ROUND = "earlier_round"
TIEBREAK_LOT = "lot"


@dataclass(frozen=True)
class TieBreak:
    """A tie the rule had to break, and how.

    ``tied`` are the candidates level in round ``round``; ``chosen`` the one picked (for
    IRV: the one eliminated). ``method`` is ``"earlier_round"`` when an earlier round
    separated them (``decided_by_round`` is that round's number) or ``"lot"`` when they
    were level in every earlier round and ``random.Random(seed)`` drew ``chosen``.
    """

    round: int
    tied: tuple[int, ...]
    chosen: int
    method: str
    decided_by_round: int | None = None
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "tied": [c + 1 for c in self.tied],
            "chosen": self.chosen + 1,
            "method": self.method,
            "decided_by_round": self.decided_by_round,
            "seed": self.seed,
        }


def json_number(value: Number) -> int | float:
    """A total as a JSON number: ints stay ints, exact decimals and fractions become floats.

    A ``Decimal`` with a few decimal places (STV's 5) converts to the float whose shortest
    text is the same digits, so the JSON shows exactly the value the count used.
    """
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return float(value)


def format_number(value: Number) -> str:
    """A total for the text table: ``1,234`` or ``1,234.56789`` (Decimal as kept)."""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,f}"
    if value.denominator == 1:
        return f"{int(value):,}"
    return f"{float(value):,.5f}"


@dataclass(frozen=True)
class Transfer:
    """Ballots moved at the end of an STV stage, with exact amounts.

    ``source`` is the candidate whose papers move, ``kind`` ``"surplus"`` or
    ``"exclusion"``. For a surplus, ``surplus`` is the amount above the quota and
    ``value`` the transfer value of each paper (Scottish rules: truncated to 5
    decimals); for an exclusion papers move at the value they carry and ``value`` is
    ``None``. ``received[c]`` is what candidate ``c`` gets (0 for those who get nothing),
    ``exhausted`` what goes to no one (non-transferable), and ``lost`` what the
    truncation of values lost, so ``sum(received) + exhausted + lost`` equals what left
    ``source``.
    """

    source: int
    kind: str
    received: tuple[Number, ...]
    exhausted: Number
    value: Number | None = None
    surplus: Number | None = None
    lost: Number = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source + 1,
            "kind": self.kind,
            "value": None if self.value is None else json_number(self.value),
            "surplus": None if self.surplus is None else json_number(self.surplus),
            "received": {str(c + 1): json_number(v) for c, v in enumerate(self.received) if v},
            "exhausted": json_number(self.exhausted),
            "lost": json_number(self.lost),
        }


@dataclass(frozen=True)
class Round:
    """One round of a count.

    ``totals[c]`` is candidate ``c``'s votes this round, or ``None`` once ``c`` has left
    the count. ``continuing`` is the number of ballots still counting for someone and
    ``exhausted`` those counting for nobody (empty ballots included), so
    ``continuing + exhausted`` is every ballot. ``eliminated`` / ``elected`` are the
    candidates leaving or winning at the end of this round, ``reason`` says why (one of
    the ``REASON_*`` codes) and ``tiebreak`` is set when a tie decided it.
    """

    number: int
    totals: tuple[Number | None, ...]
    continuing: Number
    exhausted: Number
    eliminated: tuple[int, ...] = ()
    elected: tuple[int, ...] = ()
    reason: str = ""
    tiebreak: TieBreak | None = None
    #: STV: the quota in force this round (Meek recomputes it every round).
    quota: Number | None = None
    #: STV: the papers moved at the end of this round.
    transfer: Transfer | None = None
    #: What ``totals`` measure when not votes, e.g. ``"load"`` (seq-Phragmén: lower
    #: wins) or ``"price"`` (Equal Shares: lower wins); ``None`` totals there mean the
    #: candidate was not eligible this round.
    measure: str = "votes"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "round": self.number,
            "totals": {
                str(c + 1): json_number(v) for c, v in enumerate(self.totals) if v is not None
            },
            "continuing": json_number(self.continuing),
            "exhausted": json_number(self.exhausted),
            "eliminated": [c + 1 for c in self.eliminated],
            "elected": [c + 1 for c in self.elected],
            "reason": self.reason,
            "tiebreak": None if self.tiebreak is None else self.tiebreak.to_json(),
        }
        if self.measure != "votes":
            data["measure"] = self.measure
        if self.quota is not None:
            data["quota"] = json_number(self.quota)
        if self.transfer is not None:
            data["transfer"] = self.transfer.to_json()
        return data


@dataclass(frozen=True)
class Pairwise:
    """Head-to-head counts, and what the Condorcet rules built on them.

    ``support[i][j]`` is the number of voters ranking ``i`` above ``j`` (unranked
    candidates tie below every ranked one). ``strongest_paths[i][j]`` is Schulze's
    strength of the strongest path from ``i`` to ``j`` on margins (``None`` for other
    rules). ``locked`` lists ranked pairs' locked majorities in the order they were
    considered, as ``(winner, loser, margin)``; ``skipped`` those that would have made a
    cycle. ``condorcet_winner`` / ``condorcet_loser`` are set when one exists.
    """

    support: tuple[tuple[int, ...], ...]
    condorcet_winner: int | None = None
    condorcet_loser: int | None = None
    strongest_paths: tuple[tuple[int, ...], ...] | None = None
    locked: tuple[tuple[int, int, int], ...] = ()
    skipped: tuple[tuple[int, int, int], ...] = ()

    def margin(self, i: int, j: int) -> int:
        return self.support[i][j] - self.support[j][i]

    def to_json(self) -> dict[str, Any]:
        def pairs(items: tuple[tuple[int, int, int], ...]) -> list[dict[str, int]]:
            return [{"winner": w + 1, "loser": lo + 1, "margin": m} for w, lo, m in items]

        return {
            "support": [list(row) for row in self.support],
            "condorcet_winner": _one_based(self.condorcet_winner),
            "condorcet_loser": _one_based(self.condorcet_loser),
            "strongest_paths": None
            if self.strongest_paths is None
            else [list(row) for row in self.strongest_paths],
            "locked": pairs(self.locked),
            "skipped": pairs(self.skipped),
        }


@dataclass(frozen=True)
class MotionCount:
    """A yes/no (or consent/block) decision measured against its thresholds.

    ``counts`` are the ballots of each kind, in a fixed order (e.g. ``("for", 12)``,
    ``("against", 3)``, ``("abstain", 2)``). ``needed`` of ``base`` votes had to be for
    the motion (``base`` says which votes the threshold is a share of:
    ``threshold_of``), and ``quorum_needed`` ballots (or members present) for the count to
    be valid at all. ``checks`` lists each condition as ``(code, met)`` in the order
    applied, so a reader sees exactly why the motion passed or failed.
    """

    counts: tuple[tuple[str, int], ...]
    threshold: Fraction
    threshold_of: str
    base: int
    needed: int
    quorum_needed: int
    quorum_present: int
    passed: bool
    checks: tuple[tuple[str, bool], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "threshold": str(self.threshold),
            "threshold_of": self.threshold_of,
            "base": self.base,
            "needed": self.needed,
            "quorum_needed": self.quorum_needed,
            "quorum_present": self.quorum_present,
            "passed": self.passed,
            "checks": [{"check": code, "met": met} for code, met in self.checks],
        }


def _one_based(candidate: int | None) -> int | None:
    return None if candidate is None else candidate + 1


@dataclass(frozen=True)
class Result:
    """The outcome of one rule on one profile.

    ``winners`` are candidate indices in the order elected; more than one for a
    single-winner rule means a tie the rule leaves unbroken (plurality). ``ties`` lists
    every tie that was broken; ``seed`` is the lot's seed, set only when a lot was
    actually drawn. ``total_ballots`` counts every voter, empty ballots included.
    """

    rule: str
    candidates: tuple[str, ...]
    winners: tuple[int, ...]
    rounds: tuple[Round, ...]
    total_ballots: int
    ties: tuple[TieBreak, ...] = ()
    seed: int | None = None
    #: Seats filled (committee and STV rules); 1 for single-winner rules.
    seats: int = 1
    #: Condorcet rules: the pairwise matrix and what was built on it.
    pairwise: Pairwise | None = None
    #: Majority, supermajority and consensus: the counts against the thresholds.
    motion: MotionCount | None = None
    #: Plain-language remarks a reader needs (e.g. which variant of a rule was used).
    notes: tuple[str, ...] = ()

    @property
    def winner_names(self) -> tuple[str, ...]:
        return tuple(self.candidates[c] for c in self.winners)

    def to_json(self) -> dict[str, Any]:
        """A dict of plain ints, strings, lists and ``None``: ``json.dumps`` takes it as is."""
        return {
            "rule": self.rule,
            "candidates": {str(i + 1): name for i, name in enumerate(self.candidates)},
            "winners": [c + 1 for c in self.winners],
            "total_ballots": self.total_ballots,
            "rounds": [r.to_json() for r in self.rounds],
            "ties": [t.to_json() for t in self.ties],
            "seed": self.seed,
            "seats": self.seats,
            "pairwise": None if self.pairwise is None else self.pairwise.to_json(),
            "motion": None if self.motion is None else self.motion.to_json(),
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        """The result as a reader checks it: the rounds table, then what each section holds.

        The table has one row per candidate and one column per round (a blank cell: the
        candidate had left the count), then the exhausted and continuing ballots; the
        lines under it say who left or won in each round, why, what was transferred, and
        how any tie was broken. Condorcet rules add the pairwise matrix (and Schulze's
        strongest paths), motions the counts against each threshold.
        """
        out = [f"{self.rule}: {self.total_ballots:,} ballots" + _seats_label(self.seats)]
        if self.motion is not None:
            out.extend(_motion_lines(self.motion))
        if self.rounds:
            out.extend(_rounds_table(self.rounds, self.candidates))
            out.append("")
            for r in self.rounds:
                out.extend(_round_lines(r, self.candidates))
            if any(r.eliminated for r in self.rounds):
                out.append("x = eliminated, * = elected")
            elif any(r.elected for r in self.rounds):
                out.append("* = elected")
        if self.pairwise is not None:
            out.extend(_pairwise_lines(self.pairwise, self.candidates))
        out.extend(self.notes)
        if self.motion is not None:
            return "\n".join(out) + "\n"
        winners = ", ".join(self.winner_names) or "nobody"
        if self.seats > 1:
            label = "Elected"
        else:
            label = "Tied winners" if len(self.winners) > 1 else "Winner"
        out.append(f"{label}: {winners}")
        return "\n".join(out) + "\n"


def highest_total(
    rule: str,
    candidates: tuple[str, ...],
    totals: tuple[Number | None, ...],
    *,
    total_ballots: int,
    exhausted: int,
    reason: str,
    notes: tuple[str, ...] = (),
) -> Result:
    """The one-round result of a rule where the highest total wins and ties stand.

    Every candidate level at the top wins, in candidate order (plurality, Borda, score:
    the reference libraries return ties unbroken); a ``None`` total cannot win. Used
    by the rules whose whole explanation is one row of totals.
    """
    present = [v for v in totals if v is not None]
    best = max(present) if present else None
    winners = tuple(c for c, v in enumerate(totals) if v is not None and v == best)
    only = Round(
        number=1,
        totals=totals,
        continuing=total_ballots - exhausted,
        exhausted=exhausted,
        elected=winners,
        reason=reason,
    )
    return Result(
        rule=rule,
        candidates=candidates,
        winners=winners,
        rounds=(only,),
        total_ballots=total_ballots,
        notes=notes,
    )


def _seats_label(seats: int) -> str:
    return f", {seats} seats" if seats > 1 else ""


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


def _rounds_table(rounds: tuple[Round, ...], candidates: tuple[str, ...]) -> list[str]:
    measure = rounds[0].measure
    headers = ["Candidate"] + [f"Round {r.number}" for r in rounds]
    rows: list[list[str]] = []
    for c, name in enumerate(candidates):
        cells = [f"{c + 1}. {name}"]
        for r in rounds:
            value = r.totals[c]
            mark = " *" if c in r.elected else " x" if c in r.eliminated else "  "
            cells.append("" if value is None else f"{format_number(value)}{mark}")
        rows.append(cells)
    if measure == "votes":
        rows.append(["Exhausted"] + [format_number(r.exhausted) + "  " for r in rounds])
        rows.append(["Continuing"] + [format_number(r.continuing) + "  " for r in rounds])
    if any(r.quota is not None for r in rounds):
        rows.append(
            ["Quota"] + [("" if r.quota is None else format_number(r.quota)) + "  " for r in rounds]
        )
    lines = _table(headers, rows)
    if measure != "votes":
        lines.insert(0, f"Figures are each candidate's {measure} (lowest wins the round).")
    return lines


def _round_lines(r: Round, candidates: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    who = r.elected or r.eliminated
    verb = "elected" if r.elected else "eliminated"
    if who:
        names = ", ".join(candidates[c] for c in who)
        lines.append(f"Round {r.number}: {names} {verb} ({r.reason.replace('_', ' ')})")
    if r.tiebreak is not None:
        lines.append(f"  {_describe_tiebreak(r.tiebreak, candidates)}")
    if r.transfer is not None:
        lines.append(f"  {_describe_transfer(r.transfer, candidates)}")
    return lines


def _describe_transfer(t: Transfer, candidates: tuple[str, ...]) -> str:
    source = candidates[t.source]
    if t.kind == TRANSFER_SURPLUS:
        head = f"surplus of {source} ({format_number(t.surplus or 0)})"
        head += f" moved at {format_number(t.value)} per ballot" if t.value is not None else ""
    else:
        head = f"ballots of excluded {source} moved at their current value"
    moved = ", ".join(f"{candidates[c]} +{format_number(v)}" for c, v in enumerate(t.received) if v)
    parts = [head + (f": {moved}" if moved else "")]
    parts.append(f"non-transferable {format_number(t.exhausted)}")
    if t.lost:
        parts.append(f"lost to rounding {format_number(t.lost)}")
    return "; ".join(parts)


def _pairwise_lines(pw: Pairwise, candidates: tuple[str, ...]) -> list[str]:
    m = len(candidates)
    numbers = [str(c + 1) for c in range(m)]
    out = ["", "Head to head: voters ranking the row candidate above the column candidate"]
    rows = [
        [f"{i + 1}. {candidates[i]}"]
        + ["" if i == j else f"{pw.support[i][j]:,}" for j in range(m)]
        for i in range(m)
    ]
    out.extend(_table(["", *numbers], rows))
    if pw.strongest_paths is not None:
        out.append("")
        out.append("Strongest paths (Schulze, on margins)")
        rows = [
            [f"{i + 1}. {candidates[i]}"]
            + ["" if i == j else f"{pw.strongest_paths[i][j]:,}" for j in range(m)]
            for i in range(m)
        ]
        out.extend(_table(["", *numbers], rows))
    if pw.locked or pw.skipped:
        out.append("")
        out.append("Ranked pairs, strongest margin first:")
        for w, lo, margin in pw.locked:
            out.append(f"  locked  {candidates[w]} over {candidates[lo]} by {margin:,}")
        for w, lo, margin in pw.skipped:
            out.append(f"  skipped {candidates[w]} over {candidates[lo]} by {margin:,} (cycle)")
    out.append("")
    out.append(
        "Condorcet winner: "
        + ("none" if pw.condorcet_winner is None else candidates[pw.condorcet_winner])
    )
    out.append(
        "Condorcet loser: "
        + ("none" if pw.condorcet_loser is None else candidates[pw.condorcet_loser])
    )
    return out


def _motion_lines(motion: MotionCount) -> list[str]:
    out = [", ".join(f"{kind.replace('_', ' ')} {n:,}" for kind, n in motion.counts)]
    out.append(
        f"Needed: {motion.needed:,} of {motion.base:,} ({motion.threshold} of "
        f"{motion.threshold_of.replace('_', ' ')}); ballots {motion.quorum_present:,}, "
        f"quorum {motion.quorum_needed:,}"
    )
    for code, met in motion.checks:
        out.append(f"  {'met    ' if met else 'NOT met'}  {code.replace('_', ' ')}")
    out.append("Adopted" if motion.passed else "Not adopted")
    return out


def _describe_tiebreak(tie: TieBreak, candidates: tuple[str, ...]) -> str:
    tied = ", ".join(candidates[c] for c in tie.tied)
    chosen = candidates[tie.chosen]
    if tie.method == TIEBREAK_EARLIER_ROUND:
        return f"tie between {tied} broken by round {tie.decided_by_round}: {chosen}"
    return f"tie between {tied} broken by lot (seed {tie.seed}): {chosen}"
