"""CSV ballot files: a header of candidate names, then one ballot per row.

Layout::

    # scores 0-5              optional leading comment lines; one may name the kind
    count,Ana,Bo,Cy           header (line 1 when there is no comment line)
    2,5,,3                    a first column named "count" (any case) weighs each row

The kind of ballot comes from ``kind=`` or from a leading comment ``# ranked``,
``# approval`` or ``# scores LOW-HIGH`` (both must agree when both are given); without
either, ballots are ranked. Each kind has one reading of a cell:

* **ranked** — the rank the voter gave that candidate: 1 = first choice, blank =
  unranked; a rank must lie in 1..(number of candidates). The ballot orders its
  candidates by rank. A **skipped rank** is passed over and later ranks move up
  (``1`` and ``3`` with no ``2`` reads as first and second), as most US RCV laws
  read skipped rankings (New York City, San Francisco, Minneapolis; Maine's "two
  consecutive skips exhaust" is not applied). Two candidates given the **same rank**
  are an overvote: the ballot is cut just before that rank, as ``read_preflib`` does
  for ``toi``, and ``truncated_at_overvote`` counts the voters so cut.
* **approval** — ``1`` approves the candidate, ``0`` or blank does not.
* **score** — a whole number from LOW to HIGH, blank = not scored (not the same as
  LOW). LOW and HIGH come from ``low=``/``high=`` or the ``# scores`` comment; one of
  the two is required.

Cells may have spaces around them; the ``count`` cell must be a positive whole
number. Blank lines are skipped. Line numbers are physical lines of the file, so the
header is line 1 unless comments come first. Identical rows are merged (in order of
first appearance): the profile holds distinct ballots with their counts.

Reading is vectorised: a body made only of digits, commas, minus signs and line ends
(what ``format_csv_ballots`` and most exports write) is decoded straight from its
bytes with NumPy; anything else (quotes, spaces, blank lines between rows, a cell of
ten characters or more, any fault) goes through Python's ``csv`` module row by row,
which also finds the line of a fault.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from typing import Any, Literal, NoReturn, overload

import numpy as np
import numpy.typing as npt

from bloc.core.formats.errors import BallotFormatError
from bloc.core.formats.preflib import _load
from bloc.core.tally.ballots import (
    PAD,
    ApprovalProfile,
    BoolArray,
    IntArray,
    RankedProfile,
    ScoreProfile,
)

Kind = Literal["ranked", "approval", "score"]
KINDS: tuple[Kind, ...] = ("ranked", "approval", "score")
AnyProfile = RankedProfile | ApprovalProfile | ScoreProfile

_DIRECTIVE = re.compile(
    r"#\s*(?:(ranked)|(approval)|scores?\s*:?\s*(?:(-?\d+)\s*(?:\.\.|-|to)\s*(-?\d+))?)\s*",
    re.IGNORECASE,
)
_CELL = re.compile(r"[+-]?\d{1,18}")
_FAST_BYTES = np.zeros(256, dtype=np.bool_)
_FAST_BYTES[list(b"0123456789,-\n")] = True
_COMMA, _NEWLINE, _MINUS, _ZERO = (ord(c) for c in ",\n-0")
_CHUNK = 1 << 22  # bytes decoded at once: bounds the temporary arrays


@overload
def read_csv_ballots(
    source: str | os.PathLike[str],
    kind: Literal["ranked"],
    *,
    low: int | None = None,
    high: int | None = None,
) -> RankedProfile: ...
@overload
def read_csv_ballots(
    source: str | os.PathLike[str],
    kind: Literal["approval"],
    *,
    low: int | None = None,
    high: int | None = None,
) -> ApprovalProfile: ...
@overload
def read_csv_ballots(
    source: str | os.PathLike[str],
    kind: Literal["score"],
    *,
    low: int | None = None,
    high: int | None = None,
) -> ScoreProfile: ...
@overload
def read_csv_ballots(
    source: str | os.PathLike[str],
    kind: str | None = None,
    *,
    low: int | None = None,
    high: int | None = None,
) -> AnyProfile: ...
def read_csv_ballots(
    source: str | os.PathLike[str],
    kind: str | None = None,
    *,
    low: int | None = None,
    high: int | None = None,
) -> AnyProfile:
    """Read a CSV ballot file (a path, or the text itself if it contains a newline).

    See the module docstring for the layout and how each kind reads a cell.
    """
    text, name, _ = _load(source)
    text = text.removeprefix("\ufeff")  # the byte-order mark spreadsheets write
    # Leading blank and comment lines, walked by position (no split of a big file).
    position, lineno = 0, 1
    directive: tuple[Kind, int | None, int | None] | None = None
    while True:
        newline = text.find("\n", position)
        line = text[position : newline if newline >= 0 else len(text)].strip()
        if line and not line.startswith("#"):
            break
        match = _DIRECTIVE.fullmatch(line) if line else None
        if match is not None:
            if directive is not None:
                raise BallotFormatError(
                    "a second comment naming the kind of ballot", line=lineno, source=name
                )
            directive = _read_directive(match, lineno, name)
        if newline < 0:
            raise BallotFormatError(
                "no header row of candidate names", line=len(text.splitlines()) or 1, source=name
            )
        position, lineno = newline + 1, lineno + 1
    kind, low_score, high_score = _settle_kind(kind, low, high, directive, name)

    header_line = lineno
    reader = csv.reader(io.StringIO(text[position:]), skipinitialspace=True)
    header = [cell.strip() for cell in next(reader)]
    for _ in range(reader.line_num):  # a quoted name may hold a line break
        newline = text.find("\n", position)
        position = len(text) if newline < 0 else newline + 1
    body_line = header_line + reader.line_num
    has_count = header[0].lower() == "count"
    names = tuple(header[1:] if has_count else header)
    if not names:
        raise BallotFormatError("the header names no candidates", line=header_line, source=name)
    for number, candidate in enumerate(names, start=1):
        if not candidate:
            raise BallotFormatError(
                f"candidate column {number} has no name", line=header_line, source=name
            )
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise BallotFormatError(f"two columns are named {twice!r}", line=header_line, source=name)

    body = text[position:]
    grid = _fast_grid(body.encode("utf-8"), len(header))
    if grid is None:
        values, blank, line_of = _slow_grid(body, len(header), body_line, name)
    else:
        values, blank = grid
        line_of = body_line + np.arange(values.shape[0], dtype=np.int64)

    def fail(row: int, message: str) -> NoReturn:
        raise BallotFormatError(message, line=int(line_of[row]), source=name)

    if has_count:
        bad = blank[:, 0] | (values[:, 0] < 1)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            shown = "blank" if blank[row, 0] else str(int(values[row, 0]))
            fail(row, f"the count must be a positive whole number, got {shown}")
        counts = values[:, 0]
        values, blank = values[:, 1:], blank[:, 1:]
    else:
        counts = np.ones(values.shape[0], dtype=np.int64)

    if kind == "ranked":
        return _ranked(names, values, blank, counts, fail)
    if kind == "approval":
        bad_cell = ~blank & (values != 0) & (values != 1)
        if bad_cell.any():
            row, col = _first(bad_cell)
            fail(
                row,
                f"approval cells are 1 (approved), 0 or blank; {names[col]} has "
                f"{int(values[row, col])}",
            )
        approvals = ~blank & (values == 1)
        first, sums = merge_rows(approvals.astype(np.int64), 2, counts)
        return ApprovalProfile(candidates=names, approvals=approvals[first], counts=sums)
    return _scores(names, values, blank, counts, fail, low_score, high_score)


def _read_directive(
    match: re.Match[str], lineno: int, source: str | None
) -> tuple[Kind, int | None, int | None]:
    if match.group(1):
        return "ranked", None, None
    if match.group(2):
        return "approval", None, None
    if match.group(3) is None:
        raise BallotFormatError(
            "write the score range as '# scores LOW-HIGH', e.g. '# scores 0-5'",
            line=lineno,
            source=source,
        )
    low, high = int(match.group(3)), int(match.group(4))
    if low > high:
        raise BallotFormatError(
            f"the lowest score {low} is above the highest {high}", line=lineno, source=source
        )
    return "score", low, high


def _settle_kind(
    kind: str | None,
    low: int | None,
    high: int | None,
    directive: tuple[Kind, int | None, int | None] | None,
    source: str | None,
) -> tuple[Kind, int, int]:
    """Merge the caller's ``kind``/``low``/``high`` with the file's comment; they must agree.

    The range returned is only meaningful for score ballots (0, 0 otherwise).
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if directive is not None:
        said, said_low, said_high = directive
        if kind is not None and kind != said:
            raise BallotFormatError(
                f"the file holds {said} ballots, not {kind}", line=1, source=source
            )
        for given, in_file, what in ((low, said_low, "lowest"), (high, said_high, "highest")):
            if given is not None and in_file is not None and given != in_file:
                raise BallotFormatError(
                    f"the file says the {what} score is {in_file}, not {given}",
                    line=1,
                    source=source,
                )
        kind = said
        low = low if low is not None else said_low
        high = high if high is not None else said_high
    settled: Kind = "ranked" if kind is None else kind
    if settled == "score":
        if low is None or high is None:
            raise BallotFormatError(
                "score ballots need their range: pass low= and high=, or start the file "
                "with a comment like '# scores 0-5'",
                line=1,
                source=source,
            )
        if low > high:
            raise ValueError(f"the lowest score {low} is above the highest {high}")
        return settled, low, high
    return settled, 0, 0


def _first(mask: BoolArray) -> tuple[int, int]:
    row, col = np.nonzero(mask)
    return int(row[0]), int(col[0])


def _fast_grid(body: bytes, ncols: int) -> tuple[IntArray, BoolArray] | None:
    """Decode a plain numeric body (digits, ``-``, ``,``, ``\\n`` only) without Python loops.

    Returns ``None`` when the body is anything else, or has a row with the wrong number
    of cells, a blank line, a misplaced ``-`` or a number of ten digits or more; the
    caller then reads it with the ``csv`` module, which reports the fault's line.
    """
    if b"\r" in body:
        body = body.replace(b"\r\n", b"\n")  # Windows line ends; a lone \r is refused below
    body = body.rstrip(b"\n")  # blank lines at the end are skipped
    if not body:
        return np.zeros((0, ncols), dtype=np.int64), np.zeros((0, ncols), dtype=np.bool_)
    if body.startswith(b"\n") or b"\n\n" in body:
        return None
    values: list[IntArray] = []
    blanks: list[BoolArray] = []
    start = 0
    while start < len(body):
        stop = body.find(b"\n", start + _CHUNK)
        stop = len(body) if stop < 0 else stop
        chunk = _fast_chunk(
            np.frombuffer(body, dtype=np.uint8, count=stop - start, offset=start), ncols
        )
        if chunk is None:
            return None
        values.append(chunk[0])
        blanks.append(chunk[1])
        start = stop + 1
    return np.concatenate(values), np.concatenate(blanks)


def _fast_chunk(buf: npt.NDArray[np.uint8], ncols: int) -> tuple[IntArray, BoolArray] | None:
    if not _FAST_BYTES[buf].all():
        return None
    newline = buf == _NEWLINE
    sep_at = np.flatnonzero(newline | (buf == _COMMA))
    cells = sep_at.size + 1
    if cells % ncols:
        return None
    # Every row has exactly ncols - 1 commas: newlines are every ncols-th separator.
    expected = np.arange(ncols - 1, sep_at.size, ncols)
    if not np.array_equal(np.flatnonzero(newline[sep_at]), expected):
        return None
    ends = np.append(sep_at, buf.size)
    lengths = ends - np.insert(sep_at + 1, 0, 0)
    longest = int(lengths.max())
    if longest > 9:
        return None
    # Add up each cell's digits from its right end, one place at a time (a cell has at
    # most 9 digits, so the int64 sums are exact). A "-" may only open a cell.
    magnitude = np.zeros(cells, dtype=np.int64)
    negative = np.zeros(cells, dtype=np.bool_)
    for place in range(longest):
        present = lengths > place
        byte = buf[np.where(present, ends - 1 - place, 0)]
        sign = present & (byte == _MINUS)
        if sign.any():
            if (lengths[sign] != place + 1).any() or place == 0:
                return None
            negative |= sign
        digit = np.where(present & ~sign, byte.astype(np.int64) - _ZERO, 0)
        magnitude += digit * 10**place
    rows = cells // ncols
    number = np.where(negative, -magnitude, magnitude)
    return number.reshape(rows, ncols), (lengths == 0).reshape(rows, ncols)


def _slow_grid(
    body: str, ncols: int, first_line: int, source: str | None
) -> tuple[IntArray, BoolArray, IntArray]:
    """Read the body with the ``csv`` module: any quoting and spacing, exact fault lines."""
    values: list[int] = []
    blank: list[bool] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(body), skipinitialspace=True)
    consumed = 0
    for row in reader:
        lineno = first_line + consumed
        consumed = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line
        if len(row) != ncols:
            raise BallotFormatError(
                f"expected {ncols} cells like the header, found {len(row)}",
                line=lineno,
                source=source,
            )
        for cell in row:
            text = cell.strip()
            if not text:
                values.append(0)
                blank.append(True)
            elif _CELL.fullmatch(text):
                values.append(int(text))
                blank.append(False)
            else:
                raise BallotFormatError(
                    f"cannot read the cell {text!r} as a whole number",
                    line=lineno,
                    source=source,
                )
        lines.append(lineno)
    shape = (len(lines), ncols)
    return (
        np.asarray(values, dtype=np.int64).reshape(shape),
        np.asarray(blank, dtype=np.bool_).reshape(shape),
        np.asarray(lines, dtype=np.int64),
    )


def _ranked(
    names: tuple[str, ...],
    values: IntArray,
    blank: BoolArray,
    counts: IntArray,
    fail: Callable[[int, str], NoReturn],
) -> RankedProfile:
    m = len(names)
    outside = ~blank & ((values < 1) | (values > m))
    if outside.any():
        row, col = _first(outside)
        fail(
            row,
            f"{names[col]} has rank {int(values[row, col])}, outside 1..{m}",
        )
    # Put each candidate in the slot of its rank (no sorting; blanks go to a spare slot
    # at the end): occupancy counts the candidates sharing each rank, and the first rank
    # held by two or more is the overvote.
    n = values.shape[0]
    spare = n * m
    # int32 indices halve the memory traffic when they fit.
    index: np.dtype[Any] = np.dtype(np.int32 if spare < 2**31 - 1 else np.int64)
    row_base = np.arange(-1, spare - 1, m, dtype=index)[:, None]
    flat = np.where(blank, spare, values.astype(index) + row_base)
    occupancy = np.bincount(flat.ravel(), minlength=spare + 1)[:spare].reshape(n, m)
    slot = np.full(spare + 1, PAD, dtype=np.int32)
    slot[flat] = np.arange(m, dtype=np.int32)
    over = occupancy > 1
    overvoted = over.any(axis=1)
    cut = np.where(overvoted, np.argmax(over, axis=1), m)
    keep = (occupancy > 0) & (np.arange(m) < cut[:, None])
    # Kept slots per row, by a running count over the whole matrix (a cumsum along
    # short rows is much slower) minus the count before each row.
    running = np.cumsum(keep.ravel(), dtype=np.int64).reshape(n, m)
    before = np.concatenate(([0], running[:-1, -1])) if n else np.zeros(0, dtype=np.int64)
    kept = running - before[:, None]
    length = kept[:, -1] if m else np.zeros(n, dtype=np.int64)
    width = int(length.max(initial=0))
    slots = slot[:spare].reshape(n, m)
    if np.array_equal(keep, np.arange(m) < length[:, None]):
        rankings = np.where(keep, slots, PAD)[:, :width]  # no skipped rank
    else:
        # Close up skipped ranks (later ones move up): kept slot j goes to column
        # kept[j] - 1, the others to a spare last column.
        closed = np.full((n, m + 1), PAD, dtype=np.int32)
        np.put_along_axis(closed, np.where(keep, kept - 1, m), slots, axis=1)
        rankings = closed[:, :width]
    first, sums = merge_rows(rankings + 1, m + 1, counts)
    return RankedProfile(
        candidates=names,
        rankings=rankings[first],
        counts=sums,
        truncated_at_overvote=int(counts[overvoted].sum()),
    )


def _scores(
    names: tuple[str, ...],
    values: IntArray,
    blank: BoolArray,
    counts: IntArray,
    fail: Callable[[int, str], NoReturn],
    low: int,
    high: int,
) -> ScoreProfile:
    outside = ~blank & ((values < low) | (values > high))
    if outside.any():
        row, col = _first(outside)
        fail(
            row,
            f"{names[col]} has score {int(values[row, col])}, outside {low}..{high}",
        )
    scored = ~blank
    code = np.where(scored, values - low + 1, 0)
    first, sums = merge_rows(code, high - low + 2, counts)
    return ScoreProfile(
        candidates=names,
        scores=values[first],
        scored=scored[first],
        counts=sums,
        low=low,
        high=high,
    )


def merge_rows(
    matrix: npt.NDArray[np.integer[Any]], base: int, counts: IntArray
) -> tuple[IntArray, IntArray]:
    """Merge identical rows: (index of each distinct row's first appearance, summed counts).

    ``matrix`` holds integers in ``0..base-1``; the distinct rows come in order of first
    appearance. Rows are packed into one int64 key when ``base ** width`` fits, else
    sorted column by column.
    """
    n, width = matrix.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), counts
    if base**width < 2**62:
        keys = matrix @ (base ** np.arange(width, dtype=np.int64))
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    else:
        order = np.lexsort(matrix.T[::-1])
        ordered_rows = matrix[order]
        new = np.concatenate(([True], (ordered_rows[1:] != ordered_rows[:-1]).any(axis=1)))
    starts = np.flatnonzero(new)
    first = order[starts]  # a stable sort keeps each group's earliest row first
    sums = np.add.reduceat(counts[order], starts)
    appearance = np.argsort(first, kind="stable")
    return first[appearance].astype(np.int64), sums[appearance].astype(np.int64)


def format_csv_ballots(profile: AnyProfile) -> str:
    """Write a profile as CSV: a comment naming the kind, a header, one row per distinct ballot.

    The first column is ``count``; identical rows are merged, so
    ``read_csv_ballots(format_csv_ballots(p))`` gives back ``p`` merged. A ranked
    profile's ``truncated_at_overvote`` is not written: the output holds the ballots as
    counted. Raises ``ValueError`` for a candidate name with spaces at its ends (the
    reader strips them) or an empty name.
    """
    for candidate in profile.candidates:
        if not candidate or candidate != candidate.strip():
            raise ValueError(f"a CSV header cannot keep the name {candidate!r} as it is")
    m = profile.num_candidates
    # Each cell is written from a code: 0 = blank, else code + offset.
    if isinstance(profile, RankedProfile):
        comment, offset = "# ranked", 0
        first, counts = merge_rows(profile.rankings + 1, m + 1, profile.counts)
        rankings = profile.rankings[first]
        code = np.zeros((counts.size, m), dtype=np.int64)
        row, place = np.nonzero(rankings != PAD)
        code[row, rankings[row, place]] = place + 1  # the rank
    elif isinstance(profile, ApprovalProfile):
        comment, offset = "# approval", -1
        first, counts = merge_rows(profile.approvals.astype(np.int64), 2, profile.counts)
        code = profile.approvals[first].astype(np.int64) + 1  # never blank: 0 or 1
    else:
        comment, offset = f"# scores {profile.low}-{profile.high}", profile.low - 1
        every = np.where(profile.scored, profile.scores - profile.low + 1, 0)
        first, counts = merge_rows(every, profile.high - profile.low + 2, profile.counts)
        code = every[first]
    words = {c: str(c + offset) if c else "" for c in np.unique(code).tolist()}
    out = io.StringIO()
    out.write(comment + "\n")
    csv.writer(out, lineterminator="\n").writerow(["count", *profile.candidates])
    out.writelines(
        f"{count},{','.join(map(words.__getitem__, row))}\n"
        for count, row in zip(counts.tolist(), code.tolist(), strict=True)
    )
    return out.getvalue()
