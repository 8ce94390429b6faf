"""The chapter's one calendar: every kind of item, who sees which, the filters, the
iCal feeds (parse with icalendar, stable UIDs), bad parameters, bounded queries."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from bloc.events.services import calendar_token_get
from tests.hub.growth_calendar_helpers import (
    every_kind,
    institution,
    membership,
    organizer,
    person,
)

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def new_york(settings):  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "America/New_York"
    settings.BLOC_BASE_URL = "https://bloc.example.org/"


def soon(days: int = 3) -> datetime.datetime:
    today = timezone.localdate()
    return datetime.datetime.combine(
        today + datetime.timedelta(days=days), datetime.time(12), tzinfo=NEW_YORK
    )


@pytest.fixture
def open_block(chapter):  # type: ignore[no-untyped-def]
    return institution(chapter, "open", public=True)


@pytest.fixture
def closed_block(chapter):  # type: ignore[no-untyped-def]
    return institution(chapter, "closed", public=False)


@pytest.fixture
def dated(open_block, closed_block):  # type: ignore[no-untyped-def]
    day = soon()
    return every_kind(open_block, day=day), every_kind(closed_block, day=day)


def page(client, chapter, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("hub:calendar", args=[chapter.slug]), params)


def titles(response):  # type: ignore[no-untyped-def]
    return [item.title for _day, items in response.context["days"] for item in items]


def test_an_organizer_sees_every_kind_of_item_of_every_institution(client, chapter, dated):
    client.force_login(organizer(chapter))
    response = page(client, chapter)

    assert response.status_code == 200
    kinds = {item.kind for _day, items in response.context["days"] for item in items}
    assert kinds == {"meeting", "poll", "event", "shift", "budget", "election", "council",
                     "survey"}  # fmt: skip
    shown = titles(response)
    for slug in ("open", "closed"):
        assert f"Meeting of {slug}" in shown
        assert f"Voting closes: Paint the fence of {slug}?" in shown
        assert f"Picnic of {slug}" in shown
        assert f"Voting opens: Budget of {slug}" in shown
        assert f"Survey closes: Needs of {slug}" in shown
    assert "Volunteer: Set up tables (Picnic of open)" in shown
    assert "Election day: City elections" in shown
    assert "Assemblies' mandates due: Join the city council?" in shown
    html = response.content.decode()
    assert "Library" in html and "The park" in html


def test_a_visitor_sees_public_institutions_and_chapter_wide_items_only(client, chapter, dated):
    response = page(client, chapter)

    assert response.status_code == 200
    shown = titles(response)
    assert "Meeting of open" in shown
    assert "Election day: City elections" in shown
    assert "Assemblies' mandates due: Join the city council?" in shown
    assert not [t for t in shown if "closed" in t]
    html = response.content.decode()
    assert "Closed Institution" not in html
    # A meeting's place is for members (meeting.view); an event's is public.
    assert "The park" in html and "Library" not in html


def test_a_member_also_sees_their_own_private_institution(client, chapter, dated, closed_block):
    resident = person()
    membership(closed_block, resident, joined=timezone.now() - datetime.timedelta(days=9))
    client.force_login(resident)
    shown = titles(page(client, chapter))

    assert "Meeting of closed" in shown and "Meeting of open" in shown


def test_filter_by_kind_and_by_institution(client, chapter, dated):
    client.force_login(organizer(chapter))

    assert sorted(titles(page(client, chapter, kind="meeting"))) == [
        "Meeting of closed",
        "Meeting of open",
    ]
    by_institution = titles(page(client, chapter, institution="open"))
    assert "Meeting of open" in by_institution
    assert not [t for t in by_institution if "closed" in t or "Election" in t]


def test_a_month_at_a_time_with_links_either_side(client, chapter, dated):
    client.force_login(organizer(chapter))
    day = soon()
    month = day.strftime("%Y-%m")
    response = page(client, chapter, month=month)

    assert response.status_code == 200
    assert "Meeting of open" in titles(response)
    html = response.content.decode()
    after = (day.replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")
    assert f"month={after}" in html
    far = (day.replace(day=1) + datetime.timedelta(days=70)).strftime("%Y-%m")
    assert titles(page(client, chapter, month=far, kind="meeting")) == []


@pytest.mark.parametrize(
    "params",
    [{"month": "2026-13"}, {"month": "december"}, {"kind": "picnic"},
     {"institution": "no-such-place"}],
)  # fmt: skip
def test_bad_parameters_say_what_is_wrong(client, chapter, dated, params):
    response = page(client, chapter, **params)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_visitor_cannot_filter_by_a_private_institution(client, chapter, dated):
    response = page(client, chapter, institution="closed")

    assert response.status_code == 400
    assert not [t for t in titles(response) if "closed" in t]


def parse(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = icalendar.Calendar.from_ical(response.content)
    assert [str(z["TZID"]) for z in feed.walk("VTIMEZONE")] == ["America/New_York"]
    return {str(item["UID"]): item for item in feed.walk("VEVENT")}


def test_the_public_feed_has_only_public_items_with_stable_uids(client, chapter, dated):
    (public_rows, private_rows) = dated
    url = reverse("hub:calendar_ics", args=[chapter.slug])
    items = parse(client.get(url))

    host = "bloc.example.org"
    assert f"meeting-{public_rows['meeting'].pk}@{host}" in items
    assert f"meeting-{private_rows['meeting'].pk}@{host}" not in items
    assert f"budget-{public_rows['budget'].pk}-voting_opens@{host}" in items
    assert f"cycle-{public_rows['election'].pk}-election@{host}" in items
    assert f"question-{public_rows['council'].pk}-mandates@{host}" in items
    assert f"survey-{public_rows['survey'].pk}-closes@{host}" in items
    assert f"shift-{public_rows['shift'].pk}@{host}" in items
    assert f"poll-{public_rows['poll'].pk}@{host}" in items
    assert not [uid for uid in items if str(private_rows["meeting"].institution_id) in uid
                and "closed" in str(items[uid]["SUMMARY"])]  # fmt: skip
    assert not [i for i in items.values() if "closed" in str(i["SUMMARY"])]
    # The same UIDs on a second read; the election is an all-day item.
    assert set(parse(client.get(url))) == set(items)
    election = items[f"cycle-{public_rows['election'].pk}-election@{host}"]
    assert election.decoded("DTSTART") == soon().date()
    meeting = items[f"meeting-{public_rows['meeting'].pk}@{host}"]
    assert meeting.decoded("DTSTART") == soon()
    assert "LOCATION" not in meeting


def test_an_organizers_own_feed_has_everything(client, chapter, dated):
    (public_rows, private_rows) = dated
    boss = organizer(chapter)
    token = calendar_token_get(user=boss).token
    items = parse(client.get(reverse("hub:calendar_feed", args=[chapter.slug, token])))

    assert f"meeting-{private_rows['meeting'].pk}@bloc.example.org" in items
    meeting = items[f"meeting-{public_rows['meeting'].pk}@bloc.example.org"]
    assert str(meeting["LOCATION"]) == "Library"


def test_a_wrong_token_finds_nothing(client, chapter, dated):
    response = client.get(reverse("hub:calendar_feed", args=[chapter.slug, "not-a-token"]))

    assert response.status_code == 404


def test_the_page_shows_a_person_their_own_feed_address(client, chapter, dated):
    boss = organizer(chapter)
    client.force_login(boss)
    html = page(client, chapter).content.decode()

    assert calendar_token_get(user=boss).token in html


@pytest.mark.parametrize("viewer", ["organizer", "visitor"])
def test_the_calendar_costs_the_same_queries_for_3_or_30_institutions(
    client, chapter, viewer, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    if viewer == "organizer":
        client.force_login(organizer(chapter))

    def count(n: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        existing = chapter.institutions.count()
        for i in range(existing, n):
            every_kind(institution(chapter, f"block{i}", public=i % 2 == 0), day=soon())
        page(client, chapter)  # warm
        with CaptureQueriesContext(connection) as queries:
            assert page(client, chapter).status_code == 200
        return len(queries)

    few, many = count(3), count(30)
    assert few == many
    with django_assert_max_num_queries(20):
        page(client, chapter)
    ics = reverse("hub:calendar_ics", args=[chapter.slug])
    with django_assert_max_num_queries(12):
        client.get(ics)


def test_a_crowded_month_shows_the_first_items_and_says_so(client, chapter, dated, monkeypatch):
    from bloc.hub import calendar_views

    monkeypatch.setattr(calendar_views, "PAGE_MOST", 3)
    client.force_login(organizer(chapter))
    response = page(client, chapter)

    assert len(titles(response)) == 3
    assert "Only the first 3 items of these dates are shown" in response.content.decode()
