"""What the walk asserts about each answer: permissions from the table, and no leak."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tests.walk.access import ACCESS, ADMIN, LEVELS
from tests.walk.walker import Answer
from tests.walk.walkmap import Route


def expected(route: Route, variant: str) -> tuple[frozenset[str], frozenset[str]]:
    """(roles that may read, roles whose writes may change something)."""
    if route.is_admin:
        entry = "public nobody" if route.name in ("admin:login", "admin:logout") else ADMIN
    else:
        entry = ACCESS.get(f"{route.name}@{variant}") or ACCESS.get(route.name)
        if entry is None:
            raise AssertionError(
                f"{route.name} ({variant or 'one variant'}) is not in tests/walk/access.py"
            )
    if route.is_api:
        level = LEVELS[entry]
        return (level, frozenset()) if route.methods == ("GET",) else (frozenset(), level)
    read, write = entry.split()
    return LEVELS[read], LEVELS[write]


def permission_problems(route: Route, answer: Answer) -> list[str]:
    readers, writers = expected(route, answer.variant)
    if answer.status >= 500:
        return [f"server error: {answer}"]
    problems = []
    if answer.method == "GET" and not (route.is_api and route.methods != ("GET",)):
        if answer.role in readers and not answer.allowed:
            problems.append(f"refused a role the table allows: {answer}")
        if answer.role not in readers and not answer.refused:
            problems.append(f"served a role the table refuses: {answer}")
    else:
        if answer.role not in writers and answer.wrote:
            problems.append(f"a write by a role the table refuses changed something: {answer}")
    if answer.method == "GET" and answer.wrote and answer.role not in readers:
        problems.append(f"a refused read wrote to the log: {answer}")
    return problems


# --- Secret ballots ---------------------------------------------------------------------


def _identities(ballot: Any) -> list[str]:
    return [ballot.email, ballot.full_name]


def _tokens(ballot: Any) -> list[str]:
    return [ballot.receipt, ballot.ballot_id, ballot.ballot_id.replace("-", ""), ballot.nonce]


def leak_problems(answer: Answer, ballots: list[Any]) -> list[str]:
    """Does the answer pair a voter with their secret ballot?

    A page may name voters (who voted is not secret) and may list a closed vote's
    receipts (the published ballots). It leaks when a voter's identity and their own
    ballot's receipt, id or nonce appear together, except in a list of everyone's
    ballots and everyone's names in which the names do not sit next to their own
    ballots (a name's nearest ballot is its own for every voter: a leak).
    """
    text = answer.body.decode("utf-8", "replace")
    if not text:
        return []
    folded = text.casefold()
    groups: dict[str, list[Any]] = defaultdict(list)
    for ballot in ballots:
        groups[ballot.vote].append(ballot)
    problems = []
    for vote, members in groups.items():
        paired = []
        for ballot in members:
            who = [folded.find(i.casefold()) for i in _identities(ballot)]
            own = [folded.find(t.casefold()) for t in _tokens(ballot)]
            if max(who) >= 0 and max(own) >= 0:
                paired.append(ballot)
        if not paired:
            continue
        if len(paired) < len(members):
            # Only some voters' ballots beside their names: those are singled out.
            names = ", ".join(b.email for b in paired)
            problems.append(f"{answer} shows {vote} ballots beside their voters: {names}")
            continue
        if all(_nearest_is_own(folded, b, members) for b in members):
            problems.append(f"{answer} lists every {vote} ballot next to its voter")
    return problems


def _positions(text: str, needle: str) -> list[int]:
    found, start = [], 0
    needle = needle.casefold()
    while needle and (at := text.find(needle, start)) >= 0:
        found.append(at)
        start = at + 1
    return found


def _nearest_is_own(text: str, ballot: Any, members: list[Any]) -> bool:
    names = [p for i in _identities(ballot) for p in _positions(text, i)]
    best, best_owner = None, None
    for other in members:
        for token in _tokens(other):
            for at in _positions(text, token):
                for name in names:
                    distance = abs(at - name)
                    if best is None or distance < best:
                        best, best_owner = distance, other
    return best_owner is ballot
