"""Emails to volunteers a day before their shift starts.

Each shift is reminded once: ``reminded_at`` is set under a lock on the shift's row
before anything is sent, so a second process running the same tick finds it set.
Each person is written to in their own language; ``EventEmailOptOut`` stops them.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation

from bloc.accounts.models import User
from bloc.actors import SYSTEM
from bloc.audit.services import audit_append
from bloc.events.calendars import absolute, event_url
from bloc.events.models import Shift, ShiftSignup

logger = logging.getLogger(__name__)

REMIND_BEFORE = timedelta(hours=24)


@dataclass
class Reminded:
    shift: Shift
    emails: int


def optout_url() -> str:
    try:
        return absolute(reverse("calendar:page"))
    except NoReverseMatch:
        return absolute("/calendar/")


def _volunteers(shift: Shift) -> list[User]:
    """The shift's volunteers who can be written to and have not opted out."""
    signed = ShiftSignup.objects.filter(shift=shift).values("user_id")
    return list(
        User.objects.filter(pk__in=signed, deleted_at__isnull=True, is_active=True)
        .exclude(email="")
        .filter(event_email_opt_out__isnull=True)
        .order_by("pk")
    )


def _message(shift: Shift, user: User) -> EmailMessage:
    event = shift.event
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "shift": shift,
            "event": event,
            "user": user,
            "institution": event.institution,
            "starts": formats.date_format(timezone.localtime(shift.starts_at), "DATETIME_FORMAT"),
            "ends": formats.time_format(timezone.localtime(shift.ends_at), "TIME_FORMAT"),
            "event_url": event_url(event),
            "optout_url": optout_url(),
        }
        subject = render_to_string("events/email/shift_reminder_subject.txt", context)
        body = render_to_string("events/email/shift_reminder_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


def _send(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except (OSError, smtplib.SMTPException):
        # A mail server that is down must not stop the tick; the shift is marked
        # reminded either way (a second email later is worse than none).
        logger.exception("could not send %s shift reminders", len(messages))
        return 0


def remind_shifts(*, now: datetime | None = None) -> list[Reminded]:
    """Email the volunteers of each shift that starts within a day, once per shift."""
    now = now or timezone.now()
    due = Shift.objects.filter(
        reminded_at__isnull=True,
        event__cancelled_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    ).values_list("pk", flat=True)
    done = []
    for shift_id in list(due):
        with transaction.atomic():
            # Whoever sets reminded_at first sends; another process finds it set.
            shift = (
                Shift.objects.select_for_update()
                .filter(pk=shift_id, reminded_at__isnull=True)
                .first()
            )
            if shift is None:
                continue
            shift.reminded_at = now
            shift.save(update_fields=["reminded_at"])
            people = _volunteers(shift)
            audit_append(
                actor=SYSTEM,
                action="shift.remind",
                subject=shift,
                data={"volunteers": len(people)},
            )
        shift = Shift.objects.select_related("event", "event__institution").get(pk=shift_id)
        done.append(Reminded(shift, _send([_message(shift, user) for user in people])))
    return done
