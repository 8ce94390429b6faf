"""Benchmark the hub: its pages on a chapter of 5,000 institutions and 500,000 members.

    python bench/hub.py [--small] [--repeat 3] [--pg URL] [--no-sqlite]

The chapter (seed 0), written by bulk inserts (not through the services):

* 5,000 institutions of every kind, each a small square on a grid over a city (so
  every one is on the map), created over the past two years; 250 level-1 councils,
  25 level-2 and one root, with seats;
* 500,000 people, each a member of one institution (sizes log-normal, 4 to about
  1,400), joined over the past year, 70 % verified, 3 % left; 40 % described
  themselves (tenure, age band, home language; a fifth also answered the chapter's
  own question); 30 % of the institutions entered census figures;
* a year of activity: 12 meetings per institution (the last one up to four months
  ago, so some are overdue), each attended by about 6 % of the members, with 3
  speakers; 4 polls per institution (one in eight lapsed for want of quorum), each
  voted in by about 20 % of the members; 4 proposals; 3 concerns (some old and
  unresolved); 2 role terms (some past their end); an upcoming event.

``--small`` is 200 institutions and 20,000 members.

Rows of the table, per database (each in a child process, Django set up once): the
time to write the rows; ``bloc hub refresh`` (``services.refresh``, which the pages
then read); and each hub page and API read as a chapter organizer with Django's test
client: the median of ``--repeat`` reads and the number of queries (target: under 1 s
each, and a number of queries that does not grow with the chapter, which
tests/hub asserts).

SQLite runs in a throwaway file. PostgreSQL runs when ``--pg URL`` (or BLOC_BENCH_PG)
names a server: the script creates a scratch database there (the role needs CREATEDB;
.ci/postgres.sh starts a suitable server) and drops it afterwards.
"""

from __future__ import annotations

import json
import logging
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from random import Random
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from dbrun import arguments, postgres_run, sqlite_run  # noqa: E402  (bench/, beside this script)

SEED = 0
KINDS = (
    ("block_association", 30),
    ("tenants_union", 25),
    ("building_meeting", 20),
    ("hoa", 8),
    ("neighborhood_club", 7),
    ("assembly", 8),
    ("town_hall", 2),
)
TENURES = ("renter", "owner", "other")
AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
LANGUAGES = ("en", "es", "zh", "ht", "ru", "other")


@dataclass(frozen=True)
class Shape:
    institutions: int
    members: int
    councils: tuple[int, ...]


FULL = Shape(5_000, 500_000, (250, 25, 1))
SMALL = Shape(200, 20_000, (10, 2, 1))


def sizes(shape: Shape, rng: Random) -> list[int]:
    """Members per institution: log-normal, at least 4, summing to ``shape.members``."""
    raw = [math.exp(rng.gauss(0, 1.1)) for _ in range(shape.institutions)]
    scale = (shape.members - 4 * shape.institutions) / sum(raw)
    out = [4 + int(r * scale) for r in raw]
    out[0] += shape.members - sum(out)
    return out


def say(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


def median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _square(i: int, side: int) -> dict[str, Any]:
    row, col = divmod(i, side)
    lon, lat, d = -74.02 + col * 0.0021, 40.64 + row * 0.0016, 0.0018
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d * 0.8], [lon, lat + d * 0.8]]
    ring = [[round(x, 6), round(y, 6)] for x, y in ring]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def write_rows(shape: Shape) -> dict[str, Any]:  # noqa: PLR0915 - one long, plain script
    from django.db import transaction
    from django.utils import timezone

    from bloc.accounts.models import User
    from bloc.concerns.models import Concern
    from bloc.confederation.models import Council, Seat
    from bloc.decisions.models import Participation, Poll, Proposal
    from bloc.events.models import Event
    from bloc.hub.models import DescriptionCategory, PopulationFigure, SelfDescription
    from bloc.institutions.models import Chapter, ChapterOrganizer, Institution
    from bloc.meetings.models import Attendance, Meeting, QueueEntry
    from bloc.membership.models import Membership, RoleTerm

    rng = Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    chapter = Chapter.objects.create(name="Bench", slug="bench", city="Bench")
    organizer = User.objects.create(
        email="organizer@bench.example",
        full_name="Organizer",
        password="!bench",  # noqa: S106
    )
    ChapterOrganizer.objects.create(chapter=chapter, user=organizer)
    category = DescriptionCategory.objects.create(
        chapter=chapter, name="Children at home?", options=["Yes", "No", "Rather not say"]
    )
    side = math.ceil(math.sqrt(shape.institutions))
    kinds = [k for k, w in KINDS for _ in range(w)]
    institutions = Institution.objects.bulk_create(
        [
            Institution(chapter=chapter, name=f"Institution {i}", slug=f"inst-{i}",
                        kind=rng.choice(kinds), boundary=_square(i, side))
            for i in range(shape.institutions)
        ],
        batch_size=1_000,
    )  # fmt: skip
    ids = [i.pk for i in institutions]
    # Created over the past two years, oldest first (auto_now_add: set afterwards).
    for week in range(104):
        lo, hi = ids[0] + len(ids) * week // 104, ids[0] + len(ids) * (week + 1) // 104
        Institution.objects.filter(pk__gte=lo, pk__lt=hi).update(
            created_at=now - timedelta(weeks=104 - week)
        )
    say(f"{len(ids):,} institutions")

    council_ids: list[list[int]] = []
    for level, n in enumerate(shape.councils, 1):
        made = Council.objects.bulk_create(
            Council(chapter=chapter, name=f"Council {level}-{k}", slug=f"bench-{level}-{k}",
                    level=level, rule="assemblies", quorum_percent=50)
            for k in range(n)
        )  # fmt: skip
        council_ids.append([c.pk for c in made])
    seats = [Seat(council_id=council_ids[0][a % shape.councils[0]], institution_id=pk, level=1,
                  joined_at=now) for a, pk in enumerate(ids)]  # fmt: skip
    for level in range(1, len(shape.councils)):
        seats += [Seat(council_id=council_ids[level][k % shape.councils[level]],
                       member_council_id=pk, level=level + 1, joined_at=now)
                  for k, pk in enumerate(council_ids[level - 1])]  # fmt: skip
    Seat.objects.bulk_create(seats, batch_size=2_000)

    member_sizes = sizes(shape, rng)
    members: list[list[int]] = []  # user ids per institution
    membership_ids: list[list[int]] = []
    done = 0
    first_membership: int | None = None
    for start in range(0, len(ids), 200):
        block = range(start, min(start + 200, len(ids)))
        count = sum(member_sizes[a] for a in block)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [User(email=f"m{done + n}@bench.example", full_name=f"Member {done + n}",
                      password="!bench") for n in range(count)],  # noqa: S106
                batch_size=5_000,
            )  # fmt: skip
            rows, users_iter = [], iter(users)
            for a in block:
                mine = [next(users_iter).pk for _ in range(member_sizes[a])]
                members.append(mine)
                for user_id in mine:
                    verified = rng.random() < 0.7
                    left = rng.random() < 0.03
                    rows.append(Membership(
                        institution_id=ids[a], user_id=user_id,
                        verified_at=now - timedelta(days=rng.randrange(0, 330)) if verified
                        else None,
                        verification_method="in_person" if verified else "",
                        left_at=now - timedelta(days=rng.randrange(0, 60)) if left else None,
                    ))  # fmt: skip
            made_rows = Membership.objects.bulk_create(rows, batch_size=5_000)
            ptr = 0
            for a in block:
                membership_ids.append([m.pk for m in made_rows[ptr : ptr + member_sizes[a]]])
                ptr += member_sizes[a]
            if first_membership is None:
                first_membership = made_rows[0].pk
            descriptions = [
                SelfDescription(
                    user_id=u.pk, tenure=rng.choice(TENURES), age_band=rng.choice(AGES),
                    language=rng.choice(LANGUAGES),
                    answers={str(category.pk): rng.randrange(3)} if rng.random() < 0.2 else {},
                )
                for u in users if rng.random() < 0.4
            ]  # fmt: skip
            SelfDescription.objects.bulk_create(descriptions, batch_size=5_000)
        done += count
        say(f"{done:,} people")
    # Joined over the past year: contiguous ranges of memberships by week.
    last = Membership.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first = first_membership or 0
    for week in range(52):
        lo = first + (last - first + 1) * week // 52
        hi = first + (last - first + 1) * (week + 1) // 52
        Membership.objects.filter(pk__gte=lo, pk__lt=hi).update(
            joined_at=now - timedelta(weeks=52 - week)
        )
    figures = []
    for a, pk in enumerate(ids):
        if rng.random() >= 0.3:
            continue
        size = member_sizes[a] * rng.randint(2, 4)
        for dimension, groups in (("tenure", TENURES), ("age_band", AGES),
                                  ("language", LANGUAGES)):  # fmt: skip
            weights = [rng.random() + 0.2 for _ in groups]
            for group, w in zip(groups, weights, strict=True):
                figures.append(PopulationFigure(institution_id=pk, dimension=dimension,
                                                group=group,
                                                residents=int(size * w / sum(weights)),
                                                source="Census 2020"))  # fmt: skip
    PopulationFigure.objects.bulk_create(figures, batch_size=5_000)
    say("memberships, self-descriptions and census figures")

    meetings, polls, attendance, queue, votes = [], [], [], [], []
    for a, pk in enumerate(ids):
        gap = rng.randint(20, 40)
        last_ago = rng.choice([3, 10, 20, 40, 120])
        for m in range(12):
            starts = now - timedelta(days=last_ago + m * gap)
            meetings.append(Meeting(institution_id=pk, title=f"Meeting {m}", starts_at=starts,
                                    ends_at=starts + timedelta(hours=2), started_at=starts,
                                    ended_at=starts + timedelta(hours=2)))  # fmt: skip
        for p in range(4):
            closes = now - timedelta(days=rng.randint(1, 360))
            lapsed = rng.random() < 0.125
            polls.append(Poll(institution_id=pk, title=f"Poll {p}", rule="majority",
                              opens_at=closes - timedelta(days=7), closes_at=closes,
                              opened_at=closes - timedelta(days=7), closed_at=closes,
                              electorate=member_sizes[a],
                              outcome="no_quorum" if lapsed else "adopted",
                              result={"motion": {"quorum_present": not lapsed}}))  # fmt: skip
    with transaction.atomic():
        meetings = Meeting.objects.bulk_create(meetings, batch_size=5_000)
        polls = Poll.objects.bulk_create(polls, batch_size=5_000)
    for a in range(len(ids)):
        people = members[a]
        for meeting in meetings[a * 12 : a * 12 + 12]:
            came = rng.sample(people, max(1, len(people) * 6 // 100))
            attendance += [Attendance(meeting_id=meeting.pk, user_id=u, mode="in_room",
                                      by="facilitator") for u in came]  # fmt: skip
            queue += [QueueEntry(meeting_id=meeting.pk, user_id=u, joined=n + 1,
                                 called_at=meeting.starts_at + timedelta(minutes=10 * n),
                                 finished_at=meeting.starts_at + timedelta(minutes=10 * n + 3))
                      for n, u in enumerate(came[:3])]  # fmt: skip
        for poll in polls[a * 4 : a * 4 + 4]:
            voted = rng.sample(people, max(1, len(people) // 5))
            votes += [Participation(poll_id=poll.pk, user_id=u, channel="online")
                      for u in voted]  # fmt: skip
        if len(attendance) > 100_000 or a == len(ids) - 1:
            with transaction.atomic():
                Attendance.objects.bulk_create(attendance, batch_size=5_000)
                QueueEntry.objects.bulk_create(queue, batch_size=5_000)
                Participation.objects.bulk_create(votes, batch_size=5_000)
            say(f"activity of {a + 1:,} institutions")
            attendance, queue, votes = [], [], []

    proposals, concerns, terms, events = [], [], [], []
    for a, pk in enumerate(ids):
        people = members[a]
        for p in range(4):
            proposals.append(Proposal(institution_id=pk, title=f"Proposal {p}", body="Bench.",
                                      author_id=rng.choice(people), rule="majority",
                                      state="adopted" if p < 2 else "discussion"))  # fmt: skip
        for c in range(3):
            concerns.append(Concern(institution_id=pk, category="infrastructure", place=f"No. {c}",
                                    description="Bench.",
                                    state=rng.choice(["reported", "in_progress", "resolved"])))  # fmt: skip
        for role in ("facilitator", "secretary"):
            starts = today - timedelta(days=rng.randint(200, 500))
            terms.append(RoleTerm(membership_id=rng.choice(membership_ids[a]), role=role,
                                  starts_on=starts, ends_on=starts + timedelta(days=365)))  # fmt: skip
        starts = now + timedelta(days=rng.randint(1, 60))
        events.append(Event(institution_id=pk, title="Block party", starts_at=starts,
                            ends_at=starts + timedelta(hours=3), place="The street"))  # fmt: skip
    with transaction.atomic():
        Proposal.objects.bulk_create(proposals, batch_size=5_000)
        made_concerns = Concern.objects.bulk_create(concerns, batch_size=5_000)
        RoleTerm.objects.bulk_create(terms, batch_size=5_000)
        Event.objects.bulk_create(events, batch_size=5_000)
    # Proposals and concerns spread over the year (auto_now_add: set afterwards).
    for model, rows in ((Proposal, proposals), (Concern, made_concerns)):
        first_pk = min(r.pk for r in rows)
        n = len(rows)
        for month in range(12):
            lo, hi = first_pk + n * month // 12, first_pk + n * (month + 1) // 12
            model.objects.filter(pk__gte=lo, pk__lt=hi).update(
                created_at=now - timedelta(days=30 * (12 - month))
            )
    say("proposals, concerns, roles, events")
    return {"chapter": chapter.slug, "institution": "inst-1", "organizer": organizer.pk}


PAGES = (
    ("public page", "/hub/{chapter}/"),
    ("map, by members", "/hub/{chapter}/map/"),
    ("map, by health", "/hub/{chapter}/map/?measure=health"),
    ("who needs help", "/hub/{chapter}/help/"),
    ("growth", "/hub/{chapter}/growth/"),
    ("equity", "/hub/{chapter}/equity/"),
    ("equity, one institution", "/hub/{chapter}/equity/{institution}/"),
    ("calendar", "/hub/{chapter}/calendar/"),
    ("calendar.ics", "/hub/{chapter}/calendar.ics"),
    ("API map (GeoJSON)", "/api/v1/hub/{chapter}/map?measure=health"),
    ("API health", "/api/v1/hub/{chapter}/health"),
)


def child(shape: Shape, repeat: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bloc.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from bloc.accounts.models import User
    from bloc.actors import SYSTEM
    from bloc.hub import services
    from bloc.institutions.models import Chapter

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a 404 shows in the table
    out: dict[str, Any] = {"vendor": connection.vendor}
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    ids = write_rows(shape)
    out["write"] = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say("rows written; refreshing the figures")
    chapter = Chapter.objects.get(slug=ids["chapter"])
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        services.refresh(SYSTEM, chapter=chapter)
    out["refresh"] = time.perf_counter() - start
    out["refresh_queries"] = len(queries)
    say(f"refreshed in {out['refresh']:.1f} s; timing the pages")

    client = Client()
    client.force_login(User.objects.get(pk=ids["organizer"]))
    out["pages"] = []
    for label, pattern in PAGES:
        path = pattern.format(**ids)

        def get(path: str = path) -> tuple[int, int]:
            response = client.get(path)
            return response.status_code, len(response.content)

        get()  # warm
        seconds, (status, size) = median_time(get, repeat)
        with CaptureQueriesContext(connection) as queries:
            get()
        out["pages"].append({"label": label, "path": path, "seconds": seconds,
                             "status": status, "bytes": size, "queries": len(queries)})  # fmt: skip
    return out


def main() -> None:
    args = arguments(
        __doc__,
        small="200 institutions, 20,000 members",
        repeat=3,
        repeat_help="reads per page (the median)",
    )
    shape = SMALL if args.small else FULL
    if args.child:
        print("RESULT " + json.dumps(child(shape, args.repeat)), flush=True)
        return

    child_args = args.child_args
    runs: list[tuple[str, dict[str, Any] | None]] = []
    if not args.no_sqlite:
        runs.append(("sqlite", sqlite_run(__file__, "hub", child_args)))
    if args.pg:
        runs.append(("postgresql", postgres_run(__file__, "hub", args.pg, child_args)))
    print(f"Chapter (seed {SEED}): {shape.institutions:,} institutions, "
          f"{shape.members:,} members, a year of activity")  # fmt: skip
    print(f"\n{'what':<28}{'database':<12}{'seconds':>9}{'queries':>9}{'KB':>8}  target")
    for label, out in runs:
        if out is None:
            print(f"{'(failed: see above)':<28}{label:<12}")
            continue
        print(f"{'write the rows (bulk)':<28}{label:<12}{out['write']:>9.1f}{'-':>9}{'-':>8}")
        print(f"{'bloc hub refresh':<28}{label:<12}{out['refresh']:>9.1f}"
              f"{out['refresh_queries']:>9}{'-':>8}")  # fmt: skip
        for page in out["pages"]:
            note = "< 1 s" + ("" if page["status"] == 200 else f"  (HTTP {page['status']})")
            print(f"{page['label']:<28}{label:<12}{page['seconds']:>9.3f}{page['queries']:>9}"
                  f"{page['bytes'] / 1024:>8.0f}  {note}")  # fmt: skip
    print(f"\nPages: the median of {args.repeat} reads as a chapter organizer "
          "(KB: the HTML or JSON, uncompressed).")  # fmt: skip


if __name__ == "__main__":
    main()
