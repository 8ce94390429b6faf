"""Events in the JSON API (mounted under /api/v1/institutions): the list, one event
with its answers and shifts, answering, and signing up for or withdrawing from a shift.

A full shift answers 409 with code ``shift_full`` and nothing is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.events import selectors, services
from bloc.events.models import Event
from bloc.institutions.models import Institution
from bloc.institutions.selectors import institution_get

router = Router(tags=["events"])


class EventIn(Schema):
    title: str = Field(max_length=services.TITLE_MAX_LENGTH)
    description: str = ""
    place: str = Field(default="", max_length=services.PLACE_MAX_LENGTH)
    starts_at: datetime
    ends_at: datetime


class RsvpCountsOut(Schema):
    yes: int
    maybe: int
    no: int


class EventOut(Schema):
    id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    rsvps: RsvpCountsOut
    my_answer: str = Field(description="yes, maybe, no, or empty when you have not answered.")


class ShiftOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    taken: int
    full: bool
    signed_up: bool = Field(description="Whether you are signed up.")


class EventDetailOut(EventOut):
    description: str
    shifts: list[ShiftOut]


class RsvpIn(Schema):
    answer: Literal["yes", "maybe", "no"]


def _institution(request: HttpRequest, slug: str) -> Institution:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "event.view", institution)
    return institution


def _event_out(event: Event, request: HttpRequest) -> dict[str, object]:
    return {
        "id": event.pk,
        "title": event.title,
        "place": event.place,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "cancelled": event.cancelled_at is not None,
        "rsvps": selectors.rsvp_counts(event),
        "my_answer": selectors.rsvp_of(event, request.user),
    }


def _detail(event: Event, request: HttpRequest) -> EventDetailOut:
    shifts = [
        ShiftOut(
            id=row.shift.pk,
            title=row.shift.title,
            starts_at=row.shift.starts_at,
            ends_at=row.shift.ends_at,
            capacity=row.shift.capacity,
            taken=row.taken,
            full=row.full,
            signed_up=row.mine,
        )
        for row in selectors.shifts_of(event, request.user)
    ]
    return EventDetailOut(
        **_event_out(event, request), description=event.description, shifts=shifts
    )


@router.get(
    "/{slug}/events",
    response=list[EventOut],
    auth=optional_auth,
    summary="Events: coming ones soonest first, then past ones",
)
def event_list(request: HttpRequest, slug: str) -> list[dict[str, object]]:
    lists = selectors.event_list(_institution(request, slug))
    return [_event_out(e, request) for e in lists.upcoming + lists.past]


@router.post("/{slug}/events", response={201: EventDetailOut}, summary="Set up an event")
def event_create(request: HttpRequest, slug: str, payload: EventIn) -> Status:
    institution = _institution(request, slug)
    event = services.event_create(
        actor=request.user, institution=institution, **payload.model_dump()
    )
    return Status(201, _detail(event, request))


@router.get(
    "/{slug}/events/{event_id}",
    response=EventDetailOut,
    auth=optional_auth,
    summary="One event with its answers and shifts",
)
def event_detail(request: HttpRequest, slug: str, event_id: int) -> EventDetailOut:
    event = selectors.event_get(_institution(request, slug), event_id)
    return _detail(event, request)


@router.post(
    "/{slug}/events/{event_id}/rsvp",
    response=EventDetailOut,
    summary="Answer going, maybe or not going (again to change it)",
)
def event_rsvp(request: HttpRequest, slug: str, event_id: int, payload: RsvpIn) -> EventDetailOut:
    event = selectors.event_get(_institution(request, slug), event_id)
    services.rsvp_set(actor=request.user, event=event, answer=payload.answer)
    return _detail(event, request)


@router.post(
    "/{slug}/events/{event_id}/shifts/{shift_id}/signup",
    response=EventDetailOut,
    summary="Sign up for a shift (409 shift_full when it is full)",
)
def shift_sign_up(request: HttpRequest, slug: str, event_id: int, shift_id: int) -> EventDetailOut:
    event = selectors.event_get(_institution(request, slug), event_id)
    services.shift_sign_up(actor=request.user, shift=selectors.shift_get(event, shift_id))
    return _detail(event, request)


@router.delete(
    "/{slug}/events/{event_id}/shifts/{shift_id}/signup",
    response=EventDetailOut,
    summary="Withdraw from a shift",
)
def shift_withdraw(request: HttpRequest, slug: str, event_id: int, shift_id: int) -> EventDetailOut:
    event = selectors.event_get(_institution(request, slug), event_id)
    services.shift_withdraw(actor=request.user, shift=selectors.shift_get(event, shift_id))
    return _detail(event, request)
