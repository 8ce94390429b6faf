"""The error every ballot-file reader raises on malformed input."""

from __future__ import annotations

from bloc.core.errors import DomainError


class BallotFormatError(DomainError, ValueError):
    """A ballot file could not be read; ``line`` is the 1-based line at fault.

    ``source`` is the file name when the reader was given a path, so the CLI can print
    ``FILE:LINE: message`` and nothing else.
    """

    code = "ballot_format"

    def __init__(self, message: str, *, line: int, source: str | None = None) -> None:
        where = f"{source}:{line}" if source else f"line {line}"
        super().__init__(f"{where}: {message}")
        self.message = message
        self.line = line
        self.source = source
