"""The stored audit log: appended with each write, refused any change, verified by `bloc audit`."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from bloc.actors import SYSTEM
from bloc.audit import guard
from bloc.audit.models import AuditEvent, AuditHead
from bloc.audit.selectors import audit_head_get, audit_verify
from bloc.audit.services import audit_append

pytestmark = pytest.mark.django_db


def append(n: int, action: str = "test.event") -> None:
    for i in range(n):
        with transaction.atomic():
            audit_append(actor=SYSTEM, action=action, subject=f"thing:{i}", data={"i": i})


def verify_output(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_events_chain_and_verify():
    append(5)
    assert audit_head_get().seq == 5
    assert "audit log OK: 5 events" in verify_output()


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_append(actor=SYSTEM, action="test.event")


def test_an_event_is_rolled_back_with_the_write_it_records():
    append(1)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_append(actor=SYSTEM, action="test.event")
        1 / 0  # noqa: B018 - the write fails after its event was appended
    assert AuditEvent.objects.count() == 1
    assert audit_verify().ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'forged' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_audithead SET seq = 0",
        "DELETE FROM audit_audithead",
    ],
)
def test_the_database_refuses_to_change_the_log(statement):
    append(2)
    with guard.purge_refused(connection):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.event").count() == 2
    assert audit_verify().ok


def test_the_orm_cannot_change_the_log_either():
    append(1)
    with guard.purge_refused(connection):
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(seq=1).update(action="forged")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate():
    append(1)
    with guard.purge_refused(connection):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")


def test_the_head_moves_forward():
    append(1)
    with guard.purge_refused(connection):
        append(1)
    assert AuditHead.objects.get().seq == 2


def tamper(sql: str, params: list[object]) -> None:
    """What someone with direct database access (who got past the triggers) could do."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_names_an_event_edited_in_the_database():
    append(5)
    tamper("UPDATE audit_auditevent SET subject = %s WHERE seq = %s", ["thing:99", 3])
    with pytest.raises(CommandError, match="event 3 was altered"):
        verify_output()


def test_verify_names_an_event_whose_data_was_edited():
    append(3)
    tamper("UPDATE audit_auditevent SET data = %s WHERE seq = %s", ['{"i": 7}', 2])
    with pytest.raises(CommandError, match="event 2 was altered"):
        verify_output()


def test_verify_names_a_deleted_event():
    append(4)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    with pytest.raises(CommandError, match="event 2 is missing"):
        verify_output()


def test_verify_notices_events_cut_from_the_end():
    append(4)
    tamper("DELETE FROM audit_auditevent WHERE seq >= %s", [3])
    with pytest.raises(CommandError, match="event 3 is missing"):
        verify_output()


def test_verify_against_a_witnessed_head_notices_a_rewritten_tail():
    """Cut the tail and rewind the head too: only a copy of the old head can tell."""
    append(3)
    out = StringIO()
    call_command("audit", "head", stdout=out)
    witnessed = out.getvalue().strip()
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    tamper(
        "UPDATE audit_audithead SET seq = %s, hash = (SELECT hash FROM audit_auditevent WHERE seq = 2)",
        [2],
    )
    assert "audit log OK" in verify_output()  # consistent on its own...
    with pytest.raises(CommandError, match="does not extend the witnessed head"):
        verify_output("--expect-head", witnessed)  # ...but not with the witness


def test_verify_accepts_a_witnessed_head_the_log_has_grown_past():
    append(2)
    out = StringIO()
    call_command("audit", "head", stdout=out)
    append(2)
    assert "audit log OK: 4 events" in verify_output("--expect-head", out.getvalue().strip())


def test_bloc_audit_verify_exits_non_zero_on_a_broken_chain():
    append(2)
    tamper("UPDATE audit_auditevent SET actor = %s WHERE seq = %s", ["user:666", 1])
    from bloc.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["audit", "verify"])
    assert exited.value.code != 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            append(n, action="test.concurrent")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(15,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="test.concurrent").count() == 60
    result = audit_verify()
    assert result.ok, result.first_break
