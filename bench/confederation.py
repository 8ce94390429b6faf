"""Benchmark the confederation: rolling a ratification up a tree of 5,000 assemblies.

    python bench/confederation.py [--small] [--repeat 5] [--pg URL] [--no-sqlite]

The tree (seed 0): 5,000 assemblies with 500,000 members in all (sizes drawn from a
log-normal: 4 to 1,356 each, median 68), seated unevenly in 250 level-1 councils, those
in 25 level-2 councils, those in 3 level-3 councils, and those in one level-4 root
(5,279 nodes); every council's rule drawn from assemblies / members / double, quorum
50 %. ``--small`` runs 400 assemblies and 20,000 members instead (20, 4, 2, 1 councils).

Rows of the table (the median of ``--repeat`` runs):

* core: ``bloc.core.confederation.roll_up`` on the tree in memory, random positions
  (target < 0.5 s);
* per database: the time to write the rows (bulk inserts, not through the services:
  institutions, 500,000 people and their verified memberships, councils and seats,
  a question under the root being ratified with one closed ratification poll per
  assembly); ``question_roll_up(question, "ratify")`` from a fresh read of the question
  (load the tree, the polls, roll up; target < 2 s); ``GET /councils/<root>/`` (the
  root council's page) and ``GET /councils/<root>/questions/<id>/`` (the question's,
  with its ratification at every level) with Django's test client, anonymous; each
  with its number of queries. A page not built yet shows "n/a (page missing)".

SQLite runs in a throwaway file. PostgreSQL runs when ``--pg URL`` (or BLOC_BENCH_PG)
names a server: the script creates a scratch database there (the role needs CREATEDB;
.ci/postgres.sh starts a suitable server) and drops it afterwards. Each database runs
in a child process of this script, so Django is set up once per database.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from random import Random
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from dbrun import arguments, postgres_run, sqlite_run  # noqa: E402  (bench/, beside this script)

from bloc.core import confederation as core  # noqa: E402

SEED = 0
RULES = (core.ASSEMBLIES, core.MEMBERS, core.DOUBLE)
QUORUM_PERCENT = 50


@dataclass(frozen=True)
class Shape:
    assemblies: int
    councils: tuple[int, ...]  # councils at levels 1, 2, ... (the last is the root: 1)
    members: int


FULL = Shape(5_000, (250, 25, 3, 1), 500_000)
SMALL = Shape(400, (20, 4, 2, 1), 20_000)


@dataclass
class Confederation:
    """The tree, by index: assembly a sits in level-1 council ``seat[0][a]``; council k of
    level L (1-based) sits in council ``seat[L][k]`` of level L + 1."""

    shape: Shape
    sizes: list[int]  # members of each assembly
    seat: list[list[int]]  # seat[0]: assemblies -> level 1; seat[L]: level L -> level L + 1
    rules: list[list[str]]  # rules[L - 1][k]: the rule of council k of level L
    positions: list[str | None]  # what each assembly's poll decided

    @property
    def nodes(self) -> int:
        return self.shape.assemblies + sum(self.shape.councils)


def _split(items: int, groups: int, rng: Random) -> list[int]:
    """Which group each of ``items`` falls in: every group gets one, the rest unevenly."""
    weights = [rng.lognormvariate(0, 0.7) for _ in range(groups)]
    extra = rng.choices(range(groups), weights=weights, k=items - groups)
    counts = [1] * groups
    for g in extra:
        counts[g] += 1
    return [g for g, n in enumerate(counts) for _ in range(n)]


def _sizes(assemblies: int, members: int, rng: Random) -> list[int]:
    """Uneven memberships (log-normal, at least 2) that add up to ``members`` exactly."""
    raw = [rng.lognormvariate(0, 0.9) for _ in range(assemblies)]
    scale = (members - 2 * assemblies) / sum(raw)
    sizes = [2 + int(r * scale) for r in raw]
    for a in rng.sample(range(assemblies), members - sum(sizes)):
        sizes[a] += 1
    return sizes


def build(shape: Shape, seed: int = SEED) -> Confederation:
    rng = Random(seed)
    sizes = _sizes(shape.assemblies, shape.members, rng)
    counts = (shape.assemblies, *shape.councils)
    seat = [_split(counts[i], counts[i + 1], rng) for i in range(len(shape.councils))]
    rules = [[rng.choice(RULES) for _ in range(n)] for n in shape.councils]
    rules[-1] = [core.DOUBLE]  # the root: a double majority, as a city would
    positions: list[str | None] = rng.choices(
        [core.FOR, core.AGAINST, None], weights=[0.55, 0.35, 0.10], k=shape.assemblies
    )
    return Confederation(shape, sizes, seat, rules, positions)


def core_tree(
    made: Confederation,
) -> tuple[dict[str, core.Council], dict[str, core.Assembly], str]:
    """The tree as ``bloc.core.confederation`` takes it: ``a<i>`` and ``L<level>-<k>``."""
    members: dict[str, list[str]] = {}
    for a, up in enumerate(made.seat[0]):
        members.setdefault(f"L1-{up}", []).append(f"a{a}")
    for level in range(1, len(made.shape.councils)):
        for k, up in enumerate(made.seat[level]):
            members.setdefault(f"L{level + 1}-{up}", []).append(f"L{level}-{k}")
    councils = {}
    for name, below in members.items():
        level, k = name[1:].split("-")
        councils[name] = core.Council(
            tuple(below),
            made.rules[int(level) - 1][int(k)],
            math.ceil(QUORUM_PERCENT * len(below) / 100),
        )
    assemblies = {
        f"a{a}": core.Assembly(size, made.positions[a]) for a, size in enumerate(made.sizes)
    }
    return councils, assemblies, f"L{len(made.shape.councils)}-0"


def median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# --- one database, in a child process -------------------------------------------------


def say(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


def write_rows(made: Confederation) -> dict[str, Any]:
    """Everything the roll-up and the page read, by bulk inserts. Returns ids."""
    from django.db import transaction
    from django.utils import timezone

    from bloc.accounts.models import User
    from bloc.confederation.models import (
        AssemblyVote,
        Council,
        Delegate,
        DelegateVote,
        Question,
        Seat,
    )
    from bloc.confederation.rollup import as_json
    from bloc.decisions.models import Poll
    from bloc.institutions.models import Chapter, Institution
    from bloc.membership.models import Membership

    now = timezone.now()
    chapter = Chapter.objects.create(name="Bench", slug="bench", city="Bench")
    institutions = Institution.objects.bulk_create(
        [
            Institution(
                chapter=chapter, name=f"Assembly {a}", slug=f"assembly-{a}", kind="assembly"
            )
            for a in range(made.shape.assemblies)
        ],
        batch_size=2_000,
    )
    institution_ids = [i.pk for i in institutions]
    assert None not in institution_ids

    # People and their verified memberships, a chunk of assemblies at a time.
    chunk: list[int] = []
    first_users: list[int] = []
    done = 0

    def flush() -> None:
        nonlocal done
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"m{done + n}@bench.example",
                        full_name=f"Member {done + n}",
                        password="!bench",  # noqa: S106 - unusable: starts with "!"
                    )
                    for n in range(sum(made.sizes[a] for a in chunk))
                ],
                batch_size=5_000,
            )
            rows = []
            users_iter = iter(users)
            for a in chunk:
                for _ in range(made.sizes[a]):
                    rows.append(
                        Membership(
                            institution_id=institution_ids[a],
                            user_id=next(users_iter).pk,
                            verified_at=now,
                            verification_method="in_person",
                        )
                    )
            Membership.objects.bulk_create(rows, batch_size=5_000)
        if not first_users:
            first_users.extend(u.pk for u in users[:10])
        done += len(users)
        chunk.clear()

    for a in range(made.shape.assemblies):
        chunk.append(a)
        if sum(made.sizes[c] for c in chunk) >= 20_000:
            flush()
            say(f"{done:,} people")
    if chunk:
        flush()
    say(f"{done:,} people and memberships")

    with transaction.atomic():
        council_ids: list[list[int]] = []
        top = len(made.shape.councils)
        for level, n in enumerate(made.shape.councils, 1):
            made_councils = Council.objects.bulk_create(
                [
                    Council(
                        chapter=chapter,
                        name="Root council" if level == top else f"Council {level}-{k}",
                        slug="bench-root" if level == top else f"bench-{level}-{k}",
                        level=level,
                        rule=made.rules[level - 1][k],
                        quorum_percent=QUORUM_PERCENT,
                    )
                    for k in range(n)
                ]
            )
            council_ids.append([c.pk for c in made_councils])
        seats = [
            Seat(council_id=council_ids[0][up], institution_id=institution_ids[a], level=1,
                 joined_at=now)
            for a, up in enumerate(made.seat[0])
        ]  # fmt: skip
        for level in range(1, top):
            seats += [
                Seat(council_id=council_ids[level][up], member_council_id=council_ids[level - 1][k],
                     level=level + 1, joined_at=now)
                for k, up in enumerate(made.seat[level])
            ]  # fmt: skip
        Seat.objects.bulk_create(seats, batch_size=2_000)
        root = council_ids[-1][0]
        # A delegate for each member of the root, as its page would show them.
        root_seats = list(Seat.objects.filter(council_id=root).order_by("pk"))
        Delegate.objects.bulk_create(
            Delegate(seat=seat, council_id=root, user_id=user, starts_on=now.date(),
                     ends_on=now.date() + timedelta(days=365))
            for seat, user in zip(root_seats, first_users, strict=False)
        )  # fmt: skip

        opened, closed = now - timedelta(days=8), now - timedelta(days=1)
        # The root's delegates all voted for (no mandates were asked for).
        below = [f"c{pk}" for pk in council_ids[-2]]
        decision = core.decide(
            core.Council(tuple(below), core.DOUBLE, math.ceil(QUORUM_PERCENT * len(below) / 100)),
            [(node, core.NodeResult(core.FOR, 0)) for node in below],
        )
        decision = replace(decision, weight=made.shape.members, weight_for=made.shape.members)
        question = Question.objects.create(
            council_id=root,
            title="Adopt the confederation's housing charter",
            body="Sent down to every assembly for ratification.",
            state="ratifying",
            voting_opened_at=opened - timedelta(days=7),
            mandates={},
            decided_at=opened,
            decision=as_json({"root": decision})["root"],
            ratify_closes_at=closed,
        )
        DelegateVote.objects.bulk_create(
            DelegateVote(question=question, delegate=delegate, position="for", cast_at=opened)
            for delegate in Delegate.objects.filter(council_id=root)
        )
        outcome = {core.FOR: "adopted", core.AGAINST: "rejected", None: "no_quorum"}
        polls = Poll.objects.bulk_create(
            [
                Poll(
                    institution_id=institution_ids[a],
                    title="Ratify the root council's decision: the housing charter",
                    rule="majority",
                    opens_at=opened,
                    closes_at=closed,
                    opened_at=opened,
                    closed_at=closed,
                    electorate=made.sizes[a],
                    outcome=outcome[made.positions[a]],
                    result={"motion": {"quorum_present": made.positions[a] is not None}},
                )
                for a in range(made.shape.assemblies)
            ],
            batch_size=2_000,
        )
        AssemblyVote.objects.bulk_create(
            [
                AssemblyVote(kind="ratify", institution_id=institution_ids[a], council_id=root,
                             poll_id=poll.pk, question=question, applied_at=closed,
                             result=poll.outcome)
                for a, poll in enumerate(polls)
            ],
            batch_size=2_000,
        )  # fmt: skip
    return {"question": question.pk, "root": root, "root_slug": "bench-root"}


def child(shape: Shape, repeat: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bloc.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import Resolver404, resolve

    from bloc.confederation.models import Question
    from bloc.confederation.rollup import question_roll_up

    setup_test_environment()  # the test client's host, and no e-mail sent
    out: dict[str, Any] = {"vendor": connection.vendor}
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    out["migrate"] = time.perf_counter() - start

    made = build(shape)
    start = time.perf_counter()
    ids = write_rows(made)
    out["write"] = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say("rows written; timing the roll-up")

    def db_roll_up() -> Any:
        question = Question.objects.select_related("council").get(pk=ids["question"])
        return question_roll_up(question, "ratify")

    db_roll_up()  # warm: imports, prepared connections
    out["rollup"], results = median_time(db_roll_up, repeat)
    with CaptureQueriesContext(connection) as queries:
        db_roll_up()
    out["rollup_queries"] = len(queries)
    councils, assemblies, root = core_tree(made)
    expected = core.roll_up(councils, assemblies, root)[root]
    got = results[f"c{ids['root']}"]
    out["same"] = (got.position, got.weight, got.assemblies_for) == (
        expected.position,
        expected.weight,
        expected.assemblies_for,
    )
    out["root"] = {"position": got.position, "weight": got.weight}

    client = Client()
    council_page = f"/councils/{ids['root_slug']}/"
    question_page = f"{council_page}questions/{ids['question']}/"
    out["pages"] = {}
    pages = (("tree", "/councils/"), ("council", council_page), ("question", question_page))
    for key, path in pages:
        try:
            resolve(path)
        except Resolver404:
            out["pages"][key] = {"path": path}
            continue

        def page(path: str = path) -> int:
            return client.get(path).status_code

        start = time.perf_counter()
        first = page()  # the first read may also record the due ratification
        first_s = time.perf_counter() - start
        seconds, _ = median_time(page, repeat)
        with CaptureQueriesContext(connection) as queries:
            status = page()
        out["pages"][key] = {"path": path, "seconds": seconds, "status": status,
                             "first_status": first, "first": first_s, "queries": len(queries)}  # fmt: skip
    out["send_down"] = send_down()
    return out


def send_down() -> dict[str, Any]:
    """Put a question with mandates to the root council through the services: one poll
    (electorate, audit event) per assembly, the first ``FANOUT_AT_ONCE`` in the request
    and then ``FANOUT_PER_TICK`` per ``bloc polls tick`` (one such batch timed)."""
    import datetime

    from django.utils import timezone

    from bloc.actors import SYSTEM
    from bloc.confederation.models import Council
    from bloc.confederation.questions import fanout_continue, question_create
    from bloc.confederation.tree import load_tree

    council = Council.objects.order_by("-level", "pk").first()
    assert council is not None
    assemblies = len(load_tree(council.chapter_id).assemblies_below(council.pk))
    start = time.perf_counter()
    question = question_create(
        actor=SYSTEM,
        council=council,
        title="Bench: a question sent down",
        mandates_close_at=timezone.now() + datetime.timedelta(days=7),
    )
    request = time.perf_counter() - start
    opened = assemblies - len((question.fanout or {}).get("left", []))
    start = time.perf_counter()
    batch = fanout_continue(question)
    tick = time.perf_counter() - start
    return {"seconds": request, "assemblies": assemblies, "opened": opened,
            "tick": tick, "batch": batch}  # fmt: skip


# --- the parent: the core row, then one child per database ----------------------------


def main() -> None:
    args = arguments(
        __doc__,
        small="400 assemblies, 20,000 members",
        repeat=5,
        repeat_help="runs per timing (the median)",
    )
    shape = SMALL if args.small else FULL

    if args.child:
        print("RESULT " + json.dumps(child(shape, args.repeat)), flush=True)
        return

    start = time.perf_counter()
    made = build(shape)
    councils, assemblies, root = core_tree(made)
    built = time.perf_counter() - start
    core_s, results = median_time(lambda: core.roll_up(councils, assemblies, root), args.repeat)
    sizes = sorted(made.sizes)
    print(
        f"Tree (seed {SEED}): {shape.assemblies:,} assemblies -> "
        + " -> ".join(f"{n:,}" for n in shape.councils)
        + f" councils (levels 1-{len(shape.councils)}); {made.nodes:,} nodes; "
        f"{sum(sizes):,} members, {sizes[0]}-{sizes[-1]} per assembly "
        f"(median {sizes[len(sizes) // 2]}); built in {built:.1f} s; "
        f"root: {results[root].position}, {results[root].assemblies_for} of "
        f"{len(councils[root].members)} members for",
        flush=True,
    )

    rows: list[tuple[str, str, str, str, str]] = [
        ("core roll_up, in memory", "-", f"{core_s:.3f}", "-", "< 0.5 s"),
    ]
    child_args = args.child_args
    runs: list[tuple[str, dict[str, Any] | None]] = []
    if not args.no_sqlite:
        runs.append(("sqlite", sqlite_run(__file__, "confed", child_args)))
    if args.pg:
        runs.append(("postgresql", postgres_run(__file__, "confed", args.pg, child_args)))
    for label, out in runs:
        if out is None:
            rows.append(("(failed: see above)", label, "-", "-", ""))
            continue
        rows.append(("write the rows (bulk)", label, f"{out['write']:.1f}", "-", ""))
        same = "" if out["same"] else "  (DIFFERS from core!)"
        rows.append(("question_roll_up(ratify)", label, f"{out['rollup']:.3f}",
                     str(out["rollup_queries"]), "< 2 s" + same))  # fmt: skip
        for page in out["pages"].values():
            what = f"GET {page['path']}"
            if "seconds" not in page:
                rows.append((what, label, "n/a (page missing)", "-", ""))
                continue
            note = f"  (first read {page['first']:.2f} s)"
            if page["status"] != 200 or page["first_status"] != 200:
                note += f"  (HTTP {page['first_status']}, then {page['status']})"
            rows.append((what, label, f"{page['seconds']:.3f}", str(page["queries"]),
                         "< 1 s" + note))  # fmt: skip
        sent = out["send_down"]
        rows.append((f"question_create to {sent['assemblies']:,} assemblies", label,
                     f"{sent['seconds']:.2f}", "-",
                     f"the request: {sent['opened']:,} polls, "
                     f"{1000 * sent['seconds'] / max(sent['opened'], 1):.1f} ms each"))  # fmt: skip
        if sent["batch"]:
            rows.append(("  then one polls tick", label, f"{sent['tick']:.2f}", "-",
                         f"{sent['batch']:,} more polls, "
                         f"{1000 * sent['tick'] / sent['batch']:.1f} ms each"))  # fmt: skip
    print(f"\n{'what':<46}{'database':<12}{'seconds':>20}{'queries':>9}  target")
    for what, db, seconds, queries, target in rows:
        print(f"{what:<46}{db:<12}{seconds:>20}{queries:>9}  {target}")
    print(f"\nMedian of {args.repeat} runs. A page's first read is timed apart: it may also "
          "count the due ratification and record its result.")  # fmt: skip


if __name__ == "__main__":
    main()
