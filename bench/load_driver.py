"""bench/load.py's driver: simulated users against the app servers (stdlib only, no Django).

    python bench/load_driver.py PLAN.json OUT.json --users 50 --seconds 60 --think 1.0

Each simulated user is a thread bound to one app server (users alternate between
them) with its own slice of the plan's accounts; it loops until the time is up:
an action, then a pause of ``think`` seconds (0.5 to 1.5 times, at random). An action
reads a page with an account's session cookie, votes (the poll API with the
account's Bearer token, or the ballot page's HTML form with its CSRF token; the
budget API; one secret ballot sent to both servers at the same moment, of which
exactly one must be taken and the other refused with 409), checks in to the running meeting with its door code and joins the
speakers' queue, or reports a concern. Every attempt to write is logged with its
answer, so that bench/load_check.py can hold the database to what was acknowledged.
The first ``--warmup`` seconds are driven but not timed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
TIMEOUT = 30.0
MARKER = "[load]"  # as bench/load_setup.py
CATEGORIES = ("infrastructure", "safety", "housing", "environment", "other")

# (action, weight): pages are most of what people do.
ACTIONS = (
    ("page:home", 8),
    ("page:institution", 10),
    ("page:proposal", 10),
    ("page:ballot", 10),
    ("page:results", 8),
    ("page:meeting", 8),
    ("page:budget", 4),
    ("page:hub", 4),
    ("vote:poll API (open ballot)", 8),
    ("vote:poll API (secret)", 8),
    ("vote:poll form (open ballot)", 5),
    ("vote:secret twice, both servers", 4),
    ("vote:budget API", 5),
    ("meeting:check in + join queue", 6),
    ("concern:report", 4),
)


@dataclass
class Account:
    id: int
    slug: str
    token: str
    session: str
    csrf: str = ""
    voted: set[int] = field(default_factory=set)  # secret polls
    open_votes: int = 0  # in the open-ballot poll: a vote, then a change
    budget_voted: bool = False
    queued: bool = False
    checked_in: bool = False


@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, reset, timed out)
    body: bytes = b""
    cookies: list[str] = field(default_factory=list)
    error: str = ""


class Recorder:
    def __init__(self, timed_from: float) -> None:
        self.lock = threading.Lock()
        self.timed_from = timed_from
        self.requests: list[tuple[str, float, bool, int]] = []  # kind, ms, ok, status
        self.all_requests = 0  # the warm-up's too
        self.attempts: list[dict[str, Any]] = []
        self.errors: dict[str, list[str]] = {}

    def request(self, kind: str, start: float, ms: float, ok: bool, answer: Answer) -> None:
        with self.lock:
            self.all_requests += 1
            if start >= self.timed_from:
                self.requests.append((kind, ms, ok, answer.status))
            if not ok:
                examples = self.errors.setdefault(kind, [])
                if len(examples) < 5:
                    text = answer.error or answer.body[:200].decode("utf-8", "replace")
                    examples.append(f"{answer.status}: {' '.join(text.split())}")

    def attempt(self, row: dict[str, Any]) -> None:
        with self.lock:
            self.attempts.append(row)


def call(server: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None
         ) -> Answer:  # fmt: skip
    host, port = server.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers={**headers, "Connection": "close"})
        response = conn.getresponse()
        data = response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
        return Answer(response.status, data, cookies)
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, error=f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


class SimulatedUser(threading.Thread):
    def __init__(self, index: int, plan: dict[str, Any], accounts: list[Account],
                 recorder: Recorder, deadline: float, think: float) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.server = plan["servers"][index % len(plan["servers"])]
        self.plan = plan
        self.accounts = accounts
        self.recorder = recorder
        self.deadline = deadline
        self.think = think
        self.rng = random.Random(index)
        self.actions = [name for name, _ in ACTIONS]
        self.weights = [weight for _, weight in ACTIONS]

    # --- plumbing ---------------------------------------------------------------

    def timed(self, kind: str, method: str, path: str, headers: dict[str, str],
              body: bytes | None, expect: tuple[int, ...]) -> Answer:  # fmt: skip
        start = time.monotonic()
        answer = call(self.server, method, path, headers, body)
        ms = (time.monotonic() - start) * 1000
        self.recorder.request(kind, start, ms, answer.status in expect, answer)
        return answer

    def page(self, kind: str, account: Account, path: str) -> Answer:
        cookie = f"sessionid={account.session}"
        if account.csrf:
            cookie += f"; csrftoken={account.csrf}"
        answer = self.timed(kind, "GET", path, {"Cookie": cookie}, None, (200,))
        for header in answer.cookies:
            found = CSRF_COOKIE.match(header)
            if found:
                account.csrf = found[1]
        return answer

    def api(self, kind: str, account: Account, path: str, payload: dict[str, Any],
            expect: tuple[int, ...]) -> Answer:  # fmt: skip
        headers = {"Authorization": f"Bearer {account.token}",
                   "Content-Type": "application/json"}  # fmt: skip
        return self.timed(kind, "POST", path, headers, json.dumps(payload).encode(), expect)

    def institution(self, account: Account) -> dict[str, Any]:
        return self.plan["institutions"][account.slug]

    def pick(self, test: Any) -> Account | None:
        candidates = [a for a in self.accounts if test(a)]
        return self.rng.choice(candidates) if candidates else None

    def log(self, what: str, account: Account, answer: Answer, ok: bool, **data: Any) -> None:
        # ``answered``: the server said whether it stored it (any status); a 5xx or no
        # answer leaves it unknown, which the check allows either way, but only once.
        known = 0 < answer.status < 500
        self.recorder.attempt({"what": what, "user": account.id, "ok": ok,
                               "known": known, "status": answer.status, **data})  # fmt: skip

    # --- actions ------------------------------------------------------------------

    def run(self) -> None:
        time.sleep(self.rng.uniform(0, max(self.think, 0.05)))
        while time.monotonic() < self.deadline:
            action = self.rng.choices(self.actions, self.weights)[0]
            group, _, name = action.partition(":")
            if group == "page":
                self.read(action, name)
            elif action == "vote:poll API (open ballot)":
                self.vote_api(action, "plain")
            elif action == "vote:poll API (secret)":
                self.vote_api(action, "secret")
            elif action == "vote:poll form (open ballot)":
                self.vote_form(action)
            elif action == "vote:secret twice, both servers":
                self.vote_twice(action)
            elif action == "vote:budget API":
                self.vote_budget(action)
            elif group == "meeting":
                self.queue()
            else:
                self.concern(action)
            if self.think > 0:
                time.sleep(self.think * self.rng.uniform(0.5, 1.5))

    def read(self, kind: str, name: str) -> None:
        account = self.rng.choice(self.accounts)
        pages = self.institution(account)["pages"]
        if name not in pages:  # the budget page is only on Maple Street
            account = self.pick(lambda a: name in self.institution(a)["pages"]) or account
            pages = self.institution(account)["pages"]
        self.page(kind, account, pages.get(name, pages["institution"]))

    def vote_api(self, kind: str, which: str) -> None:
        def free(a: Account) -> bool:
            poll = self.institution(a)["polls"][which]["id"]
            return a.open_votes < 2 if which == "plain" else poll not in a.voted

        account = self.pick(free)
        if account is None:
            return
        poll = self.institution(account)["polls"][which]
        choice = self.rng.randrange(poll["options"])
        path = f"/api/v1/institutions/{account.slug}/polls/{poll['id']}/vote"
        answer = self.api(kind, account, path, {"ballot": choice}, (200,))
        ok = answer.status == 200
        self.log("poll", account, answer, ok, poll=poll["id"], ballot=choice,
                 secret=which == "secret")  # fmt: skip
        if which == "plain":
            account.open_votes += 1
        else:
            account.voted.add(poll["id"])

    def vote_twice(self, kind: str) -> None:
        """One member's ballot sent to both servers at the same moment (a double click,
        two devices): exactly one must be taken (200) and the other refused (409)."""
        account = self.pick(lambda a: self.institution(a)["polls"]["secret"]["id"] not in a.voted)
        if account is None:
            return
        poll = self.institution(account)["polls"]["secret"]
        choice = self.rng.randrange(poll["options"])
        path = f"/api/v1/institutions/{account.slug}/polls/{poll['id']}/vote"
        headers = {"Authorization": f"Bearer {account.token}", "Content-Type": "application/json"}
        body = json.dumps({"ballot": choice}).encode()
        answers: list[tuple[float, float, Answer]] = []
        gate = threading.Barrier(len(self.plan["servers"]))

        def send(server: str) -> None:
            gate.wait()
            start = time.monotonic()
            answer = call(server, "POST", path, headers, body)
            answers.append((start, (time.monotonic() - start) * 1000, answer))

        senders = [threading.Thread(target=send, args=(s,)) for s in self.plan["servers"]]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        taken = sorted(answer.status for _, _, answer in answers) == [200, 409]
        for start, ms, answer in answers:
            self.recorder.request(kind, start, ms, taken, answer)
            self.log("poll", account, answer, answer.status == 200, poll=poll["id"],
                     ballot=choice, secret=True)  # fmt: skip
        account.voted.add(poll["id"])

    def vote_form(self, kind: str) -> None:
        account = self.pick(lambda a: a.open_votes < 2)
        if account is None:
            return
        where = self.institution(account)
        page = self.page("page:ballot", account, where["pages"]["ballot"])
        token = CSRF_INPUT.search(page.body)
        if page.status != 200 or token is None or not account.csrf:
            self.recorder.request(
                kind,
                time.monotonic(),
                0.0,
                False,
                Answer(page.status, error="no ballot form on the page"),
            )
            return  # fmt: skip
        poll = where["polls"]["plain"]
        choice = self.rng.randrange(poll["options"])
        body = urlencode({"csrfmiddlewaretoken": token[1].decode(), "choice": str(choice)})
        headers = {"Cookie": f"sessionid={account.session}; csrftoken={account.csrf}",
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        answer = self.timed(kind, "POST", where["vote_form"], headers, body.encode(), (200,))
        ok = answer.status == 200 and b"receipt" in answer.body.lower()
        self.log("poll", account, answer, ok, poll=poll["id"], ballot=choice, secret=False)
        account.open_votes += 1

    def vote_budget(self, kind: str) -> None:
        account = self.pick(lambda a: self.institution(a)["budget"] and not a.budget_voted)
        if account is None:
            return
        budget = self.institution(account)["budget"]
        ballot = self.rng.choice(budget["ballots"])
        path = f"/api/v1/institutions/{account.slug}/budgets/{budget['id']}/vote"
        answer = self.api(kind, account, path, {"ballot": ballot}, (201,))
        self.log("budget", account, answer, answer.status == 201, budget=budget["id"])
        account.budget_voted = True

    def queue(self) -> None:
        account = self.pick(lambda a: not a.queued)
        if account is None:
            return
        meeting = self.institution(account)["meeting"]
        base = f"/api/v1/institutions/{account.slug}/meetings/{meeting['id']}"
        if not account.checked_in:
            answer = self.api(
                "meeting:check in",
                account,
                f"{base}/check-in",
                {"code": meeting["code"], "mode": "in_room"},
                (200, 201),
            )
            ok = answer.status in (200, 201)
            self.log("check_in", account, answer, ok, meeting=meeting["id"])
            if not ok:
                return
            account.checked_in = True  # fmt: skip
        answer = self.api("meeting:join queue", account, f"{base}/queue", {}, (201,))
        self.log("queue", account, answer, answer.status == 201, meeting=meeting["id"])
        account.queued = True

    def concern(self, kind: str) -> None:
        account = self.rng.choice(self.accounts)
        mark = f"{MARKER} {uuid.uuid4().hex}"
        payload = {"category": self.rng.choice(CATEGORIES), "place": "Outside number 12",
                   "description": f"The street light is out. {mark}"}  # fmt: skip
        path = f"/api/v1/institutions/{account.slug}/concerns"
        answer = self.api(kind, account, path, payload, (201,))
        self.log("concern", account, answer, answer.status == 201, mark=mark,
                 slug=account.slug)  # fmt: skip


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return 0.0
    rank = max(0, min(len(sorted_ms) - 1, int(round(p / 100 * len(sorted_ms) + 0.5)) - 1))
    return sorted_ms[rank]


def summary(recorder: Recorder, seconds: float) -> list[dict[str, Any]]:
    kinds: dict[str, list[tuple[float, bool, int]]] = {}
    for kind, ms, ok, status in recorder.requests:
        kinds.setdefault(kind, []).append((ms, ok, status))
    rows = []
    for kind in sorted(kinds):
        values = kinds[kind]
        ms = sorted(v[0] for v in values)
        statuses: dict[str, int] = {}
        for _, ok, status in values:
            if not ok:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        rows.append({
            "kind": kind, "count": len(values), "rps": len(values) / seconds,
            "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
            "errors": sum(statuses.values()), "statuses": statuses,
        })  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="bench/load.py's driver")
    parser.add_argument("plan")
    parser.add_argument("out")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--think", type=float, default=1.0)
    args = parser.parse_args()
    with open(args.plan, encoding="utf-8") as f:
        plan = json.load(f)
    accounts = [Account(a["id"], a["slug"], a["token"], a["session"]) for a in plan["accounts"]]
    start = time.monotonic()
    recorder = Recorder(timed_from=start + args.warmup)
    deadline = start + args.warmup + args.seconds
    users = [
        SimulatedUser(i, plan, accounts[i :: args.users], recorder, deadline, args.think)
        for i in range(args.users)
    ]
    for user in users:
        user.start()
    for user in users:
        user.join(deadline - time.monotonic() + 2 * TIMEOUT)
    measured = time.monotonic() - recorder.timed_from
    with recorder.lock:
        out = {
            "seconds": measured,
            "users": args.users,
            "think": args.think,
            "rows": summary(recorder, measured),
            "attempts": list(recorder.attempts),
            "errors": recorder.errors,
            "stuck": sum(user.is_alive() for user in users),
            "all_requests": recorder.all_requests,
            "wall": time.monotonic() - start,
        }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f)
    print(f"  driver: {sum(r['count'] for r in out['rows']):,} timed requests in "
          f"{measured:.0f} s", file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    main()
