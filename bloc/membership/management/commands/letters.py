"""``bloc letters INSTITUTION --out letters.pdf``: print a batch of residency letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bloc.actors import SYSTEM
from bloc.core.errors import DomainError
from bloc.institutions.selectors import institution_get
from bloc.membership import residency_letters


class Command(BaseCommand):
    help = (
        "Print one residency letter per address of an institution's area, each with a "
        "one-time code, as one PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("institution", metavar="INSTITUTION_SLUG")
        parser.add_argument("--out", required=True, type=Path, help="the PDF file to write")
        parser.add_argument("--paper", choices=sorted(residency_letters.PAPER_SIZES), default="a4")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default="en"
        )
        parser.add_argument(
            "--base-url",
            default=residency_letters.DEFAULT_BASE_URL,
            help="where bloc is served, for the letters' link and QR code "
            f"(default {residency_letters.DEFAULT_BASE_URL})",
        )
        parser.add_argument(
            "--address",
            action="append",
            dest="addresses",
            metavar="ADDR",
            help="only this address of the area (repeat for several; default: all)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        base_url: str = options["base_url"]
        if not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
        try:
            institution = institution_get(slug=options["institution"])
        except DomainError as exc:
            raise CommandError(f"{options['institution']}: {exc.message}") from None
        # Open the file first: if it cannot be written, no codes are made.
        try:
            handle = out.open("wb")
        except OSError as exc:
            raise CommandError(f"{out}: cannot write: {exc.strerror}") from None
        try:
            with handle:
                batch, pdf = residency_letters.letters_generate(
                    actor=SYSTEM,
                    institution=institution,
                    addresses=options["addresses"],
                    paper=options["paper"],
                    language=options["language"],
                    base_url=base_url,
                )
                handle.write(pdf)
        except DomainError as exc:
            out.unlink(missing_ok=True)
            raise CommandError(exc.message) from None
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        printed = residency_letters.letter_batch_get(batch=batch)
        count = printed["count"]
        self.stdout.write(
            f"Wrote {count} letter{'s' if count != 1 else ''} for {institution.name} to {out}; "
            f"the codes work until {printed['expires_at']:%Y-%m-%d %H:%M %Z} (batch {batch})."
        )
