"""Fixtures for decisions: Maple Street with verified voters and polls in every phase."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import make_person, member


def verified_members(institution, count, *, prefix="voter", address="112 Maple Street"):  # type: ignore[no-untyped-def]
    """``count`` new members of ``institution``, all verified a day ago (so they are on
    the list of any poll opening from now on)."""
    from bloc.membership.models import Membership

    people = []
    for n in range(count):
        person = make_person(f"{prefix}{n}@example.org", f"{prefix.title()} {n}", address=address)
        member(institution, person, verified=True)
        people.append(person)
    Membership.objects.filter(institution=institution).update(
        verified_at=timezone.now() - datetime.timedelta(days=1)
    )
    return people


@pytest.fixture
def voters(maple, fiona):  # type: ignore[no-untyped-def]
    """Fiona (facilitator) and five more verified members of Maple Street."""
    return [fiona, *verified_members(maple, 5)]


def open_poll(institution, actor, **kwargs):  # type: ignore[no-untyped-def]
    """A poll that opened a minute ago and closes in a day."""
    from bloc.decisions.polls import poll_create

    now = timezone.now()
    kwargs.setdefault("title", "Paint the fence?")
    kwargs.setdefault("rule", "majority")
    return poll_create(
        actor=actor,
        institution=institution,
        opens_at=kwargs.pop("opens_at", now - datetime.timedelta(minutes=1)),
        closes_at=kwargs.pop("closes_at", now + datetime.timedelta(days=1)),
        **kwargs,
    )


def close_now(poll):  # type: ignore[no-untyped-def]
    """Move the poll's closing time into the past and count it."""
    from bloc.decisions.models import Poll
    from bloc.decisions.polls import poll_sync

    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    poll.refresh_from_db()
    return poll_sync(poll)
