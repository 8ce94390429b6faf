"""Fixtures for meetings: Maple Street with a meeting running now and a secretary."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import make_person, member
from tests.decisions.conftest import voters  # noqa: F401 - a fixture used here too


def meeting_now(institution, actor, **kwargs):  # type: ignore[no-untyped-def]
    """A meeting that began ten minutes ago and lasts two hours."""
    from bloc.meetings.services import meeting_create

    now = timezone.now()
    kwargs.setdefault("title", "Monthly meeting")
    return meeting_create(
        actor=actor,
        institution=institution,
        starts_at=kwargs.pop("starts_at", now - datetime.timedelta(minutes=10)),
        ends_at=kwargs.pop("ends_at", now + datetime.timedelta(hours=2)),
        **kwargs,
    )


@pytest.fixture
def sam(maple):  # type: ignore[no-untyped-def]
    person = make_person("sam@example.org", "Sam Speaker", address="114 Maple Street")
    member(maple, person, verified=True)
    return person


@pytest.fixture
def tess(maple):  # type: ignore[no-untyped-def]
    person = make_person("tess@example.org", "Tess Talker", address="116 Maple Street")
    member(maple, person, verified=True)
    return person


@pytest.fixture
def meeting(maple, fiona):  # type: ignore[no-untyped-def]
    return meeting_now(maple, fiona)


def present(meeting, *people, mode="in_room"):  # type: ignore[no-untyped-def]
    from bloc.actors import SYSTEM
    from bloc.meetings.services import attendance_mark

    for person in people:
        attendance_mark(actor=SYSTEM, meeting=meeting, user_id=person.pk, mode=mode)
