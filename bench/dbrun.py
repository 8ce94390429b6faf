"""Run a benchmark's database part in a child process, once per database.

A bench script that times pages or queries runs itself again with ``--child`` (and its
own arguments) under a throwaway SQLite data directory, or in a scratch PostgreSQL
database created for the run and dropped after (the role needs CREATEDB;
.ci/postgres.sh starts a suitable server). The child prints one line ``RESULT <json>``.
Each database so gets a fresh process, with Django set up once for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def run_child(
    script: str, label: str, env: dict[str, str], args: list[str]
) -> dict[str, Any] | None:
    command = [sys.executable, os.path.abspath(script), "--child", *args]
    print(f"{label}: writing the rows...", file=sys.stderr, flush=True)
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        print(f"{label}: the child failed (exit {done.returncode})", file=sys.stderr)
        return None
    return json.loads(lines[-1][len("RESULT ") :])


def sqlite_run(script: str, name: str, args: list[str]) -> dict[str, Any] | None:
    data_dir = tempfile.mkdtemp(prefix=f"bloc-bench-{name}-")
    env = {**os.environ, "BLOC_DATA_DIR": data_dir}
    env.pop("DATABASE_URL", None)
    try:
        return run_child(script, "sqlite", env, args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def postgres_run(script: str, name: str, url: str, args: list[str]) -> dict[str, Any] | None:
    import psycopg

    database = f"bloc_bench_{name}_{uuid.uuid4().hex[:8]}"
    scratch = urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    data_dir = tempfile.mkdtemp(prefix=f"bloc-bench-{name}-")
    try:
        env = {**os.environ, "DATABASE_URL": scratch, "BLOC_DATA_DIR": data_dir}
        return run_child(script, "postgresql", env, args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def arguments(doc: str | None, *, small: str, repeat: int, repeat_help: str) -> Any:
    """The command line every such bench takes: --small, --repeat, --pg, --no-sqlite, and
    the hidden --child its own child processes get."""
    import argparse

    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--small", action="store_true", help=small)
    parser.add_argument("--repeat", type=int, default=repeat, help=repeat_help)
    parser.add_argument("--pg", default=os.environ.get("BLOC_BENCH_PG"),
                        help="a PostgreSQL server's URL (default: BLOC_BENCH_PG)")  # fmt: skip
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.child_args = ["--repeat", str(args.repeat)] + (["--small"] if args.small else [])
    return args
