"""One person one vote under real concurrency, on a real database.

Each test fires simultaneous submissions from threads, each with its own database
connection, and then reads what was stored. Run on SQLite by default and on
PostgreSQL with ``DATABASE_URL`` set (CI does both).
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection

from bloc.audit.models import AuditEvent
from bloc.audit.services import subject_label
from bloc.core.errors import DomainError
from bloc.decisions.models import OpenBallot, Participation, Poll, SecretBallot
from bloc.decisions.voting import vote
from tests.decisions.conftest import close_now, open_poll, verified_members

pytestmark = pytest.mark.django_db(transaction=True)


def all_at_once(work: Callable[..., Any], calls: Sequence[tuple[Any, ...]]) -> list[Any]:
    """Run ``work(*args)`` for each ``calls`` entry in its own thread, all released
    together. Each outcome: the return value, a refusal's code, or the exception."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, args: tuple[Any, ...]) -> None:
        try:
            start.wait()
            outcomes[index] = work(*args)
        except DomainError as refusal:
            outcomes[index] = refusal.code
        except Exception as error:  # noqa: BLE001 - an unexpected failure is a finding
            outcomes[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i, args)) for i, args in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def cast(person: Any, poll_id: int, data: Any) -> Any:
    return vote(actor=person, poll=Poll.objects.get(pk=poll_id), data=data)


def test_fifty_simultaneous_ballots_by_one_member_store_exactly_one(maple, voters):
    fiona, ana, *_ = voters
    poll = open_poll(maple, fiona, title="Fifty at once", secret=True)

    outcomes = all_at_once(cast, [(ana, poll.pk, i % 3) for i in range(50)])

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors[:3]
    receipts = [o.receipt for o in outcomes if not isinstance(o, str)]
    assert len(receipts) == 1
    assert Counter(o for o in outcomes if isinstance(o, str)) == {"already_voted": 49}
    assert Participation.objects.filter(poll=poll, user=ana).count() == 1
    assert (
        list(SecretBallot.objects.filter(poll=poll).values_list("receipt", flat=True)) == receipts
    )
    close_now(poll)
    assert poll.result["total_ballots"] == 1


def test_twenty_simultaneous_changes_of_an_open_ballot_keep_the_last_committed(maple, voters):
    fiona, ana, *_ = voters
    poll = open_poll(maple, fiona, rule="irv", options=["Oak", "Elm", "Ash", "Yew"], secret=False)
    rankings = [
        {position: rank for rank, position in enumerate(order, 1)}
        for order in itertools.islice(itertools.permutations(range(4)), 20)
    ]

    outcomes = all_at_once(cast, [(ana, poll.pk, ranking) for ranking in rankings])

    errors = [o for o in outcomes if isinstance(o, Exception | str)]
    assert not errors, errors[:3]  # changes are allowed: every submission is accepted
    assert len({o.content for o in outcomes}) == 20
    assert sorted(o.changed for o in outcomes) == [False] + [True] * 19
    assert Participation.objects.filter(poll=poll).count() == 1
    ballot = OpenBallot.objects.get(poll=poll)
    assert ballot.changes == 19
    by_receipt = {o.receipt: o.content for o in outcomes}
    assert by_receipt[ballot.receipt] == ballot.content
    # The audit log is appended in each vote's transaction: its last entry is the
    # last submission committed, and that is the ballot kept.
    last = (
        AuditEvent.objects.filter(subject=subject_label(poll), action__startswith="poll.vote")
        .order_by("-seq")
        .first()
    )
    assert (last.data["receipt"], last.data["ballot"]) == (ballot.receipt, ballot.content)


def test_thirty_members_voting_at_once_are_all_counted(maple, fiona):
    people = [fiona, *verified_members(maple, 29, prefix="crowd", address="116 Maple Street")]
    poll = open_poll(maple, fiona, title="Everyone", rule="approval", options=["A", "B", "C"])
    assert poll.electorate == 30

    outcomes = all_at_once(cast, [(p, poll.pk, [i % 3]) for i, p in enumerate(people)])

    errors = [o for o in outcomes if isinstance(o, Exception | str)]
    assert not errors, errors[:3]
    assert Participation.objects.filter(poll=poll).count() == 30
    assert SecretBallot.objects.filter(poll=poll).count() == 30
    close_now(poll)
    assert poll.result["total_ballots"] == 30
    assert poll.result["rounds"][0]["totals"] == {"1": 10, "2": 10, "3": 10}
