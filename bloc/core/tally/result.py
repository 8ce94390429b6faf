"""What a count produces: the winners, every round, and every tie and how it was broken.

A ``Result`` is the one object a count returns. It explains itself: ``to_text()`` is a
table with one row per candidate and one column per round (what ``bloc tally`` prints),
``to_json()`` a plain dict ready for ``json.dumps`` (what ``bloc tally --json`` prints
and the results pages chart). Candidates are 0-based indices inside the objects, like
the profiles; the JSON and the text number them from 1, as ballot files do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: ``Round.reason`` codes: why a candidate left or won the count in that round.
REASON_FEWEST_VOTES = "fewest_votes"
REASON_MAJORITY = "majority"
REASON_LAST_REMAINING = "last_remaining"
REASON_MOST_VOTES = "most_votes"

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
    totals: tuple[int | None, ...]
    continuing: int
    exhausted: int
    eliminated: tuple[int, ...] = ()
    elected: tuple[int, ...] = ()
    reason: str = ""
    tiebreak: TieBreak | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "totals": {str(c + 1): v for c, v in enumerate(self.totals) if v is not None},
            "continuing": self.continuing,
            "exhausted": self.exhausted,
            "eliminated": [c + 1 for c in self.eliminated],
            "elected": [c + 1 for c in self.elected],
            "reason": self.reason,
            "tiebreak": None if self.tiebreak is None else self.tiebreak.to_json(),
        }


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
        }

    def to_text(self) -> str:
        """A table: one row per candidate, one column per round, then the exhausted ballots.

        A blank cell means the candidate had left the count; the lines under the table
        say who left or won in each round, why, and how any tie was broken.
        """
        headers = ["Candidate"] + [f"Round {r.number}" for r in self.rounds]
        rows: list[list[str]] = []
        for c, name in enumerate(self.candidates):
            cells = [f"{c + 1}. {name}"]
            for r in self.rounds:
                value = r.totals[c]
                mark = " *" if c in r.elected else " x" if c in r.eliminated else "  "
                cells.append("" if value is None else f"{value:,}{mark}")
            rows.append(cells)
        rows.append(["Exhausted"] + [f"{r.exhausted:,}" for r in self.rounds])
        rows.append(["Continuing"] + [f"{r.continuing:,}" for r in self.rounds])
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

        def line(cells: list[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
            return "  ".join([first, *rest]).rstrip()

        out = [f"{self.rule}: {self.total_ballots:,} ballots", line(headers)]
        out.append("  ".join("-" * w for w in widths))
        out.extend(line(row) for row in rows)
        out.append("")
        for r in self.rounds:
            who = r.elected or r.eliminated
            verb = "elected" if r.elected else "eliminated"
            if who:
                names = ", ".join(self.candidates[c] for c in who)
                out.append(f"Round {r.number}: {names} {verb} ({r.reason.replace('_', ' ')})")
            if r.tiebreak is not None:
                out.append(f"  {_describe_tiebreak(r.tiebreak, self.candidates)}")
        out.append("x = eliminated, * = elected")
        winners = ", ".join(self.winner_names) or "nobody"
        label = "Tied winners" if len(self.winners) > 1 else "Winner"
        out.append(f"{label}: {winners}")
        return "\n".join(out) + "\n"


def _describe_tiebreak(tie: TieBreak, candidates: tuple[str, ...]) -> str:
    tied = ", ".join(candidates[c] for c in tie.tied)
    chosen = candidates[tie.chosen]
    if tie.method == TIEBREAK_EARLIER_ROUND:
        return f"tie between {tied} broken by round {tie.decided_by_round}: {chosen}"
    return f"tie between {tied} broken by lot (seed {tie.seed}): {chosen}"
