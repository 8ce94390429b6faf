"""The database refuses UPDATE and DELETE on the audit log.

Triggers (see migration 0002) do the refusing on SQLite and PostgreSQL. The
one way around them is a purge switch that only the test suite turns on, so
that Django can empty tables between tests:

* PostgreSQL: the triggers let a change through when the session setting
  ``bloc.audit_purge`` is ``on``;
* SQLite: the triggers call the SQL function ``bloc_audit_purge()``, which
  bloc defines on each of its connections to answer 0 (1 only when purging
  is allowed). Any other client (the sqlite3 shell, say) lacks the
  function, so its UPDATE or DELETE fails too.

Someone with full control of the database can still drop the triggers; the
hash chain is what makes such tampering visible (``bloc audit verify``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_purge_allowed = False


def _purge_flag() -> int:
    return 1 if _purge_allowed else 0


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("bloc_audit_purge", 0, _purge_flag)
    elif connection.vendor == "postgresql" and _purge_allowed:
        with connection.cursor() as cursor:
            cursor.execute("SET bloc.audit_purge = 'on'")


def allow_purge_for_tests() -> None:
    """Let the test runner empty the audit tables. Never called by bloc itself."""
    global _purge_allowed
    _purge_allowed = True


@contextmanager
def purge_refused(connection: Any) -> Iterator[None]:
    """Inside the block the database refuses changes again (to test the triggers)."""
    global _purge_allowed
    before = _purge_allowed
    _purge_allowed = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET bloc.audit_purge = 'off'")
    try:
        yield
    finally:
        _purge_allowed = before
        if connection.vendor == "postgresql" and before:
            with connection.cursor() as cursor:
                cursor.execute("SET bloc.audit_purge = 'on'")
