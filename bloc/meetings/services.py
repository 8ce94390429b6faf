"""Writing meetings: schedule and agenda, door code and attendance, the speakers'
queue, minutes, and the member's private speaking profile.

Every write is checked against the rules and recorded in the audit log in the
same transaction. The speaking profile's contents are never put in the log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.accounts import throttling
from bloc.audit.services import audit_append
from bloc.core import speakers
from bloc.core.errors import Conflict, NotFound, Throttled, ValidationFailed
from bloc.decisions.models import Poll, Proposal
from bloc.institutions.models import Institution
from bloc.meetings import selectors
from bloc.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    QueueEntry,
    SpeakingProfile,
)
from bloc.permissions.roles import is_member

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read off a screen across a room.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
# Wrong door codes one person may type for one meeting.
MAX_WRONG_CODES = 10
THROTTLE_SCOPE = "meeting_checkin"
THROTTLE_WINDOW = 7 * 24 * 3600
GROUP_MAX_LENGTH = 60


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


# --- schedule and agenda -------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed.for_field("ends_at", _("The meeting must end after it starts."))


def _check_ordering(ordering: str) -> None:
    if ordering not in speakers.ORDERINGS:
        raise ValidationFailed.for_field("ordering", _("Choose how the queue is ordered."))


def meeting_create(
    *,
    actor: Any,
    institution: Institution,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_link: str = "",
    ordering: str = speakers.FEWEST_SPOKEN,
) -> Meeting:
    permissions.require(actor, "meeting.manage", institution)
    title = title.strip()
    if not title:
        raise ValidationFailed.for_field("title", _("Give the meeting a title."))
    _check_times(starts_at, ends_at)
    _check_ordering(ordering)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            institution=institution,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            online_link=online_link.strip(),
            ordering=ordering,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_append(
            actor=actor,
            action="meeting.create",
            subject=meeting,
            data={"institution": institution.slug, "starts_at": starts_at.isoformat()},
        )
    return meeting


def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_link: str = "",
    ordering: str = speakers.FEWEST_SPOKEN,
) -> Meeting:
    permissions.require(actor, "meeting.manage", meeting.institution)
    title = title.strip()
    if not title:
        raise ValidationFailed.for_field("title", _("Give the meeting a title."))
    _check_times(starts_at, ends_at)
    _check_ordering(ordering)
    with transaction.atomic():
        meeting.title, meeting.starts_at, meeting.ends_at = title, starts_at, ends_at
        meeting.place, meeting.online_link = place.strip(), online_link.strip()
        meeting.ordering = ordering
        meeting.save()
        audit_append(actor=actor, action="meeting.update", subject=meeting, data={})
    return meeting


def meeting_end(*, actor: Any, meeting: Meeting) -> Meeting:
    """End the meeting: the current turn finishes, the queue empties, check-in closes."""
    permissions.require(actor, "meeting.manage", meeting.institution)
    if meeting.ended_at is not None:
        raise Conflict(_("This meeting has already ended."))
    now = timezone.now()
    with transaction.atomic():
        QueueEntry.objects.filter(
            meeting=meeting, called_at__isnull=False, finished_at=None
        ).update(finished_at=now)
        QueueEntry.objects.filter(
            meeting=meeting, called_at=None, left_at=None, finished_at=None
        ).update(left_at=now)
        meeting.ended_at = now
        meeting.started_at = meeting.started_at or meeting.starts_at
        meeting.save(update_fields=["ended_at", "started_at"])
        audit_append(actor=actor, action="meeting.end", subject=meeting, data={})
    return meeting


def _linked(model: Any, pk: int | None, institution: Institution, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, institution=institution).first()
    if found is None:
        raise ValidationFailed.for_field(field, _("Choose one of this institution's own."))
    return found


def agenda_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    notes: str = "",
    minutes_allotted: int | None = None,
    proposal_id: int | None = None,
    concern_id: int | None = None,
    poll_id: int | None = None,
) -> AgendaItem:
    from bloc.concerns.models import Concern

    institution = meeting.institution
    permissions.require(actor, "meeting.manage", institution)
    title = title.strip()
    if not title:
        raise ValidationFailed.for_field("title", _("Name the agenda item."))
    proposal = _linked(Proposal, proposal_id, institution, "proposal")
    concern = _linked(Concern, concern_id, institution, "concern")
    poll = _linked(Poll, poll_id, institution, "poll")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=last + 1,
            title=title,
            notes=notes.strip(),
            minutes_allotted=minutes_allotted,
            proposal=proposal,
            concern=concern,
            poll=poll,
        )
        audit_append(actor=actor, action="agenda.add", subject=meeting, data={"item": item.pk})
    return item


def agenda_item_get(*, meeting: Meeting, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise NotFound(_("There is no such agenda item."))
    return item


def agenda_move(*, actor: Any, item: AgendaItem, up: bool) -> None:
    """Swap the item with its neighbour (a no-op at either end)."""
    meeting = item.meeting
    permissions.require(actor, "meeting.manage", meeting.institution)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            return
        a, b = items[index], items[other]
        a_pos, b_pos = a.position, b.position
        # Through a free position: (meeting, position) is unique at every step.
        AgendaItem.objects.filter(pk=a.pk).update(position=32767)
        AgendaItem.objects.filter(pk=b.pk).update(position=a_pos)
        AgendaItem.objects.filter(pk=a.pk).update(position=b_pos)
        audit_append(
            actor=actor,
            action="agenda.move",
            subject=meeting,
            data={"item": item.pk, "up": up},
        )


def agenda_remove(*, actor: Any, item: AgendaItem) -> None:
    meeting = item.meeting
    permissions.require(actor, "meeting.manage", meeting.institution)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        item_id = item.pk
        item.delete()
        audit_append(actor=actor, action="agenda.remove", subject=meeting, data={"item": item_id})


# --- door code and attendance --------------------------------------------------


def door_code_new(*, actor: Any, meeting: Meeting) -> str:
    """A new door code; the old one stops working. Only its hash is kept."""
    permissions.require(actor, "meeting.manage", meeting.institution)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with transaction.atomic():
        meeting.checkin_digest = _digest(code)
        meeting.save(update_fields=["checkin_digest"])
        audit_append(actor=actor, action="meeting.door_code", subject=meeting, data={})
    return code


def _check_mode(mode: str) -> None:
    if mode not in Attendance.Mode.values:
        raise ValidationFailed.for_field("mode", _("Say whether you are in the room or online."))


def check_in(*, actor: Any, meeting: Meeting, code: str, mode: str) -> tuple[Attendance, bool]:
    """Check the actor in with the door code. Returns (attendance, whether it is new).

    A wrong code writes nothing but a throttle mark; after ``MAX_WRONG_CODES`` of
    them the person can no longer try for this meeting.
    """
    permissions.require(actor, "meeting.attend", meeting.institution)
    _check_mode(mode)
    if not selectors.is_open(meeting):
        raise Conflict(
            _("Check-in is open from an hour before the meeting starts until it ends."),
            code="checkin_closed",
        )
    existing = Attendance.objects.filter(meeting=meeting, user_id=actor.pk).first()
    if existing is not None:
        return existing, False
    key = f"{meeting.pk}:{actor.pk}"
    limit = [throttling.Limit(key=key, max_failures=MAX_WRONG_CODES)]
    if throttling.is_throttled(THROTTLE_SCOPE, limit, THROTTLE_WINDOW):
        raise Throttled(
            _("Too many wrong codes. Ask the facilitator to mark you present."),
            code="too_many_codes",
        )
    given = _normalise_code(code)
    if not meeting.checkin_digest or not hmac.compare_digest(
        _digest(given), meeting.checkin_digest
    ):
        throttling.record_failure(THROTTLE_SCOPE, [key])
        raise ValidationFailed.for_field(
            "code",
            _("That is not the door code of this meeting. Check it and type it again."),
            code="wrong_code",
        )
    return _attend(actor, meeting, actor, mode, Attendance.By.CODE)


def _attend(actor: Any, meeting: Meeting, user: Any, mode: str, by: str) -> tuple[Attendance, bool]:
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(meeting=meeting, user=user, mode=mode, by=by)
            audit_append(
                actor=actor,
                action="meeting.attend",
                subject=meeting,
                data={"user": user.pk, "mode": mode, "by": by},
            )
    except IntegrityError:  # checked in at the same moment from another device
        return Attendance.objects.get(meeting=meeting, user_id=user.pk), False
    return attendance, True


def attendance_mark(*, actor: Any, meeting: Meeting, user_id: int, mode: str) -> Attendance:
    """The facilitator marks a member present (or changes how they attend)."""
    from bloc.accounts.models import User

    permissions.require(actor, "meeting.manage", meeting.institution)
    _check_mode(mode)
    user = User.objects.filter(pk=user_id).first()
    if user is None or not is_member(user, meeting.institution):
        raise ValidationFailed.for_field("user", _("Choose a member of this institution."))
    existing = Attendance.objects.filter(meeting=meeting, user=user).first()
    if existing is not None:
        if existing.mode != mode:
            with transaction.atomic():
                existing.mode = mode
                existing.save(update_fields=["mode"])
                audit_append(
                    actor=actor,
                    action="meeting.attend",
                    subject=meeting,
                    data={"user": user.pk, "mode": mode, "by": Attendance.By.FACILITATOR},
                )
        return existing
    attendance, _new = _attend(actor, meeting, user, mode, Attendance.By.FACILITATOR)
    return attendance


def attendance_undo(*, actor: Any, meeting: Meeting, user_id: int) -> None:
    permissions.require(actor, "meeting.manage", meeting.institution)
    with transaction.atomic():
        deleted, _rows = Attendance.objects.filter(meeting=meeting, user_id=user_id).delete()
        if not deleted:
            raise Conflict(_("This person was not marked present."))
        # Someone not present cannot wait to speak.
        QueueEntry.objects.filter(
            meeting=meeting, user_id=user_id, called_at=None, left_at=None, finished_at=None
        ).update(left_at=timezone.now())
        audit_append(
            actor=actor, action="meeting.attend_undo", subject=meeting, data={"user": user_id}
        )


# --- the speakers' queue -------------------------------------------------------


def queue_join(*, actor: Any, meeting: Meeting) -> QueueEntry:
    """Take a place in the queue. ``joined`` comes from a per-meeting counter taken
    under a lock on the meeting row, so simultaneous joins never share a number."""
    permissions.require(actor, "meeting.attend", meeting.institution)
    if not selectors.is_open(meeting):
        raise Conflict(_("The queue is open only while the meeting runs."), code="meeting_closed")
    if not Attendance.objects.filter(meeting=meeting, user_id=actor.pk).exists():
        raise Conflict(
            _("Check in first: only people present can ask to speak."), code="not_present"
        )
    already = Conflict(_("You are already in the queue."), code="already_in_queue")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
                if QueueEntry.objects.filter(
                    meeting=meeting, user_id=actor.pk, left_at=None, finished_at=None
                ).exists():
                    raise already
                last = QueueEntry.objects.filter(meeting=meeting).aggregate(m=Max("joined"))["m"]
                entry = QueueEntry.objects.create(
                    meeting=meeting, user_id=actor.pk, joined=(last or 0) + 1
                )
                audit_append(
                    actor=actor, action="queue.join", subject=meeting, data={"joined": entry.joined}
                )
            return entry
        except IntegrityError:
            # Without row locks (SQLite) two joins may read the same maximum: try again,
            # unless it was this person's second place.
            if QueueEntry.objects.filter(
                meeting=meeting, user_id=actor.pk, left_at=None, finished_at=None
            ).exists():
                raise already from None
    raise Conflict(_("The queue is busy; try again."), code="busy")


def queue_leave(*, actor: Any, meeting: Meeting) -> None:
    permissions.require(actor, "meeting.attend", meeting.institution)
    with transaction.atomic():
        left = QueueEntry.objects.filter(
            meeting=meeting, user_id=actor.pk, called_at=None, left_at=None, finished_at=None
        ).update(left_at=timezone.now())
        if not left:
            raise Conflict(_("You are not waiting in the queue."), code="not_in_queue")
        audit_append(actor=actor, action="queue.leave", subject=meeting, data={})


def _finish_current(actor: Any, meeting: Meeting, now: datetime) -> QueueEntry | None:
    current = QueueEntry.objects.filter(
        meeting=meeting, called_at__isnull=False, finished_at=None
    ).first()
    if current is not None:
        current.finished_at = now
        current.save(update_fields=["finished_at"])
        audit_append(
            actor=actor,
            action="queue.finish",
            subject=meeting,
            data={"user": current.user_id, "seconds": round(current.seconds)},
        )
    return current


def queue_call_next(*, actor: Any, meeting: Meeting) -> QueueEntry | None:
    """Finish the current turn and call whoever is first under the meeting's ordering.
    Returns the new speaker, or None when nobody is waiting."""
    permissions.require(actor, "meeting.manage", meeting.institution)
    if meeting.ended_at is not None:
        raise Conflict(_("This meeting has ended."), code="meeting_closed")
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        now = timezone.now()
        _finish_current(actor, meeting, now)
        ordered = selectors.queue_ordered(meeting)
        if not ordered:
            return None
        entry = ordered[0]
        entry.called_at = now
        entry.save(update_fields=["called_at"])
        if meeting.started_at is None:
            meeting.started_at = now
            meeting.save(update_fields=["started_at"])
        audit_append(
            actor=actor, action="queue.call", subject=meeting, data={"user": entry.user_id}
        )
    return entry


def queue_finish(*, actor: Any, meeting: Meeting) -> QueueEntry:
    permissions.require(actor, "meeting.manage", meeting.institution)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        finished = _finish_current(actor, meeting, timezone.now())
        if finished is None:
            raise Conflict(_("Nobody is speaking."), code="nobody_speaking")
    return finished


# --- minutes -------------------------------------------------------------------


def minutes_save(*, actor: Any, meeting: Meeting, text: str) -> Minutes:
    permissions.require(actor, "meeting.manage", meeting.institution)
    text = text.strip()
    if not text:
        raise ValidationFailed.for_field("text", _("Write the minutes before saving them."))
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is not None and minutes.approved_in_id is not None:
            raise Conflict(
                _("These minutes were approved; they can no longer be changed."),
                code="minutes_approved",
            )
        if minutes is None:
            minutes = Minutes.objects.create(meeting=meeting, text=text, written_by=actor)
        else:
            minutes.text, minutes.written_by = text, actor
            minutes.save(update_fields=["text", "written_by", "updated_at"])
        audit_append(
            actor=actor, action="minutes.save", subject=meeting, data={"length": len(text)}
        )
    return minutes


def minutes_approve(*, actor: Any, minutes: Minutes, at: Meeting) -> Minutes:
    """The members approve earlier minutes at a later meeting; they then become records."""
    permissions.require(actor, "meeting.manage", at.institution)
    earlier = minutes.meeting
    if earlier.institution_id != at.institution_id or earlier.starts_at >= at.starts_at:
        raise Conflict(
            _("Minutes are approved at a later meeting of the same institution."),
            code="not_a_later_meeting",
        )
    if timezone.now() < at.starts_at - selectors.CHECKIN_OPENS_BEFORE:
        raise Conflict(
            _("Minutes are approved during the meeting, not before it."), code="too_early"
        )
    with transaction.atomic():
        locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if locked.approved_in_id is not None:
            raise Conflict(_("These minutes are already approved."), code="already_approved")
        locked.approved_in, locked.approved_at = at, timezone.now()
        locked.save(update_fields=["approved_in", "approved_at"])
        audit_append(
            actor=actor,
            action="minutes.approve",
            subject=earlier,
            data={"approved_in": at.pk},
        )
    return locked


# --- the speaking profile ------------------------------------------------------


def speaking_profile_get(*, actor: Any) -> SpeakingProfile:
    permissions.require(actor, "speaking_profile.edit")
    return SpeakingProfile.objects.filter(user_id=actor.pk).first() or SpeakingProfile(user=actor)


def speaking_profile_save(*, actor: Any, group: str, less_heard: bool) -> SpeakingProfile:
    permissions.require(actor, "speaking_profile.edit")
    group = " ".join(group.split())
    if len(group) > GROUP_MAX_LENGTH:
        raise ValidationFailed.for_field(
            "group", _("Keep it under %(n)s characters.") % {"n": GROUP_MAX_LENGTH}
        )
    with transaction.atomic():
        profile, _created = SpeakingProfile.objects.update_or_create(
            user_id=actor.pk, defaults={"group": group, "less_heard": less_heard}
        )
        # The contents stay out of the log: only that the person changed it.
        audit_append(actor=actor, action="speaking_profile.save", subject=None, data={})
    return profile
