"""Benchmark the tally engine against pref_voting on the same profiles, in the same run.

    python bench/tally.py [--ballots 1000000] [--candidates 10] [--peer-timeout 300]
                          [--no-peer] [--repeat 3]

Two profiles: ``--ballots`` random complete rankings over ``--candidates`` candidates
(seed 0; almost every ballot distinct, the hardest case for a distinct-ballot
representation), and the largest real file in ``shared/data/ranked`` (Dublin West
2002: 29,988 truncated ballots, 10,335 distinct, 9 candidates, 3 seats).

For each rule: our best time of ``--repeat`` runs, pref_voting's time (one run, in a
forked process killed after ``--peer-timeout`` seconds), the ratio, whether the winners
agree, and the peak memory our count allocated (tracemalloc, which NumPy reports to).
The process's peak RSS before pref_voting is loaded is printed at the end. pref_voting
builds its own profile object first (its construction, also timed, precomputes
tallies; the ratio compares the rule calls only, which favours pref_voting).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bloc.core.formats.preflib import read_preflib  # noqa: E402
from bloc.core.tally.ballots import PAD, RankedProfile  # noqa: E402
from bloc.core.tally.borda import borda  # noqa: E402
from bloc.core.tally.condorcet import schulze  # noqa: E402
from bloc.core.tally.irv import irv  # noqa: E402
from bloc.core.tally.meek import meek  # noqa: E402
from bloc.core.tally.plurality import plurality  # noqa: E402
from bloc.core.tally.stv import stv  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ranked"
LARGEST = "00001-00000002.soi"
SEATS = 3

OURS: dict[str, Callable[[RankedProfile], Any]] = {
    "plurality": plurality,
    "irv": irv,
    "schulze": schulze,
    "borda": borda,
    "stv (3 seats)": lambda p: stv(p, SEATS),
    "meek (3 seats)": lambda p: meek(p, SEATS),
}


def synthetic(ballots: int, candidates: int) -> RankedProfile:
    rng = np.random.default_rng(0)
    rankings = np.argsort(rng.random((ballots, candidates)), axis=1).astype(np.int32)
    names = tuple(f"Candidate {i + 1}" for i in range(candidates))
    return RankedProfile(names, rankings, np.ones(ballots, dtype=np.int64))


def time_ours(fn: Callable[[RankedProfile], Any], profile: RankedProfile, repeat: int):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(profile)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn(profile)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, sorted(result.winners)


# --- pref_voting, the peer -------------------------------------------------------------


def peer_profile(profile: RankedProfile):
    """pref_voting's profile of the same ballots (complete: Profile; truncated: with ties)."""
    from pref_voting.profiles import Profile
    from pref_voting.profiles_with_ties import ProfileWithTies

    complete = bool((profile.rankings != PAD).all())
    if complete:
        return Profile(profile.rankings.tolist(), rcounts=profile.counts.tolist())
    rankings = [{int(c): r + 1 for r, c in enumerate(row) if c != PAD} for row in profile.rankings]
    prof = ProfileWithTies(
        rankings, rcounts=profile.counts.tolist(), candidates=range(profile.num_candidates)
    )
    prof.use_extended_strict_preference()
    return prof


def peer_rules() -> dict[str, Callable[[Any], list[int]]]:
    import random

    from pref_voting.iterative_methods import instant_runoff
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.proportional_methods import stv_meek, stv_scottish
    from pref_voting.scoring_methods import borda, borda_for_profile_with_ties, plurality

    def borda_any(prof: Any) -> list[int]:
        if hasattr(prof, "use_extended_strict_preference"):
            return borda_for_profile_with_ties(prof)
        return borda(prof)

    return {
        "plurality": plurality,
        # The faster of pref_voting's two IRV calls (they agree on these ballots; its
        # instant_runoff_for_truncated_linear_orders took over 240 s on the million).
        "irv": instant_runoff,
        "schulze": beat_path,
        "borda": borda_any,
        "stv (3 seats)": lambda prof: stv_scottish(prof, num_seats=SEATS, rng=random.Random(0)),
        "meek (3 seats)": lambda prof: stv_meek(prof, num_seats=SEATS),
    }


def _peer_child(fn: Callable[[Any], list[int]], prof: Any, conn: Any) -> None:
    start = time.perf_counter()
    winners = fn(prof)
    conn.send((time.perf_counter() - start, sorted(int(w) for w in winners)))


def time_peer(fn: Callable[[Any], list[int]], prof: Any, timeout: float):
    """(seconds, winners), or (None, None) when pref_voting took longer than ``timeout``."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_peer_child, args=(fn, prof, send))
    child.start()
    if receive.poll(timeout):
        seconds, winners = receive.recv()
        child.join()
        return seconds, winners
    child.kill()
    child.join()
    return None, None


def bench(label: str, profile: RankedProfile, args: argparse.Namespace) -> list[str]:
    lines = [f"\n{label}: {profile.total:,} ballots, {profile.rankings.shape[0]:,} distinct, "
             f"{profile.num_candidates} candidates"]  # fmt: skip
    ours = {name: time_ours(fn, profile, args.repeat) for name, fn in OURS.items()}
    peers: dict[str, tuple[float | None, list[int] | None]] = {}
    build = 0.0
    if not args.no_peer:
        start = time.perf_counter()
        prof = peer_profile(profile)
        build = time.perf_counter() - start
        lines.append(f"pref_voting builds its profile (precomputing tallies) in {build:.2f} s")
        for name, fn in peer_rules().items():
            peers[name] = time_peer(fn, prof, args.peer_timeout)
    header = (f"{'rule':<16}{'bloc s':>9}{'peer rule s':>13}{'rule ratio':>12}"
              f"{'peer+build s':>14}{'ratio':>9}{'same':>6}{'peak MB':>9}")  # fmt: skip
    lines += [header, "-" * len(header)]
    for name, (seconds, peak, winners) in ours.items():
        peer_s, peer_w = peers.get(name, (None, None))
        if name not in peers:
            cells = ["-", "-", "-", "-", "-"]
        elif peer_s is None:
            limit = args.peer_timeout
            cells = [f">{limit:.0f}", f">{limit / seconds:.0f}x", f">{limit + build:.0f}",
                     f">{(limit + build) / seconds:.0f}x", "?"]  # fmt: skip
        else:
            same = "yes" if peer_w == winners else "NO"
            cells = [f"{peer_s:.3f}", f"{peer_s / seconds:.1f}x", f"{peer_s + build:.2f}",
                     f"{(peer_s + build) / seconds:.1f}x", same]  # fmt: skip
        widths = (13, 12, 14, 9, 6)
        row = "".join(cell.rjust(w) for cell, w in zip(cells, widths, strict=True))
        lines.append(f"{name:<16}{seconds:>9.3f}{row}{peak / 2**20:>9.1f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-timeout", type=float, default=300.0)
    parser.add_argument("--no-peer", action="store_true", help="skip pref_voting")
    args = parser.parse_args()

    start = time.perf_counter()
    real = read_preflib(DATA / LARGEST)
    read_s = time.perf_counter() - start
    made = synthetic(args.ballots, args.candidates)
    out = [f"read {LARGEST} in {read_s * 1000:.1f} ms"]
    ours_only = argparse.Namespace(**{**vars(args), "no_peer": True})
    out += bench("Random rankings (seed 0)", made, ours_only)
    out += bench(f"Dublin West 2002 ({LARGEST})", real, ours_only)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.append(f"\npeak RSS of bloc's counts (process, before pref_voting): {rss:.0f} MB")
    print("\n".join(out), flush=True)
    if not args.no_peer:
        print("\nWith pref_voting (same profiles, same run):", flush=True)
        print("\n".join(bench("Random rankings (seed 0)", made, args)), flush=True)
        print("\n".join(bench(f"Dublin West 2002 ({LARGEST})", real, args)), flush=True)


if __name__ == "__main__":
    main()
