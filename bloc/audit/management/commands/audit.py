"""``bloc audit verify|head|tail``: check and read the tamper-evident log."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bloc.audit import selectors
from bloc.core import auditlog

HEAD_PATTERN = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Verify or read the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = sub.add_parser(
            "verify", help="walk the hash chain; exit 1 at the first broken link"
        )
        verify.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="also check the log against a head you copied earlier (from 'bloc audit head')",
        )
        sub.add_parser("head", help="print the last sequence number and hash, to copy elsewhere")
        tail = sub.add_parser("tail", help="print the latest events")
        tail.add_argument("-n", type=int, default=20, help="how many (default 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_verify(self, expect_head: str | None = None, **options: Any) -> None:
        stored = selectors.audit_head_get()
        if expect_head:
            match = HEAD_PATTERN.match(expect_head.strip())
            if not match:
                raise CommandError("--expect-head must look like 123:<64 hex digits>")
            witness = auditlog.Head(seq=int(match[1]), hash=match[2])
            if witness.seq > stored.seq or (witness.seq == stored.seq and witness != stored):
                raise CommandError(
                    f"the log's head #{stored.seq} does not extend the witnessed head "
                    f"#{witness.seq}: events were removed or rewritten"
                )
        result = selectors.audit_verify()
        if result.first_break is not None:
            raise CommandError(
                f"audit log BROKEN: {result.first_break.describe()} "
                f"({result.checked} events verified before it)"
            )
        if expect_head:
            # The witnessed event must still be in the chain, unchanged.
            event = selectors.audit_event_list(after_seq=witness.seq - 1, limit=1).first()
            if witness.seq and (event is None or event.hash != witness.hash):
                raise CommandError(
                    f"audit log BROKEN: event {witness.seq} differs from the witnessed head"
                )
        self.stdout.write(
            f"audit log OK: {result.checked} events, head #{result.head.seq} {result.head.hash}"
        )

    def handle_head(self, **options: Any) -> None:
        head = selectors.audit_head_get()
        self.stdout.write(f"{head.seq}:{head.hash}")

    def handle_tail(self, n: int = 20, **options: Any) -> None:
        head = selectors.audit_head_get()
        for event in selectors.audit_event_list(after_seq=max(0, head.seq - n), limit=n):
            self.stdout.write(
                f"#{event.seq} {event.at.isoformat()} {event.action} {event.actor} {event.subject}"
            )
