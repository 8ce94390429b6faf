"""BLT ballot files, the format of the ERS, OpenSTV, OpaVote and Droop counting programs.

Layout (blank lines and ``#`` comments to the end of a line are ignored everywhere)::

    4 2                 candidates seats
    -2                  optional: withdrawn candidates, as negative numbers
    3 1 3 4 0           weight, then candidates from first preference, then 0
    (b7) 1 4 1=3 0      optional ballot id in parentheses; "=" joins equal rankings
    2 0                 an empty ballot (counts as cast, gives nobody a vote)
    0                   end of the ballots
    "Ana"               one quoted name per candidate, candidate 1 first
    ...
    "Example election"  optional quoted title

How a ballot is read, in this order:

* Weights are positive whole numbers (a fraction such as ``0.5`` is refused: the
  profile counts voters).
* A candidate may appear once per ballot, equal rankings included (``1=1`` or
  ``2 3 2`` is an error naming the candidate).
* **Withdrawn** candidates are taken out of every ballot, later preferences moving
  up, and out of the profile: the profile lists the standing candidates in file order
  and ``BltElection.withdrawn`` names the others, so a count never sees them.
* An equal ranking of two or more standing candidates is an **overvote** and the
  ballot is **cut just before it** (``1 2=3 4`` counts as ``1``), as ``read_preflib``
  does for ``toi``; ``truncated_at_overvote`` counts the voters so cut. A group left
  with one standing candidate is a plain rank, an empty one is skipped.

Rows are kept as written (one per ballot line), except that identical rows left by
an overvote cut or a withdrawal are merged. ``read_blt(format_blt(p, seats))`` gives
back ``p`` row for row. Malformed input raises ``BallotFormatError`` with its line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bloc.core.formats.errors import BallotFormatError
from bloc.core.formats.preflib import _load
from bloc.core.tally.ballots import PAD, RankedProfile, padded_rankings

_COMMENT = re.compile(r'("[^"]*")|#.*')
_QUOTED = re.compile(r'\s*"([^"]*)"\s*')
_BALLOT_ID = re.compile(r"\(([^)]*)\)\s*")
_WHOLE = re.compile(r"\d+")
_RANK = re.compile(r"\d+(?:=\d+)*")
_FRACTION = re.compile(r"\d*[./]\d+")


@dataclass(frozen=True, eq=False)
class BltElection:
    """What a BLT file holds.

    ``profile`` has the standing candidates only (withdrawn ones removed, numbering
    closed up); ``withdrawn`` names the withdrawn candidates in file order; ``title``
    is ``None`` when the file has no title line.
    """

    profile: RankedProfile
    seats: int
    title: str | None
    withdrawn: tuple[str, ...]


def _strip_comment(raw: str) -> str:
    """Drop a ``#`` comment, but not a ``#`` inside a quoted name."""
    return _COMMENT.sub(lambda m: m.group(1) or "", raw).strip()


def _whole(token: str, what: str, lineno: int, source: str | None) -> int:
    if _WHOLE.fullmatch(token) is None:
        raise BallotFormatError(
            f"{what} must be a whole number, got {token!r}", line=lineno, source=source
        )
    return int(token)


def read_blt(source: str | os.PathLike[str]) -> BltElection:
    """Read a BLT file (a path, or the text itself if it contains a newline)."""
    text, name, _ = _load(source)
    lines = [
        (n, _strip_comment(raw) if "#" in raw else raw.strip())
        for n, raw in enumerate(text.splitlines(), start=1)
    ]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise BallotFormatError("the file is empty", line=1, source=name)

    first_line, first = lines[0]
    head = first.split()
    if len(head) != 2:
        raise BallotFormatError(
            f"the first line must be 'candidates seats', got {first!r}",
            line=first_line,
            source=name,
        )
    m = _whole(head[0], "the number of candidates", first_line, name)
    seats = _whole(head[1], "the number of seats", first_line, name)
    if m < 1 or seats < 1:
        raise BallotFormatError(
            "the numbers of candidates and of seats must be at least 1",
            line=first_line,
            source=name,
        )

    body = 1
    withdrawn: set[int] = set()
    if body < len(lines) and lines[body][1].startswith("-"):
        withdrawn = _read_withdrawn(lines[body], m, name)
        body += 1
    standing = [c for c in range(1, m + 1) if c not in withdrawn]
    # Candidate number (1-based) -> 0-based index in the profile, PAD if withdrawn.
    index = [PAD] * (m + 1)
    for slot, number in enumerate(standing):
        index[number] = slot

    flat: list[int] = []
    lengths: list[int] = []
    counts: list[int] = []
    truncated = 0
    cut_or_dropped = False
    end = None
    for position in range(body, len(lines)):
        lineno, line = lines[position]
        if line == "0":
            end = position
            break
        ranking = _plain_ballot(line, m, index)
        if ranking is not None:  # most lines: "weight c c … 0" with nothing to check
            count, ranked, dropped = ranking
            cut_or_dropped |= dropped
        else:
            count, groups = _read_ballot(line, m, lineno, name)
            ranked = []
            for group in groups:
                kept = [index[c] for c in group if index[c] != PAD]
                cut_or_dropped |= len(kept) != len(group)
                if len(kept) > 1:
                    truncated += count  # an overvote: the ballot stops before it
                    cut_or_dropped = True
                    break
                ranked.extend(kept)
        flat.extend(ranked)
        lengths.append(len(ranked))
        counts.append(count)
    if end is None:
        raise BallotFormatError(
            "the file ends before the end-of-ballots line '0'", line=lines[-1][0], source=name
        )

    names, title = _read_names(lines[end + 1 :], m, lines[end][0], name)
    matrix = padded_rankings(flat, lengths)
    profile = RankedProfile(
        candidates=tuple(names[c - 1] for c in standing),
        rankings=matrix,
        counts=np.asarray(counts, dtype=np.int64),
        truncated_at_overvote=truncated,
    )
    return BltElection(
        profile=profile.merged() if cut_or_dropped else profile,
        seats=seats,
        title=title,
        withdrawn=tuple(names[c - 1] for c in sorted(withdrawn)),
    )


def _plain_ballot(line: str, m: int, index: list[int]) -> tuple[int, list[int], bool] | None:
    """(weight, 0-based ranking, whether a withdrawn candidate was dropped) for a line of
    plain numbers that needs no error, else ``None`` (``_read_ballot`` then reads it)."""
    parts = line.split()
    if not line.isascii() or not all(part.isdigit() for part in parts):
        return None
    numbers = [int(part) for part in parts]
    chosen = numbers[1:-1]
    if (
        len(numbers) < 2
        or numbers[0] == 0
        or numbers[-1] != 0
        or (chosen and not (1 <= min(chosen) and max(chosen) <= m))
        or len(set(chosen)) != len(chosen)
    ):
        return None
    ranking = [index[c] for c in chosen]
    if PAD in ranking:
        ranking = [c for c in ranking if c != PAD]
        return numbers[0], ranking, True
    return numbers[0], ranking, False


def _read_withdrawn(numbered: tuple[int, str], m: int, source: str | None) -> set[int]:
    lineno, line = numbered
    withdrawn: set[int] = set()
    for token in line.split():
        if not token.startswith("-") or _WHOLE.fullmatch(token[1:]) is None:
            raise BallotFormatError(
                f"a withdrawn candidate is written as a negative number, got {token!r}",
                line=lineno,
                source=source,
            )
        number = int(token[1:])
        if not 1 <= number <= m:
            raise BallotFormatError(
                f"withdrawn candidate {number} is outside 1..{m}", line=lineno, source=source
            )
        if number in withdrawn:
            raise BallotFormatError(
                f"candidate {number} is withdrawn twice", line=lineno, source=source
            )
        withdrawn.add(number)
    return withdrawn


def _read_ballot(line: str, m: int, lineno: int, source: str | None) -> tuple[int, list[list[int]]]:
    """Split ``[(id)] weight c … 0`` into the weight and the rank groups (1-based)."""
    ballot_id = _BALLOT_ID.match(line)
    tokens = line[ballot_id.end() :].split() if ballot_id else line.split()
    if not tokens:
        raise BallotFormatError("a ballot id with no ballot", line=lineno, source=source)
    weight = tokens[0]
    if _FRACTION.fullmatch(weight):
        raise BallotFormatError(
            f"ballot weight {weight} is a fraction; weights must be whole numbers of voters",
            line=lineno,
            source=source,
        )
    count = _whole(weight, "a ballot weight", lineno, source)
    if count == 0:
        raise BallotFormatError(
            "a ballot weight must be positive (a line '0' alone ends the ballots)",
            line=lineno,
            source=source,
        )
    if len(tokens) < 2 or tokens[-1] != "0":
        raise BallotFormatError("a ballot must end with 0", line=lineno, source=source)
    groups: list[list[int]] = []
    seen: set[int] = set()
    for token in tokens[1:-1]:
        if _RANK.fullmatch(token) is None:
            raise BallotFormatError(
                f"cannot read {token!r} as a candidate number", line=lineno, source=source
            )
        group = [int(part) for part in token.split("=")]
        for number in group:
            if not 1 <= number <= m:
                message = (
                    "0 ends a ballot, it cannot come before its last preference"
                    if number == 0
                    else f"unknown candidate {number} (the file has candidates 1..{m})"
                )
                raise BallotFormatError(message, line=lineno, source=source)
            if number in seen:
                raise BallotFormatError(
                    f"candidate {number} appears twice in this ballot", line=lineno, source=source
                )
            seen.add(number)
        groups.append(group)
    return count, groups


def _read_names(
    lines: list[tuple[int, str]], m: int, end_line: int, source: str | None
) -> tuple[list[str], str | None]:
    """The ``m`` quoted names and the optional quoted title after the end-of-ballots line."""
    strings: list[tuple[int, str]] = []
    for lineno, line in lines:
        position = 0
        while position < len(line):
            match = _QUOTED.match(line, position)
            if match is None:
                raise BallotFormatError(
                    f'expected a quoted name like "Jane Doe", got {line[position:]!r}',
                    line=lineno,
                    source=source,
                )
            strings.append((lineno, match.group(1)))
            position = match.end()
    if len(strings) < m:
        last = lines[-1][0] if lines else end_line
        raise BallotFormatError(
            f"line 1 declares {m} candidates but the file names {len(strings)}",
            line=last,
            source=source,
        )
    if len(strings) > m + 1:
        raise BallotFormatError(
            f"line 1 declares {m} candidates but the file has {len(strings)} quoted names "
            f"and titles (expected {m} names and at most one title)",
            line=strings[m + 1][0],
            source=source,
        )
    names = [text for _, text in strings[:m]]
    for lineno, text in strings[:m]:
        if not text.strip():
            raise BallotFormatError("a candidate name is empty", line=lineno, source=source)
    if len(set(names)) != m:
        twice = next(text for text in names if names.count(text) > 1)
        lineno = [n for n, text in strings[:m] if text == twice][-1]
        raise BallotFormatError(f"two candidates are named {twice!r}", line=lineno, source=source)
    title = strings[m][1] if len(strings) > m else None
    return names, title


def _quoted(text: str, what: str) -> str:
    if '"' in text or "\n" in text or "\r" in text:
        raise ValueError(f"a BLT {what} cannot contain a double quote or a line break: {text!r}")
    return f'"{text}"'


def format_blt(
    profile: RankedProfile,
    seats: int,
    title: str | None = None,
    *,
    withdrawn: Sequence[str] = (),
) -> str:
    """Write a ranked profile as BLT text, one ballot line per row of the profile.

    ``withdrawn`` names extra candidates to list as withdrawn (numbered after the
    profile's own). A ``None`` title is written as ``""``. ``truncated_at_overvote``
    is not written: the output holds the ballots as counted. Raises ``ValueError`` for
    ``seats < 1`` or a name or title that BLT cannot quote (a ``"`` or a line break).
    """
    if seats < 1:
        raise ValueError(f"seats must be at least 1, got {seats}")
    names = list(profile.candidates) + list(withdrawn)
    if len(set(names)) != len(names):
        raise ValueError("a withdrawn candidate has the name of a standing candidate")
    m = profile.num_candidates
    out = [f"{len(names)} {seats}"]
    if withdrawn:
        out.append(" ".join(f"-{c}" for c in range(m + 1, len(names) + 1)))
    number = [str(c + 1) for c in range(m)]
    for ranking, count, length in zip(
        profile.rankings.tolist(), profile.counts.tolist(), profile.lengths.tolist(), strict=True
    ):
        ranked = " ".join(map(number.__getitem__, ranking[:length]))
        out.append(f"{count} {ranked} 0" if length else f"{count} 0")
    out.append("0")
    out.extend(_quoted(text, "candidate name") for text in names)
    out.append(_quoted(title or "", "title"))
    return "\n".join(out) + "\n"
