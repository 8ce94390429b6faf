"""Backups: one ``.tar.gz`` holding a database snapshot, the uploaded files and a manifest.

``backup_write`` takes a consistent snapshot while bloc keeps serving: SQLite's online
backup API, or ``pg_dump`` inside an exported PostgreSQL snapshot, with the manifest's
migration state and audit head read from that same snapshot (so they describe exactly
what the archive holds). ``backup_open`` checks an archive completely (gzip checksums,
layout, manifest, vendor, schema, the snapshot itself) before anything is touched;
``backup_restore`` then refuses a database that holds data, puts the snapshot and the
files back and verifies the audit chain with the same code as ``bloc audit verify``.

Errors a person can fix are ``BackupError`` with a message saying what is wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

import bloc
from bloc.audit import selectors as audit_selectors
from bloc.core import auditlog

FORMAT = "bloc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_DIR = "media"
PG_BIN_DIRS = "/usr/lib/postgresql/{major}/bin"


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why, for a person."""


@dataclass(frozen=True)
class OpenedBackup:
    """A checked archive, unpacked in a temporary folder that lives as long as the ``with``."""

    path: Path
    manifest: dict[str, Any]
    database_file: Path
    media_dir: Path | None

    @property
    def head(self) -> str:
        return str(self.manifest["audit_head"])


@dataclass(frozen=True)
class RestoreReport:
    manifest: dict[str, Any]
    verification: auditlog.Verification
    head: auditlog.Head
    media_files: int
    overwritten: dict[str, int] = field(default_factory=dict)
    migrations_behind: list[str] = field(default_factory=list)

    @property
    def head_text(self) -> str:
        return head_text(self.head)

    @property
    def head_matches(self) -> bool:
        return self.head_text == self.manifest["audit_head"]


def head_text(head: auditlog.Head) -> str:
    """The head as ``bloc audit head`` prints it."""
    return f"{head.seq}:{head.hash}"


# --- writing --------------------------------------------------------------


def backup_write(*, out: Path, using: str = "default") -> dict[str, Any]:
    """Write a backup of the database and MEDIA_ROOT to ``out``; return its manifest.

    The archive appears at ``out`` only once complete (written beside it, then renamed).
    """
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"cannot back up a {vendor} database: bloc uses SQLite or PostgreSQL")
    out = out.resolve()
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a folder: cannot write {out.name} there")
    with tempfile.TemporaryDirectory(prefix="bloc-backup-") as scratch:
        database_file = Path(scratch) / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            state = _sqlite_snapshot(connection.settings_dict, database_file)
        else:
            state = _postgres_snapshot(connection.settings_dict, database_file)
        media = list(_media_files())
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "bloc_version": bloc.__version__,
            "vendor": vendor,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "migrations": state.migrations,
            "audit_head": head_text(state.head),
            "database": {
                "file": database_file.name,
                "bytes": database_file.stat().st_size,
                "sha256": _sha256(database_file),
            },
            "media_files": len(media),
        }
        partial = out.with_name(f".{out.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                archive.add(database_file, arcname=database_file.name, recursive=False)
                for path, name in media:
                    archive.add(path, arcname=f"{MEDIA_DIR}/{name}", recursive=False)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


@dataclass(frozen=True)
class _State:
    migrations: dict[str, str]
    head: auditlog.Head


def _last_per_app(rows: list[tuple[str, str]]) -> dict[str, str]:
    """The last applied migration of each app, from django_migrations rows in id order."""
    last: dict[str, str] = {}
    for app, name in rows:
        last[app] = name
    return dict(sorted(last.items()))


def _sqlite_snapshot(settings_dict: dict[str, Any], target: Path) -> _State:
    source_path = Path(str(settings_dict["NAME"]))
    if not source_path.is_file():
        raise BackupError(f"there is no database at {source_path}: nothing to back up")
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        # All pages in one step, under one read transaction: a consistent snapshot
        # even while the server writes (WAL readers do not block writers).
        source.backup(copy)
        # The archive holds one self-contained file, without a -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _read_state(copy.cursor())
    except sqlite3.Error as exc:
        raise BackupError(f"could not copy the database {source_path}: {exc}") from exc
    finally:
        copy.close()
        source.close()


def _read_state(cursor: Any) -> _State:
    """Migrations and audit head, read through the snapshot's own connection."""
    try:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = _last_per_app([(str(a), str(n)) for a, n in cursor.fetchall()])
        cursor.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1")
        row = cursor.fetchone()
    except (sqlite3.Error, psycopg.Error, DatabaseError) as exc:
        raise BackupError(
            f"this is not a migrated bloc database (run 'bloc migrate'): {exc}"
        ) from exc
    head = auditlog.Head(seq=int(row[0]), hash=str(row[1])) if row else auditlog.Head()
    return _State(migrations=migrations, head=head)


def _postgres_snapshot(settings_dict: dict[str, Any], target: Path) -> _State:
    try:
        conn = psycopg.connect(**_libpq_params(settings_dict))
    except psycopg.Error as exc:
        raise BackupError(f"cannot connect to PostgreSQL: {exc}") from exc
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cursor:
            # pg_dump joins this transaction's snapshot, so the manifest read here
            # describes exactly the rows it dumps.
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None  # noqa: S101 (the function always returns a row)
            snapshot_id = str(row[0])
            try:
                state = _read_state(cursor)
            except BackupError:
                conn.rollback()
                raise
            tool = _pg_tool("pg_dump", conn.info.server_version // 10000)
            _run_pg(
                [
                    tool,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                    *_pg_connection_args(settings_dict),
                ],
                settings_dict,
                "pg_dump",
            )
        conn.rollback()
        return state
    finally:
        conn.close()


def _libpq_params(settings_dict: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"dbname": settings_dict["NAME"]}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    if settings_dict.get("PORT"):
        params["port"] = str(settings_dict["PORT"])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        params["sslmode"] = settings_dict["OPTIONS"]["sslmode"]
    return params


def _pg_connection_args(settings_dict: dict[str, Any]) -> list[str]:
    """Host, port, user and database for pg_dump/pg_restore; never the password."""
    args = [f"--dbname={settings_dict['NAME']}"]
    if settings_dict.get("HOST"):
        args.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        args.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        args.append(f"--username={settings_dict['USER']}")
    return args


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # not on the command line: ps shows it
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(settings_dict["OPTIONS"]["sslmode"])
    return env


def _pg_tool(name: str, server_major: int) -> str:
    """The client of the server's major version if installed, else the one on PATH."""
    own = Path(PG_BIN_DIRS.format(major=server_major)) / name
    if os.access(own, os.X_OK):
        return str(own)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if os.access(folder / name, os.X_OK):
            return str(folder / name)
    raise BackupError(
        f"{name} is not installed (looked on PATH and in /usr/lib/postgresql/*/bin): "
        f"install the PostgreSQL {server_major} client (Debian: postgresql-client-{server_major})"
    )


def _run_pg(args: list[str], settings_dict: dict[str, Any], what: str) -> None:
    result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        args, env=_pg_env(settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None
    if root is None or not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(root).as_posix()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- reading --------------------------------------------------------------


@contextmanager
def backup_open(path: Path, *, using: str = "default") -> Iterator[OpenedBackup]:
    """Check the archive at ``path`` through and through, and unpack it in a temporary folder.

    Refuses (``BackupError``) a missing file, anything that is not a complete bloc
    backup, a backup of the other database vendor and one made by newer code (with
    migrations this code does not have). Changes nothing.
    """
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    _check_gzip(path)
    with tempfile.TemporaryDirectory(prefix="bloc-restore-") as scratch:
        folder = Path(scratch)
        _unpack(path, folder)
        manifest = _load_manifest(path, folder)
        vendor = connections[using].vendor
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"{path} is a backup of a {manifest['vendor']} database; this bloc uses "
                f"{vendor}: restore it with DATABASE_URL pointing at {manifest['vendor']}"
            )
        _check_schema_known(manifest["migrations"], path)
        database_file = folder / DATABASE_FILES[vendor]
        described = manifest["database"]
        if (
            described.get("file") != database_file.name
            or not database_file.is_file()
            or _sha256(database_file) != described.get("sha256")
        ):
            raise BackupError(
                f"{path} is damaged: its database snapshot does not match the manifest"
            )
        if vendor == "sqlite":
            _check_sqlite_file(database_file, path)
        else:
            settings_dict = connections[using].settings_dict
            major = _server_major(using)
            _run_pg(
                [_pg_tool("pg_restore", major), "--list", str(database_file)],
                settings_dict,
                "pg_restore --list",
            )
        media = folder / MEDIA_DIR
        yield OpenedBackup(
            path=path,
            manifest=manifest,
            database_file=database_file,
            media_dir=media if media.is_dir() else None,
        )


def _check_gzip(path: Path) -> None:
    """Read the whole stream once: a truncated or altered archive fails its gzip checksum."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is not a bloc backup or is damaged ({exc})") from exc


def _unpack(path: Path, folder: Path) -> None:
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = archive.getmembers()
            names = {member.name for member in members}
            if MANIFEST not in names:
                raise BackupError(f"{path} is not a bloc backup: it has no {MANIFEST}")
            for member in members:
                allowed = member.name in {
                    MANIFEST,
                    *DATABASE_FILES.values(),
                } or member.name.startswith(f"{MEDIA_DIR}/")
                if not allowed or not (member.isfile() or member.isdir()):
                    raise BackupError(
                        f"{path} is not a bloc backup: unexpected entry {member.name!r}"
                    )
            # The "data" filter refuses absolute paths, "..", links and device files.
            archive.extractall(folder, filter="data")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is not a bloc backup or is damaged ({exc})") from exc


def _load_manifest(path: Path, folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a bloc backup: unreadable {MANIFEST} ({exc})") from exc
    required = {"format", "format_version", "vendor", "migrations", "audit_head", "database"}
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not required <= manifest.keys()
    ):
        raise BackupError(f"{path} is not a bloc backup: its {MANIFEST} is not bloc's")
    if manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(
            f"{path} was written by a newer bloc (backup format {manifest['format_version']}): "
            "upgrade bloc to restore it"
        )
    if manifest["vendor"] not in DATABASE_FILES:
        raise BackupError(f"{path} is not a bloc backup: unknown database {manifest['vendor']!r}")
    return manifest


def _check_schema_known(migrations: dict[str, str], path: Path) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"{path} was made by a newer bloc: its database has migrations this code does not "
            f"know ({', '.join(unknown)}). Upgrade bloc, then restore."
        )


def _check_sqlite_file(database_file: Path, path: Path) -> None:
    try:
        check = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        try:
            (result,) = check.execute("PRAGMA quick_check").fetchone()
        finally:
            check.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is damaged: its SQLite snapshot cannot be read ({exc})") from exc
    if result != "ok":
        raise BackupError(f"{path} is damaged: its SQLite snapshot fails its check ({result})")


def _server_major(using: str) -> int:
    connection = connections[using]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise BackupError(f"cannot connect to the database: {exc}") from exc
    return int(connection.pg_version) // 10000


# --- restoring ------------------------------------------------------------


def database_contents(*, using: str = "default") -> dict[str, int]:
    """Row counts of bloc's tables that hold data (empty for a new, migrated database).

    The audit head row every migrated database has counts only once the log has events.
    """
    connection = connections[using]
    if connection.vendor == "sqlite" and not Path(str(connection.settings_dict["NAME"])).exists():
        return {}
    try:
        existing = set(connection.introspection.table_names())
    except DatabaseError as exc:
        raise BackupError(f"cannot read the database: {exc}") from exc
    tables = sorted(
        {
            model._meta.db_table
            for config in apps.get_app_configs()
            if config.name.startswith("bloc.")
            for model in config.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        & existing
    )
    quote = connection.ops.quote_name
    contents: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in tables:
            where = " WHERE seq > 0" if table == "audit_audithead" else ""
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}{where}")  # noqa: S608
            (count,) = cursor.fetchone()
            if count:
                contents[table] = int(count)
    return contents


def describe_contents(contents: dict[str, int], limit: int = 6) -> str:
    shown = [
        f"{table} ({count} row{'s' if count != 1 else ''})" for table, count in contents.items()
    ]
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" and {more} more tables" if more > 0 else "")


def backup_restore(
    *, backup: OpenedBackup, force: bool = False, using: str = "default"
) -> RestoreReport:
    """Put an opened backup in place of the database and MEDIA_ROOT, then verify the chain.

    Refuses a database with data in bloc's tables unless ``force``.
    """
    contents = database_contents(using=using)
    if contents and not force:
        raise BackupError(
            "the database is not empty: "
            + describe_contents(contents)
            + ". Restore into an empty database (a new one, after 'bloc migrate' or not), "
            "or pass --force to replace everything in it."
        )
    connection = connections[using]
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connections.close_all()
        _sqlite_restore(backup.database_file, Path(str(settings_dict["NAME"])))
    else:
        tool = _pg_tool("pg_restore", _server_major(using))
        connections.close_all()
        _run_pg(
            [
                tool,
                "--no-owner",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                *_pg_connection_args(settings_dict),
                str(backup.database_file),
            ],
            settings_dict,
            "pg_restore",
        )
    media_files = _media_restore(backup.media_dir)
    connections.close_all()
    verification = audit_selectors.audit_verify()
    return RestoreReport(
        manifest=backup.manifest,
        verification=verification,
        head=audit_selectors.audit_head_get(),
        media_files=media_files,
        overwritten=contents,
        migrations_behind=_migrations_behind(using),
    )


def _sqlite_restore(snapshot: Path, target: Path) -> None:
    """Copy the snapshot over the database through SQLite's backup API.

    Copying the file itself could leave the old database's -wal file beside it, which
    SQLite would then replay over the restored pages; the backup API writes through
    SQLite's own journal and locks instead.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        destination = sqlite3.connect(target, timeout=20)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(
            f"could not write the database {target} ({exc}): is a bloc server still using it?"
        ) from exc


def _media_restore(media_dir: Path | None) -> int:
    if media_dir is None:
        return 0
    root = Path(settings.MEDIA_ROOT)
    shutil.copytree(media_dir, root, dirs_exist_ok=True)
    return sum(1 for path in media_dir.rglob("*") if path.is_file())


def _migrations_behind(using: str) -> list[str]:
    """Migrations this code has that the restored database lacks (run 'bloc migrate')."""
    with suppress(DatabaseError):
        loader = MigrationLoader(connections[using], ignore_no_migrations=True)
        return sorted(
            f"{app}.{name}"
            for app, name in loader.graph.leaf_nodes()
            if (app, name) not in loader.applied_migrations
        )
    return []
