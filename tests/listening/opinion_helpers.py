"""Shared by the opinion tests: a conversation and a synthetic one with two camps."""

from __future__ import annotations

from typing import Any

from tests.conftest import make_person, member

SEEDS = [
    "The park should stay open at night.",
    "We need more streetlights on Maple Street.",
    "Rents rose too much this year.",
    "The block party should be in June.",
    "Cars drive too fast on our street.",
    "The laundry room needs repairs.",
    "Bike racks would help.",
    "Recycling pickup works well.",
]


def conversation(maple: Any, fiona: Any, seeds: list[str] | None = None) -> Any:
    from bloc.listening.opinions import conversation_open

    return conversation_open(
        actor=fiona,
        institution=maple,
        topic="What should the block work on this year?",
        seeds=SEEDS if seeds is None else seeds,
    )


def verified(maple: Any, n: int, prefix: str = "voter") -> list[Any]:
    people = []
    for i in range(n):
        person = make_person(
            f"{prefix}{i}@example.org", f"Voter {prefix} {i}", address="114 Maple Street"
        )
        member(maple, person, verified=True)
        people.append(person)
    return people


def two_camps(
    maple: Any, fiona: Any, per_camp: int = 10, prefix: str = ""
) -> tuple[Any, list[Any], list[Any]]:
    """Camp A agrees with the first half of the seeds and disagrees with the rest; camp
    B the other way round; everybody agrees with the last (consensus)."""
    from bloc.listening.models import StatementVote

    talk = conversation(maple, fiona)
    statements = list(talk.statements.order_by("pk"))
    a = verified(maple, per_camp, prefix + "a")
    b = verified(maple, per_camp, prefix + "b")
    half = len(statements) // 2
    rows = []
    for camp, sign in ((a, 1), (b, -1)):
        for i, person in enumerate(camp):
            for j, statement in enumerate(statements):
                if j == len(statements) - 1:
                    vote = 1
                elif j == i % (len(statements) - 1):
                    vote = 0  # each one passes once: not all the same point
                else:
                    vote = sign if j < half else -sign
                rows.append(StatementVote(statement=statement, participant=person, vote=vote))
    StatementVote.objects.bulk_create(rows)
    return talk, a, b
