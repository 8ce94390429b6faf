"""``bloc institutions list``: the institutions, their kind and membership."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bloc.institutions import selectors


class Command(BaseCommand):
    help = "List institutions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = sub.add_parser("list", help="one line per institution")
        listing.add_argument("--kind", help="only this kind (e.g. tenants_union)")
        listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        institutions = selectors.institution_list(kind=options.get("kind"))
        if options.get("json"):
            rows = [
                {
                    "slug": i.slug,
                    "name": i.name,
                    "kind": i.kind,
                    "chapter": i.chapter.slug,
                    "members": i.member_count,
                    "verified": i.verified_count,
                }
                for i in institutions
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{'slug':<28} {'kind':<18} {'members':>7} {'verified':>8}  name")
        for i in institutions:
            self.stdout.write(
                f"{i.slug:<28} {i.kind:<18} {i.member_count:>7} {i.verified_count:>8}  {i.name}"
            )
