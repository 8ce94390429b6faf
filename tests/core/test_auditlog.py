"""The hash chain notices any single altered, removed, inserted or reordered event."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.core import auditlog
from bloc.core.auditlog import BreakKind, Head

json_scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=6,
)
event_fields = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["account.signup", "institution.create", "membership.join"]),
        "actor": st.sampled_from(["system", "anonymous", "user:1", "user:2"]),
        "subject": st.text(max_size=30),
        "data": st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    }
)


def build_chain(rows: list[dict]) -> list[auditlog.LinkedEvent]:
    chain: list[auditlog.LinkedEvent] = []
    head = Head()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for index, row in enumerate(rows):
        linked = auditlog.link(
            head, at=auditlog.format_time(start + timedelta(seconds=index)), **row
        )
        chain.append(linked)
        head = Head(linked.event.seq, linked.hash)
    return chain


def head_of(chain: list[auditlog.LinkedEvent]) -> Head:
    return Head(chain[-1].event.seq, chain[-1].hash) if chain else Head()


@given(st.lists(event_fields, max_size=12))
def test_an_untouched_chain_verifies(rows):
    chain = build_chain(rows)
    result = auditlog.verify(chain, head_of(chain))
    assert result.ok
    assert result.checked == len(chain)


@settings(max_examples=100)
@given(st.lists(event_fields, min_size=1, max_size=10), st.data())
def test_any_single_altered_event_is_found(rows, data):
    chain = build_chain(rows)
    head = head_of(chain)
    index = data.draw(st.integers(0, len(chain) - 1))
    target = chain[index]
    what = data.draw(st.sampled_from(["action", "actor", "subject", "data", "at", "hash", "prev"]))
    event = target.event
    if what == "hash":
        tampered = dataclasses.replace(
            target, hash=("f" if target.hash[0] != "f" else "e") + target.hash[1:]
        )
    elif what == "prev":
        tampered = dataclasses.replace(target, prev_hash="1" * 64)
    else:
        replacement = {
            "action": event.action + "x",
            "actor": event.actor + "x",
            "subject": event.subject + "x",
            "data": {**event.data, "tampered": True},
            "at": auditlog.format_time(datetime(2030, 1, 1, tzinfo=UTC)),
        }[what]
        tampered = dataclasses.replace(
            target, event=dataclasses.replace(event, **{what: replacement})
        )
    chain[index] = tampered
    result = auditlog.verify(chain, head)
    assert not result.ok
    assert result.first_break is not None
    # Found at the altered event, or (for a rewritten hash of the last event) at the head.
    assert result.first_break.seq == event.seq
    assert result.checked == index


@settings(max_examples=100)
@given(st.lists(event_fields, min_size=1, max_size=10), st.data())
def test_any_single_removed_event_is_found(rows, data):
    chain = build_chain(rows)
    head = head_of(chain)
    index = data.draw(st.integers(0, len(chain) - 1))
    del chain[index]
    result = auditlog.verify(chain, head)
    assert not result.ok
    assert result.first_break.seq == index + 1
    assert result.first_break.kind == BreakKind.MISSING


@settings(max_examples=100)
@given(st.lists(event_fields, min_size=2, max_size=10), st.data())
def test_any_two_events_swapped_are_found(rows, data):
    chain = build_chain(rows)
    head = head_of(chain)
    i = data.draw(st.integers(0, len(chain) - 2))
    j = data.draw(st.integers(i + 1, len(chain) - 1))
    chain[i], chain[j] = chain[j], chain[i]
    result = auditlog.verify(chain, head)
    assert not result.ok
    assert result.first_break.seq in (i + 1, j + 1)


@settings(max_examples=100)
@given(st.lists(event_fields, min_size=2, max_size=10), st.data())
def test_a_renumbered_chain_with_an_event_cut_out_is_found(rows, data):
    """Removing an event and renumbering the rest to hide the gap still breaks the links."""
    chain = build_chain(rows)
    index = data.draw(st.integers(0, len(chain) - 2))
    del chain[index]
    renumbered = []
    for position, linked in enumerate(chain):
        event = dataclasses.replace(linked.event, seq=position + 1)
        renumbered.append(dataclasses.replace(linked, event=event))
    result = auditlog.verify(renumbered)
    assert not result.ok


@settings(max_examples=100)
@given(st.lists(event_fields, min_size=1, max_size=10), event_fields)
def test_an_event_forged_in_the_middle_is_found(rows, forged):
    chain = build_chain(rows)
    head = head_of(chain)
    fake = auditlog.link(
        Head(), at=auditlog.format_time(datetime(2026, 1, 1, tzinfo=UTC)), **forged
    )
    chain.insert(0, fake)
    assert not auditlog.verify(chain, head).ok


def test_events_cut_from_the_end_are_found_by_the_head():
    chain = build_chain([{"action": "a", "actor": "system"}] * 3)
    head = head_of(chain)
    result = auditlog.verify(chain[:2], head)
    assert result.first_break == auditlog.Break(3, BreakKind.MISSING)
    assert "event 3 is missing" in result.first_break.describe()


def test_without_a_head_a_cut_tail_cannot_be_seen():
    chain = build_chain([{"action": "a", "actor": "system"}] * 3)
    assert auditlog.verify(chain[:2]).ok


def test_an_empty_log_verifies():
    result = auditlog.verify([], Head())
    assert result.ok and result.checked == 0


def test_the_hash_commits_to_a_fixed_encoding():
    """The encoding is part of the format: changing it would break every stored chain."""
    event = auditlog.Event(
        seq=1,
        at="2026-01-01T00:00:00.000000+00:00",
        action="a",
        actor="system",
        subject="x",
        data={"b": 1, "a": ["é", None, True]},
    )
    assert (
        auditlog.canonical_json(event.body())
        == (
            '{"action":"a","actor":"system","at":"2026-01-01T00:00:00.000000+00:00",'
            '"data":{"a":["é",null,true],"b":1},"seq":1,"subject":"x"}'
        ).encode()
    )
    assert auditlog.chain_hash(auditlog.GENESIS_HASH, event) == auditlog.chain_hash(
        auditlog.GENESIS_HASH, dataclasses.replace(event, data={"a": ["é", None, True], "b": 1})
    )


@pytest.mark.parametrize("bad", [1.5, {"x": float("nan")}, {1: "int key"}, {"s": {1, 2}}])
def test_values_without_one_exact_encoding_are_refused(bad):
    with pytest.raises(TypeError):
        auditlog.canonical_json(bad)


def test_times_are_written_in_utc_with_microseconds():
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert auditlog.format_time(moment) == "2026-03-01T17:00:00.000000+00:00"
    with pytest.raises(ValueError):
        auditlog.format_time(datetime(2026, 3, 1))  # noqa: DTZ001
