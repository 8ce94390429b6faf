"""The audit log's hash chain: canonical encoding, linking, verification.

Each event is encoded canonically (JSON with sorted keys, no insignificant
whitespace, UTF-8, no floats) and its hash is

    sha256(previous_hash + "\\n" + canonical(event))

so every hash commits to the whole history before it. Changing, removing,
inserting or reordering any stored event breaks the chain at that event;
removing events from the end is caught by comparing with the head (the
last sequence number and hash) that the store keeps beside the chain and
that anyone may copy elsewhere as a witness.

The store (``bloc.audit``) only persists what this module computes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import TypeAlias

JSONValue: TypeAlias = None | bool | int | str | Sequence["JSONValue"] | Mapping[str, "JSONValue"]

GENESIS_HASH = "0" * 64


def canonical_json(value: JSONValue) -> bytes:
    """Encode ``value`` as canonical JSON bytes.

    Floats are refused: their text form differs between encoders and
    databases, and a hash must not depend on that. Use integers, or a
    decimal written as a string.
    """
    _check_encodable(value, "$")
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _check_encodable(value: object, path: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise TypeError(f"{path}: floats are not allowed in audit events; use an int or a str")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings, not {type(key).__name__}")
            _check_encodable(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_encodable(item, f"{path}[{index}]")
        return
    raise TypeError(f"{path}: {type(value).__name__} cannot be encoded in an audit event")


def format_time(moment: datetime) -> str:
    """The one textual form of an event's time: UTC, ISO 8601, microseconds."""
    if moment.tzinfo is None:
        raise ValueError("audit event times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Event:
    """What happened, before it is linked into the chain."""

    seq: int
    at: str
    action: str
    actor: str
    subject: str = ""
    data: Mapping[str, JSONValue] = field(default_factory=dict)

    def body(self) -> dict[str, JSONValue]:
        return {
            "seq": self.seq,
            "at": self.at,
            "action": self.action,
            "actor": self.actor,
            "subject": self.subject,
            "data": dict(self.data),
        }


@dataclass(frozen=True)
class LinkedEvent:
    """An event with its place in the chain, as stored."""

    event: Event
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Head:
    """The end of the chain: last sequence number and its hash (0 and genesis when empty)."""

    seq: int = 0
    hash: str = GENESIS_HASH


def chain_hash(prev_hash: str, event: Event) -> str:
    """The hash of ``event`` linked after an event whose hash is ``prev_hash``."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(event.body()))
    return digest.hexdigest()


def link(
    head: Head,
    *,
    at: str,
    action: str,
    actor: str,
    subject: str = "",
    data: Mapping[str, JSONValue] | None = None,
) -> LinkedEvent:
    """Make the next event after ``head``."""
    event = Event(
        seq=head.seq + 1, at=at, action=action, actor=actor, subject=subject, data=dict(data or {})
    )
    return LinkedEvent(event=event, prev_hash=head.hash, hash=chain_hash(head.hash, event))


class BreakKind(Enum):
    ALTERED = "altered"  # the event's content no longer matches its hash
    RELINKED = "relinked"  # the event does not point at the hash before it
    MISSING = "missing"  # a sequence number is absent
    OUT_OF_ORDER = "out_of_order"  # a sequence number repeats or goes back
    HEAD_MISMATCH = "head_mismatch"  # the chain ends elsewhere than the recorded head


@dataclass(frozen=True)
class Break:
    seq: int
    kind: BreakKind

    def describe(self) -> str:
        what = {
            BreakKind.ALTERED: "was altered (its content does not match its hash)",
            BreakKind.RELINKED: "does not follow the event before it (an event was altered, "
            "removed or inserted before it)",
            BreakKind.MISSING: "is missing",
            BreakKind.OUT_OF_ORDER: "is out of order or repeated",
            BreakKind.HEAD_MISMATCH: "does not match the recorded head of the log "
            "(events were removed from the end, or the head was changed)",
        }[self.kind]
        return f"event {self.seq} {what}"


@dataclass(frozen=True)
class Verification:
    checked: int
    head: Head
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(events: Iterable[LinkedEvent], expected_head: Head | None = None) -> Verification:
    """Walk ``events`` in stored order and report the first broken link.

    ``expected_head`` is the head recorded beside the chain (or copied by a
    witness); without it, events removed from the end cannot be noticed.
    """
    prev = Head()
    checked = 0
    for linked in events:
        seq = linked.event.seq
        expected_seq = prev.seq + 1
        if seq > expected_seq:
            return Verification(checked, prev, Break(expected_seq, BreakKind.MISSING))
        if seq < expected_seq:
            return Verification(checked, prev, Break(seq, BreakKind.OUT_OF_ORDER))
        if linked.prev_hash != prev.hash:
            return Verification(checked, prev, Break(seq, BreakKind.RELINKED))
        if chain_hash(linked.prev_hash, linked.event) != linked.hash:
            return Verification(checked, prev, Break(seq, BreakKind.ALTERED))
        prev = Head(seq=seq, hash=linked.hash)
        checked += 1
    if expected_head is not None and expected_head != prev:
        if expected_head.seq > prev.seq:
            return Verification(checked, prev, Break(prev.seq + 1, BreakKind.MISSING))
        return Verification(checked, prev, Break(expected_head.seq, BreakKind.HEAD_MISMATCH))
    return Verification(checked, prev, None)
