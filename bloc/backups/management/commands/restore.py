"""``bloc restore FILE``: bring a backup back into an empty database, then verify the log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bloc.backups.snapshots import BackupError, backup_open, backup_restore, describe_contents


class Command(BaseCommand):
    help = (
        "Restore a backup written by 'bloc backup' into an empty database (and its uploaded "
        "files into MEDIA_ROOT), then verify the audit log's hash chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive written by 'bloc backup'")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a database that is not empty (it is lost)",
        )

    def handle(self, *args: Any, file: str, force: bool = False, **options: Any) -> None:
        try:
            with backup_open(Path(file)) as backup:
                manifest = backup.manifest
                self.stdout.write(
                    f"restoring {file}: {manifest['vendor']} database made "
                    f"{manifest.get('created_at', '?')} by bloc {manifest.get('bloc_version', '?')}"
                )
                report = backup_restore(backup=backup, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report.overwritten:
            self.stdout.write(f"replaced (--force): {describe_contents(report.overwritten)}")
        self.stdout.write(f"uploaded files put back: {report.media_files}")
        if report.migrations_behind:
            self.stdout.write(
                "the backup predates this code's schema: run 'bloc migrate' "
                f"({len(report.migrations_behind)} apps behind)"
            )
        verification = report.verification
        if verification.first_break is not None:
            raise CommandError(
                f"audit log BROKEN after restore: {verification.first_break.describe()} "
                f"({verification.checked} events verified before it)"
            )
        self.stdout.write(f"audit log OK: {verification.checked} events, head {report.head_text}")
        if not report.head_matches:
            raise CommandError(
                f"the restored head {report.head_text} differs from the backup's manifest "
                f"({manifest['audit_head']})"
            )
        self.stdout.write("the head matches the backup's manifest")
