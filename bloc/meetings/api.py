"""Meetings in the JSON API (mounted under /api/v1/institutions)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.core.errors import NotFound
from bloc.institutions.selectors import institution_get
from bloc.meetings import selectors, services
from bloc.meetings.models import AgendaItem, Meeting, Minutes

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_link: str
    ordering: str
    ended_at: datetime | None
    open: bool = Field(description="Whether check-in and the queue are open now.")


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    notes: str
    minutes_allotted: int | None
    proposal_id: int | None
    concern_id: int | None
    poll_id: int | None


class QuorumOut(Schema):
    present: int = Field(description="Verified members present.")
    attending: int = Field(description="Everyone checked in.")
    verified_members: int
    quorum_percent: int | None
    needed: int | None


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]
    quorum: QuorumOut
    checked_in: bool


class CheckInIn(Schema):
    code: str = Field(max_length=20)
    mode: Literal["in_room", "online"] = "in_room"


class CheckInOut(Schema):
    mode: str
    already: bool = Field(description="True when the caller was already checked in.")


class SpeakerOut(Schema):
    name: str
    seconds: int = Field(description="Seconds since the turn began, by the server's clock.")


class QueueOut(Schema):
    speaking: SpeakerOut | None
    waiting: int
    position: int | None = Field(description="The caller's place (1 = next), if waiting.")
    order: list[str] | None = Field(
        description="Names in speaking order; only for whoever runs the meeting."
    )


class MinutesOut(Schema):
    text: str
    draft: bool
    approved_at: datetime | None
    approved_in: int | None
    updated_at: datetime


class MinutesIn(Schema):
    text: str = Field(max_length=100_000)


class ApproveIn(Schema):
    at_meeting: int = Field(description="The later meeting at which the minutes are approved.")


def _meeting(request: HttpRequest, slug: str, meeting_id: int) -> Meeting:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "meeting.view", institution)
    return selectors.meeting_get(institution=institution, meeting_id=meeting_id)


def _out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.pk,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        online_link=meeting.online_link,
        ordering=meeting.ordering,
        ended_at=meeting.ended_at,
        open=selectors.is_open(meeting),
    )


def _queue(request: HttpRequest, meeting: Meeting) -> QueueOut:
    state = selectors.queue_state(meeting, request.user)
    runs = bool(permissions.check(request.user, "meeting.manage", meeting.institution))
    return QueueOut(
        speaking=SpeakerOut(name=state.speaking.user.full_name, seconds=state.speaking_seconds)
        if state.speaking
        else None,
        waiting=state.waiting_count,
        position=state.position,
        order=[e.user.full_name for e in state.waiting] if runs else None,
    )


def _minutes(minutes: Minutes) -> MinutesOut:
    return MinutesOut(
        text=minutes.text,
        draft=minutes.approved_in_id is None,
        approved_at=minutes.approved_at,
        approved_in=minutes.approved_in_id,
        updated_at=minutes.updated_at,
    )


@router.get("/{slug}/meetings", response=list[MeetingOut], summary="Meetings, soonest first")
def meeting_list(request: HttpRequest, slug: str) -> list[MeetingOut]:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "meeting.view", institution)
    upcoming, past = selectors.meetings_of(institution=institution)
    return [_out(m) for m in upcoming + past]


@router.get("/{slug}/meetings/{meeting_id}", response=MeetingDetailOut, summary="A meeting")
def meeting_detail(request: HttpRequest, slug: str, meeting_id: int) -> MeetingDetailOut:
    meeting = _meeting(request, slug, meeting_id)
    q = selectors.quorum(meeting)
    return MeetingDetailOut(
        **_out(meeting).dict(),
        agenda=[
            AgendaItemOut(
                id=i.pk,
                position=i.position,
                title=i.title,
                notes=i.notes,
                minutes_allotted=i.minutes_allotted,
                proposal_id=i.proposal_id,
                concern_id=i.concern_id,
                poll_id=i.poll_id,
            )
            for i in AgendaItem.objects.filter(meeting=meeting)
        ],
        quorum=QuorumOut(
            present=q.present,
            attending=q.attending,
            verified_members=q.verified,
            quorum_percent=q.percent,
            needed=q.needed,
        ),
        checked_in=selectors.attendance_of(meeting, request.user) is not None,
    )


@router.post(
    "/{slug}/meetings/{meeting_id}/check-in",
    response={200: CheckInOut, 201: CheckInOut},
    summary="Check in with the door code",
)
def check_in(request: HttpRequest, slug: str, meeting_id: int, payload: CheckInIn) -> Status:
    meeting = _meeting(request, slug, meeting_id)
    attendance, new = services.check_in(
        actor=request.user, meeting=meeting, code=payload.code, mode=payload.mode
    )
    return Status(201 if new else 200, CheckInOut(mode=attendance.mode, already=not new))


@router.get("/{slug}/meetings/{meeting_id}/queue", response=QueueOut, summary="The queue")
def queue_state(request: HttpRequest, slug: str, meeting_id: int) -> QueueOut:
    return _queue(request, _meeting(request, slug, meeting_id))


@router.post(
    "/{slug}/meetings/{meeting_id}/queue", response={201: QueueOut}, summary="Join the queue"
)
def queue_join(request: HttpRequest, slug: str, meeting_id: int) -> Status:
    meeting = _meeting(request, slug, meeting_id)
    services.queue_join(actor=request.user, meeting=meeting)
    return Status(201, _queue(request, meeting))


@router.delete("/{slug}/meetings/{meeting_id}/queue", response=QueueOut, summary="Leave the queue")
def queue_leave(request: HttpRequest, slug: str, meeting_id: int) -> QueueOut:
    meeting = _meeting(request, slug, meeting_id)
    services.queue_leave(actor=request.user, meeting=meeting)
    return _queue(request, meeting)


@router.post(
    "/{slug}/meetings/{meeting_id}/queue/next",
    response=QueueOut,
    summary="Finish the current turn and call the next speaker",
)
def queue_next(request: HttpRequest, slug: str, meeting_id: int) -> QueueOut:
    meeting = _meeting(request, slug, meeting_id)
    services.queue_call_next(actor=request.user, meeting=meeting)
    return _queue(request, meeting)


@router.post(
    "/{slug}/meetings/{meeting_id}/queue/finish", response=QueueOut, summary="Finish the turn"
)
def queue_finish(request: HttpRequest, slug: str, meeting_id: int) -> QueueOut:
    meeting = _meeting(request, slug, meeting_id)
    services.queue_finish(actor=request.user, meeting=meeting)
    return _queue(request, meeting)


@router.get("/{slug}/meetings/{meeting_id}/minutes", response=MinutesOut, summary="Minutes")
def minutes_get(request: HttpRequest, slug: str, meeting_id: int) -> MinutesOut:
    institution = institution_get(slug=slug)
    meeting = selectors.meeting_get(institution=institution, meeting_id=meeting_id)
    minutes = selectors.minutes_of(meeting)
    if minutes is None or not selectors.minutes_visible(minutes, request.user):
        raise NotFound(_("There are no minutes you may read for this meeting."))
    return _minutes(minutes)


@router.put("/{slug}/meetings/{meeting_id}/minutes", response=MinutesOut, summary="Write minutes")
def minutes_put(request: HttpRequest, slug: str, meeting_id: int, payload: MinutesIn) -> MinutesOut:
    meeting = _meeting(request, slug, meeting_id)
    return _minutes(services.minutes_save(actor=request.user, meeting=meeting, text=payload.text))


@router.post(
    "/{slug}/meetings/{meeting_id}/minutes/approve",
    response=MinutesOut,
    summary="Approve the minutes at a later meeting",
)
def minutes_approve(
    request: HttpRequest, slug: str, meeting_id: int, payload: ApproveIn
) -> MinutesOut:
    meeting = _meeting(request, slug, meeting_id)
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        raise NotFound(_("This meeting has no minutes yet."))
    at = selectors.meeting_get(institution=meeting.institution, meeting_id=payload.at_meeting)
    return _minutes(services.minutes_approve(actor=request.user, minutes=minutes, at=at))
