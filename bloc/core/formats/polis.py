"""A Polis conversation export (the openData layout): statements, final votes, Polis's groups.

A folder holds ``comments.csv`` and either ``votes.csv`` or ``participants-votes.csv``:

* ``comments.csv``: one statement a row: ``comment-id``, ``moderated`` (1 accepted,
  0 not yet, -1 rejected), ``comment-body``, and in newer exports ``is-meta``. Rejected and
  meta statements are *moderated out* of the analysis.
* ``votes.csv``: one vote *event* a row (``timestamp``, ``comment-id``, ``voter-id``,
  ``vote``). A participant who changed their mind appears more than once for a statement:
  the events are ordered by timestamp (equal timestamps keep file order) and the last counts.
* ``participants-votes.csv``: used when ``votes.csv`` is absent; one participant a row with
  their latest vote under each statement id's column (empty: never voted). Its ``group-id``
  column, the opinion group Polis had assigned at export time, is read whichever file
  supplies the votes.

Every export file uses +1 = agree, -1 = disagree, 0 = pass. Malformed input raises
:class:`PolisFormatError` naming the file and line.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bloc.core.errors import DomainError
from bloc.core.opinion import OpinionError, VoteMatrix

TRUE = {"true", "1", "t", "yes"}


class PolisFormatError(DomainError, ValueError):
    """A Polis export could not be read; ``source`` and ``line`` say where."""

    code = "polis_format"

    def __init__(self, message: str, *, source: str, line: int | None = None) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line


@dataclass(frozen=True, eq=False)
class PolisExport:
    """What an export folder says: the vote matrix and what is known about the statements.

    ``texts`` maps statement ids to their wording; ``rejected`` and ``meta`` are the
    statement ids moderation rejected or marked meta (together: ``matrix.moderated_out``);
    ``polis_groups`` maps participant ids to the group Polis recorded (empty when the export
    has no ``participants-votes.csv``); ``votes_from`` names the file the votes came from.
    """

    matrix: VoteMatrix
    texts: dict[int, str]
    rejected: frozenset[int]
    meta: frozenset[int]
    votes_from: str
    polis_groups: dict[int, int] = field(default_factory=dict)


def _rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) of a CSV file; fields may span lines."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise PolisFormatError(exc.strerror or "cannot be read", source=path.name) from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise PolisFormatError("the file is empty", source=path.name, line=1) from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PolisFormatError(str(exc), source=path.name, line=1) from None
        rows: list[tuple[int, list[str]]] = []
        try:
            for cells in reader:
                if cells:
                    rows.append((reader.line_num, cells))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PolisFormatError(str(exc), source=path.name, line=reader.line_num) from None
    return [h.strip() for h in header], rows


def _column(header: list[str], name: str, source: str) -> int:
    try:
        return header.index(name)
    except ValueError:
        raise PolisFormatError(f"no {name!r} column", source=source, line=1) from None


def _int(text: str, what: str, source: str, line: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise PolisFormatError(
            f"{what} {text!r} is not a whole number", source=source, line=line
        ) from None


def _vote(text: str, source: str, line: int) -> int:
    value = _int(text, "the vote", source, line)
    if value not in (1, 0, -1):
        raise PolisFormatError(f"a vote is 1, 0 or -1, not {value}", source=source, line=line)
    return value


def read_comments(path: Path) -> tuple[dict[int, str], frozenset[int], frozenset[int]]:
    """Statement texts, rejected ids and meta ids from ``comments.csv``."""
    header, rows = _rows(path)
    src = path.name
    cid = _column(header, "comment-id", src)
    mod = _column(header, "moderated", src)
    body = header.index("comment-body") if "comment-body" in header else None
    meta_col = header.index("is-meta") if "is-meta" in header else None
    texts: dict[int, str] = {}
    rejected: set[int] = set()
    meta: set[int] = set()
    for line, cells in rows:
        if len(cells) != len(header):
            raise PolisFormatError(
                f"{len(cells)} fields where the header has {len(header)}", source=src, line=line
            )
        tid = _int(cells[cid], "the comment-id", src, line)
        texts[tid] = cells[body] if body is not None else ""
        if _int(cells[mod], "moderated", src, line) == -1:
            rejected.add(tid)
        if meta_col is not None and cells[meta_col].strip().lower() in TRUE:
            meta.add(tid)
    return texts, frozenset(rejected), frozenset(meta)


def read_vote_events(path: Path) -> tuple[list[int], list[int], list[int]]:
    """Participants, statements and votes of ``votes.csv``, in timestamp order."""
    header, rows = _rows(path)
    src = path.name
    ts, cid, pid, val = (
        _column(header, name, src) for name in ("timestamp", "comment-id", "voter-id", "vote")
    )
    events: list[tuple[int, int, int, int]] = []
    for line, cells in rows:
        if len(cells) < len(header):
            raise PolisFormatError(
                f"{len(cells)} fields where the header has {len(header)}", source=src, line=line
            )
        events.append(
            (
                _int(cells[ts], "the timestamp", src, line),
                _int(cells[pid], "the voter-id", src, line),
                _int(cells[cid], "the comment-id", src, line),
                _vote(cells[val], src, line),
            )
        )
    events.sort(key=lambda e: e[0])  # stable: equal timestamps keep file order
    return [e[1] for e in events], [e[2] for e in events], [e[3] for e in events]


def read_participants_votes(
    path: Path,
) -> tuple[tuple[list[int], list[int], list[int]], dict[int, int]]:
    """Votes and Polis's group ids from ``participants-votes.csv``.

    Statement columns are those whose header is a whole number.
    """
    header, rows = _rows(path)
    src = path.name
    pcol = _column(header, "participant", src)
    gcol = header.index("group-id") if "group-id" in header else None
    columns = [(i, int(h)) for i, h in enumerate(header) if h.lstrip("-").isdigit()]
    pids: list[int] = []
    tids: list[int] = []
    vals: list[int] = []
    groups: dict[int, int] = {}
    for line, cells in rows:
        if len(cells) != len(header):
            raise PolisFormatError(
                f"{len(cells)} fields where the header has {len(header)}", source=src, line=line
            )
        pid = _int(cells[pcol], "the participant", src, line)
        if gcol is not None and cells[gcol].strip():
            groups[pid] = _int(cells[gcol], "the group-id", src, line)
        for i, tid in columns:
            if cells[i].strip():
                pids.append(pid)
                tids.append(tid)
                vals.append(_vote(cells[i], src, line))
    return (pids, tids, vals), groups


def read_polis_export(folder: str | os.PathLike[str]) -> PolisExport:
    """Read a Polis export folder (see the module's docstring for the files)."""
    root = Path(folder)
    if not root.is_dir():
        raise PolisFormatError("not a folder", source=str(root))
    texts, rejected, meta = read_comments(root / "comments.csv")
    polis_groups: dict[int, int] = {}
    pv_path = root / "participants-votes.csv"
    if (root / "votes.csv").exists():
        votes = read_vote_events(root / "votes.csv")
        source = "votes.csv"
        if pv_path.exists():
            _, polis_groups = read_participants_votes(pv_path)
    elif pv_path.exists():
        votes, polis_groups = read_participants_votes(pv_path)
        source = "participants-votes.csv"
    else:
        raise PolisFormatError("neither votes.csv nor participants-votes.csv", source=str(root))
    try:
        matrix = VoteMatrix.from_arrays(
            np.asarray(votes[0], dtype=np.int64),
            np.asarray(votes[1], dtype=np.int64),
            np.asarray(votes[2], dtype=np.float64),
            moderated_out=rejected | meta,
        )
    except OpinionError as exc:  # pragma: no cover - the readers validate every vote
        raise PolisFormatError(str(exc), source=source) from None
    return PolisExport(matrix, texts, rejected, meta, source, polis_groups)
