"""What a voter may submit on a poll, checked and put in one canonical form.

A poll asks one ``BallotForm``: pick one option (``choice``: for / against /
abstain, consent / stand aside / block, or one candidate), rank options
(``ranked``), approve some (``approval``) or score them (``score``). ``check_*``
turns what a page or the API received into the canonical ballot, or raises
``BallotProblem`` with a stable code and its parameters (the app words the message
in the voter's language; the core cannot).

The canonical ballot is stored as a short JSON text (``encode``): the same ballot
always gives the same text, which the receipt hashes, the published ballot list
shows and ``profile`` turns back into the tally engine's profile. Receipts mix in a
random nonce, published beside the ballot, so a receipt cannot be matched to a
ballot's content by trying every possible ballot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from bloc.core.tally.ballots import PAD, ApprovalProfile, RankedProfile, ScoreProfile

CHOICE, RANKED, APPROVAL, SCORE = "choice", "ranked", "approval", "score"
KINDS = (CHOICE, RANKED, APPROVAL, SCORE)

Ballot = int | tuple[int, ...] | tuple[tuple[int, int], ...]


class BallotProblem(ValueError):
    """A submitted ballot is not valid; ``code`` and ``params`` say why.

    Codes: ``no_choice``, ``unknown_option``, ``same_rank`` (``rank``), ``bad_rank``
    (``rank``, ``most``), ``rank_all`` (``count``), ``too_many_approvals`` (``most``),
    ``too_few_approvals`` (``least``), ``bad_score`` (``low``, ``high``), ``empty``.
    """

    def __init__(self, code: str, **params: int) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class BallotForm:
    """What a poll asks: the kind of ballot, its options and its limits.

    ``max_approvals`` (``None``: any number) and ``min_approvals`` bound approval
    ballots; ``low``/``high`` bound scores; ``rank_all`` requires every option ranked;
    ``allow_empty`` accepts a ballot that ranks, approves or scores nothing (it
    counts for turnout and quorum but for no option).
    """

    kind: str
    options: tuple[str, ...]
    max_approvals: int | None = None
    min_approvals: int = 0
    low: int = 0
    high: int = 5
    rank_all: bool = False
    allow_empty: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown ballot kind {self.kind!r}")
        if len(self.options) < 1 or len(set(self.options)) != len(self.options):
            raise ValueError("a ballot needs distinct options")
        if self.low > self.high:
            raise ValueError("the lowest score is above the highest")
        if self.max_approvals is not None and self.max_approvals < max(self.min_approvals, 1):
            raise ValueError("the approval limits are inconsistent")


def _option(form: BallotForm, value: int) -> int:
    if not 0 <= value < len(form.options):
        raise BallotProblem("unknown_option")
    return value


def check_choice(form: BallotForm, option: int | None) -> int:
    """One option picked (``option`` is its index)."""
    if option is None:
        raise BallotProblem("no_choice")
    return _option(form, option)


def check_ranked(form: BallotForm, ranks: Mapping[int, int | None]) -> tuple[int, ...]:
    """A rank (1 = first) per option index; ``None`` or a missing option is unranked.

    Two options given the same rank is refused (the voter must say which comes
    first); a gap (ranks 1 and 3) is closed up, as US counts read a skipped rank.
    """
    given: dict[int, int] = {}
    most = len(form.options)
    seen: dict[int, int] = {}
    for option, rank in ranks.items():
        _option(form, option)
        if rank is None:
            continue
        if not 1 <= rank <= most:
            raise BallotProblem("bad_rank", rank=rank, most=most)
        if rank in seen:
            raise BallotProblem("same_rank", rank=rank)
        seen[rank] = option
        given[option] = rank
    if form.rank_all and len(given) != most:
        raise BallotProblem("rank_all", count=most)
    if not given and not form.allow_empty:
        raise BallotProblem("empty")
    return tuple(option for option, _ in sorted(given.items(), key=lambda item: item[1]))


def check_approval(form: BallotForm, approved: Iterable[int]) -> tuple[int, ...]:
    """The set of approved option indices, within the form's limits."""
    chosen = sorted({_option(form, option) for option in approved})
    if form.max_approvals is not None and len(chosen) > form.max_approvals:
        raise BallotProblem("too_many_approvals", most=form.max_approvals)
    if chosen and len(chosen) < form.min_approvals:
        raise BallotProblem("too_few_approvals", least=form.min_approvals)
    if not chosen and not form.allow_empty:
        raise BallotProblem("empty")
    return tuple(chosen)


def check_score(form: BallotForm, scores: Mapping[int, int | None]) -> tuple[tuple[int, int], ...]:
    """A score per option index; ``None`` or a missing option is left blank."""
    given: list[tuple[int, int]] = []
    for option, value in scores.items():
        _option(form, option)
        if value is None:
            continue
        if not form.low <= value <= form.high:
            raise BallotProblem("bad_score", low=form.low, high=form.high)
        given.append((option, value))
    if not given and not form.allow_empty:
        raise BallotProblem("empty")
    return tuple(sorted(given))


def encode(form: BallotForm, ballot: Ballot) -> str:
    """The canonical JSON text of a checked ballot (what is stored and hashed)."""
    data: Any
    if form.kind == CHOICE:
        data = ballot
    elif form.kind == SCORE:
        pairs = cast(tuple[tuple[int, int], ...], ballot)
        data = {str(option): value for option, value in pairs}
    else:
        data = list(cast(tuple[int, ...], ballot))
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def decode(form: BallotForm, text: str) -> Ballot:
    """The ballot back from its canonical text (raises ``ValueError`` when malformed)."""
    data = json.loads(text)
    if form.kind == CHOICE:
        if not isinstance(data, int):
            raise ValueError(f"not a choice ballot: {text}")
        return check_choice(form, data)
    if form.kind == RANKED:
        return check_ranked(form, {int(option): rank for rank, option in enumerate(data, 1)})
    if form.kind == APPROVAL:
        return check_approval(form, [int(option) for option in data])
    return check_score(form, {int(option): int(value) for option, value in data.items()})


def receipt(content: str, nonce: bytes) -> str:
    """The voter's receipt: SHA-256 of the nonce and the ballot's canonical text."""
    return hashlib.sha256(nonce + content.encode("utf-8")).hexdigest()


def profile(
    form: BallotForm, ballots: Sequence[Ballot], counts: Sequence[int] | None = None
) -> RankedProfile | ApprovalProfile | ScoreProfile:
    """The tally engine's profile of these checked ballots (``counts``: 1 each).

    A choice ballot becomes a one-option ranking, so plurality and the motion rules
    (which count first choices) read it directly.
    """
    weights = np.asarray(counts if counts is not None else [1] * len(ballots), dtype=np.int64)
    m = len(form.options)
    if form.kind in (CHOICE, RANKED):
        rows = [(b,) if isinstance(b, int) else cast(tuple[int, ...], b) for b in ballots]
        width = max((len(row) for row in rows), default=0)
        rankings = np.full((len(rows), max(width, 1)), PAD, dtype=np.int32)
        for index, row in enumerate(rows):
            rankings[index, : len(row)] = row
        return RankedProfile(form.options, rankings, weights)
    if form.kind == APPROVAL:
        approvals = np.zeros((len(ballots), m), dtype=np.bool_)
        for index, chosen in enumerate(ballots):
            approvals[index, list(cast(tuple[int, ...], chosen))] = True
        return ApprovalProfile(form.options, approvals, weights)
    values = np.zeros((len(ballots), m), dtype=np.int64)
    scored = np.zeros((len(ballots), m), dtype=np.bool_)
    for index, ballot in enumerate(ballots):
        for option, value in cast(tuple[tuple[int, int], ...], ballot):
            values[index, option] = value
            scored[index, option] = True
    return ScoreProfile(form.options, values, scored, weights, low=form.low, high=form.high)
