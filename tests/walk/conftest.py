"""The world the permission walk visits: the demo chapter plus known secret ballots.

Loading the demo takes a while, so it is built once per test process: inside a
transaction that is rolled back, after its rows are copied out. Each test module
then puts the rows back inside its own transaction (rolled back when the module
ends), and each test runs inside a savepoint of it, so whatever a walk writes is
gone for the next test and nothing is left for other test files.
"""

from __future__ import annotations

import itertools
import os
import pickle
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from tests.conftest import make_person

A_SLUG = "maple-street-block"  # institution A of the walk
ROLES = ("anonymous", "resident", "outsider", "member", "facilitator", "organizer")
VOTERS = 8  # known ballots per secret vote: enough that no order pairs them by chance


@dataclass
class Ballot:
    """One known secret ballot: who cast it, and what identifies it once stored."""

    vote: str  # which secret vote, e.g. "poll-closed"
    user_id: int
    email: str
    full_name: str
    receipt: str
    ballot_id: str
    nonce: str


@dataclass
class World:
    ids: dict[str, Any] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)  # role -> user id
    ballots: list[Ballot] = field(default_factory=list)


class _Stop(Exception):
    pass


def _tables() -> list[str]:
    seen: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and not model._meta.proxy and table not in seen:
            seen.append(table)
    return seen


def _rows(table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        columns = [c[0] for c in cursor.description]
        return columns, list(cursor.fetchall())


def _freeze(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(repr(v) if isinstance(v, dict | list) else v for v in row)


def _adapt(value: Any) -> Any:
    if connection.vendor == "postgresql" and isinstance(value, dict | list):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _insert(snapshot: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, (columns, rows) in snapshot.items():
            if not rows:
                continue
            # A row the world changed (the audit log's head): replaced, not added.
            key = quote(columns[0])
            cursor.execute(f"SELECT {key} FROM {quote(table)}")  # noqa: S608
            present = {r[0] for r in cursor.fetchall()}
            changed = [r for r in rows if r[0] in present]
            rows = [r for r in rows if r[0] not in present]
            for row in changed:
                sets = ", ".join(f"{quote(c)} = %s" for c in columns[1:])
                cursor.execute(
                    f"UPDATE {quote(table)} SET {sets} WHERE {key} = %s",  # noqa: S608
                    [*(_adapt(v) for v in row[1:]), row[0]],
                )
            if not rows:
                continue
            sql = (
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            cursor.executemany(sql, [tuple(_adapt(v) for v in row) for row in rows])


def _cast_secret_polls(world: World, maple: Any, facilitator: Any, voters: list[Any]) -> None:
    from django.utils import timezone

    from bloc.decisions import voting
    from bloc.decisions.models import Poll, SecretBallot
    from bloc.decisions.polls import poll_create, poll_sync

    rankings = list(itertools.permutations(range(4)))
    for name in ("poll-closed", "poll-open"):
        now = timezone.now()
        poll = poll_create(
            actor=facilitator,
            institution=maple,
            title=f"Walk: which colour for the benches ({name})?",
            rule="irv",
            options=["Green", "Blue", "Red", "Grey"],
            opens_at=now,
            closes_at=now + timedelta(days=3),
        )
        for index, voter in enumerate(voters):
            order = rankings[index * 3]
            cast = voting.vote(actor=voter, poll=poll, data={o: r for r, o in enumerate(order, 1)})
            stored = SecretBallot.objects.get(receipt=cast.receipt)
            world.ballots.append(
                Ballot(
                    name, voter.pk, voter.email, voter.full_name, cast.receipt,
                    str(stored.pk), stored.nonce,
                )
            )  # fmt: skip
        if name == "poll-closed":
            Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
            poll.refresh_from_db()
            poll_sync(poll)
        world.ids[name] = poll.pk
    roll_call = poll_create(
        actor=facilitator,
        institution=maple,
        title="Walk: a roll-call vote",
        rule="majority",
        secret=False,
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=3),
    )
    world.ids["poll-roll-call"] = roll_call.pk


def _cast_budget(world: World, maple: Any) -> None:
    from bloc.budgeting import services as budget_services
    from bloc.budgeting.models import Budget, BudgetBallot
    from bloc.budgeting.selectors import phase
    from bloc.core.errors import Conflict, PermissionDenied
    from bloc.membership.models import Membership

    live = next(b for b in Budget.objects.filter(institution=maple) if phase(b) == "voting")
    world.ids["budget-open"] = live.pk
    projects = list(live.projects.filter(merged_into__isnull=True).order_by("pk"))
    cheap = sorted(projects, key=lambda p: p.cost or p.estimated_cost or 0)
    cast = 0
    for membership in Membership.objects.filter(institution=maple, left_at__isnull=True).order_by(
        "user__email"
    ):
        if cast == VOTERS:
            break
        voter = membership.user
        choice = [cheap[cast % 2].pk] if cast % 2 else [cheap[0].pk, cheap[1].pk]
        try:
            receipt = budget_services.vote(actor=voter, budget=live, data=choice).receipt
        except (Conflict, PermissionDenied):  # not eligible or already voted: the next
            continue
        stored = BudgetBallot.objects.get(receipt=receipt)
        world.ballots.append(
            Ballot(
                "budget-open", voter.pk, voter.email, voter.full_name, receipt,
                str(stored.pk), stored.nonce,
            )
        )  # fmt: skip
        cast += 1
    assert cast >= 4, "the demo's open budget should let Maple Street's members vote"


def _add_deliberation(maple: Any, login: dict[str, Any]) -> None:
    """A proposal in discussion with a comment, an amendment and a task; a recall petition."""
    from django.utils import timezone

    from bloc.decisions import proposals
    from bloc.decisions.models import Task
    from bloc.membership import roles
    from bloc.membership.models import RoleTerm

    member, facilitator = login["resident"], login["facilitator"]
    proposal = proposals.proposal_create(
        actor=member, institution=maple, title="Walk: a mural on the corner wall",
        body="Paint the corner wall with a mural by local children.",
    )  # fmt: skip
    proposal = proposals.proposal_open_discussion(actor=member, proposal=proposal)
    proposals.comment_add(actor=facilitator, proposal=proposal, stance="for", body="Lovely idea.")
    proposals.amendment_propose(
        actor=facilitator, proposal=proposal, passage="local children", replacement="neighbours"
    )
    # (tasks belong to adopted proposals; one is written directly, for its pages)
    Task.objects.create(
        proposal=proposal, title="Ask the owner of the wall", owner=member,
        due_on=timezone.localdate() + timedelta(days=14),
    )  # fmt: skip
    term = RoleTerm.objects.filter(
        membership__institution=maple, role="treasurer", ended_on__isnull=True
    ).first()
    roles.recall_open(actor=member, term=term, reason="Walk: the accounts are late.")


def _build() -> World:
    from bloc.accounts.models import User
    from bloc.demo.loader import load_demo
    from bloc.institutions.models import Institution
    from bloc.membership.models import Membership

    load_demo()
    world = World()
    maple = Institution.objects.get(slug=A_SLUG)
    login = {
        u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.bloc.example")
    }
    maple_members = set(
        Membership.objects.filter(institution=maple, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    # A verified member of another institution, who is not in A.
    outsider = (
        Membership.objects.filter(verified_at__isnull=False, left_at__isnull=True)
        .exclude(institution=maple)
        .exclude(user_id__in=maple_members)
        .exclude(user__email__endswith="@demo.bloc.example")
        .order_by("user__email")
        .select_related("user", "institution")
        .first()
    )
    resident = make_person(
        "walk.resident@example.org", "Wanda Walkresident", address="1 Nowhere Rd"
    )
    world.users = {
        "resident": resident.pk,
        "outsider": outsider.user_id,
        "member": login["resident"].pk,
        "facilitator": login["facilitator"].pk,
        "organizer": login["organizer"].pk,
        "superuser": login["admin"].pk,
    }
    world.ids["A"] = A_SLUG
    world.ids["B"] = outsider.institution.slug
    voters = [
        m.user
        for m in Membership.objects.filter(
            institution=maple, verified_at__isnull=False, left_at__isnull=True
        )
        .exclude(user__email__endswith="@demo.bloc.example")
        .select_related("user")
        .order_by("user__email")[:VOTERS]
    ]
    from bloc.accounts.services import api_token_create

    api_token_create(actor=login["resident"], name="walk")
    _add_deliberation(maple, login)
    from django.contrib.auth.models import Group

    Group.objects.create(name="Walkers")
    _cast_secret_polls(world, maple, login["facilitator"], voters)
    _cast_budget(world, maple)
    return world


@pytest.fixture(scope="session")
def _walk_snapshot(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """(rows of every table the world added, the world) — built once per process."""
    cache = os.environ.get("BLOC_WALK_DEV_CACHE")  # while writing the walk only
    if cache and os.path.exists(cache):
        with open(cache, "rb") as handle:
            return pickle.load(handle)  # noqa: S301
    with django_db_blocker.unblock():
        before = {table: {_freeze(r) for r in _rows(table)[1]} for table in _tables()}
        snapshot: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        try:
            with transaction.atomic():
                world = _build()
                for table in _tables():
                    columns, rows = _rows(table)
                    new = [r for r in rows if _freeze(r) not in before[table]]
                    snapshot[table] = (columns, sorted(new, key=lambda r: repr(r[0]).zfill(40)))
                raise _Stop
        except _Stop:
            pass
    if cache:
        with open(cache, "wb") as handle:
            pickle.dump((snapshot, world), handle)
    return snapshot, world


@pytest.fixture(scope="module")
def world(_walk_snapshot, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world, in the database for this module's tests (each test in a savepoint)."""
    snapshot, built = _walk_snapshot
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _insert(snapshot)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def client_for(world: World, role: str) -> Client:
    from bloc.accounts.models import User

    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(User.objects.get(pk=world.users[role]))
    return client
