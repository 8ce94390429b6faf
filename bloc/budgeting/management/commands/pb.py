"""``bloc pb import FILE.pb --institution SLUG`` and ``bloc pb export BUDGET --out FILE``.

Import replays a real city's participatory budget (a Pabulib file) as a closed budget
of an institution: its projects, its votes, counted again by bloc. Export writes any
counted budget as a Pabulib file. A malformed file is refused with the line at fault,
and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bloc.actors import SYSTEM
from bloc.budgeting.models import Budget
from bloc.budgeting.pabulib_import import RULE_NAMES, budget_export, budget_import
from bloc.budgeting.services import budget_sync
from bloc.core.errors import DomainError
from bloc.institutions.models import Institution


class Command(BaseCommand):
    help = "Import a Pabulib (.pb) file as a closed budget, or export a counted budget as one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        imp = actions.add_parser("import", help="create a closed budget from a .pb file")
        imp.add_argument("file", type=Path, metavar="FILE.pb")
        imp.add_argument("--institution", required=True, metavar="SLUG",
                         help="the institution the budget belongs to")  # fmt: skip
        imp.add_argument("--rule", choices=sorted(RULE_NAMES),
                         help="count with this rule (default: the rule the file names)")  # fmt: skip
        exp = actions.add_parser("export", help="write a counted budget as a .pb file")
        exp.add_argument("budget", type=int, metavar="BUDGET", help="the budget's number")
        exp.add_argument("--out", required=True, type=Path, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"], options["institution"], options.get("rule"))
        else:
            self._export(options["budget"], options["out"])

    def _import(self, path: Path, slug: str, rule: str | None) -> None:
        institution = Institution.objects.filter(slug=slug).first()
        if institution is None:
            raise CommandError(f"there is no institution {slug!r}")
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{path}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        try:
            budget = budget_import(actor=SYSTEM, institution=institution, text=text,
                                   name=path.name, rule=rule)  # fmt: skip
        except DomainError as error:
            raise CommandError(error.message) from None
        result = budget.result or {}
        self.stdout.write(
            f"budget {budget.pk}: {budget.title} — {budget.projects.count()} projects, "
            f"{sum(budget.ballots.values_list('count', flat=True))} voters, "
            f"{len(result.get('selected', []))} funded by {result.get('rule')}"
        )
        for note in result.get("notes", []):
            self.stdout.write(f"  {note}")

    def _export(self, budget_id: int, out: Path) -> None:
        budget = Budget.objects.filter(pk=budget_id).first()
        if budget is None:
            raise CommandError(f"there is no budget {budget_id}")
        budget_sync(budget)
        if budget.counted_at is None:
            raise CommandError(f"budget {budget_id} is not counted yet: voting has not closed")
        try:
            out.write_text(budget_export(budget=budget), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{out}: cannot write: {exc.strerror}") from None
        self.stdout.write(f"wrote budget {budget_id} ({budget.title}) to {out}")
