"""Readers and writers for ballot files: PrefLib, Alaska ``.profile``, BLT, CSV and JSON.

Every reader returns immutable profiles from ``bloc.core.tally.ballots`` and reports
malformed input as ``BallotFormatError`` naming the 1-based line (and the file name
when given a path). ``read_ballots`` picks the reader from the file's extension.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bloc.core.formats.blt import BltElection, format_blt, read_blt
from bloc.core.formats.csv_ballots import format_csv_ballots, read_csv_ballots
from bloc.core.formats.errors import BallotFormatError
from bloc.core.formats.json_ballots import JsonBallots, format_json_ballots, read_json_ballots
from bloc.core.formats.preflib import format_preflib, read_alaska_profile, read_preflib
from bloc.core.tally.ballots import ApprovalProfile, RankedProfile, ScoreProfile

__all__ = [
    "EXTENSIONS",
    "BallotFile",
    "BallotFormatError",
    "BltElection",
    "JsonBallots",
    "format_blt",
    "format_csv_ballots",
    "format_json_ballots",
    "format_preflib",
    "read_alaska_profile",
    "read_ballots",
    "read_blt",
    "read_csv_ballots",
    "read_json_ballots",
    "read_preflib",
]

#: File extension (lower case, no dot) -> the format ``read_ballots`` reads it as.
EXTENSIONS: dict[str, str] = {
    "soi": "preflib",
    "soc": "preflib",
    "toi": "preflib",
    "toc": "preflib",
    "cat": "preflib",
    "profile": "alaska",
    "blt": "blt",
    "csv": "csv",
    "json": "json",
}

_KINDS = ("ranked", "approval", "score")


@dataclass(frozen=True, eq=False)
class BallotFile:
    """A ballot file as read by ``read_ballots``.

    ``seats`` and ``title`` are ``None`` when the format or the file does not say
    (only BLT and JSON carry them); ``withdrawn`` names candidates a BLT file withdrew
    (already removed from ``profile``); ``format`` is a value of ``EXTENSIONS``.
    """

    profile: RankedProfile | ApprovalProfile | ScoreProfile
    seats: int | None
    title: str | None
    withdrawn: tuple[str, ...]
    format: str


def _kind_of(profile: RankedProfile | ApprovalProfile | ScoreProfile) -> str:
    if isinstance(profile, RankedProfile):
        return "ranked"
    return "approval" if isinstance(profile, ApprovalProfile) else "score"


def read_ballots(path: str | os.PathLike[str], *, kind: str | None = None) -> BallotFile:
    """Read a ballot file, choosing the reader by its extension (see ``EXTENSIONS``).

    ``kind`` (``"ranked"``, ``"approval"`` or ``"score"``) tells the CSV reader how to
    read cells; for the other formats, which say what they hold, it is a check. An
    unknown extension, or a file holding another kind of ballot than ``kind``, raises
    ``BallotFormatError`` with ``line=0`` (the fault is the whole file). A missing file
    raises ``OSError`` as ``open`` does.
    """
    if isinstance(path, str) and "\n" in path:
        raise ValueError("read_ballots takes a file path; give ballot text to a format's reader")
    if kind is not None and kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(_KINDS)}, not {kind!r}")
    file = Path(path)
    suffix = file.suffix.lower().lstrip(".")
    form = EXTENSIONS.get(suffix)
    if form is None:
        known = ", ".join(f".{ext}" for ext in EXTENSIONS)
        raise BallotFormatError(
            f"unknown ballot file type {file.suffix or '(no extension)'!r}; known: {known}",
            line=0,
            source=file.name,
        )
    if form == "csv":
        read = BallotFile(read_csv_ballots(file, kind), None, None, (), form)
    elif form == "blt":
        election = read_blt(file)
        read = BallotFile(
            election.profile, election.seats, election.title, election.withdrawn, form
        )
    elif form == "json":
        ballots = read_json_ballots(file)
        read = BallotFile(ballots.profile, ballots.seats, ballots.title, (), form)
    elif form == "alaska":
        read = BallotFile(read_alaska_profile(file), None, None, (), form)
    else:
        read = BallotFile(read_preflib(file), None, None, (), form)
    holds = _kind_of(read.profile)
    if kind is not None and holds != kind:
        raise BallotFormatError(
            f"the file holds {holds} ballots, not {kind}", line=0, source=file.name
        )
    return read
