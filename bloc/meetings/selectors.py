"""Reading meetings: quorum, the speakers' queue in order, decisions taken, statistics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.core import speakers
from bloc.core.errors import NotFound
from bloc.decisions.models import Poll, Proposal
from bloc.institutions.models import Institution
from bloc.institutions.selectors import bylaws_settings
from bloc.meetings.models import Attendance, Meeting, Minutes, QueueEntry, SpeakingProfile
from bloc.membership.models import Membership

# Check-in opens this long before the start.
CHECKIN_OPENS_BEFORE = timedelta(hours=1)
# A meeting nobody ended stops taking check-ins this long after its planned end.
CHECKIN_GRACE_AFTER = timedelta(hours=6)
# Speaking time over this many earlier meetings counts in the fewest-spoken orderings.
RECENT_MEETINGS = 3
# Groups with fewer attendees than this are merged into "other or not said".
SMALLEST_GROUP = 5


def meeting_get(*, institution: Institution, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(institution=institution, pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    meeting.institution = institution  # the one it was found in: no query to load it again
    return meeting


def meetings_of(*, institution: Institution) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming or running soonest first, past latest first)."""
    now = timezone.now()
    meetings = list(Meeting.objects.filter(institution=institution, cancelled_at=None))
    upcoming = sorted(
        (m for m in meetings if m.ended_at is None and m.ends_at > now), key=lambda m: m.starts_at
    )
    past = [m for m in meetings if m not in upcoming]
    return upcoming, past


def is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether people can check in and queue: from an hour before until it is ended."""
    now = now or timezone.now()
    if meeting.ended_at is not None or meeting.cancelled_at is not None:
        return False
    return meeting.starts_at - CHECKIN_OPENS_BEFORE <= now <= meeting.ends_at + CHECKIN_GRACE_AFTER


def is_over(meeting: Meeting, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.ended_at is not None or now > meeting.ends_at + CHECKIN_GRACE_AFTER


def end_of(meeting: Meeting) -> datetime:
    return meeting.ended_at or meeting.ends_at


# --- attendance and quorum -----------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    present: int  # verified members present
    attending: int  # everyone checked in
    verified: int
    percent: int | None
    needed: int | None

    @property
    def reached(self) -> bool:
        return self.needed is None or self.present >= self.needed


def quorum(meeting: Meeting) -> Quorum:
    verified = Membership.objects.filter(
        institution_id=meeting.institution_id, left_at=None, verified_at__isnull=False
    )
    present_ids = Attendance.objects.filter(meeting=meeting).values("user_id")
    percent = bylaws_settings(institution=meeting.institution).quorum_percent
    count = verified.count()
    return Quorum(
        present=verified.filter(user_id__in=present_ids).count(),
        attending=Attendance.objects.filter(meeting=meeting).count(),
        verified=count,
        percent=percent,
        needed=math.ceil(count * percent / 100) if percent else None,
    )


def attendance_of(meeting: Meeting, user: Any) -> Attendance | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Attendance.objects.filter(meeting=meeting, user_id=user.pk).first()


def members_for_attendance(meeting: Meeting) -> list[dict[str, Any]]:
    """Current members with whether and how each is present, by name."""
    present = {a.user_id: a for a in Attendance.objects.filter(meeting=meeting)}
    rows = []
    for membership in (
        Membership.objects.filter(institution_id=meeting.institution_id, left_at=None)
        .select_related("user")
        .order_by("user__full_name", "pk")
    ):
        rows.append({"user": membership.user, "attendance": present.get(membership.user_id)})
    return rows


# --- the speakers' queue -------------------------------------------------------


def _recent_meetings(meeting: Meeting) -> list[int]:
    return list(
        Meeting.objects.filter(
            institution_id=meeting.institution_id,
            starts_at__lt=meeting.starts_at,
            cancelled_at=None,
        )
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:RECENT_MEETINGS]
    )


def _spoken(entries: Any) -> dict[int, tuple[int, float]]:
    """user id → (turns, seconds) over finished turns."""
    totals: dict[int, tuple[int, float]] = {}
    for entry in entries.filter(called_at__isnull=False, finished_at__isnull=False):
        turns, seconds = totals.get(entry.user_id, (0, 0.0))
        totals[entry.user_id] = (turns + 1, seconds + entry.seconds)
    return totals


def queue_ordered(meeting: Meeting) -> list[QueueEntry]:
    """The people waiting, in the order they will be called under the meeting's rule."""
    waiting = list(
        QueueEntry.objects.filter(
            meeting=meeting, left_at=None, called_at=None, finished_at=None
        ).select_related("user")
    )
    if not waiting:
        return []
    here = _spoken(QueueEntry.objects.filter(meeting=meeting))
    recent = _spoken(QueueEntry.objects.filter(meeting_id__in=_recent_meetings(meeting)))
    less_heard: set[int] = set()
    if meeting.ordering == speakers.PROGRESSIVE:
        less_heard = set(
            SpeakingProfile.objects.filter(
                user_id__in=[e.user_id for e in waiting], less_heard=True
            ).values_list("user_id", flat=True)
        )
    by_user = {e.user_id: e for e in waiting}
    ordered = speakers.order(
        (
            speakers.Waiting(
                who=e.user_id,
                joined=e.joined,
                turns=here.get(e.user_id, (0, 0.0))[0],
                seconds=here.get(e.user_id, (0, 0.0))[1],
                recent_seconds=recent.get(e.user_id, (0, 0.0))[1],
                less_heard=e.user_id in less_heard,
            )
            for e in waiting
        ),
        meeting.ordering,
    )
    return [by_user[w.who] for w in ordered]


def speaking_now(meeting: Meeting) -> QueueEntry | None:
    return (
        QueueEntry.objects.filter(meeting=meeting, called_at__isnull=False, finished_at=None)
        .select_related("user")
        .first()
    )


@dataclass(frozen=True)
class QueueState:
    """The queue as one person may see it: the whole order only for who runs it."""

    speaking: QueueEntry | None
    speaking_seconds: int
    waiting_count: int
    position: int | None  # the viewer's place, 1 = next
    in_queue: bool
    present: bool
    open: bool
    waiting: list[QueueEntry] = field(default_factory=list)  # only for the facilitator


def queue_state(meeting: Meeting, viewer: Any) -> QueueState:
    ordered = queue_ordered(meeting)
    speaking = speaking_now(meeting)
    position = None
    viewer_id = getattr(viewer, "pk", None)
    for index, entry in enumerate(ordered, start=1):
        if entry.user_id == viewer_id:
            position = index
    runs = bool(permissions.check(viewer, "meeting.manage", meeting.institution))
    seconds = 0
    if speaking is not None and speaking.called_at is not None:
        seconds = max(0, int((timezone.now() - speaking.called_at).total_seconds()))
    return QueueState(
        speaking=speaking,
        speaking_seconds=seconds,
        waiting_count=len(ordered),
        position=position,
        in_queue=position is not None or (speaking is not None and speaking.user_id == viewer_id),
        present=attendance_of(meeting, viewer) is not None,
        open=is_open(meeting),
        waiting=ordered if runs else [],
    )


# --- minutes, decisions --------------------------------------------------------


def decisions_in(meeting: Meeting) -> tuple[list[Poll], list[Proposal]]:
    """Polls of the institution that closed during the meeting, and proposals decided then."""
    start, end = meeting.starts_at, end_of(meeting)
    polls = list(
        Poll.objects.filter(
            institution_id=meeting.institution_id,
            closed_at__gte=start,
            closed_at__lte=end,
            cancelled_at=None,
        ).order_by("closed_at")
    )
    proposals = list(
        Proposal.objects.filter(
            institution_id=meeting.institution_id, decided_at__gte=start, decided_at__lte=end
        ).order_by("decided_at")
    )
    return polls, proposals


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).first()


def minutes_visible(minutes: Minutes, viewer: Any) -> bool:
    """Approved minutes are records (``decisions.view``); drafts are for members only."""
    institution = minutes.meeting.institution
    if minutes.approved_in_id is not None:
        return bool(permissions.check(viewer, "decisions.view", institution))
    return bool(permissions.check(viewer, "meeting.view", institution))


def minutes_to_approve(meeting: Meeting) -> list[Minutes]:
    """Unapproved minutes of earlier meetings of the same institution."""
    return list(
        Minutes.objects.filter(
            meeting__institution_id=meeting.institution_id,
            meeting__starts_at__lt=meeting.starts_at,
            approved_in=None,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )


# --- statistics ----------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerRow:
    name: str
    turns: int
    seconds: float


def _group_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def speaking_statistics(meeting: Meeting) -> tuple[list[SpeakerRow], list[speakers.Share]]:
    """Who spoke how long (longest first), and shares by self-described group, where
    any group of fewer than ``SMALLEST_GROUP`` attendees counts as "" (other or not said)."""
    totals = _spoken(QueueEntry.objects.filter(meeting=meeting))
    names = dict(
        QueueEntry.objects.filter(meeting=meeting).values_list("user_id", "user__full_name")
    )
    rows = sorted(
        (SpeakerRow(names[uid], turns, seconds) for uid, (turns, seconds) in totals.items()),
        key=lambda r: (-r.seconds, r.name),
    )
    attendee_ids = list(
        Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True)
    )
    groups = dict(
        SpeakingProfile.objects.filter(user_id__in=attendee_ids).values_list("user_id", "group")
    )
    attendees = {uid: _group_key(groups.get(uid, "")) for uid in attendee_ids}
    sizes: dict[str, int] = {}
    for group in attendees.values():
        sizes[group] = sizes.get(group, 0) + 1
    attendees = {
        uid: group if sizes[group] >= SMALLEST_GROUP else "" for uid, group in attendees.items()
    }
    spoken = {uid: seconds for uid, (_turns, seconds) in totals.items()}
    shares = speakers.speaking_shares(attendees, spoken) if attendees else []
    return rows, shares
