"""Helpers for the growth, calendar and public-page tests of the hub: institutions
with public or private records, members with a crafted history, one item of every
kind of calendar item."""

from __future__ import annotations

import datetime
from typing import Any

from bloc.actors import SYSTEM
from bloc.core.bylaws import BylawsSettings
from bloc.institutions.models import ChapterOrganizer, Institution
from bloc.institutions.services import institution_create
from bloc.membership.models import Membership
from tests.conftest import make_person

UTC = datetime.UTC


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def institution(chapter: Any, slug: str, *, kind: str = "block_association",
                public: bool = False, created: datetime.datetime | None = None) -> Institution:  # fmt: skip
    made = institution_create(
        actor=SYSTEM,
        chapter=chapter,
        name=f"{slug.title()} Institution",
        slug=slug,
        kind=kind,
        rules=BylawsSettings(public_records=public),
    )
    if created is not None:
        Institution.objects.filter(pk=made.pk).update(created_at=created)
        made.refresh_from_db()
    return made


_people = iter(range(1, 10**6))


def person(prefix: str = "resident") -> Any:
    n = next(_people)
    return make_person(f"{prefix}{n}@example.org", f"{prefix.title()} {n}")


def membership(inst: Institution, user: Any, *, joined: datetime.datetime,
               verified: datetime.datetime | None = None,
               left: datetime.datetime | None = None) -> Membership:  # fmt: skip
    m = Membership.objects.create(institution=inst, user=user)
    Membership.objects.filter(pk=m.pk).update(joined_at=joined, verified_at=verified, left_at=left)
    return m


def organizer(chapter: Any) -> Any:
    user = person("organizer")
    ChapterOrganizer.objects.create(chapter=chapter, user=user)
    return user


def every_kind(inst: Institution, *, day: datetime.datetime, council: Any = None) -> dict[str, Any]:
    """One item of every kind of calendar item of ``inst`` (and the chapter), all on
    ``day`` (aware, at noon or so): {kind: the row}."""
    from bloc.budgeting.models import Budget
    from bloc.confederation.models import Council, Question
    from bloc.decisions.models import Poll
    from bloc.electoral.models import Cycle
    from bloc.events.models import Event, Shift
    from bloc.listening.models import Survey
    from bloc.meetings.models import Meeting

    hour = datetime.timedelta(hours=1)
    chapter = inst.chapter
    author = person("author")
    event = Event.objects.create(institution=inst, title=f"Picnic of {inst.slug}",
                                 starts_at=day, ends_at=day + 3 * hour, place="The park")  # fmt: skip
    if council is None:
        council = Council.objects.filter(chapter=chapter).first() or Council.objects.create(
            chapter=chapter, name="Riverside Council", slug=f"council-{chapter.slug}"
        )
    rows = {
        "meeting": Meeting.objects.create(
            institution=inst,
            title=f"Meeting of {inst.slug}",
            starts_at=day,
            ends_at=day + 2 * hour,
            place="Library",
        ),  # fmt: skip
        "poll": Poll.objects.create(
            institution=inst,
            title=f"Paint the fence of {inst.slug}?",
            rule="majority",
            opens_at=day - 48 * hour,
            closes_at=day + hour,
        ),  # fmt: skip
        "event": event,
        "shift": Shift.objects.create(
            event=event, title="Set up tables", starts_at=day, ends_at=day + hour, capacity=2
        ),  # fmt: skip
        "budget": Budget.objects.create(
            institution=inst,
            title=f"Budget of {inst.slug}",
            source="dues",
            amount=1000,
            ideas_open=day - 30 * 24 * hour,
            review_from=day - 20 * 24 * hour,
            voting_opens=day,
            voting_closes=day + 7 * 24 * hour,
            implementation_from=day + 30 * 24 * hour,
        ),  # fmt: skip
        "survey": Survey.objects.create(
            institution=inst,
            title=f"Needs of {inst.slug}",
            created_by=author,
            closes_at=day + 2 * hour,
        ),  # fmt: skip
        "election": Cycle.objects.create(
            chapter=chapter, title="City elections", election_date=day.date(), council=council
        ),  # fmt: skip
        "council": Question.objects.create(
            council=council,
            title="Join the city council?",
            state="mandating",
            mandates_close_at=day + 3 * hour,
        ),  # fmt: skip
    }
    return rows
