"""Events, answers and volunteer shifts, through the services and the pages.

What people rely on: an answer can be changed and the counts follow; a full shift
refuses the next volunteer with a clear message and writes nothing; withdrawing
frees the place; a cancelled event takes no more volunteers; bad input is refused
with 422 and nothing written; overlapping shifts are allowed but flagged.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.audit.models import AuditEvent
from bloc.core.errors import Conflict, PermissionDenied
from bloc.events import selectors, services
from bloc.events.models import Event, Rsvp, Shift, ShiftSignup
from bloc.institutions.services import bylaws_amend
from tests.conftest import PASSWORD, member
from tests.events.conftest import make_shift, members

pytestmark = pytest.mark.django_db


def log_in(client, person):  # type: ignore[no-untyped-def]
    assert client.login(username=person.email, password=PASSWORD)
    return client


def url(name, event, *extra):  # type: ignore[no-untyped-def]
    return reverse(f"institutions:{name}", args=[event.institution.slug, event.pk, *extra])


def test_an_answer_can_be_changed_and_the_counts_follow(client, maple, fiona, event, alice):
    member(maple, alice)
    log_in(client, alice)
    response = client.post(url("event_rsvp", event), {"answer": "yes"})
    assert response.status_code == 302
    assert selectors.rsvp_counts(event) == {"yes": 1, "maybe": 0, "no": 0}
    client.post(url("event_rsvp", event), {"answer": "maybe"})
    assert selectors.rsvp_counts(event) == {"yes": 0, "maybe": 1, "no": 0}
    assert Rsvp.objects.get(event=event, user=alice).answer == "maybe"
    page = client.get(url("event_detail", event)).content.decode()
    assert "Maybe: 1" in page and "Going: 0" in page
    assert 'value="maybe" id="answer-maybe" checked' in page

    # A made-up answer is refused (422) and the stored one stays.
    before = AuditEvent.objects.count()
    response = client.post(url("event_rsvp", event), {"answer": "perhaps"})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert Rsvp.objects.get(event=event, user=alice).answer == "maybe"
    assert AuditEvent.objects.count() == before


def test_a_full_shift_refuses_the_next_volunteer_and_writes_nothing(client, maple, fiona, event):
    first, second, third = members(maple, 3)
    shift = make_shift(event, fiona, capacity=2)
    services.shift_sign_up(actor=first, shift=shift)
    services.shift_sign_up(actor=second, shift=shift)
    before = AuditEvent.objects.count()

    with pytest.raises(Conflict) as refusal:
        services.shift_sign_up(actor=third, shift=shift)
    assert refusal.value.code == "shift_full"

    log_in(client, third)
    response = client.post(url("shift_sign_up", event, shift.pk))
    assert response.status_code == 409
    page = response.content.decode()
    assert "This shift is full: all 2 places are taken." in page
    assert "Full (2 of 2)" in page
    assert ShiftSignup.objects.filter(shift=shift).count() == 2
    assert not ShiftSignup.objects.filter(user=third).exists()
    assert AuditEvent.objects.count() == before

    # Signing up twice is refused too.
    with pytest.raises(Conflict) as again:
        services.shift_sign_up(actor=first, shift=shift)
    assert again.value.code == "already_signed_up"


def test_withdrawing_frees_the_place(client, maple, fiona, event):
    first, second, third = members(maple, 3)
    shift = make_shift(event, fiona, capacity=2)
    services.shift_sign_up(actor=first, shift=shift)
    services.shift_sign_up(actor=second, shift=shift)
    log_in(client, second)
    response = client.post(url("shift_withdraw", event, shift.pk))
    assert response.status_code == 302
    assert list(ShiftSignup.objects.filter(shift=shift).values_list("user", flat=True)) == [
        first.pk
    ]
    services.shift_sign_up(actor=third, shift=shift)
    assert ShiftSignup.objects.filter(shift=shift).count() == 2
    # Withdrawing from a shift one is not on is a conflict, not a silent success.
    response = client.post(url("shift_withdraw", event, shift.pk))
    assert response.status_code == 409
    assert "You are not signed up for this shift." in response.content.decode()
    actions = AuditEvent.objects.filter(action__startswith="shift.").values_list(
        "action", flat=True
    )
    assert list(actions) == [
        "shift.create",
        *["shift.sign_up"] * 2,
        "shift.withdraw",
        "shift.sign_up",
    ]


def test_a_cancelled_event_takes_no_volunteers_nor_answers(client, maple, fiona, event, alice):
    member(maple, alice)
    shift = make_shift(event, fiona)
    log_in(client, fiona)
    assert client.post(url("event_cancel", event)).status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None
    client.logout()
    log_in(client, alice)
    response = client.post(url("shift_sign_up", event, shift.pk))
    assert response.status_code == 409
    assert "This event was cancelled." in response.content.decode()
    assert client.post(url("event_rsvp", event), {"answer": "yes"}).status_code == 409
    assert not ShiftSignup.objects.exists() and not Rsvp.objects.exists()
    with pytest.raises(Conflict):
        services.event_cancel(actor=fiona, event=event)


def test_pages_refuse_bad_input_with_422_and_write_nothing(client, maple, fiona, event, alice):
    member(maple, alice)
    create = reverse("institutions:event_create", args=[maple.slug])
    log_in(client, alice)
    assert client.get(create).status_code == 403  # members answer; officers set up
    client.logout()
    log_in(client, fiona)
    events_before, audit_before = Event.objects.count(), AuditEvent.objects.count()
    backwards = {
        "title": "Bake sale",
        "starts_at": "2030-05-01T14:00",
        "ends_at": "2030-05-01T12:00",
    }
    response = client.post(create, backwards)
    assert response.status_code == 422
    assert "An event must end after it starts." in response.content.decode()
    response = client.post(create, {"title": "", "starts_at": "tomorrow", "ends_at": ""})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    for capacity in ("0", "many"):
        response = client.post(
            url("shift_create", event),
            {"title": "Sweep", "starts_at": "2030-05-01T09:00", "ends_at": "2030-05-01T11:00",
             "capacity": capacity},
        )  # fmt: skip
        assert response.status_code == 422
    assert Event.objects.count() == events_before and not Shift.objects.exists()
    assert AuditEvent.objects.count() == audit_before

    # Good input: read in the current time zone, and listed.
    with timezone.override("America/New_York"):
        response = client.post(
            create, {**backwards, "starts_at": "2030-05-01T10:00", "ends_at": "2030-05-01T12:00"}
        )
    assert response.status_code == 302
    made = Event.objects.get(title="Bake sale")
    assert made.starts_at == datetime.datetime(2030, 5, 1, 14, 0, tzinfo=datetime.UTC)
    assert (
        "Bake sale"
        in client.get(reverse("institutions:events", args=[maple.slug])).content.decode()
    )


def test_overlapping_shifts_are_allowed_and_flagged(client, maple, fiona, event, alice):
    member(maple, alice)
    sweep = make_shift(event, fiona, title="Sweep", hours=(0, 2))
    water = make_shift(event, fiona, title="Hand out water", hours=(1, 3))
    bags = make_shift(event, fiona, title="Carry bags", hours=(2, 4))
    log_in(client, alice)
    client.post(url("shift_sign_up", event, sweep.pk))
    response = client.post(url("shift_sign_up", event, water.pk), follow=True)
    assert "This shift overlaps another of yours: Sweep (Street-cleaning day)." in (
        response.content.decode()
    )
    client.post(url("shift_sign_up", event, bags.pk))
    assert ShiftSignup.objects.filter(user=alice).count() == 3
    mine = {m.shift.title: {o.title for o in m.overlaps} for m in selectors.my_shifts(alice)}
    assert mine == {
        "Sweep": {"Hand out water"},
        "Hand out water": {"Sweep", "Carry bags"},
        "Carry bags": {"Hand out water"},
    }
    page = client.get(reverse("calendar:page")).content.decode()
    assert page.count("Overlaps with:") == 3


def test_who_sees_and_who_may_take_part(client, maple, fiona, event, alice, bob):
    member(maple, alice)
    detail = url("event_detail", event)
    assert client.get(detail).status_code == 403  # records are private
    log_in(client, bob)
    assert client.get(detail).status_code == 403  # not a member, records private
    with pytest.raises(PermissionDenied):
        services.rsvp_set(actor=bob, event=event, answer="yes")
    bylaws_amend(actor=SYSTEM, institution=maple, text="B", rules={"public_records": True})
    page = client.get(detail)
    assert page.status_code == 200 and "Sign up" not in page.content.decode()
    client.logout()
    assert client.get(detail).status_code == 200
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=alice,
            institution=maple,
            title="Mine",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
        )
