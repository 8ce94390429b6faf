"""``bloc hub refresh``: recompute the hub's figures (run it every hour)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bloc.actors import SYSTEM
from bloc.hub import services
from bloc.institutions.models import Chapter


class Command(BaseCommand):
    help = "Recompute the hub's figures: growth, equity, health, the map."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        refresh = actions.add_parser("refresh", help="recompute every chapter's figures")
        refresh.add_argument("--chapter", metavar="SLUG", help="only this chapter")

    def handle(self, *args: Any, **options: Any) -> None:
        chapters = Chapter.objects.order_by("pk")
        if options.get("chapter"):
            chapters = chapters.filter(slug=options["chapter"])
            if not chapters.exists():
                raise CommandError(f"No chapter with the short name {options['chapter']!r}.")
        for chapter in chapters:
            started = time.perf_counter()
            figures = services.refresh(SYSTEM, chapter=chapter)
            seconds = time.perf_counter() - started
            count = figures.totals.get("institutions", 0)
            self.stdout.write(f"{chapter.slug}: {count} institution(s) in {seconds:.1f} s")
