"""JSON ballot files (``"format": "bloc-ballots"``, version 1).

One object::

    {"format": "bloc-ballots", "version": 1, "kind": "ranked",
     "title": "Board 2025", "seats": 2,                 (both optional)
     "candidates": ["Ana", "Bo", "Cy"],
     "ballots": [
       {"ranking": ["Bo", "Ana"], "count": 12},
       {"ranking": [3, ["Ana", "Bo"]]}
     ]}

* ``kind`` ``"ranked"``: ``ranking`` lists candidates from first preference, each by
  name or by 1-based number; a nested list is an equal ranking, read as an
  **overvote**: the ballot is cut just before it, as ``read_preflib`` does for
  ``toi`` (the second ballot above counts as ``Cy`` alone), and
  ``truncated_at_overvote`` counts the voters so cut.
* ``kind`` ``"approval"``: ``{"approved": [names or numbers]}``.
* ``kind`` ``"score"``: ``{"scores": {"Ana": 4, "Bo": null}}``, keys are names, a
  missing or ``null`` score means not scored; the file must give ``"low"`` and
  ``"high"``, and every score lies between them.

``count`` (how many voters cast the ballot) is a positive whole number and defaults
to 1. ``receipt`` (optional, a string) is the receipt a voter was given for that
ballot, published so each voter can find theirs; it does not change the count. A candidate may appear once per ballot. Unknown keys are refused, so a typo
(``"seat"``) is not silently ignored. Rows are kept as written, except that identical
rows left by an overvote cut are merged.

A syntax error is reported at the line ``json`` gives; a bad ballot at the line
where that ballot starts; a bad top-level value at the line of its key.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bloc.core.formats.errors import BallotFormatError
from bloc.core.formats.preflib import _load
from bloc.core.tally.ballots import (
    ApprovalProfile,
    RankedProfile,
    ScoreProfile,
    padded_rankings,
)

FORMAT = "bloc-ballots"
VERSION = 1
AnyProfile = RankedProfile | ApprovalProfile | ScoreProfile

_BALLOT_KEY = {"ranked": "ranking", "approval": "approved", "score": "scores"}
_TOP_KEYS = frozenset(
    {"format", "version", "kind", "candidates", "ballots", "low", "high", "seats", "title"}
)
_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True, eq=False)
class JsonBallots:
    """What a JSON ballot file holds; ``seats`` and ``title`` are ``None`` when absent."""

    profile: AnyProfile
    seats: int | None
    title: str | None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Where:
    """Lines of top-level keys and of ballots, found only when an error needs one."""

    def __init__(self, text: str, source: str | None) -> None:
        self.text = text
        self.source = source
        self._keys: dict[str, int] | None = None
        self._ballots: list[int] = []

    def _scan(self) -> dict[str, int]:
        # The text is valid JSON (it parsed), so walk the top-level object with the
        # decoder's own pieces, noting where each key and each ballot starts.
        text, decoder = self.text, json.JSONDecoder()
        keys: dict[str, int] = {}

        def skip(pos: int) -> int:
            match = _SPACE.match(text, pos)
            return match.end() if match else pos

        try:
            pos = skip(0)
            if text.startswith("{", pos):
                pos = skip(pos + 1)
                while text.startswith('"', pos):
                    key, end = decoder.raw_decode(text, pos)
                    keys[key] = pos
                    pos = skip(skip(end) + 1)  # past the colon
                    if key == "ballots" and text.startswith("[", pos):
                        self._ballots = []
                        pos = skip(pos + 1)
                        while not text.startswith("]", pos):
                            self._ballots.append(pos)
                            pos = skip(decoder.raw_decode(text, pos)[1])
                            pos = skip(pos + 1) if text.startswith(",", pos) else pos
                        pos += 1
                    else:
                        pos = decoder.raw_decode(text, pos)[1]
                    pos = skip(pos)
                    pos = skip(pos + 1) if text.startswith(",", pos) else pos
        except (ValueError, IndexError):  # pragma: no cover - the text parsed as JSON
            pass
        self._keys = keys
        return keys

    def _line(self, pos: int | None) -> int:
        return 1 if pos is None else self.text.count("\n", 0, pos) + 1

    def key(self, key: str) -> int:
        keys = self._keys if self._keys is not None else self._scan()
        return self._line(keys.get(key))

    def ballot(self, index: int) -> int:
        if self._keys is None:
            self._scan()
        return self._line(self._ballots[index] if index < len(self._ballots) else None)

    def fail_key(self, key: str, message: str) -> BallotFormatError:
        return BallotFormatError(message, line=self.key(key), source=self.source)

    def fail_ballot(self, index: int, message: str) -> BallotFormatError:
        return BallotFormatError(
            f"ballot {index + 1}: {message}", line=self.ballot(index), source=self.source
        )


def read_json_ballots(source: str | os.PathLike[str]) -> JsonBallots:
    """Read a JSON ballot file (a path, or the text itself if it contains a newline)."""
    text, name, _ = _load(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BallotFormatError(
            f"not valid JSON: {error.msg}", line=error.lineno, source=name
        ) from None
    where = _Where(text, name)
    if not isinstance(data, dict):
        raise BallotFormatError("expected a JSON object {...}", line=1, source=name)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise where.fail_key(
            unknown[0], f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})"
        )
    if data.get("format") != FORMAT:
        raise where.fail_key("format", f'expected "format": "{FORMAT}"')
    if data.get("version") != VERSION:
        raise where.fail_key("version", f"only version {VERSION} is supported")
    kind = data.get("kind")
    if kind not in _BALLOT_KEY:
        raise where.fail_key("kind", 'kind must be "ranked", "approval" or "score"')
    candidates = _candidates(data.get("candidates"), where)
    ballots = data.get("ballots")
    if not isinstance(ballots, list):
        raise where.fail_key("ballots", "ballots must be a list")
    seats = data.get("seats")
    if seats is not None and (not _whole(seats) or seats < 1):
        raise where.fail_key("seats", "seats must be a whole number of at least 1")
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise where.fail_key("title", "title must be a string")

    if kind == "score":
        profile: AnyProfile = _read_scores(data, candidates, ballots, where)
    else:
        for key in ("low", "high"):
            if key in data:
                raise where.fail_key(key, f"{key} is only for score ballots")
        read = _read_ranked if kind == "ranked" else _read_approval
        profile = read(candidates, ballots, where)
    return JsonBallots(profile=profile, seats=seats, title=title)


def _candidates(value: object, where: _Where) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(c, str) and c.strip() for c in value)
    ):
        raise where.fail_key("candidates", "candidates must be a non-empty list of names")
    names = tuple(str(c) for c in value)
    if len(set(names)) != len(names):
        twice = next(c for c in names if names.count(c) > 1)
        raise where.fail_key("candidates", f"two candidates are named {twice!r}")
    return names


def _ballot(ballots: list[object], index: int, key: str, where: _Where) -> tuple[object, int]:
    """The ballot's content under ``key`` and its count."""
    ballot = ballots[index]
    if not isinstance(ballot, dict):
        raise where.fail_ballot(index, f'expected an object like {{"{key}": …, "count": 1}}')
    extra = sorted(set(ballot) - {key, "count", "receipt"})
    if extra:
        raise where.fail_ballot(
            index, f"unknown key {extra[0]!r} (expected {key!r}, 'count', 'receipt')"
        )
    if not isinstance(ballot.get("receipt", ""), str):
        raise where.fail_ballot(index, "receipt must be a string")
    if key not in ballot:
        raise where.fail_ballot(index, f"missing {key!r}")
    count = ballot.get("count", 1)
    if not _whole(count) or count < 1:
        raise where.fail_ballot(index, f"count must be a positive whole number, got {count!r}")
    return ballot[key], count


def _resolve(item: object, number: dict[str, int], m: int, index: int, where: _Where) -> int:
    """A candidate given by name or 1-based number -> 0-based index."""
    if isinstance(item, str) and item in number:
        return number[item]
    if isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= m:
        return item - 1
    raise where.fail_ballot(index, f"unknown candidate {item!r} (give a name or a number 1..{m})")


def _read_ranked(
    candidates: tuple[str, ...], ballots: list[object], where: _Where
) -> RankedProfile:
    number = {c: i for i, c in enumerate(candidates)}
    flat: list[int] = []
    lengths: list[int] = []
    counts: list[int] = []
    truncated = 0
    for index in range(len(ballots)):
        content, count = _ballot(ballots, index, "ranking", where)
        if not isinstance(content, list):
            raise where.fail_ballot(index, "ranking must be a list")
        try:  # most ballots: distinct names, nothing else
            ranking = [number[item] for item in content]
        except (KeyError, TypeError):  # a number, an equal ranking, or an error
            ranking = []
        if len(ranking) != len(content) or len(set(ranking)) != len(ranking):
            ranking, cut = _ranking(content, candidates, number, index, where)
            truncated += count if cut else 0
        flat.extend(ranking)
        lengths.append(len(ranking))
        counts.append(count)
    matrix = padded_rankings(flat, lengths)
    profile = RankedProfile(
        candidates=candidates,
        rankings=matrix,
        counts=np.asarray(counts, dtype=np.int64),
        truncated_at_overvote=truncated,
    )
    return profile.merged() if truncated else profile


def _ranking(
    content: list[object],
    candidates: tuple[str, ...],
    number: dict[str, int],
    index: int,
    where: _Where,
) -> tuple[list[int], bool]:
    """A ranking with numbers or equal rankings: (the ranking cut before any overvote, cut?)."""
    seen: set[int] = set()
    ranking: list[int] = []
    cut = False
    for item in content:
        group = item if isinstance(item, list) else [item]
        if not group:
            raise where.fail_ballot(index, "an empty equal ranking []")
        members = []
        for member in group:
            candidate = _resolve(member, number, len(candidates), index, where)
            if candidate in seen:
                raise where.fail_ballot(
                    index, f"{candidates[candidate]!r} appears twice in the ranking"
                )
            seen.add(candidate)
            members.append(candidate)
        cut = cut or len(members) > 1  # an overvote: the ballot stops before it
        if not cut:
            ranking.extend(members)
    return ranking, cut


def _read_approval(
    candidates: tuple[str, ...], ballots: list[object], where: _Where
) -> ApprovalProfile:
    m = len(candidates)
    number = {c: i for i, c in enumerate(candidates)}
    approvals = np.zeros((len(ballots), m), dtype=np.bool_)
    counts: list[int] = []
    for index in range(len(ballots)):
        content, count = _ballot(ballots, index, "approved", where)
        if not isinstance(content, list):
            raise where.fail_ballot(index, "approved must be a list")
        for item in content:
            candidate = _resolve(item, number, m, index, where)
            if approvals[index, candidate]:
                raise where.fail_ballot(index, f"{candidates[candidate]!r} is approved twice")
            approvals[index, candidate] = True
        counts.append(count)
    return ApprovalProfile(
        candidates=candidates, approvals=approvals, counts=np.asarray(counts, dtype=np.int64)
    )


def _read_scores(
    data: dict[str, object], candidates: tuple[str, ...], ballots: list[object], where: _Where
) -> ScoreProfile:
    low, high = data.get("low"), data.get("high")
    # A missing bound is reported at the "kind" line, which asked for it.
    if not isinstance(low, int) or isinstance(low, bool):
        raise where.fail_key(
            "low" if "low" in data else "kind", "score ballots need a whole number 'low'"
        )
    if not isinstance(high, int) or isinstance(high, bool):
        raise where.fail_key(
            "high" if "high" in data else "kind", "score ballots need a whole number 'high'"
        )
    if low > high:
        raise where.fail_key("high", f"the lowest score {low} is above the highest {high}")
    m = len(candidates)
    number = {c: i for i, c in enumerate(candidates)}
    scores = np.zeros((len(ballots), m), dtype=np.int64)
    scored = np.zeros((len(ballots), m), dtype=np.bool_)
    counts: list[int] = []
    for index in range(len(ballots)):
        content, count = _ballot(ballots, index, "scores", where)
        if not isinstance(content, dict):
            raise where.fail_ballot(index, 'scores must be an object {"name": score}')
        for key, value in content.items():
            if key not in number:
                raise where.fail_ballot(index, f"unknown candidate {key!r}")
            if value is None:
                continue
            if not _whole(value) or not low <= value <= high:
                raise where.fail_ballot(
                    index, f"{key!r} has score {value!r}, not a whole number in {low}..{high}"
                )
            scores[index, number[key]] = value
            scored[index, number[key]] = True
        counts.append(count)
    return ScoreProfile(
        candidates=candidates,
        scores=scores,
        scored=scored,
        counts=np.asarray(counts, dtype=np.int64),
        low=low,
        high=high,
    )


def format_json_ballots(
    profile: AnyProfile,
    *,
    seats: int | None = None,
    title: str | None = None,
    receipts: Sequence[str | None] | None = None,
) -> str:
    """Write a profile as a bloc-ballots JSON file, one ballot per line, rows as they are.

    Candidates are written by name; ``receipts`` (one per row, ``None`` for none) adds
    each row's receipt. ``read_json_ballots(format_json_ballots(p))``
    gives back ``p`` row for row (a ranked profile's ``truncated_at_overvote`` is not
    written: the output holds the ballots as counted).
    """
    if seats is not None and seats < 1:
        raise ValueError(f"seats must be at least 1, got {seats}")

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    names = [dump(c) for c in profile.candidates]
    counts = profile.counts.tolist()
    if receipts is not None and len(receipts) != len(counts):
        raise ValueError(f"{len(receipts)} receipts for {len(counts)} rows")
    if isinstance(profile, RankedProfile):
        kind = "ranked"
        ballots = [
            f'{{"ranking": [{", ".join(map(names.__getitem__, row[:length]))}], "count": {n}}}'
            for row, n, length in zip(
                profile.rankings.tolist(), counts, profile.lengths.tolist(), strict=True
            )
        ]
    elif isinstance(profile, ApprovalProfile):
        kind = "approval"
        ballots = [
            f'{{"approved": [{", ".join(names[c] for c, yes in enumerate(row) if yes)}], '
            f'"count": {n}}}'
            for row, n in zip(profile.approvals.tolist(), counts, strict=True)
        ]
    else:
        kind = "score"
        ballots = [
            "{"
            + '"scores": {'
            + ", ".join(
                f"{names[c]}: {score}"
                for c, (score, given) in enumerate(zip(row, marks, strict=True))
                if given
            )
            + f'}}, "count": {n}}}'
            for row, marks, n in zip(
                profile.scores.tolist(), profile.scored.tolist(), counts, strict=True
            )
        ]
    head = [f'"format": "{FORMAT}"', f'"version": {VERSION}', f'"kind": "{kind}"']
    if title is not None:
        head.append(f'"title": {dump(title)}')
    if seats is not None:
        head.append(f'"seats": {seats}')
    if isinstance(profile, ScoreProfile):
        head += [f'"low": {profile.low}', f'"high": {profile.high}']
    head.append(f'"candidates": [{", ".join(names)}]')
    if receipts is not None:
        ballots = [
            ballot if receipt is None else f'{ballot[:-1]}, "receipt": {dump(receipt)}}}'
            for ballot, receipt in zip(ballots, receipts, strict=True)
        ]
    body = ",\n".join(f"    {ballot}" for ballot in ballots)
    lines = [f"  {item}," for item in head]
    return (
        "{\n" + "\n".join(lines) + '\n  "ballots": [\n' + body + ("\n" if body else "") + "  ]\n}\n"
    )
