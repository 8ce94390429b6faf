"""Fixtures for events: Maple Street with members, an event coming up and its shifts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import make_person, member


def members(institution, count, *, prefix="neighbor"):  # type: ignore[no-untyped-def]
    people = []
    for n in range(count):
        person = make_person(
            f"{prefix}{n}@example.org", f"{prefix.title()} {n}", address="114 Maple Street"
        )
        member(institution, person)
        people.append(person)
    return people


def make_event(institution, actor, *, days=3, **kwargs):  # type: ignore[no-untyped-def]
    """An event starting ``days`` from now at the top of the hour, lasting four hours."""
    from bloc.events.services import event_create

    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=days
    )
    kwargs.setdefault("title", "Street-cleaning day")
    kwargs.setdefault("place", "Maple Street")
    return event_create(
        actor=actor,
        institution=institution,
        starts_at=kwargs.pop("starts_at", start),
        ends_at=kwargs.pop("ends_at", start + datetime.timedelta(hours=4)),
        **kwargs,
    )


def make_shift(event, actor, *, capacity=2, title="Sweep", hours=(0, 2)):  # type: ignore[no-untyped-def]
    from bloc.events.services import shift_create

    return shift_create(
        actor=actor,
        event=event,
        title=title,
        starts_at=event.starts_at + datetime.timedelta(hours=hours[0]),
        ends_at=event.starts_at + datetime.timedelta(hours=hours[1]),
        capacity=capacity,
    )


@pytest.fixture
def event(maple, fiona):  # type: ignore[no-untyped-def]
    return make_event(maple, fiona)
