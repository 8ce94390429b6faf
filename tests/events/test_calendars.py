"""Calendar feeds parse back with the right times, time zone, UIDs and cancellations;
who may read them; and a personal feed's address stops working once reset."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.actors import SYSTEM
from bloc.events import services
from bloc.events.models import CalendarToken
from bloc.institutions.services import bylaws_amend
from bloc.meetings.models import Meeting
from tests.conftest import PASSWORD, member
from tests.decisions.conftest import open_poll
from tests.events.conftest import make_event, make_shift

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"


@pytest.fixture
def new_york(settings):  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = NEW_YORK
    settings.BLOC_BASE_URL = "https://bloc.example.org/"
    return ZoneInfo(NEW_YORK)


def parse(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == [NEW_YORK]
    items = {}
    for item in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            assert item[name].params["TZID"] == NEW_YORK
            assert item.decoded(name).tzinfo == ZoneInfo(NEW_YORK)
        items[str(item["UID"])] = item
    return items


def same_instant(item, name, moment):  # type: ignore[no-untyped-def]
    # Aware datetimes compare as instants; iCalendar keeps whole seconds.
    assert item.decoded(name) == moment.replace(microsecond=0)
    assert item.decoded(name).utcoffset() == timezone.localtime(moment).utcoffset()


def test_the_institution_feed_has_meetings_events_and_voting_deadlines(
    client, maple, fiona, new_york
):
    # A date in July (daylight saving time, UTC-4) and one in December (UTC-5).
    summer = datetime.datetime(2030, 7, 4, 18, 0, tzinfo=new_york)
    winter = datetime.datetime(2030, 12, 5, 19, 30, tzinfo=new_york)
    meeting = Meeting.objects.create(
        institution=maple,
        title="Monthly meeting",
        starts_at=winter,
        ends_at=winter + datetime.timedelta(hours=2),
        place="Library, room 2",
        online_link="https://meet.example.org/maple",
    )
    picnic = make_event(maple, fiona, title="Picnic", starts_at=summer,
                        ends_at=summer + datetime.timedelta(hours=3), place="Maple Park")  # fmt: skip
    rained_out = make_event(maple, fiona, title="Rained out")
    services.event_cancel(actor=fiona, event=rained_out)
    poll = open_poll(maple, fiona, title="Paint the fence?")

    assert client.login(username=fiona.email, password=PASSWORD)
    items = parse(client.get(reverse("institutions:calendar_feed", args=[maple.slug])))

    host = "bloc.example.org"
    assert set(items) == {
        f"meeting-{meeting.pk}@{host}",
        f"event-{picnic.pk}@{host}",
        f"event-{rained_out.pk}@{host}",
        f"poll-{poll.pk}@{host}",
    }
    item = items[f"event-{picnic.pk}@{host}"]
    same_instant(item, "DTSTART", summer)
    same_instant(item, "DTEND", summer + datetime.timedelta(hours=3))
    assert item.decoded("DTSTART").hour == 18
    assert str(item["SUMMARY"]) == "Picnic" and str(item["LOCATION"]) == "Maple Park"
    assert str(item["URL"]) == f"https://{host}/institutions/maple/events/{picnic.pk}/"
    assert str(item["STATUS"]) == "CONFIRMED"
    assert str(items[f"event-{rained_out.pk}@{host}"]["STATUS"]) == "CANCELLED"
    item = items[f"meeting-{meeting.pk}@{host}"]
    same_instant(item, "DTSTART", winter)
    assert item.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=-5)
    assert "Library, room 2" in str(item["LOCATION"])
    assert "https://meet.example.org/maple" in str(item["DESCRIPTION"])
    item = items[f"poll-{poll.pk}@{host}"]
    assert str(item["SUMMARY"]) == "Voting closes: Paint the fence?"
    same_instant(item, "DTSTART", poll.closes_at)
    assert str(item["URL"]).startswith(f"https://{host}/institutions/maple/")

    # Each meeting and event downloads on its own, as a file.
    response = client.get(reverse("institutions:event_ics", args=[maple.slug, picnic.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="event-{picnic.pk}.ics"'
    assert list(parse(response)) == [f"event-{picnic.pk}@{host}"]
    response = client.get(reverse("institutions:meeting_ics", args=[maple.slug, meeting.pk]))
    assert list(parse(response)) == [f"meeting-{meeting.pk}@{host}"]
    missing = reverse("institutions:meeting_ics", args=[maple.slug, meeting.pk + 99])
    assert client.get(missing).status_code == 404


def test_who_may_read_the_institution_feed(client, maple, fiona, alice, bob, new_york):
    member(maple, alice)
    make_event(maple, fiona)
    feed = reverse("institutions:calendar_feed", args=[maple.slug])
    alice_token = services.calendar_token_get(user=alice).token
    bob_token = services.calendar_token_get(user=bob).token  # not a member

    assert client.get(feed).status_code == 403
    assert client.get(feed, {"token": "made-up"}).status_code == 403
    assert client.get(feed, {"token": bob_token}).status_code == 403
    assert len(parse(client.get(feed, {"token": alice_token}))) == 1
    # Public records: anyone, no token needed.
    bylaws_amend(actor=SYSTEM, institution=maple, text="B", rules={"public_records": True})
    assert len(parse(client.get(feed))) == 1


def test_a_personal_feed_has_all_ones_institutions_and_shifts_until_reset(
    client, maple, fiona, alice, new_york
):
    member(maple, alice)
    event = make_event(maple, fiona)
    shift = make_shift(event, fiona)
    services.shift_sign_up(actor=alice, shift=shift)
    assert client.login(username=alice.email, password=PASSWORD)
    page = client.get(reverse("calendar:page")).content.decode()
    token = CalendarToken.objects.get(user=alice).token
    old = f"/calendar/{token}.ics"
    assert f"http://testserver{old}" in page

    client.logout()  # calendar apps carry no session
    items = parse(client.get(old))
    item = items[f"shift-{shift.pk}@bloc.example.org"]
    assert str(item["SUMMARY"]) == "Volunteer: Sweep (Street-cleaning day)"
    same_instant(item, "DTSTART", shift.starts_at)
    assert f"event-{event.pk}@bloc.example.org" in items

    assert client.login(username=alice.email, password=PASSWORD)
    assert client.post(reverse("calendar:reset")).status_code == 302
    client.logout()
    new = CalendarToken.objects.get(user=alice).token
    assert new != token and len(new) >= 43
    assert client.get(old).status_code == 404
    assert len(parse(client.get(f"/calendar/{new}.ics"))) == 2
    assert client.get("/calendar/.ics").status_code == 404
