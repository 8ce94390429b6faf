"""The fault tests' tools: a real gunicorn server, a voting burst, and the checks.

A test starts bloc under gunicorn (two workers) on a fresh database, seeds an
institution with many members and two open polls (``fault_seed``), and lets a
few client threads cast every member's vote in both polls through the API. Mid-
burst it breaks something (SIGKILL to the server's whole process group, or an
immediate PostgreSQL restart), puts it back, and lets the clients finish: a vote
that was not acknowledged is tried again, as a person or a script would. For one
voter in six the first answer is "lost" on purpose (read, then ignored, as by a
phone that lost its signal), so a retry of a vote that did count happens in every
run, not only when the fault happens to land between commit and answer.

Each acknowledged ballot must already be readable from the database when its
answer arrives (acknowledged after commit, never before). After the burst,
``check_votes`` reads the database directly and asserts what a voter relies on:
every acknowledged vote is there exactly as acknowledged (its receipt among the
stored ballots), a retried vote is refused or replaces the member's ballot and is
never a second one, each poll has as many ballots as participations and as many
``poll.vote`` audit events, and ``bloc audit verify`` passes against the head
read before the burst."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # a worker boots Django in a few seconds; a loaded CI machine is slower
BURST_TIMEOUT = 120.0  # every vote is acknowledged by then, or the test fails
REQUEST_TIMEOUT = 30.0  # longer than any vote takes: a retry never overtakes its first try


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def libpq(url: str) -> str:
    # dj-database-url accepts scheme spellings libpq does not.
    return urlunsplit(("postgresql", *urlsplit(url)[1:]))


def bloc_env(workdir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a production-like bloc: DEBUG off, its own secret key and
    data directory, this checkout's code, and SQLite unless ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # bloc's own settings, not the test suite's
    for name in ("CSRF_TRUSTED_ORIGINS", "BLOC_COLLECTED_STATIC", "DATABASE_URL"):
        env.pop(name, None)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
            "BLOC_DATA_DIR": str(workdir / "data"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BLOC_DEBUG": "false",
            "BLOC_SECURE": "false",
            "EMAIL_URL": "console://",
            "BLOC_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
        # As in production: persistent connections, which must not outlive a restart.
        env["BLOC_DB_CONN_MAX_AGE"] = "60"
    return env


def bloc(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``bloc ARGS`` (this checkout's) with ``env``; fails the test if it fails and ``check``."""
    result = subprocess.run(
        [sys.executable, "-m", "bloc", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"bloc {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def seed(env: dict[str, str], members: int, *slugs: str) -> dict[str, dict[str, Any]]:
    """Institutions ``slugs``, each with ``members`` voters and two open polls (fault_seed)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.fault_seed", str(members), *slugs],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"seeding failed:\n{result.stdout}\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


class Phases:
    """How long each step took, for the test's log line (never asserted)."""

    def __init__(self) -> None:
        self._last = time.monotonic()
        self.took: dict[str, float] = {}

    def mark(self, name: str) -> None:
        now = time.monotonic()
        self.took[name] = self.took.get(name, 0.0) + now - self._last
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.took.items())


# --- the server -------------------------------------------------------------


class AppServer:
    """``gunicorn bloc.wsgi --workers 2`` in its own process group, restartable on its port."""

    def __init__(self, env: dict[str, str], log_path: Path, port: int | None = None) -> None:
        self.env = env
        self.log_path = log_path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        assert self.process is None, "already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n--- start #{self.starts} ---\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "bloc.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--graceful-timeout",
                    "5",
                ],
                env=self.env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: master and workers die together
            )
        self._wait_up()

    def _wait_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _body = request(self.url, "GET", "/api/v1/docs", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a crash or the OOM killer would."""
        assert self.process is not None
        group = self.process.pid
        os.killpg(group, signal.SIGKILL)
        self.process.wait()
        self.process = None
        _wait_group_gone(group)

    def stop(self) -> None:
        if self.process is None:
            return
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self.process = None
        _wait_group_gone(group)

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _wait_group_gone(group: int) -> None:
    # The workers outlive the master by a moment (they are reaped by init).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(group, signal.SIGKILL)


@contextmanager
def app_server(env: dict[str, str], workdir: Path) -> Iterator[AppServer]:
    server = AppServer(env, workdir / "gunicorn.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def request(
    base_url: str,
    method: str,
    path: str,
    *,
    body: Any = None,
    token: str | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> tuple[int, Any]:
    """One HTTP request on a fresh connection: (status, parsed JSON or text)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        parsed = raw.decode(errors="replace")
    return response.status, parsed


# --- reading the database directly -----------------------------------------


class Reader:
    """A plain DB-API connection to the server's database (not Django's), which
    reconnects when the database went away (a PostgreSQL restart)."""

    def __init__(self, env: dict[str, str]) -> None:
        url = env.get("DATABASE_URL", "")
        self.postgres = is_postgres(url)
        self.target = (
            libpq(url) if self.postgres else str(Path(env["BLOC_DATA_DIR"]) / "bloc.sqlite3")
        )
        self.conn: Any = None

    def _connect(self) -> Any:
        if self.postgres:
            import psycopg

            return psycopg.connect(self.target, autocommit=True, connect_timeout=5)
        return sqlite3.connect(self.target, timeout=20, isolation_level=None)

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if not self.postgres:
            sql = sql.replace("%s", "?")
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.conn is None:
                    self.conn = self._connect()
                return [tuple(row) for row in self.conn.execute(sql, params).fetchall()]
            except Exception:
                # PostgreSQL is restarting: connect again (SQLite errors are real ones).
                if not self.postgres or time.monotonic() > deadline:
                    raise
                self.close()
                time.sleep(0.2)

    def value(self, sql: str, *params: Any) -> Any:
        return self.rows(sql, *params)[0][0]

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: S110 - a dead connection may refuse to close
                pass
            self.conn = None


# --- the burst --------------------------------------------------------------


RECEIPT_STORED = {
    True: "SELECT COUNT(*) FROM decisions_secretballot WHERE receipt = %s",
    False: "SELECT COUNT(*) FROM decisions_openballot WHERE receipt = %s",
}


@dataclass(frozen=True)
class Job:
    voter: int
    token: str = field(repr=False)
    poll: int
    secret: bool
    choice: int
    # The first answer "gets lost" (the client reads it, then acts as if it never came,
    # as a phone that lost its signal): the vote is tried again.
    lose_first_answer: bool = False


@dataclass
class Ack:
    receipt: str
    ballot: str
    changed: bool
    visible: bool  # the ballot could be read from the database when the answer came


@dataclass
class Burst:
    """Client threads casting every job's vote through the API until acknowledged.

    A job's attempt that fails (connection refused or cut, a 5xx) is not
    acknowledged and is tried again. A retry of a vote whose first try committed
    unseen is refused ``already_voted`` (secret poll: the job ends there) or
    replaces the ballot with the same choice (open poll: acknowledged, ``changed``).
    """

    base_url: str
    slug: str
    jobs: list[Job]
    reader_for: Callable[[], Reader]
    threads: int = 6
    acks: dict[Job, Ack] = field(default_factory=dict)
    committed_unseen: set[Job] = field(default_factory=set)  # already_voted after a failure
    lost_answers: dict[Job, dict[str, Any]] = field(default_factory=dict)  # 200s not taken
    failures: Counter[str] = field(default_factory=Counter)  # refused, cut, 5xx
    unexpected: list[str] = field(default_factory=list)
    gave_up: list[Job] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._acked = threading.Condition(self._lock)
        self._next = 0
        self._workers: list[threading.Thread] = []
        self._deadline = 0.0
        self._stop = threading.Event()

    @property
    def failed_attempts(self) -> int:
        return sum(self.failures.values())

    def start(self) -> None:
        self._deadline = time.monotonic() + BURST_TIMEOUT
        for n in range(self.threads):
            worker = threading.Thread(target=self._work, name=f"voter-{n}", daemon=True)
            worker.start()
            self._workers.append(worker)

    def wait_for_acks(self, count: int) -> int:
        """Block until ``count`` votes are acknowledged (or the burst is over)."""
        with self._acked:
            self._acked.wait_for(
                lambda: len(self.acks) >= count or self._next >= len(self.jobs) and self._idle(),
                timeout=BURST_TIMEOUT,
            )
            return len(self.acks)

    def _idle(self) -> bool:
        return not any(w.is_alive() for w in self._workers)

    def join(self) -> None:
        for worker in self._workers:
            worker.join(timeout=max(1.0, self._deadline - time.monotonic() + 5))

    def stop(self) -> None:
        """End the burst early (a failing test): the clients stop trying."""
        self._stop.set()
        self.join()

    def _take(self) -> Job | None:
        with self._lock:
            if self._stop.is_set() or self._next >= len(self.jobs):
                return None
            job = self.jobs[self._next]
            self._next += 1
            return job

    def _work(self) -> None:
        reader = self.reader_for()
        try:
            while (job := self._take()) is not None:
                try:
                    self._cast(job, reader)
                except Exception as exc:  # a client bug, or a read that failed: say so
                    with self._lock:
                        self.unexpected.append(f"{job}: {exc!r}")
        finally:
            reader.close()
            with self._acked:
                self._acked.notify_all()

    def _cast(self, job: Job, reader: Reader) -> None:
        path = f"/api/v1/institutions/{self.slug}/polls/{job.poll}/vote"
        failed_before = False
        while time.monotonic() < self._deadline and not self._stop.is_set():
            try:
                status, body = request(
                    self.base_url, "POST", path, body={"ballot": job.choice}, token=job.token
                )
            except ConnectionRefusedError:
                status, body = 0, "refused"  # no server on the port: not acknowledged
            except (OSError, http.client.HTTPException):
                status, body = 0, "cut"  # reset or cut off mid-request: not acknowledged
            if status == 200 and job.lose_first_answer and not failed_before:
                with self._lock:
                    self.lost_answers[job] = body
                failed_before = True
                continue
            if status == 200:
                visible = bool(reader.value(RECEIPT_STORED[job.secret], body["receipt"]))
                with self._acked:
                    self.acks[job] = Ack(body["receipt"], body["ballot"], body["changed"], visible)
                    if body["changed"] and not failed_before:
                        self.unexpected.append(f"{job}: changed on its first try")
                    self._acked.notify_all()
                return
            if status == 409 and isinstance(body, dict) and body.get("code") == "already_voted":
                with self._lock:
                    if failed_before:
                        self.committed_unseen.add(job)
                    else:
                        self.unexpected.append(f"{job}: already_voted on its first try")
                return
            if status == 0 or status >= 500:
                with self._lock:
                    self.failures[body if status == 0 else "5xx"] += 1
                failed_before = True
                time.sleep(0.1)
                continue
            with self._lock:
                self.unexpected.append(f"{job}: HTTP {status} {body!r}")
            return
        with self._lock:
            self.gave_up.append(job)


def jobs_for(seeded: dict[str, Any]) -> list[Job]:
    """Each voter votes in both polls; the order interleaves the polls and voters."""
    jobs = []
    for n, voter in enumerate(seeded["voters"]):
        for secret, poll in ((True, seeded["secret_poll"]), (False, seeded["open_poll"])):
            choice = (n + (0 if secret else 1)) % seeded["options"]
            jobs.append(Job(voter["id"], voter["token"], poll, secret, choice, n % 6 == 5))
    return jobs


# --- the checks ---------------------------------------------------------------


def check_votes(reader: Reader, seeded: dict[str, Any], burst: Burst) -> dict[str, int]:
    """Assert that no acknowledged vote was lost or doubled; return counts for the log."""
    assert not burst.unexpected, "unexpected answers:\n" + "\n".join(burst.unexpected[:20])
    assert not burst.gave_up, (
        f"{len(burst.gave_up)} votes never acknowledged: the server did not recover"
    )
    assert len(burst.acks) + len(burst.committed_unseen) == len(burst.jobs)
    late = [job for job, ack in burst.acks.items() if not ack.visible]
    assert not late, f"{len(late)} votes acknowledged before their ballot was committed: {late[:5]}"

    # A vote acknowledged but whose answer was lost, tried again: never a second ballot.
    assert burst.lost_answers, "no answer was lost: the retry path went untested"
    for job, first in burst.lost_answers.items():
        if job.secret:
            assert job in burst.committed_unseen, f"{job}: a retried secret vote was not refused"
        else:
            ack = burst.acks[job]
            assert ack.changed and ack.ballot == first["ballot"], f"{job}: retry not a change"

    voters = {v["id"] for v in seeded["voters"]}
    counts: dict[str, int] = {}
    for secret, poll in ((True, seeded["secret_poll"]), (False, seeded["open_poll"])):
        acked = {job: ack for job, ack in burst.acks.items() if job.poll == poll}
        participations = [
            user
            for (user,) in reader.rows(
                "SELECT user_id FROM decisions_participation WHERE poll_id = %s", poll
            )
        ]
        assert len(participations) == len(set(participations)), "a member took part twice"
        assert set(participations) <= voters
        missing = {job.voter for job in acked} - set(participations)
        assert not missing, f"acknowledged votes lost (poll {poll}): members {sorted(missing)}"
        audit_votes = reader.value(
            "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'poll.vote' AND subject = %s",
            f"decisions.poll:{poll}",
        )
        assert audit_votes == len(participations), "votes and their audit events differ"
        if secret:
            receipts = [
                r
                for (r,) in reader.rows(
                    "SELECT receipt FROM decisions_secretballot WHERE poll_id = %s", poll
                )
            ]
            # Nothing links a secret ballot to its voter: count them, and find each receipt.
            assert len(receipts) == len(participations), "secret ballots and voters differ"
            lost = [job for job, ack in acked.items() if ack.receipt not in set(receipts)]
            lost += [
                job
                for job, answer in burst.lost_answers.items()
                if job.poll == poll and answer["receipt"] not in set(receipts)
            ]
            assert not lost, f"acknowledged secret ballots lost: {lost[:5]}"
        else:
            stored = reader.rows(
                "SELECT user_id, content, receipt, changes FROM decisions_openballot "
                "WHERE poll_id = %s",
                poll,
            )
            by_voter = {user: (content, receipt) for user, content, receipt, _ in stored}
            assert len(by_voter) == len(stored), "a member has two open ballots"
            assert set(by_voter) == set(participations), "open ballots and voters differ"
            wrong = [
                job
                for job, ack in acked.items()
                if by_voter.get(job.voter) != (ack.ballot, ack.receipt)
            ]
            assert not wrong, f"acknowledged open ballots lost or altered: {wrong[:5]}"
            changes = reader.value(
                "SELECT COUNT(*) FROM audit_auditevent "
                "WHERE action = 'poll.vote_change' AND subject = %s",
                f"decisions.poll:{poll}",
            )
            assert changes == sum(row[3] for row in stored), "changes and their audit events differ"
        counts["secret_ballots" if secret else "open_ballots"] = len(participations)
    counts["acknowledged"] = len(burst.acks)
    counts["answers_lost"] = len(burst.lost_answers)
    counts["committed_unseen"] = len(burst.committed_unseen)
    counts.update({f"failed_{why}": n for why, n in sorted(burst.failures.items())})
    return counts


def audit_head(reader: Reader) -> str:
    """The log's head as `bloc audit head` prints it (SEQ:HASH), to check against later."""
    seq, digest = reader.rows("SELECT seq, hash FROM audit_audithead WHERE id = 1")[0]
    return f"{seq}:{digest}"


@dataclass
class Outcome:
    burst: Burst
    acked_before_fault: int
    counts: dict[str, int]


def run_burst(
    env: dict[str, str],
    workdir: Path,
    seeded: dict[str, Any],
    fault: Callable[[AppServer, Burst], None],
    phases: Phases,
) -> Outcome:
    """Start the server, cast every vote of ``seeded``, call ``fault`` once a third are
    acknowledged, finish the burst, and check that no acknowledged vote was lost or
    doubled and that the audit chain verifies."""
    reader = Reader(env)
    try:
        head = audit_head(reader)
        jobs = jobs_for(seeded)
        with app_server(env, workdir) as server:
            phases.mark("server start")
            burst = Burst(server.url, seeded["slug"], jobs, lambda: Reader(env))
            burst.start()
            try:
                acked_before = burst.wait_for_acks(len(jobs) // 3)
                assert acked_before < len(jobs), "the burst was over before the fault"
                phases.mark("burst")
                fault(server, burst)
                phases.mark("fault")
                burst.join()
                phases.mark("burst")
            finally:
                burst.stop()
            assert server.process is not None and server.process.poll() is None
        # The fault did land in the middle of the burst: tries failed, and votes were
        # acknowledged both before it and after it.
        assert burst.failed_attempts > 0, "no vote failed: the fault missed the burst"
        assert 0 < acked_before < len(burst.acks)
        counts = check_votes(reader, seeded, burst)
        assert counts["secret_ballots"] == counts["open_ballots"] == len(seeded["voters"])
    finally:
        reader.close()
    check_audit(env, head)
    phases.mark("checks")
    return Outcome(burst, acked_before, counts)


def check_audit(env: dict[str, str], head_before: str) -> None:
    """``bloc audit verify`` exits 0, and the log still extends the head copied before."""
    result = bloc(env, "audit", "verify", "--expect-head", head_before, check=False)
    assert result.returncode == 0, f"bloc audit verify failed:\n{result.stdout}\n{result.stderr}"
