"""`bloc backup` and `bloc restore`: everything comes back, with the audit chain intact,
and a bad archive or a database holding data is refused without changing anything.

On SQLite the restore runs as a person runs it: `bloc restore` in a new data folder.
On PostgreSQL (DATABASE_URL) it restores into a scratch database made for the test.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bloc.accounts.models import User
from bloc.audit.models import AuditEvent
from bloc.audit.selectors import audit_head_get, audit_verify
from bloc.decisions.models import Participation, Poll, SecretBallot
from bloc.decisions.voting import vote
from bloc.institutions.models import Institution
from bloc.membership.models import Membership
from tests.decisions.conftest import close_now, open_poll, verified_members

pytestmark = pytest.mark.django_db(transaction=True)

AVATAR = b"\x89PNG\r\n\x1a\n not really a picture"

# What a restored database must hold: printed by `bloc shell` in the restored one.
COUNTS = """
import json
from bloc.accounts.models import User
from bloc.audit.models import AuditEvent
from bloc.decisions.models import Participation, Poll, SecretBallot
from bloc.institutions.models import Institution
from bloc.membership.models import Membership
print(json.dumps({
    "users": sorted(User.objects.values_list("email", flat=True)),
    "institutions": sorted(Institution.objects.values_list("slug", flat=True)),
    "members": Membership.objects.count(),
    "polls": sorted(Poll.objects.values_list("title", "outcome")),
    "participations": Participation.objects.count(),
    "ballots": sorted(SecretBallot.objects.values_list("receipt", flat=True)),
    "events": AuditEvent.objects.count(),
}))
"""


def counts() -> dict[str, object]:
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "institutions": sorted(Institution.objects.values_list("slug", flat=True)),
        "members": Membership.objects.count(),
        "polls": sorted([list(row) for row in Poll.objects.values_list("title", "outcome")]),
        "participations": Participation.objects.count(),
        "ballots": sorted(SecretBallot.objects.values_list("receipt", flat=True)),
        "events": AuditEvent.objects.count(),
    }


def head() -> str:
    current = audit_head_get()
    return f"{current.seq}:{current.hash}"


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "avatars").mkdir(parents=True)
    (settings.MEDIA_ROOT / "avatars" / "alice.png").write_bytes(AVATAR)
    return settings.MEDIA_ROOT


@pytest.fixture
def backed_up(maple, fiona, media, tmp_path):  # type: ignore[no-untyped-def]
    """Maple Street with five voters and a closed secret poll, backed up to a file."""
    voters = [fiona, *verified_members(maple, 4)]
    poll = open_poll(maple, fiona, title="Paint the fence?", secret=True)
    for n, voter in enumerate(voters):
        vote(actor=voter, poll=poll, data=n % 2)
    close_now(poll)
    archive = tmp_path / "bloc-backup.tar.gz"
    out = io.StringIO()
    call_command("backup", "--out", str(archive), stdout=out)
    assert f"audit head {head()}" in out.getvalue()
    before = counts()
    assert before["participations"] == 5 and len(before["ballots"]) == 5
    return archive, before, head()


def restore(*args: str) -> str:
    out = io.StringIO()
    call_command("restore", *args, stdout=out)
    return out.getvalue()


# --- into a new database, as a person does it -------------------------------------


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture
def new_bloc(tmp_path):  # type: ignore[no-untyped-def]
    """The environment of a new bloc: a new data folder and, on PostgreSQL, a new database."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["BLOC_DATA_DIR"] = str(tmp_path / "new-data")
    Path(env["BLOC_DATA_DIR"]).mkdir()
    if not _is_postgres():
        yield env
        return
    import psycopg
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    admin = urlunsplit(("postgresql", *urlsplit(url)[1:]))
    name = f"bloc_restore_{secrets.token_hex(6)}"

    def execute(statement: str) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    execute("CREATE DATABASE {}")
    env["DATABASE_URL"] = _with_database(url, name)
    try:
        yield env
    finally:
        for _ in range(40):
            try:
                execute("DROP DATABASE IF EXISTS {}")
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(0.25)


def bloc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bloc", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_restore_into_a_new_database_brings_everything_back_with_the_same_head(backed_up, new_bloc):
    archive, before, backed_up_head = backed_up

    restored = bloc(new_bloc, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert f"audit log OK: {before['events']} events, head {backed_up_head}" in restored.stdout
    assert "the head matches the backup's manifest" in restored.stdout
    assert "uploaded files put back: 1" in restored.stdout

    verified = bloc(new_bloc, "audit", "verify", "--expect-head", backed_up_head)
    assert verified.returncode == 0, verified.stderr
    assert f"head #{backed_up_head.replace(':', ' ')}" in verified.stdout
    found = bloc(new_bloc, "shell", "-c", COUNTS)
    assert found.returncode == 0, found.stderr
    after = json.loads(found.stdout.strip().splitlines()[-1])
    assert after == before
    avatar = Path(new_bloc["BLOC_DATA_DIR"]) / "media" / "avatars" / "alice.png"
    assert avatar.read_bytes() == AVATAR


# --- into this database ------------------------------------------------------------


def test_restore_refuses_a_database_with_data_then_fills_it_once_emptied(backed_up, media):
    archive, before, backed_up_head = backed_up

    with pytest.raises(CommandError) as refused:
        restore(str(archive))
    message = str(refused.value)
    assert "the database is not empty" in message
    assert "accounts_user (" in message and "--force" in message
    assert counts() == before and head() == backed_up_head

    # A database that was migrated and never used (here: emptied) takes the backup.
    call_command("flush", "--no-input", verbosity=0)
    (media / "avatars" / "alice.png").unlink()
    assert counts()["users"] == []
    output = restore(str(archive))
    assert "the head matches the backup's manifest" in output
    assert counts() == before
    assert head() == backed_up_head and audit_verify().ok
    assert (media / "avatars" / "alice.png").read_bytes() == AVATAR


def _repacked(archive: Path, target: Path, **manifest_changes: object) -> Path:
    """The same backup with its manifest changed."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest.update(manifest_changes)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def _not_a_backup(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"notes"))
    return path


def test_bad_archives_are_refused_and_change_nothing_even_with_force(backed_up, tmp_path):
    archive, before, backed_up_head = backed_up
    data = archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = tmp_path / "flipped.tar.gz"
    flipped.write_bytes(data[:2000] + bytes([data[2000] ^ 0xFF]) + data[2001:])
    text = tmp_path / "notes.tar.gz"
    text.write_text("not an archive at all")
    other_vendor = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    newer = {**json.loads(tarfile.open(archive).extractfile("manifest.json").read())["migrations"]}  # type: ignore[union-attr]
    newer["decisions"] = "9999_from_the_future"

    cases = {
        tmp_path / "missing.tar.gz": "no such file",
        truncated: "is not a bloc backup or is damaged",
        flipped: "is not a bloc backup or is damaged",
        text: "is not a bloc backup or is damaged",
        _not_a_backup(tmp_path / "other.tar.gz"): "is not a bloc backup: it has no manifest.json",
        _repacked(archive, tmp_path / "vendor.tar.gz", vendor=other_vendor): (
            f"is a backup of a {other_vendor} database"
        ),
        _repacked(archive, tmp_path / "newer.tar.gz", migrations=newer): (
            "made by a newer bloc: its database has migrations this code does not know "
            "(decisions.9999_from_the_future)"
        ),
        _repacked(archive, tmp_path / "sha.tar.gz", database={"file": "x", "sha256": "0"}): (
            "its database snapshot does not match the manifest"
        ),
    }
    for path, expected in cases.items():
        with pytest.raises(CommandError) as refused:
            restore(str(path), "--force")
        assert expected in str(refused.value), path.name
        assert counts() == before and head() == backed_up_head, path.name
    assert audit_verify().ok
