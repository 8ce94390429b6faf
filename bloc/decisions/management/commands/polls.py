"""``bloc polls tick | export POLL --out FILE | list``: polls from the command line.

``tick`` does what is due (open, remind, close); run it every minute from cron or a
systemd timer. ``export`` writes a closed poll's published ballots and prints the
``bloc tally`` command that counts them as the poll did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bloc.decisions.models import Poll
from bloc.decisions.polls import phase, poll_sync, polls_tick, spec_of


class Command(BaseCommand):
    help = "Open, remind and close polls when due; export a closed poll's ballots; list polls."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser("tick", help="open, remind and close the polls that are due")
        export = actions.add_parser("export", help="write a closed poll's published ballots")
        export.add_argument("poll", type=int, metavar="POLL", help="the poll's number")
        export.add_argument("--out", required=True, type=Path, help="the file to write")
        listing = actions.add_parser("list", help="list polls, newest first")
        listing.add_argument("--institution", metavar="SLUG", help="only this institution's")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "tick":
            done = polls_tick()
            self.stdout.write(
                f"opened {done['opened']}, closed {done['closed']}, "
                f"announced {done['announced']}, reminded {done['reminded']}"
            )
        elif action == "export":
            self._export(options["poll"], options["out"])
        else:
            self._list(options.get("institution"))

    def _export(self, poll_id: int, out: Path) -> None:
        poll = Poll.objects.filter(pk=poll_id).first()
        if poll is None:
            raise CommandError(f"there is no poll {poll_id}")
        poll_sync(poll)
        if poll.cancelled_at is not None:
            raise CommandError(f"poll {poll_id} was cancelled; it has no published ballots")
        if poll.closed_at is None:
            closes = timezone.localtime(poll.closes_at).strftime("%Y-%m-%d %H:%M %Z")
            raise CommandError(
                f"poll {poll_id} closes at {closes}; its ballots are published when it closes"
            )
        try:
            out.write_text(poll.ballots_file, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{out}: cannot write: {exc.strerror}") from None
        command = spec_of(poll).command(str(out), quorum=poll.quorum, electorate=poll.electorate)
        self.stdout.write(f"wrote the ballots of poll {poll_id} ({poll.title}) to {out}")
        self.stdout.write("count them again with:")
        self.stdout.write(f"  {command}")

    def _list(self, slug: str | None) -> None:
        polls = Poll.objects.select_related("institution").order_by("-opens_at", "-pk")
        if slug:
            polls = polls.filter(institution__slug=slug)
        for poll in polls:
            state = "cancelled" if poll.cancelled_at else phase(poll)
            closes = timezone.localtime(poll.closes_at).strftime("%Y-%m-%d %H:%M")
            outcome = f" {poll.outcome}" if poll.outcome else ""
            self.stdout.write(
                f"{poll.pk:>5}  {poll.institution.slug}  {state}{outcome}  {poll.rule}  "
                f"closes {closes}  {poll.title}"
            )
