"""bench/load.py's setup: the demo chapter scaled up, and what the simulated users need.

Runs inside the child process (Django set up, DATABASE_URL naming the scratch
database). The demo is loaded through its services; the extra members, their API
tokens and their sessions are written by bulk inserts (like bench/hub.py), so the
load is not spent on argon2 logins and never meets the login rate limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import secrets
import sys
from datetime import timedelta
from random import Random
from typing import Any

SEED = 13
# Where the simulated users are members (each has polls, a meeting and a proposal);
# Maple Street also has the demo's budget in its voting phase.
LOAD_INSTITUTIONS = ("maple-street-block", "grand-concourse-tenants", "riverside-north-assembly")
# Their share of the extra members; the rest is spread over the other demo institutions.
LOAD_SHARE = 0.6
VERIFIED = 0.85
LEFT = 0.02
COMMENTS = 30
COUNTED_VOTERS = 25
MARKER = "[load]"  # in every concern the load reports


def say(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


def scale(members: int, rng: Random) -> dict[str, int]:
    """Add ``members`` people, each a member of one demo institution; joined 90 days
    ago, most verified 60 days ago, a few left. Returns members added per slug."""
    from django.db import transaction
    from django.utils import timezone

    from bloc.accounts.models import User
    from bloc.institutions.models import Institution
    from bloc.membership.models import Membership

    now = timezone.now()
    institutions = list(Institution.objects.order_by("pk"))
    load = [i for i in institutions if i.slug in LOAD_INSTITUTIONS]
    others = [i for i in institutions if i.slug not in LOAD_INSTITUTIONS]
    plan: list[tuple[Any, int]] = []
    for group, share in ((load, LOAD_SHARE), (others, 1 - LOAD_SHARE)):
        for index, institution in enumerate(group):
            n = int(members * share) // len(group)
            if index < int(members * share) % len(group):
                n += 1
            plan.append((institution, n))
    plan[0] = (plan[0][0], plan[0][1] + members - sum(n for _, n in plan))
    added: dict[str, int] = {}
    done = 0
    for institution, n in plan:
        for start in range(0, n, 5_000):
            count = min(5_000, n - start)
            with transaction.atomic():
                users = User.objects.bulk_create(
                    [
                        User(email=f"load{done + k}@load.example", full_name=f"Load {done + k}",
                             password="!load")  # noqa: S106 - unusable: nobody logs in
                        for k in range(count)
                    ],
                    batch_size=5_000,
                )  # fmt: skip
                rows = []
                for user in users:
                    verified = rng.random() < VERIFIED
                    rows.append(
                        Membership(
                            institution=institution,
                            user=user,
                            verified_at=now - timedelta(days=60) if verified else None,
                            verification_method="in_person" if verified else "",
                            left_at=now - timedelta(days=5) if rng.random() < LEFT else None,
                        )
                    )
                made = Membership.objects.bulk_create(rows, batch_size=5_000)
                # joined_at is auto_now_add: dated back afterwards, so that they are on
                # the roster of the budget whose voting opened two days ago.
                Membership.objects.filter(pk__in=[m.pk for m in made]).update(
                    joined_at=now - timedelta(days=90)
                )
            done += count
        added[institution.slug] = n
    say(f"{done:,} members added over {len(plan)} institutions")
    return added


def _accounts(institution: Any, n: int) -> list[int]:
    from bloc.membership.models import Membership

    return list(
        Membership.objects.filter(
            institution=institution,
            user__email__endswith="@load.example",
            verified_at__isnull=False,
            left_at__isnull=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)[:n]
    )


def credentials(user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """An API token and a logged-in session for each user: {user id: (token, session key)}."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from bloc.accounts.models import ApiToken, User

    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + timedelta(days=1)
    store = SessionStore()
    out: dict[int, tuple[str, str]] = {}
    tokens, sessions = [], []
    for user in User.objects.filter(pk__in=user_ids).only("pk", "password"):
        token = "bloc_" + secrets.token_urlsafe(32)
        key = secrets.token_hex(16)
        tokens.append(
            ApiToken(user_id=user.pk, name="load", prefix=token[:11],
                     digest=hashlib.sha256(token.encode()).hexdigest())
        )  # fmt: skip
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        out[user.pk] = (token, key)
    ApiToken.objects.bulk_create(tokens, batch_size=2_000)
    Session.objects.bulk_create(sessions, batch_size=2_000)
    return out


def _poll(institution: Any, actor: Any, title: str, *, secret: bool, days: int = 2) -> Any:
    from django.utils import timezone

    from bloc.decisions.polls import poll_create, poll_sync

    now = timezone.now()
    poll = poll_create(
        actor=actor, institution=institution, title=title, rule="majority", secret=secret,
        opens_at=now, closes_at=now + timedelta(days=days), check_permission=False,
        announce_at_once=False,
    )  # fmt: skip
    return poll_sync(poll)  # opens it: the voters (verified members) are snapshotted now


def _counted_poll(institution: Any, voters: list[Any], rng: Random) -> Any:
    from django.utils import timezone

    from bloc.decisions import voting
    from bloc.decisions.models import Poll
    from bloc.decisions.polls import poll_sync

    poll = _poll(institution, voters[0], "Paint the hallway green?", secret=True)
    for voter in voters:
        voting.vote(actor=voter, poll=poll, data=rng.choice([0, 0, 1, 2]))
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    poll.refresh_from_db()
    return poll_sync(poll)


def _proposal(institution: Any, people: list[Any], rng: Random) -> Any:
    from bloc.decisions import proposals

    author = people[0]
    proposal = proposals.proposal_create(
        actor=author, institution=institution, title="Keep the laundry room open late",
        body="Open the laundry room until 11 pm on weekdays.\n\n* a key holder each night\n"
        "* a sign-up sheet by the door",
    )  # fmt: skip
    proposal = proposals.proposal_open_discussion(actor=author, proposal=proposal)
    for k, person in enumerate(people[1 : COMMENTS + 1]):
        proposals.comment_add(
            actor=person, proposal=proposal, stance=rng.choice(["for", "against", "question"]),
            body=f"Comment {k}: I would use it on Tuesdays; who keeps the key?",
        )  # fmt: skip
    return proposal


def _meeting(institution: Any) -> tuple[Any, str]:
    """A meeting running now, with a door code to check in with."""
    from django.utils import timezone

    from bloc.meetings.models import Meeting

    now = timezone.now()
    code = "".join(secrets.choice("ACDEFGHJKMNPQRTUVWXY34679") for _ in range(6))
    meeting = Meeting.objects.create(
        institution=institution, title="Monthly meeting (load test)",
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=3),
        place="Community room", started_at=now - timedelta(minutes=10),
        checkin_digest=hashlib.sha256(code.encode()).hexdigest(),
    )  # fmt: skip
    return meeting, code


def _budget_ballots(budget: Any, rng: Random) -> list[list[int]]:
    """Valid knapsack ballots: up to ``max_projects`` projects within the amount."""
    from bloc.budgeting import selectors

    projects = [(p.pk, p.final_cost) for p in selectors.on_ballot(budget=budget)]
    most = budget.max_projects or len(projects)
    fitting = [
        [pk for pk, _ in combo]
        for size in range(max(1, budget.min_projects or 1), most + 1)
        for combo in itertools.combinations(projects, size)
        if sum(cost for _, cost in combo) <= budget.amount
    ]
    rng.shuffle(fitting)
    return fitting[:40]


# Parts of the demo the load does not touch, three quarters of its loading time on
# PostgreSQL: skipped unless --whole-demo.
NOT_ON_THE_PATH = ("load_opinion", "load_electoral", "load_confederation")


def load_demo(*, whole: bool) -> None:
    from unittest import mock

    from bloc.demo import loader

    with contextlib.ExitStack() as stack:
        if not whole:
            for name in NOT_ON_THE_PATH:
                stack.enter_context(mock.patch.object(loader, name, lambda *a, **k: None))
        loader.load_demo()


def setup(*, members: int, accounts: int, servers: list[str], whole_demo: bool) -> dict[str, Any]:
    """Migrate, load the demo, scale it and prepare the load; returns the driver's plan."""
    from django.core.management import call_command
    from django.db.models import Count
    from django.urls import reverse

    from bloc.accounts.models import User
    from bloc.budgeting.models import Budget
    from bloc.decisions.polls import spec_of
    from bloc.demo.loader import CHAPTER_SLUG
    from bloc.institutions.models import Institution

    rng = Random(SEED)
    call_command("migrate", interactive=False, verbosity=0)
    say(
        "migrated; loading the demo chapter"
        + ("" if whole_demo else " (without " + ", ".join(NOT_ON_THE_PATH) + ")")
    )
    load_demo(whole=whole_demo)
    added = scale(members, rng)
    per = -(-accounts // len(LOAD_INSTITUTIONS))
    institutions: dict[str, Any] = {}
    account_rows: list[dict[str, Any]] = []
    all_ids: list[int] = []
    for slug in LOAD_INSTITUTIONS:
        institution = Institution.objects.get(slug=slug)
        # The load's accounts, and a few more people who write the comments and counted votes.
        ids = _accounts(institution, per + COMMENTS + COUNTED_VOTERS + 1)
        if len(ids) < per + COMMENTS + COUNTED_VOTERS + 1:
            raise SystemExit(f"{slug}: too few members for {per} accounts; raise --members")
        people = list(User.objects.filter(pk__in=ids[per:]).order_by("pk"))
        proposal = _proposal(institution, people, rng)
        counted = _counted_poll(institution, people[COMMENTS + 1 :], rng)
        plain = _poll(institution, people[0], "Plant trees along the street? (open ballot)",
                      secret=False)  # fmt: skip
        secret = _poll(institution, people[0], "Ask the landlord for a new boiler? (secret)",
                       secret=True)  # fmt: skip
        meeting, code = _meeting(institution)
        one = {"slug": slug}
        pages = {
            "home": reverse("home"),
            "institution": reverse("institutions:detail", kwargs=one),
            "proposal": reverse("institutions:proposal_detail",
                                kwargs={**one, "proposal_id": proposal.pk}),
            "ballot": reverse("institutions:poll_detail", kwargs={**one, "poll_id": plain.pk}),
            "results": reverse("institutions:poll_results",
                               kwargs={**one, "poll_id": counted.pk}),
            "meeting": reverse("institutions:meeting_detail",
                               kwargs={**one, "meeting_id": meeting.pk}),
            "hub": reverse("hub:public", kwargs={"chapter": CHAPTER_SLUG}),
        }  # fmt: skip
        entry: dict[str, Any] = {
            "members": added.get(slug, 0),
            "electorate": plain.electorate,
            "pages": pages,
            "polls": {
                "plain": {"id": plain.pk, "options": len(spec_of(plain).options)},
                "secret": {"id": secret.pk, "options": len(spec_of(secret).options)},
            },
            "vote_form": reverse("institutions:poll_vote", kwargs={**one, "poll_id": plain.pk}),
            "meeting": {"id": meeting.pk, "code": code},
            "budget": None,
        }
        budget = Budget.objects.filter(institution=institution, title="Maple Street 2027").first()
        if budget is not None:
            pages["budget"] = reverse("institutions:budget_vote",
                                      kwargs={**one, "budget_id": budget.pk})  # fmt: skip
            entry["budget"] = {
                "id": budget.pk,
                "ballots": _budget_ballots(budget, rng),
            }
        institutions[slug] = entry
        all_ids += ids[:per]
        account_rows += [{"id": pk, "slug": slug, "k": k} for k, pk in enumerate(ids[:per])]
        say(f"{slug}: {added.get(slug, 0):,} members added, {plain.electorate:,} voters, "
            f"{per} accounts for the load")  # fmt: skip
    creds = credentials(all_ids)
    for row in account_rows:
        row["token"], row["session"] = creds[row["id"]]
    # Interleave the institutions, so that every simulated user gets accounts of each.
    account_rows.sort(key=lambda row: (row["k"], row["slug"]))
    for row in account_rows:
        del row["k"]
    total = Institution.objects.aggregate(n=Count("memberships"))["n"]
    say(f"{len(account_rows):,} accounts with a token and a session; {total:,} memberships")
    return {
        "servers": servers,
        "institutions": institutions,
        "accounts": account_rows,
        "memberships": total,
    }
