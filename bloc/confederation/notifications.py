"""Emails to delegates: their council is voting, and the mandate they carry.

Sent after the commit that opens the delegates' vote, each in the delegate's
language; someone who opted out of emails about votes gets none.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bloc.confederation.models import Delegate, Position, Question
from bloc.core import ranked_mandates as ranked
from bloc.decisions.notifications import absolute_url, optout_url, send_safely


def _mandate_words(question: Question, node: str) -> str:
    mandate = (question.mandates or {}).get(node)
    if not mandate:
        return ""
    if question.options:
        tiers = ranked.normal(mandate, len(question.options))
        return " > ".join(" = ".join(question.options[o] for o in tier) for tier in tiers)
    return str(dict(Position.choices).get(mandate, mandate))


def notify_delegates_voting(question: Question) -> int:
    """Email every sitting delegate of the question's council; returns the emails sent."""
    today = timezone.localdate()
    delegates = (
        Delegate.objects.filter(
            council_id=question.council_id,
            ended_on=None,
            starts_on__lte=today,
            ends_on__gt=today,
            user__is_active=True,
            user__deleted_at__isnull=True,
            user__poll_email_opt_out__isnull=True,
        )
        .exclude(user__email="")
        .select_related("user", "seat")
    )
    url = absolute_url(reverse("councils:question", args=[question.council.slug, question.pk]))
    messages = []
    for delegate in delegates:
        user = delegate.user
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "council": question.council,
                "question": question,
                "mandate": _mandate_words(question, delegate.seat.node),
                "question_url": url,
                "optout_url": optout_url(),
            }
            subject = render_to_string("confederation/email/voting_subject.txt", context)
            body = render_to_string("confederation/email/voting_body.txt", context)
        messages.append(EmailMessage(" ".join(subject.split()), body, to=[user.email]))
    return send_safely(messages)
