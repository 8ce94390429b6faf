"""Faults on PostgreSQL: SIGKILL an app server mid-burst; crash PostgreSQL mid-burst.

Both run against a PostgreSQL cluster of their own (private_postgres), never the
suite's server, and only in the suite's PostgreSQL pass (DATABASE_URL set to
PostgreSQL), which is where CI has the binaries for sure. The SQLite kill test is
in test_fault_sqlite_kill.py.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults import faultkit
from tests.faults.private_postgres import PrivatePostgres, binaries_present

pytestmark = pytest.mark.skipif(
    not faultkit.is_postgres(os.environ.get("DATABASE_URL", "")),
    reason="the PostgreSQL fault tests run in the PostgreSQL pass (DATABASE_URL=postgres://…)",
)

MEMBERS = 60
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[PrivatePostgres, dict[str, str]]]:
    """A private cluster with bloc's tables, and the environment of a bloc using it."""
    if not binaries_present():
        pytest.skip("PostgreSQL 15's binaries are absent (apt-get install postgresql-15)")
    postgres = PrivatePostgres()
    try:
        postgres.start()
        env = faultkit.bloc_env(tmp_path_factory.mktemp("pg-faults"), postgres.url)
        faultkit.bloc(env, "migrate", "--no-input", "-v", "0")
        yield postgres, env
    finally:
        postgres.stop()


def _check(env: dict[str, str], seeded: dict, burst: faultkit.Burst, head: str) -> dict[str, int]:
    reader = faultkit.Reader(env)
    try:
        counts = faultkit.check_votes(reader, seeded, burst)
    finally:
        reader.close()
    assert counts["secret_ballots"] == counts["open_ballots"] == MEMBERS
    faultkit.check_audit(env, head)
    return counts


def test_app_server_sigkill_mid_burst(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _postgres, env = cluster
    seeded = faultkit.seed(env, "kill", MEMBERS)
    head = faultkit.audit_head(env)
    jobs = faultkit.jobs_for(seeded)

    with faultkit.app_server(env, tmp_path) as server:
        burst = faultkit.Burst(server.url, seeded["slug"], jobs, lambda: faultkit.Reader(env))
        burst.start()
        acked_at_kill = burst.wait_for_acks(len(jobs) // 3)
        assert acked_at_kill < len(jobs), "the burst ended before the kill"
        server.kill()
        server.start()
        burst.join()

    assert burst.failed_attempts > 0
    assert 0 < acked_at_kill < len(burst.acks)
    counts = _check(env, seeded, burst, head)
    log.info(f"PostgreSQL, app server SIGKILL after {acked_at_kill} acknowledged votes: {counts}")


def test_postgres_crash_mid_burst(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    postgres, env = cluster
    seeded = faultkit.seed(env, "crash", MEMBERS)
    head = faultkit.audit_head(env)
    jobs = faultkit.jobs_for(seeded)

    with faultkit.app_server(env, tmp_path) as server:
        burst = faultkit.Burst(server.url, seeded["slug"], jobs, lambda: faultkit.Reader(env))
        burst.start()
        acked_at_crash = burst.wait_for_acks(len(jobs) // 3)
        assert acked_at_crash < len(jobs), "the burst ended before the crash"
        postgres.crash()
        failed_before_down = burst.failed_attempts
        time.sleep(2)  # the clients meet a server without its database meanwhile
        failed_while_down = burst.failed_attempts - failed_before_down
        postgres.restart()
        # The same app server, not restarted: it must find its database again by itself.
        burst.join()
        assert server.process is not None and server.process.poll() is None

    assert failed_while_down > 0, "no vote was tried while PostgreSQL was down"
    assert 0 < acked_at_crash < len(burst.acks)
    counts = _check(env, seeded, burst, head)
    log.info(f"PostgreSQL crashed after {acked_at_crash} acknowledged votes: {counts}")
