"""Readers and writers for ballot files (PrefLib, and later BLT, CSV and JSON).

Every reader returns an immutable profile from ``bloc.core.tally.ballots`` and reports
malformed input as ``BallotFormatError`` naming the line.
"""

from bloc.core.formats.errors import BallotFormatError
from bloc.core.formats.preflib import format_preflib, read_alaska_profile, read_preflib

__all__ = ["BallotFormatError", "format_preflib", "read_alaska_profile", "read_preflib"]
