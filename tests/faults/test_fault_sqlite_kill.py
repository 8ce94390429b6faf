"""SIGKILL a gunicorn server on SQLite in the middle of a voting burst, and restart it.

Runs in the suite's SQLite pass (DATABASE_URL unset); the PostgreSQL faults are
in test_fault_postgres.py.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from tests.faults import faultkit

pytestmark = pytest.mark.skipif(
    faultkit.is_postgres(os.environ.get("DATABASE_URL", "")),
    reason="the SQLite kill test runs in the SQLite pass (DATABASE_URL unset)",
)

MEMBERS = 60
log = logging.getLogger(__name__)


def test_sigkill_mid_burst_loses_no_acknowledged_vote(tmp_path: Path) -> None:
    started = time.monotonic()
    env = faultkit.bloc_env(tmp_path)
    faultkit.bloc(env, "migrate", "--no-input", "-v", "0")
    seeded = faultkit.seed(env, "burst", MEMBERS)
    head_before = faultkit.audit_head(env)
    jobs = faultkit.jobs_for(seeded)

    setup_done = time.monotonic()
    with faultkit.app_server(env, tmp_path) as server:
        burst = faultkit.Burst(server.url, seeded["slug"], jobs, lambda: faultkit.Reader(env))
        burst.start()
        acked_at_kill = burst.wait_for_acks(len(jobs) // 3)
        assert acked_at_kill < len(jobs), "the burst ended before the kill"
        server.kill()  # master and workers, mid-write for some of them
        killed = time.monotonic()
        server.start()
        back = time.monotonic()
        burst.join()
        done = time.monotonic()
        after_restart = len(burst.acks) - acked_at_kill

    # The kill did land in the middle of the burst: some tries failed, and votes were
    # acknowledged before it and after the restart.
    assert burst.failed_attempts > 0
    assert acked_at_kill > 0 and after_restart > 0

    reader = faultkit.Reader(env)
    try:
        assert reader.value("PRAGMA integrity_check") == "ok"
        counts = faultkit.check_votes(reader, seeded, burst)
    finally:
        reader.close()
    assert counts["secret_ballots"] == counts["open_ballots"] == MEMBERS
    faultkit.check_audit(env, head_before)
    log.info(
        f"SQLite, SIGKILL after {acked_at_kill} acknowledged votes: {counts}; "
        f"migrate+seed {setup_done - started:.1f} s, server down {back - killed:.1f} s, "
        f"burst {done - setup_done:.1f} s, checks {time.monotonic() - done:.1f} s"
    )
