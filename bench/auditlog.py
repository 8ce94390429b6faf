"""Benchmark the audit log: hashing and verifying the chain, and appending in the database.

    python bench/auditlog.py [--events N]

Prints a table. There is no peer library to compare with; the figures say
what one more audited write costs and how long `bloc audit verify` takes.
The database part runs on a throwaway SQLite file (or on DATABASE_URL if set:
it then writes to that database, so point it at a scratch one).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bloc.core import auditlog  # noqa: E402


def core_chain(n: int, *, trace_memory: bool = False) -> tuple[float, float, int]:
    if trace_memory:
        tracemalloc.start()
    at = auditlog.format_time(datetime(2026, 1, 1, tzinfo=UTC))
    start = time.perf_counter()
    head = auditlog.Head()
    chain = []
    for i in range(n):
        linked = auditlog.link(
            head,
            at=at,
            action="membership.join",
            actor=f"user:{i}",
            subject=f"membership.membership:{i}",
            data={"institution": i % 13},
        )
        chain.append(linked)
        head = auditlog.Head(linked.event.seq, linked.hash)
    linked_s = time.perf_counter() - start
    start = time.perf_counter()
    assert auditlog.verify(chain, head).ok
    verify_s = time.perf_counter() - start
    peak = 0
    if trace_memory:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return linked_s, verify_s, peak


def database_append(n: int) -> tuple[float, float, str]:
    os.environ.setdefault("BLOC_DATA_DIR", tempfile.mkdtemp(prefix="bloc-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bloc.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bloc.actors import SYSTEM
    from bloc.audit.selectors import audit_verify
    from bloc.audit.services import audit_append

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            audit_append(actor=SYSTEM, action="bench.event", subject=f"thing:{i}", data={"i": i})
    append_s = time.perf_counter() - start
    start = time.perf_counter()
    assert audit_verify().ok
    verify_s = time.perf_counter() - start
    return append_s, verify_s, connection.vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events for the core chain")
    parser.add_argument(
        "--db-events", type=int, default=2_000, help="events appended in the database"
    )
    args = parser.parse_args()

    link_s, verify_s, _ = core_chain(args.events)
    _, _, peak = core_chain(args.events, trace_memory=True)  # timed apart: tracing slows it
    append_s, db_verify_s, vendor = database_append(args.db_events)
    rows = [
        ("core: link (hash) events", args.events, link_s),
        ("core: verify chain", args.events, verify_s),
        (f"{vendor}: append, one transaction each", args.db_events, append_s),
        (f"{vendor}: bloc audit verify", args.db_events, db_verify_s),
    ]
    print(f"{'what':<40} {'events':>9} {'seconds':>9} {'events/s':>11} {'µs/event':>9}")
    for what, n, seconds in rows:
        print(f"{what:<40} {n:>9} {seconds:>9.3f} {n / seconds:>11,.0f} {seconds / n * 1e6:>9.1f}")
    print(f"peak memory of the core chain of {args.events} events: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
