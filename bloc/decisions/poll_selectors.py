"""Reads about polls that the pages and the API share: lists, results, published ballots.

Everything here returns plain data (dataclasses, strings, numbers) built from what
the count stored with the poll (``poll.result``, ``poll.ballots_file``), so a page
shows exactly what was counted and published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc.core import polls as poll_rules
from bloc.core import proposals as proposal_rules
from bloc.core.errors import NotFound
from bloc.decisions.models import OpenBallot, Poll
from bloc.decisions.polls import phase, poll_sync, spec_of
from bloc.decisions.wording import ballot_text, motion_label, option_labels
from bloc.institutions.models import Institution

#: One sentence per rule, for people (the engine's summaries are for the command line).
RULE_SENTENCES = {
    "majority": gettext_lazy("Adopted if more members vote for than against; abstentions do not count either way."),
    "supermajority": gettext_lazy("Adopted if at least the required share (two thirds unless set) of the votes cast are for."),
    "consensus": gettext_lazy("Adopted unless someone blocks; members may also stand aside."),
    "plurality": gettext_lazy("Each member picks one option; the option picked most wins."),
    "irv": gettext_lazy("Members rank the options; the option with fewest first choices is eliminated, round by round, its ballots moving to their next choice, until one has a majority."),
    "stv": gettext_lazy("Members rank the candidates; those who reach the quota are elected, and surplus and eliminated votes move to next choices until the seats are filled (Scottish rules)."),
    "meek": gettext_lazy("Members rank the candidates; seats are filled by the single transferable vote, counted by Meek's method."),
    "schulze": gettext_lazy("Members rank the options; the winner beats every other option head to head, directly or through a chain of stronger wins (Schulze)."),
    "ranked_pairs": gettext_lazy("Members rank the options; head-to-head wins are locked in from the largest margin down, skipping any that would make a cycle (ranked pairs)."),
    "condorcet": gettext_lazy("Members rank the options; an option wins only if it beats every other head to head."),
    "borda": gettext_lazy("Members rank the options; each rank earns points, and the most points wins (Borda count)."),
    "approval": gettext_lazy("Members approve as many options as they like; the most approved wins."),
    "av": gettext_lazy("Members approve candidates; the most approved fill the seats."),
    "pav": gettext_lazy("Members approve candidates; seats are filled so that each group of voters gets a fair share (proportional approval voting)."),
    "seq_phragmen": gettext_lazy("Members approve candidates; seats are filled one at a time, spreading the load evenly among voters (sequential Phragmén)."),
    "equal_shares": gettext_lazy("Members approve candidates; each voter gets an equal share of the seats to spend (Method of Equal Shares)."),
    "score": gettext_lazy("Members give each option a score; the highest average (or total) wins."),
}  # fmt: skip


#: A short name per rule, for choosing one from a list.
RULE_NAMES = {
    "majority": gettext_lazy("Simple majority"),
    "supermajority": gettext_lazy("Supermajority (two thirds unless set)"),
    "consensus": gettext_lazy("Consensus (one block stops it)"),
    "plurality": gettext_lazy("Plurality (one choice, most votes)"),
    "irv": gettext_lazy("Instant runoff (ranked)"),
    "stv": gettext_lazy("Single transferable vote (ranked, several seats)"),
    "meek": gettext_lazy("Single transferable vote, Meek's method"),
    "schulze": gettext_lazy("Schulze (ranked, Condorcet)"),
    "ranked_pairs": gettext_lazy("Ranked pairs (ranked, Condorcet; at most 12 options)"),
    "condorcet": gettext_lazy("Condorcet winner only (ranked)"),
    "borda": gettext_lazy("Borda count (ranked)"),
    "approval": gettext_lazy("Approval"),
    "av": gettext_lazy("Approval, several seats"),
    "pav": gettext_lazy("Proportional approval voting (several seats)"),
    "seq_phragmen": gettext_lazy("Sequential Phragmén (approval, several seats)"),
    "equal_shares": gettext_lazy("Method of Equal Shares (approval, several seats)"),
    "score": gettext_lazy("Score"),
}


def rule_choices() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, label in RULE_NAMES.items()]


#: Rules whose count goes round by round (shown as a table of rounds, even of one).
ROUND_RULES = ("irv", "stv", "meek")


def rule_sentence(rule: str) -> str:
    return str(RULE_SENTENCES.get(rule, rule))


PHASE_LABELS = {
    proposal_rules.SCHEDULED: gettext_lazy("Not open yet"),
    proposal_rules.OPEN: gettext_lazy("Open for voting"),
    proposal_rules.CLOSED: gettext_lazy("Closed"),
}


def poll_get(institution: Institution, poll_id: int) -> Poll:
    poll = Poll.objects.filter(institution=institution, pk=poll_id).first()
    if poll is None:
        raise NotFound(_("There is no such poll."))
    return poll


@dataclass(frozen=True)
class PollLists:
    open: list[Poll]
    scheduled: list[Poll]
    closed: list[Poll]


def poll_list(institution: Institution) -> PollLists:
    """The institution's polls by phase; those due to open or close are synced first."""
    now = timezone.now()
    polls = list(Poll.objects.filter(institution=institution))
    due = Q(opened_at__isnull=True, opens_at__lte=now) | Q(closes_at__lte=now)
    for poll in Poll.objects.filter(
        due, institution=institution, closed_at__isnull=True, cancelled_at__isnull=True
    ):
        poll_sync(poll, now=now)
        polls = [poll if p.pk == poll.pk else p for p in polls]
    by_phase: dict[str, list[Poll]] = {p: [] for p in PHASE_LABELS}
    for poll in polls:
        by_phase[phase(poll, now)].append(poll)
    return PollLists(
        open=sorted(by_phase[proposal_rules.OPEN], key=lambda p: p.closes_at),
        scheduled=sorted(by_phase[proposal_rules.SCHEDULED], key=lambda p: p.opens_at),
        closed=by_phase[proposal_rules.CLOSED],
    )


# --- results --------------------------------------------------------------------

_REASONS = {
    "fewest_votes": gettext_lazy("fewest votes"),
    "majority": gettext_lazy("a majority"),
    "last_remaining": gettext_lazy("last one left"),
    "most_votes": gettext_lazy("most votes"),
    "most_points": gettext_lazy("most points"),
    "quota": gettext_lazy("reached the quota"),
    "seats_left": gettext_lazy("as many candidates left as seats"),
    "lowest_load": gettext_lazy("lowest load"),
    "lowest_price": gettext_lazy("lowest price"),
    "marginal_gain": gettext_lazy("best gain"),
    "best_committee": gettext_lazy("best committee"),
    "undefeated": gettext_lazy("undefeated head to head"),
}

_CHECKS = {
    "quorum": gettext_lazy("Quorum"),
    "at_least_threshold": gettext_lazy("At least the share needed voted for"),
    "more_than_threshold": gettext_lazy("More than the share needed voted for"),
    "blocks_within_limit": gettext_lazy("No more blocks than allowed"),
    "stand_asides_within_limit": gettext_lazy("No more stand-asides than allowed"),
    "some_consent": gettext_lazy("Someone consented"),
    "consensus_reached": gettext_lazy("Consensus reached"),
}

_BASES = {
    "votes_cast": gettext_lazy("the votes for and against"),
    "ballots": gettext_lazy("all ballots"),
    "members": gettext_lazy("all eligible members"),
}


def _number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.5f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


@dataclass(frozen=True)
class Cell:
    text: str  # the figure, or "" once the option has left the count
    mark: str = ""  # "elected" | "eliminated" | ""


@dataclass(frozen=True)
class RoundsTable:
    headers: list[str]
    rows: list[tuple[str, list[Cell]]]  # one per option
    extra: list[tuple[str, list[str]]]  # exhausted, continuing, quota
    events: list[str]  # one line per round: who left or won, why, transfers, ties
    measure: str


@dataclass(frozen=True)
class MotionView:
    counts: list[tuple[str, int]]
    needed: int
    base: int
    threshold: str
    base_label: str
    quorum_needed: int
    quorum_present: int
    checks: list[tuple[str, bool]]
    passed: bool


@dataclass(frozen=True)
class PairwiseView:
    names: list[str]
    rows: list[tuple[str, list[str]]]
    condorcet_winner: str
    locked: list[str]
    skipped: list[str]


@dataclass
class ResultsView:
    outcome: str  # the poll's outcome code
    outcome_text: str
    winners: list[str]
    turnout: int
    electorate: int
    quorum: int
    quorum_met: bool
    motion: MotionView | None = None
    rounds: RoundsTable | None = None
    totals: list[tuple[str, str, bool]] = field(default_factory=list)  # name, figure, won
    charts: list[tuple[str, str, list[tuple[str, float]]]] = field(default_factory=list)
    pairwise: PairwiseView | None = None
    notes: list[str] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)
    command: str = ""
    roll_call: list[tuple[str, str]] = field(default_factory=list)  # name, ballot in words


def _tie_text(tie: dict[str, Any], names: dict[int, str]) -> str:
    tied = ", ".join(names[c] for c in tie["tied"])
    if tie["method"] == "earlier_round":
        return _("Round %(round)s: a tie between %(tied)s, broken by round %(by)s: %(chosen)s.") % {
            "round": tie["round"],
            "tied": tied,
            "by": tie["decided_by_round"],
            "chosen": names[tie["chosen"]],
        }
    return _(
        "Round %(round)s: a tie between %(tied)s, broken by lot (seed %(seed)s): %(chosen)s."
    ) % {"round": tie["round"], "tied": tied, "seed": tie["seed"], "chosen": names[tie["chosen"]]}


def _transfer_text(transfer: dict[str, Any], names: dict[int, str]) -> str:
    moved = ", ".join(
        f"{names[int(c)]} +{_number(v)}" for c, v in transfer["received"].items()
    ) or _("nobody")
    source = names[transfer["source"]]
    if transfer["kind"] == "surplus":
        text = _("Surplus of %(name)s (%(surplus)s) moved: %(moved)s") % {
            "name": source,
            "surplus": _number(transfer.get("surplus") or 0),
            "moved": moved,
        }
    else:
        text = _("Ballots of %(name)s moved: %(moved)s") % {"name": source, "moved": moved}
    return text + "; " + _("non-transferable %(n)s") % {"n": _number(transfer["exhausted"])}


def _rounds_table(rounds: list[dict[str, Any]], names: dict[int, str]) -> RoundsTable:
    headers = [_("Round %(n)s") % {"n": r["round"]} for r in rounds]
    rows = []
    for c, name in names.items():
        cells = []
        for r in rounds:
            value = r["totals"].get(str(c))
            mark = "elected" if c in r["elected"] else "eliminated" if c in r["eliminated"] else ""
            cells.append(Cell("" if value is None else _number(value), mark))
        rows.append((name, cells))
    measure = rounds[0].get("measure", "votes")
    extra = []
    if measure == "votes":
        extra.append((_("Exhausted"), [_number(r["exhausted"]) for r in rounds]))
        extra.append((_("Continuing"), [_number(r["continuing"]) for r in rounds]))
    if any("quota" in r for r in rounds):
        extra.append((_("Quota"), [_number(r["quota"]) if "quota" in r else "" for r in rounds]))
    events = []
    for r in rounds:
        reason = str(_REASONS.get(r["reason"], r["reason"].replace("_", " ")))
        if r["elected"]:
            events.append(
                _("Round %(n)s: %(names)s elected (%(reason)s).")
                % {
                    "n": r["round"],
                    "names": ", ".join(names[c] for c in r["elected"]),
                    "reason": reason,
                }
            )
        if r["eliminated"]:
            events.append(
                _("Round %(n)s: %(names)s eliminated (%(reason)s).")
                % {
                    "n": r["round"],
                    "names": ", ".join(names[c] for c in r["eliminated"]),
                    "reason": reason,
                }
            )
        if r.get("transfer"):
            events.append(_transfer_text(r["transfer"], names))
    return RoundsTable(headers, rows, extra, events, measure)


def _chart_rows(round_: dict[str, Any], names: dict[int, str]) -> list[tuple[str, float]]:
    return [(names[int(c)], float(v)) for c, v in round_["totals"].items()]


def _motion(motion: dict[str, Any]) -> MotionView:
    return MotionView(
        counts=[(motion_label(k), n) for k, n in motion["counts"].items()],
        needed=motion["needed"],
        base=motion["base"],
        threshold=motion["threshold"],
        base_label=str(_BASES.get(motion["threshold_of"], motion["threshold_of"])),
        quorum_needed=motion["quorum_needed"],
        quorum_present=motion["quorum_present"],
        checks=[(str(_CHECKS.get(c["check"], c["check"])), c["met"]) for c in motion["checks"]],
        passed=motion["passed"],
    )


def _pairwise(pairwise: dict[str, Any], names: dict[int, str]) -> PairwiseView:
    ordered = [names[c] for c in sorted(names)]
    rows = [
        (ordered[i], ["—" if i == j else f"{n:,}" for j, n in enumerate(row)])
        for i, row in enumerate(pairwise["support"])
    ]
    winner = pairwise.get("condorcet_winner")

    def pair(p: dict[str, int]) -> str:
        return _("%(winner)s over %(loser)s by %(margin)s") % {
            "winner": names[p["winner"]],
            "loser": names[p["loser"]],
            "margin": p["margin"],
        }

    return PairwiseView(
        names=ordered,
        rows=rows,
        condorcet_winner=names[winner] if winner else _("none"),
        locked=[pair(p) for p in pairwise.get("locked", [])],
        skipped=[pair(p) for p in pairwise.get("skipped", [])],
    )


def outcome_text(outcome: str, winners: list[str]) -> str:
    if outcome == poll_rules.ADOPTED:
        return _("Adopted")
    if outcome == poll_rules.REJECTED:
        return _("Rejected")
    if outcome == poll_rules.ELECTED:
        return _("Elected: %(names)s") % {"names": ", ".join(winners)}
    if outcome == poll_rules.TIED:
        return _("Tied: %(names)s (the rule leaves this tie unbroken)") % {
            "names": ", ".join(winners) or _("nobody")
        }
    if outcome == poll_rules.NO_QUORUM:
        return _("No quorum: too few ballots were cast for the count to decide anything")
    return _("Not counted")


def results_view(poll: Poll) -> ResultsView | None:
    """What the results page shows of a counted poll (``None`` before it is counted)."""
    if poll.closed_at is None or poll.result is None:
        return None
    result = poll.result
    names = {int(k): v for k, v in result["candidates"].items()}
    winners = [names[c] for c in result["winners"]]
    turnout = int(result["total_ballots"])
    view = ResultsView(
        outcome=poll.outcome,
        outcome_text=outcome_text(poll.outcome, winners),
        winners=winners,
        turnout=turnout,
        electorate=poll.electorate or 0,
        quorum=poll.quorum,
        quorum_met=turnout >= poll.quorum,
        notes=list(result.get("notes", [])),
        ties=[_tie_text(t, names) for t in result.get("ties", [])],
        command=spec_of(poll).command(
            f"poll-{poll.pk}.json", quorum=poll.quorum, electorate=poll.electorate
        ),
    )
    if result.get("motion"):
        view.motion = _motion(result["motion"])
        view.charts.append(
            (
                _("Ballots by answer"),
                _("How many ballots gave each answer."),
                [(label, float(n)) for label, n in view.motion.counts],
            )  # fmt: skip
        )
    rounds = result.get("rounds") or []
    if len(rounds) > 1 or (rounds and poll.rule in ROUND_RULES):
        view.rounds = _rounds_table(rounds, names)
        view.charts.append(
            (
                _("First round"),
                _("Votes for each option in the first round."),
                _chart_rows(rounds[0], names),
            )  # fmt: skip
        )
        view.charts.append(
            (
                _("Final round"),
                _("Votes for each option in the final round."),
                _chart_rows(rounds[-1], names),
            )  # fmt: skip
        )
    elif len(rounds) == 1:
        only = rounds[0]
        view.totals = [
            (
                names[c],
                _number(only["totals"][str(c)]) if str(c) in only["totals"] else "",
                c in only["elected"],
            )  # fmt: skip
            for c in sorted(names)
        ]
        if only.get("measure", "votes") == "votes":
            view.charts.append(
                (_("Totals"), _("Each option's total in the count."), _chart_rows(only, names))
            )
    if result.get("pairwise"):
        view.pairwise = _pairwise(result["pairwise"], names)
    if not poll.secret:
        spec = spec_of(poll)
        labels = option_labels(spec)
        view.roll_call = [
            (ballot.user.full_name, ballot_text(spec, ballot.content, labels))
            for ballot in OpenBallot.objects.filter(poll=poll)
            .select_related("user")
            .order_by("user__full_name", "pk")
        ]
    return view


# --- published ballots ------------------------------------------------------------


@dataclass(frozen=True)
class PublishedBallot:
    receipt: str  # "" for paper and show-of-hands rows
    text: str
    count: int


def _content(kind: str, row: dict[str, Any], number: dict[str, int]) -> str:
    """A file row back to the canonical ballot text (option positions)."""

    def position(item: Any) -> int:
        return item - 1 if isinstance(item, int) else number[item]

    if kind == "choice":
        return json.dumps(position(row["ranking"][0]))
    if kind == "ranked":
        return json.dumps([position(i) for i in row["ranking"]], separators=(",", ":"))
    if kind == "approval":
        return json.dumps(sorted(position(i) for i in row["approved"]), separators=(",", ":"))
    scores = {str(number[k]): v for k, v in row["scores"].items() if v is not None}
    return json.dumps(scores, separators=(",", ":"), sort_keys=True)


def published_ballots(poll: Poll) -> list[PublishedBallot]:
    """The rows of the published ballot file, in words (empty before close)."""
    if not poll.ballots_file:
        return []
    data = json.loads(poll.ballots_file)
    number = {name: i for i, name in enumerate(data["candidates"])}
    spec = spec_of(poll)
    kind, labels = spec.kind, option_labels(spec)
    words: dict[str, str] = {}
    out = []
    for row in data["ballots"]:
        if kind == "choice" and not row.get("ranking"):
            content, text = "", _("(empty)")
        else:
            content = _content(kind, row, number)
            if content not in words:
                words[content] = ballot_text(spec, content, labels)
            text = words[content]
        out.append(PublishedBallot(row.get("receipt", ""), text, int(row.get("count", 1))))
    return out


def normalise_receipt(text: str) -> str:
    """What a voter typed, as stored: hex digits only, lower case (spaces ignored)."""
    return "".join(ch for ch in (text or "").lower() if ch in "0123456789abcdef")


def receipt_groups(receipt: str) -> str:
    """A receipt in groups of four for reading aloud or comparing by eye."""
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))
