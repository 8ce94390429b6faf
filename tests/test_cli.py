"""The `bloc` command, as a person runs it on a fresh machine."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys


def bloc(*args: str, data_dir: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["BLOC_DATA_DIR"] = data_dir
    return subprocess.run(
        [sys.executable, "-m", "bloc", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_bloc_lists_django_and_bloc_commands(tmp_path):
    result = bloc("help", data_dir=str(tmp_path))
    assert result.returncode == 0, result.stderr
    for command in ("migrate", "runserver", "createsuperuser", "demo", "audit"):
        assert command in result.stdout


def test_quick_start_on_a_fresh_sqlite_database_twice(tmp_path):
    first = bloc("demo", "--no-serve", data_dir=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert "Demo logins" in first.stdout
    assert (tmp_path / "bloc.sqlite3").exists()
    second = bloc("demo", "--no-serve", data_dir=str(tmp_path))
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout
    verify = bloc("audit", "verify", data_dir=str(tmp_path))
    assert verify.returncode == 0 and "audit log OK" in verify.stdout

    # Then someone opens the database with another tool, drops the guard and rewrites history.
    db = sqlite3.connect(tmp_path / "bloc.sqlite3")
    try:
        with db:
            db.execute("UPDATE audit_auditevent SET actor = 'user:1' WHERE seq = 40")
        raise AssertionError("the trigger should have refused the UPDATE")
    except sqlite3.DatabaseError:
        pass
    with db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_auditevent SET actor = 'user:1' WHERE seq = 40")
    db.close()
    result = bloc("audit", "verify", data_dir=str(tmp_path))
    assert result.returncode != 0
    assert "event 40 was altered" in result.stderr


def test_bad_configuration_fails_loudly(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "bloc", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "BLOC_DATA_DIR": str(tmp_path),
            "BLOC_DEBUG": "maybe",
        },
    )
    assert env_result.returncode != 0
    assert "BLOC_DEBUG must be true or false" in env_result.stderr
