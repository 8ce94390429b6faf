"""Load and scale-out: two app servers sharing one PostgreSQL under 50 simulated users.

    python bench/load.py --pg URL [--members 50000 | --small] [--users 50] [--seconds 60]
                         [--think 1.0] [--workers 2] [--threads 4] [--ports 55101,55102]

In a scratch database on the PostgreSQL server ``--pg`` names (or BLOC_BENCH_PG;
created for the run and dropped after, as the other benchmarks do: bench/dbrun.py;
the role needs CREATEDB, .ci/postgres.sh starts a suitable server), it

1. migrates, loads the demo chapter (``bloc demo --no-serve``) and adds ``--members``
   people (bulk inserts; ``--small``: 2,000), most verified, each a member of one demo
   institution; in three of them (Maple Street, Grand Concourse Tenants, Riverside
   North Assembly) it opens an open-ballot poll and a secret one (their voters are
   snapshotted at once), a meeting that is running (with a door code), a proposal in
   discussion with comments and a counted poll; Maple Street's budget is in its voting
   phase. The accounts the simulated users act as get an API token and a logged-in
   session in this step (no argon2 logins, no login rate limit);
2. starts bloc under gunicorn twice, on two loopback ports, both on that database
   (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, BLOC_DB_CONN_MAX_AGE=60): ``--workers 2
   --threads 4`` each by default (gthread): four processes, two per core, so both
   cores stay busy; the threads let a worker go on while a request waits for
   PostgreSQL (which shares those cores) or for the audit log's lock;
3. runs the driver (bench/load_driver.py) in a separate process: ``--users`` simulated
   users, alternating between the two servers, each pausing ``--think`` seconds (0.5
   to 1.5 times, at random) between actions, for ``--seconds`` after a 5 s warm-up:
   reading pages, voting (poll API with a token, the ballot page's form with its CSRF
   token, the budget API, and one member's secret ballot sent to both servers at the
   same moment: one must be taken, the other refused with 409), checking in to a
   meeting and joining its speakers' queue, reporting concerns. Each account votes at
   most a few times, far below the per-account vote limit: a 429 would count as an
   error;
4. prints, for each kind of request, the count, requests per second, p50/p95/p99 in ms
   and errors, with the issue's targets beside them (pages: p95 under 300 ms; no
   errors);
5. stops the servers and checks the invariants against the database
   (bench/load_check.py): every acknowledged vote counted exactly once, as
   acknowledged; no member with two ballots or participation records in a poll or
   budget; acknowledged check-ins, queue places and concerns stored (once); and
   ``bloc audit verify``. Exits 1 when an invariant is violated (or the run failed).

Without ``--pg`` it starts a throwaway PostgreSQL with .ci/postgres.sh on port
BLOC_PG_PORT (default 55191) and stops it afterwards; a server already running there
is used and left running.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from dbrun import postgres_run  # noqa: E402  (bench/, beside this script)

PAGE_P95_MS = 300.0
SMALL_MEMBERS = 2_000


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("BLOC_BENCH_PG"),
                        help="a PostgreSQL server's URL (default: BLOC_BENCH_PG; none: start "
                        "one with .ci/postgres.sh on BLOC_PG_PORT, default 55191)")  # fmt: skip
    parser.add_argument("--members", type=int, default=50_000, help="people added (50,000)")
    parser.add_argument("--small", action="store_true",
                        help=f"{SMALL_MEMBERS:,} members, 20 s: a quick run")  # fmt: skip
    parser.add_argument("--users", type=int, default=50, help="simulated users (50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="timed duration (60)")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause between a user's actions, s (1.0; 0: flat out)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker, gthread (4)")
    parser.add_argument(
        "--ports", default="55101,55102", help="the two servers' ports (55101,55102)"
    )
    parser.add_argument("--accounts", type=int, default=0,
                        help="accounts for the load (default: 40 per user; --small 10)")  # fmt: skip
    parser.add_argument(
        "--whole-demo",
        action="store_true",
        help="also the demo's opinion map, councils and campaigns (slow)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.members = min(args.members, SMALL_MEMBERS)
        if "--seconds" not in sys.argv:
            args.seconds = 20.0
    args.accounts = args.accounts or (10 if args.small else 40) * args.users
    return args


def child_args(args: argparse.Namespace) -> list[str]:
    return [
        "--members", str(args.members), "--users", str(args.users),
        "--seconds", str(args.seconds), "--think", str(args.think),
        "--workers", str(args.workers), "--threads", str(args.threads),
        "--ports", args.ports, "--accounts", str(args.accounts),
    ] + (["--whole-demo"] if args.whole_demo else [])  # fmt: skip


# --- the child: setup, servers, driver, check ------------------------------------


def say(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


def start_servers(args: argparse.Namespace, logs: str) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BLOC_DB_CONN_MAX_AGE": "60",
        "BLOC_DEBUG": "false",
        "BLOC_LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummy://",
    }
    servers = []
    for port in args.ports.split(","):
        log = open(os.path.join(logs, f"gunicorn-{port}.log"), "wb")  # noqa: SIM115
        command = [
            sys.executable, "-m", "gunicorn", "bloc.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers), "--threads", str(args.threads),
            "--worker-class", "gthread", "--timeout", "60",
        ]  # fmt: skip
        servers.append(
            subprocess.Popen(  # noqa: S603 - our own command line
                command,
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )  # fmt: skip
        )
    for port in args.ports.split(","):
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or any(s.poll() is not None for s in servers):
                stop_servers(servers)
                raise SystemExit(f"the server on port {port} did not start (logs in {logs})")
            time.sleep(0.3)
    say(f"2 servers up on 127.0.0.1:{args.ports.replace(',', ' and ')}, "
        f"{args.workers} workers x {args.threads} threads each")  # fmt: skip
    return servers


def stop_servers(servers: list[subprocess.Popen[bytes]]) -> None:
    for server in servers:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
    for server in servers:
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command's name ([1] is the parent)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User and system CPU time of a process so far; with ``reaped``, also that of its
    children that have ended. 0 if it is gone."""
    fields = _stat(pid)
    if not fields:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(servers: list[subprocess.Popen[bytes]]) -> float:
    """CPU seconds of the gunicorn masters and their workers."""
    masters = {str(s.pid) for s in servers}
    total = sum(_cpu_seconds(int(pid), reaped=True) for pid in masters)
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (_stat(int(entry)) or ["", ""])[1] in masters:
            total += _cpu_seconds(int(entry))
    return total


def database_cpu() -> float:
    """CPU seconds of the whole PostgreSQL server so far, when it runs on this machine:
    its postmaster, every process it started, and those that ended (connections come
    and go with BLOC_DB_CONN_MAX_AGE). 0 when it cannot be seen."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    fields = _stat(backend)
    if not fields:
        return 0.0
    postmaster = int(fields[1])
    total = _cpu_seconds(postmaster, reaped=True)
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (_stat(int(entry)) or ["", ""])[1] == str(postmaster):
            total += _cpu_seconds(int(entry))
    return total


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bloc.settings")
    os.environ["EMAIL_URL"] = "dummy://"
    # The sessions made in the setup are signed with it: the servers get the same one.
    os.environ["SECRET_KEY"] = "load-" + os.urandom(24).hex()
    import django

    django.setup()
    import load_check
    import load_setup
    from django.db import connections

    work = tempfile.mkdtemp(prefix="bloc-load-")
    with open("/proc/loadavg", encoding="ascii") as f:
        loadavg_before = f.read().split()[:3]
    started = time.monotonic()
    servers_at = [f"127.0.0.1:{port}" for port in args.ports.split(",")]
    plan = load_setup.setup(
        members=args.members, accounts=args.accounts, servers=servers_at,
        whole_demo=args.whole_demo,
    )  # fmt: skip
    setup_seconds = time.monotonic() - started
    plan_file, out_file = os.path.join(work, "plan.json"), os.path.join(work, "out.json")
    with open(plan_file, "w", encoding="utf-8") as f:
        json.dump(plan, f)
    connections.close_all()
    servers = start_servers(args, work)
    try:
        say(f"driving {args.users} users for {args.seconds:.0f} s (+5 s warm-up)")
        driver = [sys.executable, os.path.join(HERE, "load_driver.py"), plan_file, out_file,
                  "--users", str(args.users), "--seconds", str(args.seconds),
                  "--think", str(args.think)]  # fmt: skip
        app_before, db_before = server_cpu(servers), database_cpu()
        driver_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(driver, check=True)  # noqa: S603
        driver_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {
            "app": server_cpu(servers) - app_before,
            "database": database_cpu() - db_before,
            "driver": driver_after.ru_utime
            + driver_after.ru_stime
            - driver_before.ru_utime
            - driver_before.ru_stime,
        }
    finally:
        stop_servers(servers)
        connections.close_all()
    with open(out_file, encoding="utf-8") as f:
        out = json.load(f)
    if any(r["errors"] for r in out["rows"]):
        say(f"the servers' logs are in {work}")
    else:  # the plan holds the accounts' tokens: nothing to keep
        shutil.rmtree(work, ignore_errors=True)
    driver_users = {a["id"] for a in plan["accounts"]}
    invariants = load_check.check(out["attempts"], driver_users)
    result = {
        "members": args.members,
        "memberships": plan["memberships"],
        "accounts": len(plan["accounts"]),
        "setup_seconds": setup_seconds,
        "workers": args.workers,
        "threads": args.threads,
        "electorates": {s: i["electorate"] for s, i in plan["institutions"].items()},
        "rows": out["rows"],
        "seconds": out["seconds"],
        "users": out["users"],
        "think": out["think"],
        "errors": out["errors"],
        "stuck": out["stuck"],
        "cpu": cpu,
        "all_requests": out["all_requests"],
        "wall": out["wall"],
        "invariants": invariants,
        "loadavg_before": loadavg_before,
        "loadavg": open("/proc/loadavg").read().split()[:3],  # noqa: SIM115
    }
    print("RESULT " + json.dumps(result), flush=True)


# --- the parent: the database, the table ------------------------------------------


def table(result: dict[str, Any]) -> bool:
    """Print the figures and the invariants; True when every invariant holds."""
    print(
        f"\nbloc under load: 2 app servers (gunicorn, {result['workers']} workers x "
        f"{result['threads']} threads each) on one PostgreSQL; {result['members']:,} members "
        f"added ({result['memberships']:,} memberships), {result['users']} users "
        f"(think {result['think']:g} s) for {result['seconds']:.0f} s, "
        f"{result['accounts']:,} accounts; setup {result['setup_seconds']:.0f} s; "
        f"load average before: {' '.join(result['loadavg_before'])}, after: "
        f"{' '.join(result['loadavg'])}"
    )
    print(f"voters per load poll: {result['electorates']}\n")
    head = f"{'kind':<32}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(f"{head}{'errors':>8}  target")
    print("-" * (len(head) + 8 + 26))
    pages = [r for r in result["rows"] if r["kind"].startswith("page:")]
    others = [r for r in result["rows"] if not r["kind"].startswith("page:")]
    total = {"count": 0, "errors": 0}
    for row in pages + others:
        total["count"] += row["count"]
        total["errors"] += row["errors"]
        marks = []
        if row["kind"].startswith("page:"):
            marks.append("p95<300 " + ("ok" if row["p95"] < PAGE_P95_MS else "MISS"))
        marks.append("0 errors " + ("ok" if row["errors"] == 0 else "MISS"))
        statuses = ", ".join(f"{n}x{s}" for s, n in sorted(row["statuses"].items()))
        print(
            f"{row['kind']:<32}{row['count']:>7}{row['rps']:>8.1f}{row['p50']:>9.0f}"
            f"{row['p95']:>9.0f}{row['p99']:>9.0f}{row['errors']:>8}  {'; '.join(marks)}"
            + (f"  ({statuses})" if statuses else "")
        )
    print("-" * (len(head) + 8 + 26))
    print(f"{'all':<32}{total['count']:>7}{total['count'] / result['seconds']:>8.1f}"
          f"{'':>27}{total['errors']:>8}")  # fmt: skip
    if pages:
        print(f"{'all pages':<32}{sum(r['count'] for r in pages):>7}"
              f"{sum(r['rps'] for r in pages):>8.1f}{'':>9}"
              f"{max(r['p95'] for r in pages):>9.0f}{'':>9}"
              f"{sum(r['errors'] for r in pages):>8}  (worst page p95)")  # fmt: skip
    for kind, examples in sorted(result["errors"].items()):
        print(f"  {kind}: {' | '.join(examples[:3])}")
    if result["stuck"]:
        print(f"  {result['stuck']} simulated users were still waiting at the end")
    cpu, n = result["cpu"], max(1, result["all_requests"])
    per = {k: 1000 * v / n for k, v in cpu.items()}
    print(
        f"\nCPU per request (all {n:,} requests of the {result['wall']:.0f} s run, warm-up "
        f"included): app servers {per['app']:.1f} ms, PostgreSQL {per['database']:.1f} ms "
        "(the whole server, if on this machine), "
        f"driver {per['driver']:.1f} ms; {os.cpu_count()} cores would serve at most "
        f"{(os.cpu_count() or 1) * 1000 / max(sum(per.values()), 0.001):.0f} requests/s "
        "with nothing else running"
    )
    print("\ninvariants")
    held = True
    for invariant in result["invariants"]:
        if invariant.get("info"):
            print(f"  {'':<5} {invariant['name']}")
            continue
        ok = not invariant["problems"]
        held = held and ok
        print(f"  {'ok' if ok else 'FAIL':<5} {invariant['name']}")
        for problem in invariant["problems"][:10]:
            print(f"        {problem}")
    return held


def own_postgres() -> tuple[str, bool]:
    """Start .ci/postgres.sh on BLOC_PG_PORT (55191): (its URL, whether we started it)."""
    port = os.environ.get("BLOC_PG_PORT", "55191")
    script = os.path.join(ROOT, ".ci", "postgres.sh")
    env = {**os.environ, "BLOC_PG_PORT": port}
    url = f"postgres://bloc:bloc@127.0.0.1:{port}/bloc"
    status = subprocess.run([script, "status"], env=env, capture_output=True, check=False)  # noqa: S603
    if status.returncode == 0:
        return url, False
    if subprocess.run([script, "start"], env=env, check=False).returncode != 0:  # noqa: S603
        raise SystemExit(
            "could not start PostgreSQL with .ci/postgres.sh; start one and pass --pg URL"
        )
    return url, True


def main() -> None:
    args = arguments()
    if args.child:
        child(args)
        return
    url, ours = (args.pg, False) if args.pg else own_postgres()
    try:
        result = postgres_run(os.path.abspath(__file__), "load", url, child_args(args))
    finally:
        if ours:
            script = os.path.join(ROOT, ".ci", "postgres.sh")
            port = os.environ.get("BLOC_PG_PORT", "55191")
            subprocess.run([script, "stop"], env={**os.environ, "BLOC_PG_PORT": port},  # noqa: S603
                           check=False)  # fmt: skip
    if result is None:
        raise SystemExit(1)
    if not table(result):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
