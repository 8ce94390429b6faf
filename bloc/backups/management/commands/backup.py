"""``bloc backup --out FILE``: the database, the uploaded files and a manifest in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bloc.backups.snapshots import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write a consistent backup (database snapshot, uploaded files, manifest) to a "
        ".tar.gz, safely while bloc is serving."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="FILE", help="the archive to write")

    def handle(self, *args: Any, out: str, **options: Any) -> None:
        path = Path(out)
        try:
            manifest = backup_write(out=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(
            f"backup written to {path} ({size:,} bytes): {manifest['vendor']} database, "
            f"{manifest['media_files']} uploaded files, audit head {manifest['audit_head']}"
        )
