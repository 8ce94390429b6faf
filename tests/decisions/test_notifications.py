"""Emails about polls: one per voter when a vote opens, a reminder to those who have not
voted a day before it closes, each in the person's language, unless they opted out."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import formats, timezone, translation

import bloc.urls
from bloc.audit.models import AuditEvent
from bloc.decisions.models import PollEmailOptOut
from bloc.decisions.notifications import remind_poll_closing
from bloc.decisions.voting import vote
from tests.decisions.conftest import open_poll

pytestmark = pytest.mark.django_db

# The opt-out page, mounted as bloc/urls.py mounts it (if it does not yet).
try:
    reverse("poll_emails:optout")
    urlpatterns = bloc.urls.urlpatterns
except NoReverseMatch:
    urlpatterns = [
        *bloc.urls.urlpatterns,
        path("accounts/poll-emails/", include("bloc.decisions.optout_urls")),
    ]


def test_opening_emails_every_voter_in_their_language_except_who_opted_out(
    maple, voters, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    spanish, quiet = voters[2], voters[3]
    spanish.preferred_language = "es"
    spanish.save()
    PollEmailOptOut.objects.create(user=quiet)
    with django_capture_on_commit_callbacks(execute=True):
        poll = open_poll(maple, voters[0])

    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted(v.email for v in voters if v != quiet)
    by_address = {m.to[0]: m for m in mail.outbox}
    english, spanish_mail = by_address[voters[1].email], by_address[spanish.email]
    assert "Paint the fence?" in english.subject and "Vote open" in english.subject
    assert f"/institutions/maple/polls/{poll.pk}/" in english.body
    assert "/accounts/poll-emails/" in english.body
    assert "Paint the fence?" in spanish_mail.body
    # Written in the voter's language (bloc's own wording is translated by the lead's
    # catalog; Django's date format shows the language in use already).
    closes = timezone.localtime(poll.closes_at)
    with translation.override("es"):
        assert formats.date_format(closes, "DATETIME_FORMAT") in spanish_mail.body
    assert formats.date_format(closes, "DATETIME_FORMAT") in english.body
    assert spanish_mail.body != english.body.replace(voters[1].full_name, spanish.full_name)


def test_reminder_goes_once_to_those_who_have_not_voted(maple, voters):  # type: ignore[no-untyped-def]
    now = timezone.now()
    soon = open_poll(maple, voters[0], closes_at=now + datetime.timedelta(hours=20))
    later = open_poll(maple, voters[0], title="Later", closes_at=now + datetime.timedelta(days=3))
    vote(actor=voters[1], poll=soon, data=0)
    vote(actor=voters[2], poll=later, data=0)
    PollEmailOptOut.objects.create(user=voters[3])
    mail.outbox.clear()

    # Not voters[1] (voted), nor voters[3] (opted out); voters[2] voted only in the other.
    assert remind_poll_closing(now=now) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        v.email for v in (voters[0], voters[2], voters[4], voters[5])
    )
    assert all("Paint the fence?" in m.subject for m in mail.outbox)
    soon.refresh_from_db()
    assert soon.reminded_at is not None

    # Once only: a second run (another process, or the next minute) sends nothing.
    assert remind_poll_closing(now=now + datetime.timedelta(minutes=1)) == 0
    assert len(mail.outbox) == 4


@pytest.mark.urls(__name__)
def test_a_member_stops_and_resumes_poll_emails(client, maple, voters):  # type: ignore[no-untyped-def]
    person = voters[2]
    client.force_login(person)
    page = reverse("poll_emails:optout")
    assert page == "/accounts/poll-emails/"
    assert "Stop emails about votes" in client.get(page).content.decode()

    response = client.post(page, {"emails": "stop"}, follow=True)
    assert "You will no longer get emails about votes." in response.content.decode()
    assert PollEmailOptOut.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="poll_emails.stop").count() == 1

    client.post(page, {"emails": "resume"})
    assert not PollEmailOptOut.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="poll_emails.resume").count() == 1
    client.logout()
    assert client.get(page).status_code == 302  # login required


def test_no_vote_now_email_for_a_poll_closed_before_the_email_went_out(
    maple, voters, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from tests.decisions.conftest import close_now

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        close_now(open_poll(maple, voters[0]))
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_a_poll_opened_for_a_council_is_announced_once_by_the_tick(
    maple, voters, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from bloc.decisions.polls import polls_tick

    with django_capture_on_commit_callbacks(execute=True):
        poll = open_poll(
            maple,
            voters[0],
            announce_at_once=False,
            closes_at=timezone.now() + datetime.timedelta(days=3),  # no reminder yet
        )
    assert mail.outbox == []  # not in the request that opened it
    assert polls_tick()["announced"] == len(voters)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(v.email for v in voters)
    assert polls_tick()["announced"] == 0  # once
    poll.refresh_from_db()
    assert poll.announced_at is not None


def test_a_poll_announced_as_it_opened_is_not_announced_again_by_the_tick(
    maple, voters, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from bloc.decisions.polls import polls_tick

    with django_capture_on_commit_callbacks(execute=True):
        open_poll(maple, voters[0], closes_at=timezone.now() + datetime.timedelta(days=3))
    sent = len(mail.outbox)
    assert sent == len(voters)
    assert polls_tick()["announced"] == 0
    assert len(mail.outbox) == sent
