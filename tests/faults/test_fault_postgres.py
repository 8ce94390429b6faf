"""Faults on PostgreSQL: SIGKILL an app server mid-burst; crash PostgreSQL mid-burst.

Both run against a PostgreSQL cluster of their own (private_postgres), never the
suite's server, and only in the suite's PostgreSQL pass (DATABASE_URL set to
PostgreSQL). The SQLite kill test is in test_fault_sqlite_kill.py. What is
checked: see faultkit.run_burst.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.faults import faultkit
from tests.faults.private_postgres import PrivatePostgres, binaries_present

pytestmark = pytest.mark.skipif(
    not faultkit.is_postgres(os.environ.get("DATABASE_URL", "")),
    reason="the PostgreSQL fault tests run in the PostgreSQL pass (DATABASE_URL=postgres://…)",
)

MEMBERS = 60
log = logging.getLogger(__name__)


@dataclass
class Cluster:
    postgres: PrivatePostgres
    env: dict[str, str]  # a bloc using it
    seeded: dict[str, dict[str, Any]]  # an institution for each test, by slug


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A private cluster with bloc's tables, and an institution for each test."""
    if not binaries_present():
        pytest.skip("PostgreSQL 15's binaries are absent (apt-get install postgresql-15)")
    postgres = PrivatePostgres()
    try:
        postgres.start()
        env = faultkit.bloc_env(tmp_path_factory.mktemp("pg-faults"), postgres.url)
        faultkit.bloc(env, "migrate", "--no-input", "-v", "0")
        yield Cluster(postgres, env, faultkit.seed(env, MEMBERS, "kill", "crash"))
    finally:
        postgres.stop()


def test_app_server_sigkill_mid_burst(cluster: Cluster, tmp_path: Path) -> None:
    phases = faultkit.Phases()

    def kill_and_restart(server: faultkit.AppServer, burst: faultkit.Burst) -> None:
        server.kill()  # master and workers at once, their connections cut mid-transaction
        server.start()
        assert burst.failures["cut"] > 0, "the kill cut no request short"

    outcome = faultkit.run_burst(
        cluster.env, tmp_path, cluster.seeded["kill"], kill_and_restart, phases
    )
    log.info(
        "PostgreSQL, app server SIGKILL after %s acknowledged votes: %s; %s",
        outcome.acked_before_fault,
        outcome.counts,
        phases,
    )


def test_postgres_crash_mid_burst(cluster: Cluster, tmp_path: Path) -> None:
    phases = faultkit.Phases()
    failed_while_down = 0

    def crash_and_restart(server: faultkit.AppServer, burst: faultkit.Burst) -> None:
        nonlocal failed_while_down
        cluster.postgres.crash()  # immediate: no checkpoint; the restart replays the WAL
        failed_before = burst.failed_attempts
        time.sleep(2)  # meanwhile the clients meet an app server without its database
        failed_while_down = burst.failed_attempts - failed_before
        cluster.postgres.restart()
        # The app server is not restarted: it must find its database again by itself.

    outcome = faultkit.run_burst(
        cluster.env, tmp_path, cluster.seeded["crash"], crash_and_restart, phases
    )
    assert failed_while_down > 0, "no vote was tried while PostgreSQL was down"
    log.info(
        "PostgreSQL crash after %s acknowledged votes (%s tries failed while it was down): %s; %s",
        outcome.acked_before_fault,
        failed_while_down,
        outcome.counts,
        phases,
    )
