"""Nothing in the database links a secret ballot to its voter: no column, no index,
no storage order, no audit entry. Read straight from the tables after a poll with
voters online, on the roster and on paper."""

from __future__ import annotations

import itertools
import json
import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from bloc.decisions import in_person
from bloc.decisions.voting import vote
from tests.decisions.conftest import close_now, open_poll, verified_members
from tests.decisions.test_voting import make_secretary

pytestmark = pytest.mark.django_db(transaction=True)

SECRET, WHO = "decisions_secretballot", "decisions_participation"
ORDERABLE = {"DateTimeField", "DateField", "TimeField", "AutoField", "BigAutoField"}


def rows(sql: str, params: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def columns(table: str) -> dict[str, str]:
    """Column name -> Django's idea of its type (UUIDField, DateTimeField, ...)."""
    intro = connection.introspection
    with connection.cursor() as cursor:
        return {
            c.name: intro.get_field_type(c.type_code, c)
            for c in intro.get_table_description(cursor, table)
        }


def indexed_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {column for c in constraints.values() for column in c["columns"] or ()}


def references(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, table)
    return {column: target for column, (_, target) in relations.items()}


@pytest.fixture
def crowd(maple, fiona):  # type: ignore[no-untyped-def]
    """Fiona and 34 more verified members (verified yesterday)."""
    return [fiona, *verified_members(maple, 34, prefix="crowd", address="118 Maple Street")]


def test_no_column_index_order_or_log_links_a_secret_ballot_to_its_voter(maple, crowd):
    fiona, secretary, *others = crowd
    make_secretary(maple, secretary)
    online, in_room = others[:30], others[30:]
    poll = open_poll(maple, fiona, rule="irv", options=["Oak", "Elm", "Ash", "Yew", "Fir"])

    # 30 online ballots, each a different full ranking, cast in a known order.
    orders = list(itertools.islice(itertools.permutations(range(5)), 0, 120, 4))[:30]
    casts = [
        vote(actor=person, poll=poll, data={o: rank for rank, o in enumerate(order, 1)})
        for person, order in zip(online, orders, strict=True)
    ]
    cast_order = [c.content for c in casts]
    assert len(set(cast_order)) == 30
    # Three members vote on paper (short rankings, unlike any online ballot).
    in_person.roster_check_off(actor=fiona, poll=poll, user_ids=[p.pk for p in in_room])
    paper = [({0: 1}, 2), ({1: 1}, 1)]
    in_person.paper_enter(actor=fiona, poll=poll, label="box 1", lines=paper)
    in_person.paper_enter(actor=secretary, poll=poll, label="box 1", lines=paper)

    # Ballots cannot be read in the order they were cast, even before the close.
    stored_order = [c for (c,) in rows(f"SELECT content FROM {SECRET}")]  # noqa: S608
    by_key = [c for (c,) in rows(f"SELECT content FROM {SECRET} ORDER BY id")]  # noqa: S608
    if connection.vendor == "sqlite":
        assert stored_order == by_key != cast_order
    close_now(poll)
    assert poll.result["total_ballots"] == 33

    # The secret ballot table: no user, no time, no counter; a random key.
    secret_columns = columns(SECRET)
    assert set(secret_columns) == {"id", "poll_id", "content", "nonce", "receipt"}
    assert not ORDERABLE & set(secret_columns.values())
    assert references(SECRET) == {"poll_id": "decisions_poll"}
    # Who voted: no time, no counter, and nothing in common with the ballots but the poll.
    who_columns = columns(WHO)
    assert set(who_columns) == {"id", "poll_id", "user_id", "channel"}
    assert not ORDERABLE & set(who_columns.values())
    assert set(secret_columns) & set(who_columns) == {"id", "poll_id"}
    assert indexed_columns(SECRET) & indexed_columns(WHO) <= {"id", "poll_id"}
    ballot_ids = {str(i) for (i,) in rows(f"SELECT id FROM {SECRET}")}  # noqa: S608
    who_ids = {str(i) for (i,) in rows(f"SELECT id FROM {WHO}")}  # noqa: S608
    assert len(ballot_ids) == 30 and len(who_ids) == 33 and not ballot_ids & who_ids
    assert {uuid.UUID(i).version for i in ballot_ids | who_ids} == {4}  # random keys
    # The list of voters is the snapshot at opening, nothing about voting.
    assert set(columns("decisions_eligiblevoter")) == {"id", "poll_id", "user_id"}

    # Storage order: the random key's, never the casting order.
    stored_order = [c for (c,) in rows(f"SELECT content FROM {SECRET}")]  # noqa: S608
    assert stored_order == by_key != cast_order
    if connection.vendor == "sqlite":
        for table in (SECRET, WHO):
            (create,) = rows(
                "SELECT sql FROM sqlite_master WHERE type='table' AND name=%s", (table,)
            )
            assert create[0].rstrip().upper().endswith("WITHOUT ROWID")
            with pytest.raises(DatabaseError), transaction.atomic():
                rows(f"SELECT rowid FROM {table}")  # noqa: S608
    else:  # PostgreSQL: both tables were rewritten in key order at close (CLUSTER)
        for table in (SECRET, WHO):
            assert rows(f"SELECT id FROM {table} ORDER BY ctid") == rows(  # noqa: S608
                f"SELECT id FROM {table} ORDER BY id"  # noqa: S608
            )

    # The audit log holds who voted, never what or their receipt.
    receipts = [c.receipt for c in casts]
    for (data,) in rows("SELECT data FROM audit_auditevent"):
        text = data if isinstance(data, str) else json.dumps(data)
        assert not any(r in text for r in receipts)
        assert not any(c in text for c in cast_order)
    assert len(rows("SELECT seq FROM audit_auditevent WHERE action = 'poll.vote'")) == 30

    # The published list: every online ballot with its receipt, in receipt order.
    published = json.loads(poll.ballots_file)["ballots"]
    listed = [b["receipt"] for b in published if "receipt" in b]
    assert listed == sorted(receipts)
    assert sum(b.get("count", 1) for b in published) == 33


def test_postgresql_transaction_ids_do_not_pair_ballots_with_voters(maple, crowd):
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's; SQLite's tables have no hidden columns")
    fiona, *members = crowd
    poll = open_poll(maple, fiona, rule="irv", options=["Oak", "Elm", "Ash", "Yew", "Fir"])
    orders = list(itertools.permutations(range(5)))[:10]
    truth = {
        person.pk: vote(
            actor=person, poll=poll, data={o: rank for rank, o in enumerate(order, 1)}
        ).content
        for person, order in zip(members, orders, strict=False)
    }
    close_now(poll)
    by_xmin = "ORDER BY xmin::text::bigint, id"
    ballots = [c for (c,) in rows(f"SELECT content FROM {SECRET} {by_xmin}")]  # noqa: S608
    voted = [u for (u,) in rows(f"SELECT user_id FROM {WHO} {by_xmin}")]  # noqa: S608
    guessed = dict(zip(voted, ballots, strict=True))
    assert guessed != truth, "sorting by transaction id pairs every ballot with its voter"
    # Closing rewrote every row of the poll in one transaction: one stamp for all.
    stamps = f"SELECT DISTINCT xmin::text FROM {{}} WHERE poll_id = {poll.pk}"  # noqa: S608
    assert len(rows(stamps.format(SECRET))) == len(rows(stamps.format(WHO))) == 1
