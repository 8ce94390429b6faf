"""PrefLib ballot files (soi, soc, toi, toc, cat) and the Alaska 2022 ``.profile`` file.

PrefLib's format (``FORMAT_SPECIFICATION.md`` in the PrefLib-Data repository): header
lines ``# KEY: value`` (``DATA TYPE``, ``NUMBER ALTERNATIVES``, ``NUMBER VOTERS``,
``ALTERNATIVE NAME 3: Bdale Garbee`` …), then one ``count: ballot`` line per distinct
ballot, candidates numbered from 1. ``{…}`` groups candidates given the same rank (or,
in ``.cat``, the same category). There is no "soe" type in PrefLib; ``soc``/``toc`` are
the complete variants of ``soi``/``toi``.

How each type becomes a profile:

* ``soi``/``soc`` → ``RankedProfile``; groups are not allowed (strict orders), and in
  ``soc`` every candidate must be ranked.
* ``toi``/``toc`` → ``RankedProfile``. A group of two or more candidates is read as an
  **overvote** (two candidates marked in one rank column, as in the US RCV files), and
  the ballot is **cut just before its first overvote**: ``2,4,{3,5},1`` counts as
  ``2,4`` and ``{1,2},5`` as an empty ballot. This is the US RCV rule (an overvote
  exhausts the ballot when reached) and what the reference data
  (``shared/data/ranked/README.md``, pref_voting's
  ``ProfileWithTies.truncate_overvotes()``) does. The profile records how many voters'
  ballots were cut in ``truncated_at_overvote``; identical ballots left by the cut are
  merged. A one-candidate group ``{3}`` is a plain rank.
* ``cat`` → ``ApprovalProfile``; exactly two categories, the first ("Yes") being the
  approved candidates: ``12: {9,10},{1,…}`` approves 9 and 10, ``6: {},{…}`` nobody.

Each line is parsed once (lines are distinct ballots, so a file of a million voters has
at most a few thousand lines) and the NumPy arrays are built in one go at the end.
Malformed input raises ``BallotFormatError`` naming the 1-based line; header counts
(``NUMBER VOTERS``, ``NUMBER ALTERNATIVES``, ``NUMBER UNIQUE …``) must agree with the
data.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bloc.core.formats.errors import BallotFormatError
from bloc.core.tally.ballots import PAD, ApprovalProfile, RankedProfile, padded_rankings

RANKED_TYPES = frozenset({"soi", "soc", "toi", "toc"})
DATA_TYPES = RANKED_TYPES | {"cat"}

_HEADER = re.compile(r"#\s*([A-Z][A-Z ]*?)\s*(\d+)?\s*:\s*(.*)")
_COUNT = re.compile(r"\s*(\d+)\s*")
_ITEM = r"\s*(?:\d+|\{\s*(?:\d+\s*(?:,\s*\d+\s*)*)?\})\s*"
_BALLOT = re.compile(rf"(?:{_ITEM}(?:,{_ITEM})*)?")
_TOKEN = re.compile(r"\d+|\{[^}]*\}")
_ALASKA_LINE = re.compile(r"\((.*)\)\s*:\s*(\S+)")


def _load(source: str | os.PathLike[str]) -> tuple[str, str | None, str]:
    """Return (text, file name or None, suffix) for a path or for ballot text.

    An ``os.PathLike`` is always a path; a ``str`` is ballot text when it contains a
    newline, else a path.
    """
    if isinstance(source, os.PathLike) or "\n" not in source:
        path = Path(source)
        return path.read_text(encoding="utf-8"), path.name, path.suffix.lstrip(".").lower()
    return source, None, ""


@dataclass
class _Header:
    data_type: str | None = None
    data_type_line: int = 1
    numbers: dict[str, tuple[int, int]] = field(default_factory=dict)
    names: dict[int, tuple[str, int]] = field(default_factory=dict)


def _read_header_line(line: str, lineno: int, header: _Header, source: str | None) -> None:
    match = _HEADER.fullmatch(line)
    if match is None:
        return  # a free comment
    key, number, value = match.group(1), match.group(2), match.group(3).strip()
    if key == "ALTERNATIVE NAME" and number is not None:
        header.names[int(number)] = (value, lineno)
    elif key == "DATA TYPE" and number is None:
        header.data_type, header.data_type_line = value.lower(), lineno
    elif key.startswith("NUMBER ") and number is None:
        if not value.isdigit():
            raise BallotFormatError(
                f"{key} must be a whole number, got {value!r}", line=lineno, source=source
            )
        header.numbers[key] = (int(value), lineno)


def read_preflib(source: str | os.PathLike[str]) -> RankedProfile | ApprovalProfile:
    """Read a PrefLib file (or its text) into a ranked or approval profile.

    The data type comes from the ``# DATA TYPE`` header, else from the file suffix. A
    path ending in ``.profile`` is read with ``read_alaska_profile``. See the module
    docstring for how each type, and overvotes in ``toi``/``toc``, are read.
    """
    text, name, suffix = _load(source)
    if suffix == "profile":
        return _parse_alaska(text, name)
    fast = _read_fast(text, name)
    if fast is not None:
        return fast
    header = _Header()
    data: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            _read_header_line(line, lineno, header, name)
        else:
            data.append((lineno, line))

    data_type = header.data_type or (suffix or None)
    if data_type not in DATA_TYPES:
        raise BallotFormatError(
            f"unsupported PrefLib data type {data_type!r} (expected one of {', '.join(sorted(DATA_TYPES))})",
            line=header.data_type_line,
            source=name,
        )
    candidates = _candidates(header, name)
    if data_type == "cat":
        categories, cat_line = header.numbers.get("NUMBER CATEGORIES", (2, 1))
        if categories != 2:
            raise BallotFormatError(
                f"only approval files (2 categories, the first approved) are supported, not {categories}",
                line=cat_line,
                source=name,
            )
        profile: RankedProfile | ApprovalProfile = _parse_cat(data, candidates, name)
    else:
        profile = _parse_ranked(data, candidates, data_type, name)

    if "NUMBER VOTERS" in header.numbers:
        voters, header_line = header.numbers["NUMBER VOTERS"]
        if voters != profile.total:
            raise BallotFormatError(
                f"NUMBER VOTERS says {voters} but the ballot counts add up to {profile.total}",
                line=header_line,
                source=name,
            )
    for key in ("NUMBER UNIQUE ORDERS", "NUMBER UNIQUE PREFERENCES"):
        if key in header.numbers:
            distinct, header_line = header.numbers[key]
            if distinct != len(data):
                raise BallotFormatError(
                    f"{key} says {distinct} but the file has {len(data)} ballot lines",
                    line=header_line,
                    source=name,
                )
    return profile


_PLAIN_BODY = re.compile(r"[0-9:, \t\r\n]*")


def _read_fast(text: str, source: str | None) -> RankedProfile | None:
    """Read a well-formed strict-order file in a few NumPy calls, or return ``None``.

    The header (the ``#`` lines at the top) is read line by line; the ballot lines,
    one per distinct ballot, are parsed in bulk: every number in one ``np.fromstring``
    and each line's length from where its commas fall. Anything unusual (groups,
    empty ballots, blank or comment lines among the ballots, a bad number) returns
    ``None`` and the line-by-line reader takes over, so errors still name their line.
    """
    header = _Header()
    offset, lineno = 0, 0
    while offset < len(text) and text.startswith("#", offset):
        end = text.find("\n", offset)
        end = len(text) if end == -1 else end
        lineno += 1
        _read_header_line(text[offset:end].strip(), lineno, header, source)
        offset = end + 1
    body = text[offset:].strip()
    if header.data_type not in RANKED_TYPES or not body or not _PLAIN_BODY.fullmatch(body):
        return None
    raw = np.frombuffer(body.encode("ascii"), dtype=np.uint8)
    newline = raw == ord("\n")
    line_of = np.cumsum(newline) - newline  # the 0-based ballot line of each character
    lines = int(line_of[-1]) + 1
    colons = np.bincount(line_of[raw == ord(":")], minlength=lines)
    if (colons != 1).any() or re.search(r":\s*(\n|$)|\n\s*\n", body):
        return None  # an empty ballot or a blank line: leave it to the careful reader
    lengths = np.bincount(line_of[raw == ord(",")], minlength=lines) + 1
    try:
        numbers = np.fromstring(body.replace(":", ",").replace("\n", ","), sep=",", dtype=np.int64)
    except ValueError:
        return None
    if numbers.shape[0] != int(lengths.sum()) + lines:
        return None
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    counts = numbers[starts]
    is_count = np.zeros(numbers.shape[0], dtype=np.bool_)
    is_count[starts] = True
    flat = numbers[~is_count]
    try:
        candidates = _candidates(header, source)
    except BallotFormatError:
        return None
    m = len(candidates)
    complete = header.data_type is not None and header.data_type.endswith("c")
    if (counts < 1).any() or (flat < 1).any() or (flat > m).any():
        return None
    if complete and (lengths != m).any():
        return None
    rankings = padded_rankings(flat - 1, lengths)
    try:
        profile = RankedProfile(candidates=candidates, rankings=rankings, counts=counts)
    except ValueError:
        return None  # e.g. a candidate ranked twice: the careful reader names the line
    if _header_disagrees(header, profile.total, lines):
        return None
    return profile


def _header_disagrees(header: _Header, voters: int, lines: int) -> bool:
    if "NUMBER VOTERS" in header.numbers and header.numbers["NUMBER VOTERS"][0] != voters:
        return True
    return any(
        key in header.numbers and header.numbers[key][0] != lines
        for key in ("NUMBER UNIQUE ORDERS", "NUMBER UNIQUE PREFERENCES")
    )


def _candidates(header: _Header, source: str | None) -> tuple[str, ...]:
    declared = header.numbers.get("NUMBER ALTERNATIVES")
    m = declared[0] if declared else max(header.names, default=0)
    if m == 0:
        raise BallotFormatError("the file declares no candidates", line=1, source=source)
    for number, (_, line) in header.names.items():
        if not 1 <= number <= m:
            raise BallotFormatError(
                f"ALTERNATIVE NAME {number} is outside 1..{m}", line=line, source=source
            )
    names = tuple(header.names.get(i, (str(i), 0))[0] for i in range(1, m + 1))
    if len(set(names)) != m:
        line = max(line for _, line in header.names.values())
        raise BallotFormatError("two candidates have the same name", line=line, source=source)
    return names


def _split_line(lineno: int, line: str, source: str | None) -> tuple[int, list[str]]:
    """Split ``count: ballot`` into the count and the ballot's items (numbers or groups)."""
    count_text, colon, ballot = line.partition(":")
    if not colon:
        raise BallotFormatError("expected 'count: ballot'", line=lineno, source=source)
    count_match = _COUNT.fullmatch(count_text)
    if count_match is None or int(count_match.group(1)) == 0:
        raise BallotFormatError(
            f"the count must be a positive whole number, got {count_text.strip()!r}",
            line=lineno,
            source=source,
        )
    if "{" not in ballot:
        # Fast path for plain rankings, most lines of most files.
        items = [part.strip() for part in ballot.split(",")] if ballot.strip() else []
        if all(item.isascii() and item.isdigit() for item in items):
            return int(count_match.group(1)), items
    elif _BALLOT.fullmatch(ballot) is not None:
        return int(count_match.group(1)), _TOKEN.findall(ballot)
    raise BallotFormatError(
        f"cannot read the ballot {ballot.strip()!r}", line=lineno, source=source
    )


def _members(item: str) -> list[int]:
    if item.startswith("{"):
        inner = item[1:-1].strip()
        return [int(x) for x in inner.split(",")] if inner else []
    return [int(item)]


def _check_numbers(numbers: list[int], m: int, lineno: int, source: str | None) -> None:
    for number in numbers:
        if not 1 <= number <= m:
            raise BallotFormatError(
                f"unknown candidate {number} (the file has candidates 1..{m})",
                line=lineno,
                source=source,
            )
    if len(set(numbers)) != len(numbers):
        twice = next(n for n in numbers if numbers.count(n) > 1)
        raise BallotFormatError(f"candidate {twice} appears twice", line=lineno, source=source)


def _parse_ranked(
    data: list[tuple[int, str]], candidates: tuple[str, ...], data_type: str, source: str | None
) -> RankedProfile:
    m = len(candidates)
    ties_allowed = data_type.startswith("t")
    complete = data_type.endswith("c")
    flat: list[int] = []
    lengths: list[int] = []
    counts: list[int] = []
    truncated = 0
    for lineno, line in data:
        count, items = _split_line(lineno, line, source)
        groups = [_members(item) for item in items]
        everyone = [number for group in groups for number in group]
        _check_numbers(everyone, m, lineno, source)
        if complete and len(everyone) != m:
            raise BallotFormatError(
                f"a {data_type} ballot must place all {m} candidates, this one places {len(everyone)}",
                line=lineno,
                source=source,
            )
        ranking: list[int] = []
        for group in groups:
            if len(group) == 1:
                ranking.append(group[0] - 1)
            elif not ties_allowed:
                raise BallotFormatError(
                    f"a {data_type} ballot is a strict order; groups like {{…}} are not allowed",
                    line=lineno,
                    source=source,
                )
            elif not group:
                raise BallotFormatError("empty group {} in a ranking", line=lineno, source=source)
            else:
                truncated += count  # an overvote: the ballot stops before it
                break
        flat.extend(ranking)
        lengths.append(len(ranking))
        counts.append(count)

    profile = RankedProfile(
        candidates=candidates,
        rankings=padded_rankings(flat, lengths),
        counts=np.asarray(counts, dtype=np.int64),
        truncated_at_overvote=truncated,
    )
    # Cutting overvotes can make two lines equal (``2,4,{3,5}`` and ``2,4``).
    return profile.merged() if truncated else profile


def _parse_cat(
    data: list[tuple[int, str]], candidates: tuple[str, ...], source: str | None
) -> ApprovalProfile:
    m = len(candidates)
    approved_flat: list[int] = []
    sizes: list[int] = []
    counts: list[int] = []
    for lineno, line in data:
        count, items = _split_line(lineno, line, source)
        categories = [_members(item) for item in items]
        if len(categories) != 2:
            raise BallotFormatError(
                f"an approval ballot has 2 categories (Yes, No), this one has {len(categories)}",
                line=lineno,
                source=source,
            )
        everyone = categories[0] + categories[1]
        _check_numbers(everyone, m, lineno, source)
        if len(everyone) != m:
            raise BallotFormatError(
                f"a cat ballot must place all {m} candidates, this one places {len(everyone)}",
                line=lineno,
                source=source,
            )
        approved_flat.extend(number - 1 for number in categories[0])
        sizes.append(len(categories[0]))
        counts.append(count)
    approvals = np.zeros((len(sizes), m), dtype=np.bool_)
    rows = np.repeat(np.arange(len(sizes)), np.asarray(sizes, dtype=np.int64))
    approvals[rows, np.asarray(approved_flat, dtype=np.int64)] = True
    return ApprovalProfile(
        candidates=candidates, approvals=approvals, counts=np.asarray(counts, dtype=np.int64)
    )


def read_alaska_profile(source: str | os.PathLike[str]) -> RankedProfile:
    """Read the ``.profile`` file of jirin1a/alaska_irv_2022 (Alaska, August 2022).

    Line 1 holds the candidate names separated by commas, with ``_`` standing for a
    comma inside a name (``Begich_ Nick`` is "Begich, Nick"); line 2 the parties; line
    3 a separator; then ``(Peltola_ Mary S.,Begich_ Nick) : 21818`` lines, one per
    distinct ranking (``()`` is an empty ballot). Blank lines are skipped. Candidate 1
    is the first name on line 1.
    """
    text, name, _ = _load(source)
    return _parse_alaska(text, name)


def _parse_alaska(text: str, source: str | None) -> RankedProfile:
    lines = [(n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if len(lines) < 3:
        raise BallotFormatError(
            "expected a names line, a parties line and a separator line",
            line=len(text.splitlines()) or 1,
            source=source,
        )
    names_line, raw_names = lines[0]
    raw = [part.strip() for part in raw_names.split(",")]
    number = {candidate: i for i, candidate in enumerate(raw)}
    if len(number) != len(raw) or "" in number:
        raise BallotFormatError(
            "candidate names must be distinct and non-empty", line=names_line, source=source
        )
    candidates = tuple(candidate.replace("_ ", ", ") for candidate in raw)

    flat: list[int] = []
    lengths: list[int] = []
    counts: list[int] = []
    for lineno, line in lines[3:]:
        match = _ALASKA_LINE.fullmatch(line)
        if match is None:
            raise BallotFormatError("expected '(candidate,…) : count'", line=lineno, source=source)
        inner, count_text = match.group(1).strip(), match.group(2)
        if not count_text.isdigit() or int(count_text) == 0:
            raise BallotFormatError(
                f"the count must be a positive whole number, got {count_text!r}",
                line=lineno,
                source=source,
            )
        ranking: list[int] = []
        for part in inner.split(",") if inner else []:
            if part.strip() not in number:
                raise BallotFormatError(
                    f"unknown candidate {part.strip()!r}", line=lineno, source=source
                )
            ranking.append(number[part.strip()])
        if len(set(ranking)) != len(ranking):
            raise BallotFormatError("a candidate appears twice", line=lineno, source=source)
        flat.extend(ranking)
        lengths.append(len(ranking))
        counts.append(int(count_text))

    return RankedProfile(
        candidates=candidates,
        rankings=padded_rankings(flat, lengths),
        counts=np.asarray(counts, dtype=np.int64),
    )


def format_preflib(profile: RankedProfile | ApprovalProfile, *, title: str = "") -> str:
    """Write a profile as PrefLib text: ``soi`` for ranked ballots, ``cat`` for approvals.

    One line per row of the profile, in order, so ``read_preflib(format_preflib(p))``
    gives back the same rows and counts (a ranked profile's ``truncated_at_overvote``
    is not written: the output holds the ballots as counted).
    """
    m = profile.num_candidates
    rows: list[str] = []
    if isinstance(profile, RankedProfile):
        data_type = "soi"
        for ranking, count in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True):
            rows.append(f"{count}: " + ",".join(str(c + 1) for c in ranking if c != PAD))
    else:
        data_type = "cat"
        for approved, count in zip(
            profile.approvals.tolist(), profile.counts.tolist(), strict=True
        ):
            yes = ",".join(str(c + 1) for c in range(m) if approved[c])
            no = ",".join(str(c + 1) for c in range(m) if not approved[c])
            rows.append(f"{count}: {{{yes}}},{{{no}}}")
    unique_key = "NUMBER UNIQUE ORDERS" if data_type == "soi" else "NUMBER UNIQUE PREFERENCES"
    header = [
        f"# TITLE: {title}",
        f"# DATA TYPE: {data_type}",
        f"# NUMBER ALTERNATIVES: {m}",
        f"# NUMBER VOTERS: {profile.total}",
        f"# {unique_key}: {len(rows)}",
    ]
    if data_type == "cat":
        header += ["# NUMBER CATEGORIES: 2", "# CATEGORY NAME 1: Yes", "# CATEGORY NAME 2: No"]
    header += [
        f"# ALTERNATIVE NAME {i}: {name}" for i, name in enumerate(profile.candidates, start=1)
    ]
    return "\n".join(header + rows) + "\n"
