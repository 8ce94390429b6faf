"""``bloc events tick``: email volunteers a day before their shifts.

Run it every few minutes from cron or a systemd timer (next to ``bloc polls tick``);
each shift is reminded once however often, and by however many processes, it runs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bloc.events.notifications import remind_shifts


class Command(BaseCommand):
    help = "Send the reminders that are due to volunteers of shifts starting within a day."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser("tick", help="send the shift reminders that are due")

    def handle(self, *args: Any, **options: Any) -> None:
        done = remind_shifts()
        for reminded in done:
            shift = reminded.shift
            starts = timezone.localtime(shift.starts_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"shift {shift.pk} ({shift.title}, {shift.event.title}) starts {starts}: "
                f"reminded {reminded.emails} volunteer(s)"
            )
        emails = sum(r.emails for r in done)
        self.stdout.write(f"reminded {len(done)} shift(s), sent {emails} email(s)")
