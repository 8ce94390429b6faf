"""Benchmark the opinion-mapping engine against red-dwarf on the same votes, in the same run.

    python bench/opinion.py [--repeat 3] [--peer-timeout 300] [--no-peer]

Two cases: the largest conversation in ``shared/data/polis`` (by participants), and a
synthetic one of 10,000 participants x 1,000 statements with 1,000,000 votes (seed 0;
three latent camps, each with its own chance of agreeing with each statement). Both sides
start from the list of final votes, built outside the timing: ours is
``VoteMatrix.from_arrays`` + ``analyse`` (best of ``--repeat``), red-dwarf's is
``reddwarf.implementations.polis.run_pipeline`` (red-dwarf 0.4.0, one run, in a forked
process killed after ``--peer-timeout`` seconds), called as shared/data/polis/recompute.py
calls it. The last column is the adjusted Rand index between the two partitions of the
participants both cluster (red-dwarf has no base clusters, so they need not be equal).
Target: under 3 s for the synthetic case on a 2-core machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bloc.core.formats.polis import read_polis_export  # noqa: E402
from bloc.core.opinion import VoteMatrix, analyse  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"

Votes = tuple[np.ndarray, np.ndarray, np.ndarray, list[int], list[int]]


def largest_conversation() -> tuple[str, Votes, float]:
    folders = [p for p in DATA.iterdir() if p.is_dir() and (p / "comments.csv").exists()]
    sizes = {}
    for folder in folders:
        with open(folder / "participants-votes.csv", encoding="utf-8") as handle:
            sizes[folder] = sum(1 for _ in handle) - 1
    folder = max(folders, key=lambda f: sizes[f])
    start = time.perf_counter()
    export = read_polis_export(folder)
    read = time.perf_counter() - start
    m = export.matrix
    rows, cols = np.nonzero(~np.isnan(m.values))
    votes = (
        np.asarray(m.participants)[rows],
        np.asarray(m.statements)[cols],
        m.values[rows, cols],
        sorted(export.rejected | export.meta),
        sorted(export.meta),
    )
    return folder.name, votes, read


def synthetic(
    participants: int = 10_000, statements: int = 1_000, votes: int = 1_000_000, seed: int = 0
) -> Votes:
    rng = np.random.default_rng(seed)
    cells = rng.choice(participants * statements, votes, replace=False)
    pid, tid = cells // statements, cells % statements
    camp = rng.integers(0, 3, participants)
    p_agree = rng.uniform(0.1, 0.9, (3, statements))
    draw = rng.random(votes)
    chance = p_agree[camp[pid], tid]
    value = np.where(draw < 0.85 * chance, 1, np.where(draw < 0.85, -1, 0))
    return pid, tid, value.astype(np.float64), [], []


def ours(votes: Votes) -> dict[int, int]:
    matrix = VoteMatrix.from_arrays(votes[0], votes[1], votes[2], moderated_out=votes[3])
    return analyse(matrix).groups


def time_ours(votes: Votes, repeat: int) -> tuple[float, dict[int, int]]:
    best, groups = float("inf"), {}
    for _ in range(repeat):
        start = time.perf_counter()
        groups = ours(votes)
        best = min(best, time.perf_counter() - start)
    return best, groups


def _peer_child(votes: Votes, conn: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from reddwarf.implementations.polis import run_pipeline

        records = [
            {"participant_id": int(p), "statement_id": int(t), "vote": int(v), "modified": 0}
            for p, t, v in zip(votes[0], votes[1], votes[2], strict=True)
        ]
        start = time.perf_counter()
        result = run_pipeline(
            votes=records,
            mod_out_statement_ids=votes[3],
            meta_statement_ids=votes[4],
            random_state=0,
        )
        seconds = time.perf_counter() - start
    frame = result.participants_df
    clustered = frame.loc[frame["to_cluster"], "cluster_id"]
    groups = {int(p): int(g) for p, g in clustered.items()}
    conn.send((seconds, groups))


def time_peer(votes: Votes, timeout: float) -> tuple[float | None, dict[int, int] | None]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_peer_child, args=(votes, send))
    child.start()
    if receive.poll(timeout):
        seconds, groups = receive.recv()
        child.join()
        return seconds, groups
    child.kill()
    child.join()
    return None, None


def peer_available() -> str | None:
    try:
        from importlib.metadata import version

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import reddwarf.implementations.polis  # noqa: F401
        return version("red-dwarf")
    except Exception:  # red-dwarf missing or broken: our times only
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-timeout", type=float, default=300.0)
    parser.add_argument("--no-peer", action="store_true", help="skip red-dwarf")
    args = parser.parse_args()
    peer_version = None if args.no_peer else peer_available()
    name, real, read = largest_conversation()
    cases = [(name, real), ("synthetic 10k x 1k, 1M votes", synthetic())]
    print(f"nproc {os.cpu_count()}; red-dwarf {peer_version or 'not run'}; "
          f"best of {args.repeat} for bloc, one run for red-dwarf")  # fmt: skip
    header = f"{'conversation':<32}{'participants':>13}{'votes':>10}{'bloc s':>9}"
    header += f"{'red-dwarf s':>13}{'ratio':>9}{'ARI':>7}"
    print(header)
    print("-" * len(header), flush=True)
    for label, votes in cases:
        ours_s, groups = time_ours(votes, args.repeat)
        peer, ratio, agreement = "-", "-", "-"
        if peer_version is not None:
            peer_s, peer_groups = time_peer(votes, args.peer_timeout)
            if peer_s is None or peer_groups is None:
                peer, ratio = f"> {args.peer_timeout:.0f}", f">{args.peer_timeout / ours_s:.0f}x"
            else:
                peer, ratio = f"{peer_s:.3f}", f"{peer_s / ours_s:.1f}x"
                both = [p for p, g in groups.items() if g >= 0 and p in peer_groups]
                agreement = f"{adjusted_rand_score([groups[p] for p in both], [peer_groups[p] for p in both]):.2f}"  # fmt: skip
        n_participants = len(np.unique(votes[0]))
        print(f"{label[:31]:<32}{n_participants:>13,}{len(votes[2]):>10,}{ours_s:>9.3f}"
              f"{peer:>13}{ratio:>9}{agreement:>7}", flush=True)  # fmt: skip
    print(f"\nReading {name}'s export (votes.csv, comments.csv) took {read:.3f} s more.")


if __name__ == "__main__":
    main()
