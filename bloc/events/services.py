"""Every write about events: set up, change, cancel, answer, shifts and volunteers.

Each function checks permission, validates, writes and appends to the audit log in
one transaction. Signing up for a shift locks the shift's row and counts its
volunteers inside the same transaction, so a full shift stays full however many
people press the button at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.audit.services import audit_append
from bloc.core.errors import Conflict, ValidationFailed
from bloc.events.models import (
    CalendarToken,
    Event,
    EventEmailOptOut,
    Rsvp,
    Shift,
    ShiftSignup,
)
from bloc.institutions.models import Institution

TITLE_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 200
CAPACITY_MAX = 1000


def _when(data: dict[str, object], starts_at: datetime, ends_at: datetime) -> None:
    data["starts_at"] = starts_at.isoformat()
    data["ends_at"] = ends_at.isoformat()


def _check_event_fields(title: str, place: str, starts_at: datetime, ends_at: datetime) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.for_field("title", _("Give the event a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationFailed.for_field(
            "title", _("The title can be at most %(n)s characters.") % {"n": TITLE_MAX_LENGTH}
        )
    if len(place or "") > PLACE_MAX_LENGTH:
        raise ValidationFailed.for_field(
            "place", _("The place can be at most %(n)s characters.") % {"n": PLACE_MAX_LENGTH}
        )
    if ends_at <= starts_at:
        raise ValidationFailed.for_field("ends_at", _("An event must end after it starts."))
    return title


def event_create(
    *,
    actor: object,
    institution: Institution,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
) -> Event:
    permissions.require(actor, "event.manage", institution)
    title = _check_event_fields(title, place, starts_at, ends_at)
    with transaction.atomic():
        event = Event.objects.create(
            institution=institution,
            title=title,
            description=(description or "").strip(),
            place=(place or "").strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        data: dict[str, object] = {
            "institution": institution.slug,
            "title": title,
            "place": event.place,
        }
        _when(data, starts_at, ends_at)
        audit_append(actor=actor, action="event.create", subject=event, data=data)
    return event


def event_update(
    *,
    actor: object,
    event: Event,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
) -> Event:
    """Change what, where and when. Times may be in the past (to record an event)."""
    permissions.require(actor, "event.manage", event.institution)
    title = _check_event_fields(title, place, starts_at, ends_at)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("This event was cancelled; it cannot be changed."), code="cancelled")
        locked.title = title
        locked.description = (description or "").strip()
        locked.place = (place or "").strip()
        locked.starts_at = starts_at
        locked.ends_at = ends_at
        locked.save(update_fields=["title", "description", "place", "starts_at", "ends_at"])
        data: dict[str, object] = {"title": title, "place": locked.place}
        _when(data, starts_at, ends_at)
        audit_append(actor=actor, action="event.update", subject=locked, data=data)
    return locked


def event_cancel(*, actor: object, event: Event) -> Event:
    permissions.require(actor, "event.manage", event.institution)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("This event is already cancelled."), code="cancelled")
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        audit_append(actor=actor, action="event.cancel", subject=locked)
    return locked


def _open_for_answers(event: Event, now: datetime) -> None:
    if event.cancelled_at is not None:
        raise Conflict(_("This event was cancelled."), code="cancelled")
    if event.ends_at <= now:
        raise Conflict(_("This event is over."), code="over")


def rsvp_set(*, actor: object, event: Event, answer: str) -> Rsvp:
    """Answer going, maybe or not going; answering again replaces the answer."""
    permissions.require(actor, "event.take_part", event.institution)
    if answer not in Rsvp.Answer.values:
        raise ValidationFailed.for_field("answer", _("Choose going, maybe or not going."))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        _open_for_answers(locked, timezone.now())
        rsvp, _created = Rsvp.objects.update_or_create(
            event=locked,
            user_id=actor.pk,
            defaults={"answer": answer},  # type: ignore[attr-defined]
        )
        audit_append(actor=actor, action="event.rsvp", subject=locked, data={"answer": answer})
    return rsvp


def shift_create(
    *,
    actor: object,
    event: Event,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
) -> Shift:
    permissions.require(actor, "event.manage", event.institution)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.for_field("title", _("Say what the volunteers will do."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationFailed.for_field(
            "title", _("The task can be at most %(n)s characters.") % {"n": TITLE_MAX_LENGTH}
        )
    if ends_at <= starts_at:
        raise ValidationFailed.for_field("ends_at", _("A shift must end after it starts."))
    if not 1 <= capacity <= CAPACITY_MAX:
        raise ValidationFailed.for_field(
            "capacity",
            _("A shift needs between 1 and %(n)s people.") % {"n": CAPACITY_MAX},
        )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("This event was cancelled."), code="cancelled")
        shift = Shift.objects.create(
            event=locked, title=title, starts_at=starts_at, ends_at=ends_at, capacity=capacity
        )
        data: dict[str, object] = {"event": locked.pk, "title": title, "capacity": capacity}
        _when(data, starts_at, ends_at)
        audit_append(actor=actor, action="shift.create", subject=shift, data=data)  # type: ignore[arg-type]
    return shift


def shift_delete(*, actor: object, shift: Shift) -> None:
    """Remove a shift and its volunteers' sign-ups (the log keeps how many there were)."""
    permissions.require(actor, "event.manage", shift.event.institution)
    with transaction.atomic():
        locked = Shift.objects.select_for_update().get(pk=shift.pk)
        volunteers = locked.signups.count()
        audit_append(
            actor=actor,
            action="shift.delete",
            subject=locked,
            data={"event": locked.event_id, "title": locked.title, "volunteers": volunteers},
        )
        locked.delete()


def shift_sign_up(*, actor: object, shift: Shift) -> ShiftSignup:
    """Volunteer for a shift; refused when it is full, cancelled or over."""
    permissions.require(actor, "event.take_part", shift.event.institution)
    with transaction.atomic():
        # The lock makes concurrent sign-ups for this shift wait here, one by one,
        # so each counts the volunteers committed before it.
        locked = Shift.objects.select_for_update().select_related("event").get(pk=shift.pk)
        now = timezone.now()
        if locked.event.cancelled_at is not None:
            raise Conflict(_("This event was cancelled."), code="cancelled")
        if locked.ends_at <= now:
            raise Conflict(_("This shift is over."), code="over")
        if ShiftSignup.objects.filter(shift=locked, user_id=actor.pk).exists():  # type: ignore[attr-defined]
            raise Conflict(_("You already signed up for this shift."), code="already_signed_up")
        if ShiftSignup.objects.filter(shift=locked).count() >= locked.capacity:
            raise Conflict(
                _("This shift is full: all %(n)s places are taken. Choose another shift.")
                % {"n": locked.capacity},
                code="shift_full",
            )
        try:
            with transaction.atomic():
                signup = ShiftSignup.objects.create(shift=locked, user_id=actor.pk)  # type: ignore[attr-defined]
        except IntegrityError:
            raise Conflict(
                _("You already signed up for this shift."), code="already_signed_up"
            ) from None
        audit_append(
            actor=actor, action="shift.sign_up", subject=locked, data={"event": locked.event_id}
        )
    return signup


def shift_withdraw(*, actor: object, shift: Shift) -> None:
    permissions.require(actor, "event.take_part", shift.event.institution)
    with transaction.atomic():
        locked = Shift.objects.select_for_update().get(pk=shift.pk)
        deleted, _rows = ShiftSignup.objects.filter(shift=locked, user_id=actor.pk).delete()  # type: ignore[attr-defined]
        if not deleted:
            raise Conflict(_("You are not signed up for this shift."), code="not_signed_up")
        audit_append(
            actor=actor, action="shift.withdraw", subject=locked, data={"event": locked.event_id}
        )


# --- a person's calendar and emails ---------------------------------------------


def calendar_token_get(*, user: object) -> CalendarToken:
    """The person's calendar token, made the first time they need one."""
    existing = CalendarToken.objects.filter(user_id=user.pk).first()  # type: ignore[attr-defined]
    if existing is not None:
        return existing
    with transaction.atomic():
        token, created = CalendarToken.objects.get_or_create(
            user_id=user.pk,  # type: ignore[attr-defined]
            defaults={"token": secrets.token_urlsafe(32)},
        )
        if created:
            # Never the token itself: the log is readable by members.
            audit_append(actor=user, action="calendar.token_create", subject=user)  # type: ignore[arg-type]
    return token


def calendar_token_reset(*, user: object) -> CalendarToken:
    """A new secret: the old feed URL stops working at once."""
    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(
            user_id=user.pk,  # type: ignore[attr-defined]
            defaults={"token": secrets.token_urlsafe(32)},
        )
        if not created:
            token.token = secrets.token_urlsafe(32)
            token.save(update_fields=["token", "created_at"])
        audit_append(actor=user, action="calendar.token_reset", subject=user)  # type: ignore[arg-type]
    return token


def shift_emails_set(*, user: object, wanted: bool) -> bool:
    """Get, or stop, reminders before one's shifts; returns whether it changed."""
    with transaction.atomic():
        if wanted:
            changed = EventEmailOptOut.objects.filter(user_id=user.pk).delete()[0] > 0  # type: ignore[attr-defined]
        else:
            changed = EventEmailOptOut.objects.get_or_create(user_id=user.pk)[1]  # type: ignore[attr-defined]
        if changed:
            audit_append(
                actor=user,
                action="shift_emails.resume" if wanted else "shift_emails.stop",
                subject=user,  # type: ignore[arg-type]
            )
    return changed
