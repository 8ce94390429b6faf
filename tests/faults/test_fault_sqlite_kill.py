"""SIGKILL a gunicorn server on SQLite in the middle of a voting burst, and restart it.

Runs in the suite's SQLite pass (DATABASE_URL unset); the PostgreSQL faults are
in test_fault_postgres.py. What is checked: see faultkit.run_burst.
"""

from __future__ import annotations

import logging
import os
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
    phases = faultkit.Phases()
    env = faultkit.bloc_env(tmp_path)
    faultkit.bloc(env, "migrate", "--no-input", "-v", "0")
    seeded = faultkit.seed(env, MEMBERS, "burst")["burst"]
    phases.mark("migrate and seed")

    def kill_and_restart(server: faultkit.AppServer, burst: faultkit.Burst) -> None:
        server.kill()  # master and workers at once, some of them mid-write
        server.start()  # same port, same database file
        assert burst.failures["cut"] > 0, "the kill cut no request short"

    outcome = faultkit.run_burst(env, tmp_path, seeded, kill_and_restart, phases)

    reader = faultkit.Reader(env)
    try:
        assert reader.value("PRAGMA integrity_check") == "ok"
    finally:
        reader.close()
    log.info(
        "SQLite, SIGKILL after %s acknowledged votes: %s; %s",
        outcome.acked_before_fault,
        outcome.counts,
        phases,
    )
