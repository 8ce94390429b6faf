"""Emails about polls: when a vote opens, and a day before it closes.

Each person is written to in their own language and may opt out (``PollEmailOptOut``).
The emails say what is asked, when it closes and where to vote; never how anyone voted.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation

from bloc.accounts.models import User
from bloc.decisions.models import EligibleVoter, Participation, Poll

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
REMIND_BEFORE = timedelta(hours=24)


def absolute_url(path: str) -> str:
    """``path`` on this site, from ``settings.BLOC_BASE_URL`` (the address people use)."""
    base = getattr(settings, "BLOC_BASE_URL", "") or DEFAULT_BASE_URL
    return urljoin(base if base.endswith("/") else base + "/", path)


def poll_url(poll: Poll) -> str:
    try:
        path = reverse(
            "institutions:poll_detail", kwargs={"slug": poll.institution.slug, "poll_id": poll.pk}
        )
    except NoReverseMatch:  # the poll pages are not mounted: the institution's page
        path = reverse("institutions:detail", kwargs={"slug": poll.institution.slug})
    return absolute_url(path)


def optout_url() -> str:
    try:
        return absolute_url(reverse("poll_emails:optout"))
    except NoReverseMatch:
        return absolute_url("/accounts/poll-emails/")


def _recipients(poll: Poll) -> QuerySet[User]:
    """Eligible voters who can be written to and have not opted out."""
    voters = EligibleVoter.objects.filter(poll=poll).values("user_id")
    return (
        User.objects.filter(pk__in=voters, deleted_at__isnull=True, is_active=True)
        .exclude(email="")
        .filter(poll_email_opt_out__isnull=True)
        .order_by("pk")
    )


def _message(poll: Poll, user: User, template: str) -> EmailMessage:
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "poll": poll,
            "user": user,
            "institution": poll.institution,
            "closes": formats.date_format(timezone.localtime(poll.closes_at), "DATETIME_FORMAT"),
            "poll_url": poll_url(poll),
            "optout_url": optout_url(),
        }
        subject = render_to_string(f"decisions/email/{template}_subject.txt", context)
        body = render_to_string(f"decisions/email/{template}_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


def send_safely(messages: Iterable[EmailMessage]) -> int:
    batch = list(messages)
    if not batch:
        return 0
    try:
        return get_connection().send_messages(batch) or 0
    except (OSError, smtplib.SMTPException):
        # A mail server that is down must not break the page or the tick that
        # opened the poll; the poll itself is open either way.
        logger.exception("could not send %s poll emails", len(batch))
        return 0


def notify_poll_opened(poll: Poll) -> int:
    """Tell every eligible voter that the poll is open; returns the emails sent.

    Sent once: whoever sets ``announced_at`` first sends (the request that opened the
    poll, after its commit, or ``announce_opened_polls``). Nothing is sent for a poll
    already closed by then (e.g. data loaded in one transaction): "vote now" would be
    wrong."""
    claimed = Poll.objects.filter(
        pk=poll.pk, announced_at=None, closed_at=None, cancelled_at=None
    ).update(announced_at=timezone.now())
    if not claimed:
        return 0
    return send_safely(_message(poll, user, "opened") for user in _recipients(poll))


def announce_opened_polls() -> int:
    """Send the "vote open" emails of every open poll not announced yet (the tick)."""
    due = Poll.objects.filter(
        opened_at__isnull=False, announced_at=None, closed_at=None, cancelled_at=None
    ).select_related("institution")
    return sum(notify_poll_opened(poll) for poll in due)


def remind_poll_closing(*, now: datetime) -> int:
    """Remind those who have not voted, once per poll, in its last 24 hours."""
    due = Poll.objects.filter(
        opened_at__isnull=False,
        closed_at__isnull=True,
        cancelled_at__isnull=True,
        reminded_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + REMIND_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for poll_id in list(due):
        with transaction.atomic():
            # Whoever sets reminded_at first sends; another process finds it set.
            poll = (
                Poll.objects.select_for_update()
                .filter(pk=poll_id, reminded_at__isnull=True)
                .select_related("institution")
                .first()
            )
            if poll is None:
                continue
            poll.reminded_at = now
            poll.save(update_fields=["reminded_at"])
            voted = Participation.objects.filter(poll=poll).values("user_id")
            people = list(_recipients(poll).exclude(pk__in=voted))
        sent += send_safely(_message(poll, user, "reminder") for user in people)
    return sent
