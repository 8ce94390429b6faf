"""Reads about events for the pages and the API."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from bloc.core.errors import NotFound
from bloc.events.models import Event, Rsvp, Shift, ShiftSignup
from bloc.institutions.models import Institution


def event_get(institution: Institution, event_id: int) -> Event:
    event = (
        Event.objects.filter(institution=institution, pk=event_id)
        .select_related("institution")
        .first()
    )
    if event is None:
        raise NotFound("no such event")
    return event


def shift_get(event: Event, shift_id: int) -> Shift:
    shift = Shift.objects.filter(event=event, pk=shift_id).select_related("event").first()
    if shift is None:
        raise NotFound("no such shift")
    shift.event = event
    return shift


@dataclass
class EventLists:
    upcoming: list[Event]
    past: list[Event]


def event_list(institution: Institution, now: datetime | None = None) -> EventLists:
    """Coming events soonest first; past (and over) events latest first."""
    now = now or timezone.now()
    events = Event.objects.filter(institution=institution)
    return EventLists(
        upcoming=list(events.filter(ends_at__gt=now).order_by("starts_at", "pk")),
        past=list(events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")),
    )


def rsvp_counts(event: Event) -> dict[str, int]:
    counts = Counter(dict(event.rsvps.values_list("answer").annotate(n=Count("pk"))))
    return {answer: counts.get(answer, 0) for answer in Rsvp.Answer.values}


def rsvp_of(event: Event, user: Any) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return event.rsvps.filter(user_id=user.pk).values_list("answer", flat=True).first() or ""


@dataclass
class ShiftView:
    shift: Shift
    taken: int
    volunteers: list[str]
    mine: bool

    @property
    def full(self) -> bool:
        return self.taken >= self.shift.capacity

    @property
    def free(self) -> int:
        return max(self.shift.capacity - self.taken, 0)


def shifts_of(event: Event, user: Any) -> list[ShiftView]:
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    signups = (
        ShiftSignup.objects.filter(shift__event=event).select_related("user").order_by("at", "pk")
    )
    by_shift: dict[int, list[ShiftSignup]] = {}
    for signup in signups:
        by_shift.setdefault(signup.shift_id, []).append(signup)
    views = []
    for shift in event.shifts.all():
        shift.event = event
        mine = by_shift.get(shift.pk, [])
        views.append(
            ShiftView(
                shift=shift,
                taken=len(mine),
                volunteers=[s.user.full_name for s in mine],
                mine=any(s.user_id == user_id for s in mine),
            )
        )
    return views


@dataclass
class MyShift:
    shift: Shift
    overlaps: list[Shift] = field(default_factory=list)


def my_shifts(user: Any, *, since: datetime | None = None) -> list[MyShift]:
    """The person's shifts that have not ended, each with those it overlaps."""
    since = since or timezone.now()
    shifts = list(
        Shift.objects.filter(signups__user_id=user.pk, ends_at__gt=since)
        .select_related("event", "event__institution")
        .order_by("starts_at", "pk")
    )
    mine = [MyShift(shift) for shift in shifts]
    for a in mine:
        a.overlaps = [
            b.shift
            for b in mine
            if b is not a
            and b.shift.starts_at < a.shift.ends_at
            and a.shift.starts_at < b.shift.ends_at
        ]
    return mine


def shifts_overlapping(user: Any, shift: Shift) -> QuerySet[Shift]:
    """The person's other shifts that overlap ``shift`` (allowed, but worth a warning)."""
    return (
        Shift.objects.filter(
            signups__user_id=user.pk, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
        )
        .exclude(pk=shift.pk)
        .select_related("event")
    )
