"""No deadlock between a write whose foreign keys PostgreSQL checks at commit and a
write that locks the same row before appending to the audit log.

Django's foreign keys are deferred on PostgreSQL: checking one at commit locks the row
it points to (FOR KEY SHARE). A check-in (an Attendance row pointing at its meeting)
would so lock the meeting after already holding the audit log's head, while a queue
join locks the meeting first and the head second: opposite orders, a deadlock under
load (bench/load.py found it). ``audit_append`` checks the pending keys before it takes
the head.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.audit.services import audit_append
from bloc.meetings.models import Attendance, Meeting

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite writes one transaction at a time"
)
def test_a_check_in_and_a_locking_writer_both_commit(meeting, fiona, alice):
    holds_head = threading.Event()
    failures: list[BaseException] = []

    def check_in() -> None:  # the Attendance row's key is checked at commit
        try:
            with transaction.atomic():
                Attendance.objects.create(meeting=meeting, user=alice, mode="in_room",
                                          by="code")  # fmt: skip
                audit_append(actor=SYSTEM, action="meeting.check_in", subject=meeting, data={})
                holds_head.set()
                time.sleep(0.5)  # the other writer locks the meeting meanwhile
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            holds_head.set()
        finally:
            connections.close_all()

    def lock_then_append() -> None:  # as a queue join does
        try:
            holds_head.wait(10)
            with transaction.atomic():
                Meeting.objects.select_for_update().get(pk=meeting.pk)
                audit_append(actor=SYSTEM, action="meeting.queue_join", subject=meeting, data={})
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in), threading.Thread(target=lock_then_append)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert Attendance.objects.filter(meeting=meeting, user=alice).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"meeting.check_in", "meeting.queue_join"} <= actions
