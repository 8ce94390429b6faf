"""Pabulib ``.pb`` files: read them, write them back, and turn them into an Election.

The format (https://pabulib.org/format): UTF-8 text in three sections, each a line
holding only its name followed by a header row and ``;``-separated rows, fields quoted
CSV-style (``"a ""b"" c"``) when they hold ``;`` or ``"``::

    META                    key;value rows: budget, vote_type, min_length, ...
    PROJECTS                project_id;cost;... one row per project
    VOTES                   voter_id;vote;... ``vote`` lists project ids, comma-separated;
                            cumulative files add ``points``, aligned with ``vote``

``read_pb``/``parse_pb`` keep the file exactly as written (every value a string, rows in
file order, the line ending and whether the last line ends with one) in a ``PbFile``, and
``format_pb`` writes it back: for a file that quotes only where it must and has no blank
lines, ``format_pb(parse_pb(text)) == text`` byte for byte. ``to_election`` reads the
numbers (whole costs and budget; fractional or negative ones are refused, not rounded).
Every malformation raises ``BallotFormatError`` with the 1-based line at fault.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from bloc.core.budgeting.election import APPROVAL, CUMULATIVE, ORDINAL, Election
from bloc.core.formats.errors import BallotFormatError

SECTIONS = ("META", "PROJECTS", "VOTES")

#: META keys that limit a ballot and are kept, as whole numbers, in ``Election.limits``.
LIMIT_KEYS = (
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "min_project_score_threshold",
)

#: META ``vote_type`` -> ballot kind (``choose-1`` is an approval ballot of one project).
VOTE_TYPES = {
    "approval": APPROVAL,
    "choose-1": APPROVAL,
    "cumulative": CUMULATIVE,
    "ordinal": ORDINAL,
}

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


@dataclass(eq=False)
class PbFile:
    """A ``.pb`` file as written: every value a string, every row in file order."""

    meta: list[tuple[str, str]]
    projects_header: list[str]
    projects: list[list[str]]
    votes_header: list[str]
    votes: list[list[str]]
    meta_header: list[str] = field(default_factory=lambda: ["key", "value"])
    newline: str = "\n"
    #: Whether the last line ends with ``newline`` (Pabulib files differ).
    final_newline: bool = True
    bom: bool = False
    source: str | None = None
    # Where each row was read (1-based lines), for error messages; not part of the data.
    meta_lines: list[int] = field(default_factory=list)
    projects_lines: list[int] = field(default_factory=list)
    votes_lines: list[int] = field(default_factory=list)
    projects_header_line: int = 0
    votes_header_line: int = 0

    def data(self) -> tuple[object, ...]:
        """Everything ``format_pb`` writes, to compare two files' contents."""
        return (
            self.meta_header,
            self.meta,
            self.projects_header,
            self.projects,
            self.votes_header,
            self.votes,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PbFile):
            return NotImplemented
        return self.data() == other.data()

    def meta_dict(self) -> dict[str, str]:
        return {key.strip(): value.strip() for key, value in self.meta}

    def project_dicts(self) -> list[dict[str, str]]:
        header = [h.strip() for h in self.projects_header]
        return [dict(zip(header, row, strict=True)) for row in self.projects]

    def vote_dicts(self) -> list[dict[str, str]]:
        header = [h.strip() for h in self.votes_header]
        return [dict(zip(header, row, strict=True)) for row in self.votes]


# -- reading ---------------------------------------------------------------------------


def read_pb(path: str | Path) -> PbFile:
    """Read a ``.pb`` file (UTF-8, with or without a byte-order mark)."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BallotFormatError("not UTF-8 text", line=line, source=path.name) from None
    return parse_pb(text, source=path.name)


def _split(line: str, number: int, source: str | None) -> list[str]:
    if '"' not in line:
        return line.split(";")
    try:
        return next(csv.reader([line], delimiter=";", strict=True))
    except csv.Error as error:
        raise BallotFormatError(
            f"badly quoted field: {error}", line=number, source=source
        ) from None


def parse_pb(text: str, source: str | None = None) -> PbFile:
    """Parse the text of a ``.pb`` file; ``source`` names it in error messages."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    final_newline = text.endswith("\n")
    if newline == "\r\n" and text.count("\n") == text.count("\r\n"):
        lines = text.split("\r\n")
    else:
        lines = [line.removesuffix("\r") for line in text.split("\n")]
    if final_newline:
        lines.pop()

    def fail(message: str, line: int) -> BallotFormatError:
        return BallotFormatError(message, line=line, source=source)

    meta_header: list[str] | None = None
    meta: list[tuple[str, str]] = []
    meta_lines: list[int] = []
    tables: dict[str, tuple[list[str], list[list[str]], list[int], int]] = {}
    section = ""
    awaiting_header = False
    # Lines without ';' are section names, blank lines or errors; the runs between them
    # are data rows, split in bulk (the fast path for 60,000 votes).
    breaks = [i for i, line in enumerate(lines) if ";" not in line]
    breaks.append(len(lines))
    run_start = 0
    for stop in breaks:
        if run_start < stop:  # lines[run_start:stop] hold ';': rows of the current section
            block = lines[run_start:stop]
            rows = [
                line.split(";") if '"' not in line else _split(line, run_start + k + 1, source)
                for k, line in enumerate(block)
            ]
            first = run_start + 1  # 1-based line of rows[0]
            if section == "":
                raise fail("the file must start with a section name (META)", first)
            if awaiting_header:
                awaiting_header = False
                header = rows.pop(0)
                if section == "META":
                    if len(header) != 2:
                        raise fail("the META header must be 'key;value'", first)
                    meta_header = header
                else:
                    if len({h.strip() for h in header}) != len(header):
                        raise fail(f"the {section} header names a column twice", first)
                    tables[section][0].extend(header)
                first += 1
            width = 2 if section == "META" else len(tables[section][0])
            for k, row in enumerate(rows):
                if len(row) != width:
                    what = (
                        "a META row is 'key;value',"
                        if section == "META"
                        else (f"the header has {width} fields, this {section} row")
                    )
                    raise fail(f"{what} has {len(row)} fields", first + k)
            numbers = list(range(first, first + len(rows)))
            if section == "META":
                meta.extend((row[0], row[1]) for row in rows)
                meta_lines.extend(numbers)
            else:
                tables[section][1].extend(rows)
                tables[section][2].extend(numbers)
        if stop == len(lines):
            break
        number, line = stop + 1, lines[stop]
        run_start = stop + 1
        if not line.strip():
            continue  # pabutools skips blank lines too; they are not written back
        name = _split(line, number, source)[0].strip()
        if name.upper() not in SECTIONS:
            if section and not (name.isupper() and name.replace("_", "").isalpha()):
                raise fail(f"a {section} row needs ';'-separated fields: {line!r}", number)
            raise fail(
                f"unknown section {name!r} (a .pb file has META, PROJECTS and VOTES)", number
            )
        name = name.upper()
        if (name == "META" and meta_header is not None) or name in tables:
            raise fail(f"section {name} appears twice", number)
        if awaiting_header:
            raise fail(f"section {section} has no header row", number)
        section, awaiting_header = name, True
        if name == "META":
            meta_header = []
        else:
            tables[name] = ([], [], [], number + 1)
    end = len(lines) or 1
    if awaiting_header:
        raise fail(f"section {section} has no header row", end)
    for name in SECTIONS:
        if (meta_header if name == "META" else tables.get(name)) is None:
            raise fail(f"the file has no {name} section", end)
    if meta_header is None:  # pragma: no cover - the loop above raised already
        raise fail("the file has no META section", end)
    p_header, p_rows, p_lines, p_at = tables["PROJECTS"]
    v_header, v_rows, v_lines, v_at = tables["VOTES"]
    return PbFile(
        meta=meta,
        projects_header=p_header,
        projects=p_rows,
        votes_header=v_header,
        votes=v_rows,
        meta_header=meta_header,
        newline=newline,
        final_newline=final_newline,
        bom=bom,
        source=source,
        meta_lines=meta_lines,
        projects_lines=p_lines,
        votes_lines=v_lines,
        projects_header_line=p_at,
        votes_header_line=v_at,
    )


# -- writing ---------------------------------------------------------------------------


def _quote(value: str) -> str:
    if ";" in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _row(fields: list[str] | tuple[str, ...]) -> str:
    return ";".join(_quote(f) for f in fields)


def format_pb(pb: PbFile) -> str:
    """The file's text: sections META, PROJECTS, VOTES, fields quoted only where needed."""
    out: list[str] = ["META", _row(pb.meta_header)]
    out.extend(_row(pair) for pair in pb.meta)
    out += ["PROJECTS", _row(pb.projects_header)]
    out.extend(_row(r) for r in pb.projects)
    out += ["VOTES", _row(pb.votes_header)]
    out.extend(_row(r) for r in pb.votes)
    text = pb.newline.join(out) + (pb.newline if pb.final_newline else "")
    return ("\ufeff" if pb.bom else "") + text


def write_pb(pb: PbFile, path: str | Path) -> None:
    Path(path).write_bytes(format_pb(pb).encode("utf-8"))


# -- numbers ---------------------------------------------------------------------------


def _whole(text: str, what: str, line: int, source: str | None) -> int:
    """A whole, non-negative number (``"1500"``, also ``"1500.00"``)."""
    value = text.strip()
    if not _NUMBER.fullmatch(value):
        raise BallotFormatError(f"{what} {text!r} is not a number", line=line, source=source)
    whole, _, part = value.replace(",", ".").partition(".")
    if part.strip("0"):
        raise BallotFormatError(
            f"{what} {text!r} is not a whole number (fractional amounts are not supported)",
            line=line,
            source=source,
        )
    number = int(whole)
    if number < 0:
        raise BallotFormatError(f"{what} {text!r} is negative", line=line, source=source)
    return number


def _column(header: list[str], name: str, section: str, line: int, source: str | None) -> int:
    stripped = [h.strip() for h in header]
    if name not in stripped:
        raise BallotFormatError(
            f"the {section} header has no {name!r} column", line=line, source=source
        )
    return stripped.index(name)


# -- the election ----------------------------------------------------------------------


def to_election(pb: PbFile) -> Election:
    """The election the rules count: ids, whole costs and budget, merged ballots, limits."""
    source = pb.source
    meta: dict[str, tuple[str, int]] = {}
    for (key, value), line in zip(pb.meta, pb.meta_lines or [0] * len(pb.meta), strict=True):
        key = key.strip()
        if key in meta:
            raise BallotFormatError(f"META key {key!r} appears twice", line=line, source=source)
        meta[key] = (value.strip(), line)
    meta_end = (pb.meta_lines[-1] + 1) if pb.meta_lines else 2

    if "budget" not in meta:
        raise BallotFormatError("META has no 'budget'", line=meta_end, source=source)
    budget = _whole(meta["budget"][0], "the budget", meta["budget"][1], source)
    if "vote_type" not in meta:
        raise BallotFormatError("META has no 'vote_type'", line=meta_end, source=source)
    vote_type, vote_type_line = meta["vote_type"]
    if vote_type not in VOTE_TYPES:
        raise BallotFormatError(
            f"vote_type {vote_type!r} is not supported (approval, choose-1, cumulative, ordinal)",
            line=vote_type_line,
            source=source,
        )
    kind = VOTE_TYPES[vote_type]
    limits = {
        key: _whole(meta[key][0], key, meta[key][1], source)
        for key in LIMIT_KEYS
        if key in meta and meta[key][0].lower() not in ("", "none")
    }

    p_line = pb.projects_header_line
    id_col = _column(pb.projects_header, "project_id", "PROJECTS", p_line, source)
    cost_col = _column(pb.projects_header, "cost", "PROJECTS", p_line, source)
    p_lines = pb.projects_lines or [0] * len(pb.projects)
    ids: list[str] = []
    costs: list[int] = []
    index: dict[str, int] = {}
    for row, line in zip(pb.projects, p_lines, strict=True):
        pid = row[id_col].strip()
        if not pid:
            raise BallotFormatError("a project has no project_id", line=line, source=source)
        if pid in index:
            raise BallotFormatError(f"project_id {pid!r} appears twice", line=line, source=source)
        index[pid] = len(ids)
        ids.append(pid)
        costs.append(_whole(row[cost_col], f"the cost of project {pid}", line, source))

    v_line = pb.votes_header_line
    vote_col = _column(pb.votes_header, "vote", "VOTES", v_line, source)
    points_col = (
        _column(pb.votes_header, "points", "VOTES", v_line, source) if kind == CUMULATIVE else -1
    )
    v_lines = pb.votes_lines or [0] * len(pb.votes)

    def projects_of(text: str, line: int) -> list[int]:
        chosen: list[int] = []
        for name in text.split(","):
            name = name.strip()
            if not name:
                continue
            p = index.get(name)
            if p is None:
                raise BallotFormatError(
                    f"the vote names project {name!r}, which is not in PROJECTS",
                    line=line,
                    source=source,
                )
            chosen.append(p)
        if len(set(chosen)) != len(chosen):
            raise BallotFormatError("the vote names a project twice", line=line, source=source)
        return chosen

    # Count identical raw votes first (in C), then read each distinct one once; a
    # line number is looked up only when a vote is at fault.
    votes = (row[vote_col] for row in pb.votes)
    if points_col >= 0:
        raw = Counter(zip(votes, (row[points_col] for row in pb.votes), strict=True))
    else:
        raw = Counter(zip(votes, repeat("")))

    def line_of(vote: str, pts: str) -> int:
        for row, line in zip(pb.votes, v_lines, strict=True):
            if row[vote_col] == vote and (points_col < 0 or row[points_col] == pts):
                return line
        return v_line  # pragma: no cover - every raw vote comes from a row

    merged: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    for (vote, pts), n in raw.items():
        try:
            chosen = [index[name] for name in vote.split(",")]
            if len(set(chosen)) != len(chosen):
                raise KeyError(vote)
        except KeyError:  # spaces, an empty vote, an unknown id, a repeat: look closer
            chosen = projects_of(vote, line_of(vote, pts))
        if kind == APPROVAL:
            ballot: tuple[tuple[int, ...], tuple[int, ...]] = (tuple(sorted(chosen)), ())
        elif kind == ORDINAL:
            ballot = (tuple(chosen), ())
        else:
            given = [p for p in pts.split(",") if p.strip()]
            if len(given) != len(chosen):
                raise BallotFormatError(
                    f"the vote names {len(chosen)} projects but gives {len(given)} points",
                    line=line_of(vote, pts),
                    source=source,
                )
            try:
                numbers = [int(p) for p in given]
                if min(numbers, default=0) < 0:
                    raise ValueError(pts)
            except ValueError:
                numbers = [_whole(p, "points", line_of(vote, pts), source) for p in given]
            pairs = sorted(zip(chosen, numbers, strict=True))
            ballot = (tuple(p for p, _ in pairs), tuple(x for _, x in pairs))
        merged[ballot] = merged.get(ballot, 0) + n

    keys = list(merged)
    return Election(
        ids=tuple(ids),
        costs=tuple(costs),
        budget=budget,
        kind=kind,
        ballots=tuple(k[0] for k in keys),
        counts=tuple(merged.values()),
        points=tuple(k[1] for k in keys) if kind == CUMULATIVE else None,
        limits=limits,
    )


def read_election(path: str | Path) -> Election:
    """``to_election(read_pb(path))``."""
    return to_election(read_pb(path))
