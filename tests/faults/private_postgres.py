"""A PostgreSQL 15 cluster of the fault test's own, which it may restart at will.

Never the server the rest of the suite runs on (CI runs the whole suite against
one, in parallel): a fresh cluster in /tmp on a free port, made and removed by
.ci/postgres.sh's ``pg_start`` and ``pg_stop`` (as the system user ``blocci``
when we are root, since initdb and pg_ctl refuse to run as root).

That script turns durability off for speed (``synchronous_commit = off``), which
would let an immediate restart forget commits already acknowledged: this cluster
turns it back on, so a commit is in the write-ahead log before the app hears of
it. ``fsync`` stays off: the restarts here kill PostgreSQL's processes, not the
machine, so what was written reaches the disk through the operating system.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

from tests.faults.faultkit import REPO_ROOT, free_port

PG_BIN = Path(os.environ.get("BLOC_PG_BIN", "/usr/lib/postgresql/15/bin"))
SCRIPT = REPO_ROOT / ".ci" / "postgres.sh"
SOCKET_DIR = "/tmp"  # noqa: S108 - where .ci/postgres.sh puts the socket


def binaries_present() -> bool:
    return all((PG_BIN / name).is_file() for name in ("initdb", "pg_ctl")) and bool(
        shutil.which("psql")
    )


class PrivatePostgres:
    def __init__(self) -> None:
        self.port = free_port()
        # Not under a mkdtemp folder: the cluster's owner (blocci) must reach it.
        self.data = Path(f"{SOCKET_DIR}/bloc-faults-pg-{self.port}-{secrets.token_hex(4)}")
        self.log = Path(f"{self.data}.log")
        self.url = f"postgres://bloc:bloc@127.0.0.1:{self.port}/bloc"
        self.env = {
            **os.environ,
            "BLOC_PG_PORT": str(self.port),
            "BLOC_PG_DATA": str(self.data),
            "BLOC_PG_BIN": str(PG_BIN),
        }
        self.owner = os.environ.get("BLOC_PG_USER", "blocci")

    def _script(self, function: str) -> None:
        subprocess.run(
            ["bash", "-c", f'. "{SCRIPT}" && {function}'],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def _pg_ctl(self, *args: str) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.owner, "--", *command]
        env = {**os.environ, "PATH": os.environ.get("PATH", "") + ":/usr/sbin:/sbin"}
        subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        try:
            self._script("pg_start")
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"pg_start failed:\n{exc.stdout}\n{exc.stderr}") from exc
        self.superuser_sql("ALTER SYSTEM SET synchronous_commit = on")
        self.superuser_sql("SELECT pg_reload_conf()")
        assert self.superuser_sql("SHOW synchronous_commit") == "on"

    def superuser_sql(self, sql: str) -> str:
        import psycopg

        with psycopg.connect(
            host=SOCKET_DIR, port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            cursor = conn.execute(sql)  # type: ignore[arg-type]
            row = cursor.fetchone() if cursor.description else None
        return "" if row is None else str(row[0])

    def crash(self) -> None:
        """Stop at once, as a crash would: no checkpoint, connections cut; the next
        start replays the write-ahead log."""
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def restart(self) -> None:
        self._pg_ctl("-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop and delete the cluster (pg_stop), whatever state it is in."""
        try:
            self._script("pg_stop")
        finally:
            shutil.rmtree(self.data, ignore_errors=True)
            self.log.unlink(missing_ok=True)
