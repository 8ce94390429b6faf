"""A day before a shift, its volunteers get one email, in their language, unless they
opted out; running the tick again, or from two processes, sends nothing more."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from bloc.events import services
from bloc.events.models import EventEmailOptOut
from bloc.events.notifications import remind_shifts
from tests.conftest import PASSWORD, member
from tests.events.conftest import make_event, make_shift, members


@pytest.mark.django_db
def test_volunteers_are_reminded_once_in_their_language_unless_they_opted_out(
    client, maple, fiona, alice, bob, capsys
):
    member(maple, alice)
    bob.address = "116 Maple Street"
    bob.save()
    member(maple, bob)  # reads bloc in Spanish
    (carol,) = members(maple, 1, prefix="carol")
    soon = make_event(maple, fiona, days=0, starts_at=timezone.now() + datetime.timedelta(hours=20),
                      ends_at=timezone.now() + datetime.timedelta(hours=26))  # fmt: skip
    later = make_event(maple, fiona, days=5, title="Bake sale")
    tomorrow = make_shift(soon, fiona, capacity=5, title="Sweep")
    next_week = make_shift(later, fiona, title="Bake")
    for person in (alice, bob, carol):
        services.shift_sign_up(actor=person, shift=tomorrow)
    services.shift_sign_up(actor=alice, shift=next_week)
    # Carol stops reminders on her calendar page.
    assert client.login(username=carol.email, password=PASSWORD)
    page = reverse("calendar:emails")
    assert client.post(page, {"emails": "maybe"}).status_code == 422
    assert not EventEmailOptOut.objects.exists()
    assert client.post(page, {"emails": "stop"}).status_code == 302
    assert EventEmailOptOut.objects.filter(user=carol).exists()

    call_command("events", "tick")
    out = capsys.readouterr().out
    assert f"shift {tomorrow.pk} (Sweep, Street-cleaning day)" in out
    assert "reminded 1 shift(s), sent 2 email(s)" in out
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {alice.email, bob.email}
    assert by_person[alice.email].subject == "Tomorrow: Sweep at Street-cleaning day"
    assert "withdraw on the event's page" in by_person[alice.email].body
    assert "/calendar/" in by_person[alice.email].body
    # Each in their own language (the dates at least, until the lead adds the Spanish text).
    for person, language in ((alice, "en"), (bob, "es")):
        with translation.override(language):
            starts = formats.date_format(timezone.localtime(tomorrow.starts_at), "DATETIME_FORMAT")
        assert starts in by_person[person.email].body

    # Again (or another process after this one): nothing more.
    assert remind_shifts() == []
    call_command("events", "tick")
    assert "reminded 0 shift(s), sent 0 email(s)" in capsys.readouterr().out
    assert len(mail.outbox) == 2
    # Next week's shift is reminded when its day comes.
    done = remind_shifts(now=next_week.starts_at - datetime.timedelta(hours=3))
    assert [r.shift.pk for r in done] == [next_week.pk] and len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_two_processes_ticking_at_once_send_each_reminder_once(maple, fiona):
    from tests.decisions.test_concurrency import all_at_once

    soon = make_event(maple, fiona, days=0, starts_at=timezone.now() + datetime.timedelta(hours=2),
                      ends_at=timezone.now() + datetime.timedelta(hours=4))  # fmt: skip
    shift = make_shift(soon, fiona, capacity=4)
    for person in members(maple, 4):
        services.shift_sign_up(actor=person, shift=shift)

    outcomes = all_at_once(lambda: remind_shifts(), [(), (), (), ()])

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(len(o) for o in outcomes) == 1
    assert len(mail.outbox) == 4
