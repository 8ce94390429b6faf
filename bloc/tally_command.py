"""``bloc tally FILE --rule RULE``: count a ballot file and explain the result.

Runs without Django (``bloc.cli`` dispatches here before any setup), so it starts in a
fraction of a second and works on any machine with the package installed. Exit status:
0 counted; 1 the file could not be read (``FILE:LINE: message`` on stderr, nothing
else); 2 the command was misused (unknown rule, a rule that does not fit the ballots).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from fractions import Fraction
from pathlib import Path

from bloc.core.formats import BallotFormatError, read_ballots
from bloc.core.tally.rules import RULES, Options, RuleError, count, get_rule
from bloc.core.tally.tiebreak import DEFAULT_SEED


def _fraction(text: str) -> Fraction:
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction such as 2/3") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


def _parser() -> argparse.ArgumentParser:
    rules = "; ".join(f"{r.name} ({r.summary})" for r in RULES.values())
    parser = argparse.ArgumentParser(
        prog="bloc tally",
        description="Count a ballot file (PrefLib .soi/.soc/.toi/.toc/.cat, .blt, .csv, "
        ".json, Alaska .profile) by a rule and print the result round by round. A Pabulib "
        ".pb file (participatory budgeting) is counted by greedy, mes or phragmen.",
        epilog=f"Rules: {rules}.",
    )
    parser.add_argument("file", type=Path, help="the ballot file")
    parser.add_argument("--rule", required=True, help="the counting rule (see below)")
    parser.add_argument(
        "--sat",
        choices=("cost", "cardinality", "card", "points"),
        help=".pb files, greedy and mes: the voters' satisfaction (default: cost)",
    )
    parser.add_argument(
        "--completion",
        help=".pb files, mes: the completion, e.g. add1, add1_overspend, add1_greedy "
        "(default: none)",
    )
    parser.add_argument(
        "--seats", type=int, help="seats to fill (multi-seat rules; default: the file's, else 1)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the lot that breaks ties nothing else breaks (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--by", choices=("mean", "sum"), default="mean", help="score: rank by mean or by sum"
    )
    parser.add_argument(
        "--threshold",
        type=_fraction,
        help="supermajority: share needed (default 2/3); consensus: fall back to it",
    )
    parser.add_argument("--quorum", type=int, default=0, help="motions: ballots needed")
    parser.add_argument("--members", type=int, help="motions: eligible members")
    parser.add_argument(
        "--kind",
        choices=("ranked", "approval", "score"),
        help="what a .csv file's cells are (default: ranked)",
    )
    return parser


def main(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.file.suffix.lower() == ".pb":
        return _tally_pb(parser, args)
    try:
        rule = get_rule(args.rule)
    except RuleError as error:
        parser.error(str(error))
    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    try:
        ballots = read_ballots(args.file, kind=args.kind)
    except BallotFormatError as error:
        where = f"{args.file}:{error.line}" if error.line else str(args.file)
        print(f"{where}: {error.message}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.file}: cannot be read: {error}", file=sys.stderr)
        return 1
    seats = args.seats
    if seats is None:
        seats = ballots.seats if rule.multi_seat and ballots.seats else 1
    options = Options(
        seats=seats,
        seed=args.seed,
        score_by=args.by,
        threshold=args.threshold,
        quorum_ballots=args.quorum,
        members=args.members,
    )
    try:
        result = count(rule.name, ballots.profile, options)
    except (RuleError, ValueError) as error:
        parser.error(str(error))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        if ballots.title:
            print(ballots.title)
        sys.stdout.write(result.to_text())
    return 0


PB_RULES = ("greedy", "mes", "phragmen")


def _tally_pb(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """A Pabulib file: a participatory budget counted by greedy, MES or Phragmén."""
    from bloc.core.budgeting.explain import to_json, to_text
    from bloc.core.budgeting.pabulib import read_pb, to_election
    from bloc.core.budgeting.result import BudgetResult

    rule = args.rule.lower()
    if rule not in PB_RULES:
        parser.error(f"a .pb file is counted by {', '.join(PB_RULES)}, not {args.rule!r}")
    if args.completion is not None and rule != "mes":
        parser.error("--completion applies to --rule mes only")
    if args.sat is not None and rule == "phragmen":
        parser.error("phragmen has no --sat option (it counts approvals)")
    sat = {"cardinality": "card"}.get(args.sat or "cost", args.sat or "cost")
    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 1
    try:
        pb = read_pb(args.file)
        election = to_election(pb)
    except BallotFormatError as error:
        print(f"{args.file}:{error.line}: {error.message}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{args.file}: cannot be read: {error}", file=sys.stderr)
        return 1
    result: BudgetResult
    try:
        if rule == "greedy":
            from bloc.core.budgeting.greedy import greedy

            result = greedy(election, sat)
        else:
            # Written separately; imported here so a missing one fails only its own rule.
            try:
                module = importlib.import_module(f"bloc.core.budgeting.{rule}")
                count_pb = getattr(module, rule)
            except (ImportError, AttributeError):
                print(
                    f"bloc tally: the {rule} rule is not available here "
                    f"(bloc.core.budgeting.{rule}.{rule} is missing)",
                    file=sys.stderr,
                )
                return 2
            if rule == "mes":
                completion = None if args.completion in (None, "none") else args.completion
                result = count_pb(election, sat=sat, completion=completion)
            else:
                result = count_pb(election)
    except ValueError as error:
        parser.error(str(error))
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False, indent=2))
    else:
        title = pb.meta_dict().get("description")
        if title:
            print(title)
        sys.stdout.write(to_text(result))
    return 0
