"""Benchmark the budgeting rules against pabutools on the same elections, in the same run.

    python bench/budgeting.py [--peer-timeout 60] [--repeat 3] [--no-peer] [--only FILE.pb ...]

For every file in ``shared/data/pb`` and every rule REFERENCE.json records for it: our
best time of ``--repeat`` runs, pabutools's time (one run, in a forked process killed
after ``--peer-timeout`` seconds: '> limit' when it runs over), the ratio, and whether
our selection equals the recorded one. Both sides parse the file once, outside the
timing (pabutools: ``parse_pabulib`` and ``as_multiprofile``, as recompute.py calls it).
Then our time on a synthetic election: 100,000 voters, 150 projects (seed 0), approval
ballots of 1-10 projects drawn with skewed popularity, costs 20,000-2,000,000.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bloc.core.budgeting.election import APPROVAL, Election  # noqa: E402
from bloc.core.budgeting.mes import mes  # noqa: E402
from bloc.core.budgeting.pabulib import read_election  # noqa: E402
from bloc.core.budgeting.phragmen import phragmen  # noqa: E402
from bloc.core.budgeting.result import BudgetResult  # noqa: E402

try:
    from bloc.core.budgeting.greedy import greedy
except ImportError:  # the greedy rules are another module's; skip their rows without it
    greedy = None

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pb"

OURS: dict[str, Callable[[Election], BudgetResult]] = {
    "mes_cost": lambda e: mes(e, "cost"),
    "mes_card": lambda e: mes(e, "card"),
    "mes_points": lambda e: mes(e, "points"),
    "mes_cost_add1": lambda e: mes(e, "cost", "add1"),
    "mes_cost_add1_overspend": lambda e: mes(e, "cost", "add1_overspend"),
    "mes_cost_add1_greedy": lambda e: mes(e, "cost", "add1_greedy"),
    "phragmen": phragmen,
}
if greedy is not None:
    OURS["greedy_cost"] = lambda e: greedy(e, "cost")
    OURS["greedy_card"] = lambda e: greedy(e, "card")
    OURS["greedy_points"] = lambda e: greedy(e, "points")


def peer_call(rule: str) -> Callable[[Any, Any, Any], list[str]]:
    """pabutools's call for a rule, exactly as shared/data/pb/recompute.py makes it."""
    from pabutools.election import Additive_Cardinal_Sat, Cardinality_Sat, Cost_Sat
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    def add1(i: Any, p: Any, mp: Any, stop: bool) -> Any:
        return exhaustion_by_budget_increase(
            i, mp, method_of_equal_shares, {"sat_class": Cost_Sat},
            budget_step=p.num_ballots(), exhaustive_stop=stop,
        )  # fmt: skip

    calls: dict[str, Callable[[Any, Any, Any], Any]] = {
        "greedy_cost": lambda i, p, mp: greedy_utilitarian_welfare(i, p, sat_class=Cost_Sat),
        "greedy_card": lambda i, p, mp: greedy_utilitarian_welfare(i, p, sat_class=Cardinality_Sat),
        "greedy_points": lambda i, p, mp: greedy_utilitarian_welfare(
            i, p, sat_class=Additive_Cardinal_Sat
        ),
        "mes_cost": lambda i, p, mp: method_of_equal_shares(i, mp, sat_class=Cost_Sat),
        "mes_card": lambda i, p, mp: method_of_equal_shares(i, mp, sat_class=Cardinality_Sat),
        "mes_points": lambda i, p, mp: method_of_equal_shares(
            i, mp, sat_class=Additive_Cardinal_Sat
        ),
        "mes_cost_add1": lambda i, p, mp: add1(i, p, mp, True),
        "mes_cost_add1_overspend": lambda i, p, mp: add1(i, p, mp, False),
        "mes_cost_add1_greedy": lambda i, p, mp: greedy_utilitarian_welfare(
            i, mp, sat_class=Cost_Sat, initial_budget_allocation=add1(i, p, mp, True)
        ),
        "phragmen": lambda i, p, mp: sequential_phragmen(i, mp),
    }
    fn = calls[rule]
    return lambda i, p, mp: [proj.name for proj in fn(i, p, mp)]


def _peer_child(rule: str, parsed: tuple[Any, Any, Any], conn: Any) -> None:
    fn = peer_call(rule)
    start = time.perf_counter()
    names = fn(*parsed)
    conn.send((time.perf_counter() - start, sorted(names)))


def time_peer(rule: str, parsed: tuple[Any, Any, Any], timeout: float):
    """(seconds, selected ids), or (None, None) when pabutools ran over ``timeout``."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_peer_child, args=(rule, parsed, send))
    child.start()
    if receive.poll(timeout):
        seconds, names = receive.recv()
        child.join()
        return seconds, names
    child.kill()
    child.join()
    return None, None


def time_ours(fn: Callable[[Election], BudgetResult], election: Election, repeat: int):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(election)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def synthetic(voters: int = 100_000, projects: int = 150, seed: int = 0) -> Election:
    rng = np.random.default_rng(seed)
    popularity = rng.dirichlet(np.full(projects, 0.7))
    costs = rng.integers(20_000, 2_000_001, size=projects)
    sizes = rng.integers(1, 11, size=voters)
    merged: dict[tuple[int, ...], int] = {}
    for size in sizes:
        chosen = rng.choice(projects, size=int(size), replace=False, p=popularity)
        key = tuple(sorted(int(p) for p in chosen))
        merged[key] = merged.get(key, 0) + 1
    budget = int(costs.sum()) // 4
    return Election(
        tuple(str(1000 + p) for p in range(projects)),
        tuple(int(c) for c in costs),
        budget,
        APPROVAL,
        tuple(merged),
        tuple(merged.values()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-timeout", type=float, default=60.0)
    parser.add_argument("--no-peer", action="store_true", help="skip pabutools")
    parser.add_argument("--only", nargs="*", default=None, help="only these .pb files")
    args = parser.parse_args()
    reference = json.loads((DATA / "REFERENCE.json").read_text(encoding="utf-8"))
    header = f"{'file':<36}{'rule':<25}{'bloc s':>9}{'pabutools s':>13}{'ratio':>9}{'same':>6}"
    print(header)
    print("-" * len(header), flush=True)
    for name in sorted(reference):
        if name.startswith("_") or (args.only and name not in args.only):
            continue
        election = read_election(DATA / name)
        parsed = None
        if not args.no_peer:
            from pabutools.election import parse_pabulib

            instance, profile = parse_pabulib(str(DATA / name))
            parsed = (instance, profile, profile.as_multiprofile())
        for rule, expected in reference[name]["rules"].items():
            if rule not in OURS:
                continue
            repeat = args.repeat if "add1" not in rule else 1
            ours_s, result = time_ours(OURS[rule], election, repeat)
            same = "yes" if sorted(result.selected_ids) == sorted(expected["selected"]) else "NO"
            if parsed is None:
                peer, ratio = "-", "-"
            else:
                peer_s, _ = time_peer(rule, parsed, args.peer_timeout)
                if peer_s is None:
                    peer = f"> {args.peer_timeout:.0f}"
                    ratio = f">{args.peer_timeout / ours_s:.0f}x"
                else:
                    peer, ratio = f"{peer_s:.3f}", f"{peer_s / ours_s:.1f}x"
            print(f"{name[:35]:<36}{rule:<25}{ours_s:>9.3f}{peer:>13}{ratio:>9}{same:>6}",
                  flush=True)  # fmt: skip
    start = time.perf_counter()
    made = synthetic()
    build = time.perf_counter() - start
    print(f"\nSynthetic: {made.voters:,} voters ({len(made.ballots):,} distinct ballots), "
          f"{len(made.ids)} projects, budget {made.budget:,} (built in {build:.1f} s)")  # fmt: skip
    for rule in ("mes_cost", "mes_card", "mes_cost_add1", "mes_cost_add1_overspend",
                 "mes_cost_add1_greedy", "phragmen", "greedy_cost", "greedy_card"):  # fmt: skip
        if rule not in OURS:
            continue
        ours_s, result = time_ours(OURS[rule], made, 1)
        runs = result.extra.get("runs", "")
        print(
            f"{'synthetic':<36}{rule:<25}{ours_s:>9.3f}   {len(result.selected)} funded"
            + (f", {runs} MES runs" if runs else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
