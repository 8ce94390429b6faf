"""Shared setup of the equity tests: people who describe themselves and take part."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.decisions.models import Participation, Poll
from bloc.hub.models import SelfDescription
from bloc.institutions.models import Chapter, ChapterOrganizer, Institution
from bloc.institutions.services import institution_create
from bloc.meetings.models import Attendance, Meeting
from bloc.membership.models import Membership
from tests.conftest import make_person

_people = iter(range(1, 1_000_000))


def organizer_of(chapter: Chapter, email: str = "oscar@example.org") -> Any:
    person = make_person(email, "Oscar Organizer")
    ChapterOrganizer.objects.create(chapter=chapter, user=person)
    return person


def institutions(chapter: Chapter, n: int, *, start: int = 0) -> list[Institution]:
    return [
        institution_create(
            actor=SYSTEM,
            chapter=chapter,
            name=f"Elm Court {i:03d}",
            slug=f"elm-{i:03d}",
            kind="tenants_union",
        )
        for i in range(start, start + n)
    ]


def people(institution: Institution, n: int, **description: Any) -> list[Any]:
    """``n`` current members of ``institution``; with ``description`` (tenure=...,
    answers=...) each has said that about themselves."""
    made = []
    for _i in range(n):
        k = next(_people)
        person = make_person(f"person{k}@example.org", f"Person {k}")
        Membership.objects.create(institution=institution, user=person)
        if description:
            SelfDescription.objects.create(user=person, **description)
        made.append(person)
    return made


def voted(institution: Institution, users: list[Any], *, days_ago: int = 10) -> Poll:
    """``users`` voted in a poll of ``institution`` that closed ``days_ago`` days ago."""
    closes = timezone.now() - datetime.timedelta(days=days_ago)
    poll = Poll.objects.create(
        institution=institution,
        title="Paint the hallway?",
        rule="majority",
        opens_at=closes - datetime.timedelta(days=7),
        closes_at=closes,
    )
    Participation.objects.bulk_create(
        [Participation(poll=poll, user=u, channel="online") for u in users]
    )
    return poll


def attended(institution: Institution, users: list[Any], *, days_ago: int = 20) -> Meeting:
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = Meeting.objects.create(
        institution=institution,
        title="General meeting",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user=u, mode="in_room", by="facilitator") for u in users]
    )
    return meeting


def refresh(chapter: Chapter) -> None:
    from bloc.hub.services import refresh as hub_refresh

    hub_refresh(SYSTEM, chapter=chapter)


def walk_counts(data: Any) -> list[tuple[str, int]]:
    """Every (key, number) under the keys that count people, anywhere in ``data``."""
    found: list[tuple[str, int]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("participants", "residents", "not_described") and isinstance(value, int):
                found.append((key, value))
            found.extend(walk_counts(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(walk_counts(value))
    return found
