"""bench/load.py's invariants: the database against what the driver was told.

Runs in the child process (Django set up) after the app servers have stopped. An
attempt the server answered below 500 is *known* (2xx: stored; 4xx: refused, nothing
stored); a 5xx or no answer is *unknown*: it may or may not have been stored, but
never twice. Returns a list of (invariant, violations, detail).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from typing import Any


def _content(poll_id: int, choice: Any, cache: dict[int, Any]) -> str:
    from bloc.decisions.models import Poll
    from bloc.decisions.polls import spec_of
    from bloc.decisions.voting import check_ballot

    if poll_id not in cache:
        cache[poll_id] = spec_of(Poll.objects.get(pk=poll_id)).form()
    return check_ballot(cache[poll_id], choice)


def _open_polls(attempts: list[dict[str, Any]], driver_users: set[int]) -> list[str]:
    """Each member's open ballot is their last acknowledged choice (or, after it, one
    whose answer never came); a member whose every attempt was refused has none."""
    from bloc.decisions.models import OpenBallot

    problems = []
    forms: dict[int, Any] = {}
    by_pair: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    polls = set()
    for row in attempts:
        if row["what"] == "poll" and not row["secret"]:
            by_pair[(row["poll"], row["user"])].append(row)
            polls.add(row["poll"])
    stored = {
        (b.poll_id, b.user_id): b.content
        for b in OpenBallot.objects.filter(poll_id__in=polls, user_id__in=driver_users)
    }
    for pair in set(by_pair) | set(stored):
        tries = by_pair.get(pair, [])
        last_ok = max((i for i, t in enumerate(tries) if t["ok"]), default=-1)
        allowed = {None} if last_ok < 0 else set()
        if last_ok >= 0:
            allowed.add(_content(pair[0], tries[last_ok]["ballot"], forms))
        allowed |= {_content(pair[0], t["ballot"], forms)
                    for t in tries[last_ok + 1 :] if not t["known"]}  # fmt: skip
        if stored.get(pair) not in allowed:
            problems.append(
                f"poll {pair[0]}, member {pair[1]}: stored {stored.get(pair)!r}, "
                f"acknowledged/possible {sorted(map(str, allowed))}"
            )
    return problems


def _secret(attempts: list[dict[str, Any]], kind: str, driver_users: set[int]) -> list[str]:
    """Secret polls and budgets: every acknowledged voter has a participation record,
    every driver account's record is an acknowledged or unanswered attempt, and there
    are as many online ballots as online participation records (ballots are not
    linkable to members, so only their number can be held to account)."""
    from django.db.models import Sum

    from bloc.budgeting.models import BudgetBallot, BudgetParticipation
    from bloc.decisions.models import Channel, Participation, SecretBallot

    key = "poll" if kind == "poll" else "budget"
    rows = [r for r in attempts if r["what"] == kind and (kind == "budget" or r["secret"])]
    problems = []
    for target in sorted({r[key] for r in rows}):
        mine = [r for r in rows if r[key] == target]
        acked = {r["user"] for r in mine if r["ok"]}
        unknown = {r["user"] for r in mine if not r["known"]} - acked
        if kind == "poll":
            records = Participation.objects.filter(poll_id=target, channel=Channel.ONLINE)
            ballots = SecretBallot.objects.filter(poll_id=target).count()
        else:
            records = BudgetParticipation.objects.filter(budget_id=target, channel="online")
            ballots = (
                BudgetBallot.objects.filter(budget_id=target, paper=False).aggregate(
                    n=Sum("count")
                )["n"]
                or 0
            )
        participants = set(records.values_list("user_id", flat=True))
        missing = acked - participants
        extra = (participants & driver_users) - acked - unknown
        if missing:
            problems.append(f"{kind} {target}: acknowledged, not recorded: {sorted(missing)[:10]}")
        if extra:
            problems.append(f"{kind} {target}: recorded, never acknowledged: {sorted(extra)[:10]}")
        if ballots != len(participants):
            problems.append(
                f"{kind} {target}: {ballots} online ballots for {len(participants)} "
                "online participation records"
            )
    return problems


def _doubles() -> list[str]:
    """Nobody has two participation records, open ballots, attendances or places waiting."""
    from django.db.models import Count, Q

    from bloc.budgeting.models import BudgetParticipation
    from bloc.decisions.models import OpenBallot, Participation
    from bloc.meetings.models import Attendance, QueueEntry

    problems = []
    checks = (
        (Participation.objects.all(), ("poll", "user"), "participations in a poll"),
        (OpenBallot.objects.all(), ("poll", "user"), "open ballots in a poll"),
        (BudgetParticipation.objects.all(), ("budget", "user"), "budget participations"),
        (Attendance.objects.all(), ("meeting", "user"), "attendances at a meeting"),
        (QueueEntry.objects.filter(Q(left_at=None) & Q(finished_at=None)), ("meeting", "user"),
         "places waiting in a queue"),
        (QueueEntry.objects.all(), ("meeting", "joined"), "queue entries with one number"),
    )  # fmt: skip
    for queryset, fields, what in checks:
        twice = queryset.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).count()
        if twice:
            problems.append(f"{twice} pairs with two or more {what}")
    return problems


def _meetings(attempts: list[dict[str, Any]]) -> list[str]:
    from bloc.meetings.models import Attendance, QueueEntry

    problems = []
    for what, model in (("check_in", Attendance), ("queue", QueueEntry)):
        acked = {(r["meeting"], r["user"]) for r in attempts if r["what"] == what and r["ok"]}
        meetings = {m for m, _ in acked}
        stored = set(
            model.objects.filter(meeting_id__in=meetings).values_list("meeting_id", "user_id")
        )
        lost = acked - stored
        if lost:
            problems.append(f"{len(lost)} acknowledged {what} not recorded: {sorted(lost)[:5]}")
    return problems


def _concerns(attempts: list[dict[str, Any]]) -> list[str]:
    from load_setup import MARKER  # bench/, beside this module

    from bloc.concerns.models import Concern

    rows = [r for r in attempts if r["what"] == "concern"]
    stored: dict[str, int] = defaultdict(int)
    for description in Concern.objects.filter(description__contains=MARKER).values_list(
        "description", flat=True
    ):
        stored[description[description.index(MARKER) :]] += 1
    problems = []
    for row in rows:
        n = stored.get(row["mark"], 0)
        if row["ok"] and n != 1:
            problems.append(f"concern {row['mark']} acknowledged, stored {n} times")
        elif not row["ok"] and row["known"] and n:
            problems.append(f"concern {row['mark']} refused ({row['status']}), stored {n} times")
        elif n > 1:
            problems.append(f"concern {row['mark']} stored {n} times")
    return problems


def audit_verify() -> list[str]:
    """`bloc audit verify`, as an operator runs it."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bloc", "audit", "verify"],
        env=os.environ.copy(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    print(f"  {done.stdout.strip() or done.stderr.strip()}", file=sys.stderr, flush=True)
    return [] if done.returncode == 0 else [(done.stderr or done.stdout).strip()[-300:]]


def check(attempts: list[dict[str, Any]], driver_users: set[int]) -> list[dict[str, Any]]:
    counts = defaultdict(lambda: [0, 0, 0])  # acknowledged, refused, unknown
    for row in attempts:
        counts[row["what"]][0 if row["ok"] else 1 if row["known"] else 2] += 1
    summary = ", ".join(f"{what} {a}/{r}/{u}" for what, (a, r, u) in sorted(counts.items()))
    return [
        {"name": "each acknowledged open ballot counted, as last acknowledged",
         "problems": _open_polls(attempts, driver_users)},
        {"name": "secret polls: acknowledged voters == records, ballots == records",
         "problems": _secret(attempts, "poll", driver_users)},
        {"name": "budget: acknowledged voters == records, ballots == records",
         "problems": _secret(attempts, "budget", driver_users)},
        {"name": "no member twice in a poll, budget, meeting or queue", "problems": _doubles()},
        {"name": "acknowledged check-ins and queue places recorded",
         "problems": _meetings(attempts)},
        {"name": "each acknowledged concern stored once, refused ones not",
         "problems": _concerns(attempts)},
        {"name": "audit chain verifies (bloc audit verify)", "problems": audit_verify()},
        {"name": f"attempts acknowledged/refused/unknown: {summary}", "problems": [],
         "info": True},
    ]  # fmt: skip
