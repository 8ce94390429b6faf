"""``bloc tally FILE --rule RULE``: count a ballot file and explain the result.

Runs without Django (``bloc.cli`` dispatches here before any setup), so it starts in a
fraction of a second and works on any machine with the package installed. Exit status:
0 counted; 1 the file could not be read (``FILE:LINE: message`` on stderr, nothing
else); 2 the command was misused (unknown rule, a rule that does not fit the ballots).
"""

from __future__ import annotations

import argparse
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
        ".json, Alaska .profile) by a rule and print the result round by round.",
        epilog=f"Rules: {rules}.",
    )
    parser.add_argument("file", type=Path, help="the ballot file")
    parser.add_argument("--rule", required=True, help="the counting rule (see below)")
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
