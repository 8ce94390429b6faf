"""``bloc opinion DIR``: map the opinions of a Polis conversation export.

Reads the export folder (``comments.csv`` with ``votes.csv``, or ``participants-votes.csv``
when ``votes.csv`` is absent), runs the analysis of ``bloc.core.opinion`` and prints the
opinion groups with their sizes, each group's representative statements and the consensus
statements. ``--json`` prints ``{"groups": {participant: group or -1}, "representative":
{group: [...]}, "consensus": [...]}`` instead.

Runs without Django (``bloc.cli`` dispatches here before any setup). Exit status: 0 done;
1 the export could not be read (``FILE:LINE: message`` on stderr); 2 misuse.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from bloc.core.formats.polis import PolisExport, PolisFormatError, read_polis_export
from bloc.core.opinion import OpinionError, OpinionMap, analyse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bloc opinion",
        description="Find the opinion groups of a Polis conversation export, what sets each "
        "group apart and what unites them (Polis's method: PCA, k-means, silhouette).",
    )
    parser.add_argument("folder", type=Path, help="the export folder")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _text(export: PolisExport, statement: int, width: int = 72) -> str:
    text = " ".join(export.texts.get(statement, "").split())
    return textwrap.shorten(text, width=width, placeholder="…") if text else "(no text)"


def render(export: PolisExport, result: OpinionMap) -> str:
    lines = [result.matrix.explain() + "."]
    grouped = sum(1 for g in result.groups.values() if g >= 0)
    lines.append(
        f"{grouped} participants grouped, {len(result.groups) - grouped} voted too little."
    )
    if result.clustering is not None:
        lines.append(result.clustering.explain() + ".")
    for group in result.opinion_groups:
        lines.append("")
        lines.append(f"Group {group.id}: {group.size} participants")
        for r in group.representative:
            lines.append(
                f"  #{r.statement:<5} {r.direction:<8} agree {r.agree_share:4.0%}  "
                f"disagree {r.disagree_share:4.0%}  {_text(export, r.statement)}"
            )
    lines.append("")
    lines.append("Consensus (group-informed):")
    for c in result.top_consensus():
        shares = " ".join(f"{s:4.0%}" for s in c.agree_shares)
        lines.append(
            f"  #{c.statement:<5} {c.value:.3f}  agree by group {shares}  "
            f"{_text(export, c.statement)}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        export = read_polis_export(args.folder)
        result = analyse(export.matrix)
    except (PolisFormatError, OpinionError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    if args.json:
        data = result.as_json()
        for group in data["representative"].values():
            for r in group:
                r["text"] = export.texts.get(r["statement"], "")
        for c in data["consensus"]:
            c["text"] = export.texts.get(c["statement"], "")
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(export, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
