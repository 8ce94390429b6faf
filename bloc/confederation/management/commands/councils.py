"""``bloc councils tree | rollup QUESTION``: the councils from the command line.

``tree`` prints every council, each indented under the council it sits in, with its
level, its ratification rule, the members it represents and its number of assemblies
(``--json``: the same as ``GET /api/v1/councils/``). ``rollup`` prints a question's
ratification (or, before one, its mandates) at every level of the tree.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bloc.confederation.api import result_rows, tree_rows
from bloc.confederation.models import Question, RatificationRule
from bloc.confederation.questions import ratification_sync
from bloc.core.errors import NotFound
from bloc.institutions.selectors import chapter_get


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class Command(BaseCommand):
    help = "Print the council tree, or a question's result at every level."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        tree = actions.add_parser("tree", help="the councils, indented under the one above")
        tree.add_argument("--chapter", metavar="SLUG", help="only this chapter's councils")
        tree.add_argument("--json", action="store_true", help="print JSON, as the API gives it")
        tree.add_argument(
            "--assemblies", action="store_true", help="list each council's member assemblies too"
        )
        rollup = actions.add_parser("rollup", help="a question's result at every level")
        rollup.add_argument("question", type=int, metavar="QUESTION_ID", help="the question")
        rollup.add_argument(
            "--kind",
            choices=["ratify", "mandate"],
            help="the ratification or the mandates (default: the ratification if there is one)",
        )
        rollup.add_argument("--json", action="store_true", help="print JSON, as the API gives it")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "tree":
            self._tree(options.get("chapter"), options["json"], options["assemblies"])
        else:
            self._rollup(options["question"], options.get("kind"), options["json"])

    def _tree(self, chapter_slug: str | None, as_json: bool, assemblies: bool) -> None:
        try:
            chapter = chapter_get(slug=chapter_slug) if chapter_slug else None
        except NotFound:
            raise CommandError(f"there is no chapter {chapter_slug!r}") from None
        rows = tree_rows(chapter)
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            return
        if not rows:
            self.stdout.write("no councils yet")
            return
        for row in rows:
            indent = "  " * row["depth"]
            rule = str(RatificationRule(row["rule"]).label)
            self.stdout.write(
                f"{indent}{row['name']} ({row['slug']}): level {row['level']}, {rule}, "
                f"quorum {row['quorum_percent']}%, "
                f"{_plural(row['members_represented'], 'member', 'members')} in "
                f"{_plural(row['assemblies'], 'assembly', 'assemblies')}"
            )
            if assemblies:
                for member in row["members"]:
                    if member["kind"] == "institution":
                        self.stdout.write(
                            f"{indent}  - {member['name']} ({member['slug']}): "
                            f"{_plural(member['members_represented'], 'member', 'members')}"
                        )

    def _rollup(self, question_id: int, kind: str | None, as_json: bool) -> None:
        question = Question.objects.select_related("council__chapter").filter(pk=question_id)
        question = question.first()
        if question is None:
            raise CommandError(f"there is no question {question_id}")
        council = question.council
        question = ratification_sync(question)
        question.council = council
        if kind is None:
            kind = "ratify" if question.ratify_closes_at is not None else "mandate"
        rows = result_rows(question, kind)
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            return
        what = "ratification" if kind == "ratify" else "mandates"
        self.stdout.write(
            f"{question.title} ({council.name}, {question.state.replace('_', ' ')}): {what}"
        )
        if not rows:
            self.stdout.write(f"  no {what} yet")
            return
        for row in rows:
            self.stdout.write("  " * (row["depth"] + 1) + _line(row))


def _order(ranking: dict[str, Any] | None) -> str:
    if ranking is None:
        return "no ranking"
    return " > ".join(" = ".join(tier) for tier in ranking["names"])


def _line(row: dict[str, Any]) -> str:
    if "ranking" in row:  # a ranked question's mandates
        text = f"{row['name']}: {_order(row['ranking'])}"
        if row["kind"] == "institution":
            return text + f" ({_plural(row['weight'], 'member', 'members')})"
        if row.get("by_assemblies") and row["by_assemblies"] != row["ranking"]:
            text += f"; by assemblies {_order(row['by_assemblies'])}"
        if row.get("by_members") and row["by_members"] != row["ranking"]:
            text += f"; by members {_order(row['by_members'])}"
        return text + ("" if row["quorum_met"] else "; no quorum")
    position = row["position"] or "no position"
    if row["kind"] == "institution":
        return f"{row['name']}: {position} ({_plural(row['weight'], 'member', 'members')})"
    text = (
        f"{row['name']}: {'carried' if position == 'for' else position}; "
        f"assemblies {row['assemblies_for']} for, {row['assemblies_against']} against, "
        f"{row['assemblies_abstain']} abstaining; members {row['weight_for']} for, "
        f"{row['weight_against']} against of {row['weight']}"
    )
    held = [
        name
        for name, flag in (
            ("majority of assemblies", row["majority_of_assemblies"]),
            ("majority of members", row["majority_of_members"]),
        )
        if flag
    ]
    text += "; " + (" and ".join(held) if held else "no majority")
    if not row["quorum_met"]:
        text += "; no quorum"
    return text
