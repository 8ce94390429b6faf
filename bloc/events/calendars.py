"""iCalendar feeds: an institution's meetings, events and voting deadlines, and a
member's own calendar (all their institutions, plus their volunteer shifts).

Times are written in the site's time zone (``settings.TIME_ZONE``) with a TZID and
the VTIMEZONE that defines it, so calendar apps show them right across daylight
saving changes. Each item's UID is stable (``event-12@host``) so that a
subscribed calendar updates an item rather than adding a copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bloc.events.models import Event, Shift
from bloc.institutions.models import Institution

PRODID = "-//bloc//calendar//EN"
POLL_CLOSING_LENGTH = timedelta(minutes=15)
# Feeds leave out what ended more than this long ago: calendar apps keep what they had.
HISTORY = timedelta(days=365)


def _base_url() -> str:
    base = getattr(settings, "BLOC_BASE_URL", "") or "http://127.0.0.1:8000/"
    return base if base.endswith("/") else base + "/"


def host() -> str:
    return urlsplit(_base_url()).hostname or "localhost"


def absolute(path: str) -> str:
    return _base_url().rstrip("/") + path


def _url(name: str, *args: Any, fallback: str = "") -> str:
    """The absolute URL of a page, or of ``fallback`` when that page is not there yet."""
    try:
        return absolute(reverse(name, args=args))
    except NoReverseMatch:
        return absolute(fallback) if fallback else ""


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _item(
    *,
    uid: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    url: str = "",
    description: str = "",
    cancelled: bool = False,
) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"{uid}@{host()}")
    item.add("dtstamp", timezone.now())
    item.add("summary", summary)
    item.add("dtstart", _local(starts_at))
    item.add("dtend", _local(ends_at))
    if location:
        item.add("location", location)
    if url:
        item.add("url", url)
    if description:
        item.add("description", description)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def meeting_item(meeting: Any, *, details: bool = True) -> icalendar.Event:
    """``details=False`` leaves out the place and the online link (for feeds read by
    people who are not members, e.g. the chapter's public calendar)."""
    slug = meeting.institution.slug
    page = _url("institutions:meeting_detail", slug, meeting.pk, fallback=f"/institutions/{slug}/")
    where = meeting.place if details else ""
    online = meeting.online_link if details else ""
    if online:
        where = f"{where} ({online})" if where else online
    lines = [meeting.institution.name]
    if online:
        lines.append(_("Online: %(link)s") % {"link": online})
    return _item(
        uid=f"meeting-{meeting.pk}",
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=where,
        url=page,
        description="\n".join(lines),
        cancelled=meeting.cancelled_at is not None,
    )


def event_url(event: Event) -> str:
    return _url("institutions:event_detail", event.institution.slug, event.pk)


def event_item(event: Event) -> icalendar.Event:
    return _item(
        uid=f"event-{event.pk}",
        summary=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.place,
        url=event_url(event),
        description=event.description,
        cancelled=event.cancelled_at is not None,
    )


def poll_item(poll: Any) -> icalendar.Event:
    slug = poll.institution.slug
    return _item(
        uid=f"poll-{poll.pk}",
        summary=_("Voting closes: %(title)s") % {"title": poll.title},
        starts_at=poll.closes_at,
        ends_at=poll.closes_at + POLL_CLOSING_LENGTH,
        url=_url("institutions:poll_detail", slug, poll.pk, fallback=f"/institutions/{slug}/"),
        description=poll.institution.name,
        cancelled=poll.cancelled_at is not None,
    )


def shift_item(shift: Shift) -> icalendar.Event:
    event = shift.event
    return _item(
        uid=f"shift-{shift.pk}",
        summary=_("Volunteer: %(task)s (%(event)s)") % {"task": shift.title, "event": event.title},
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        location=event.place,
        url=event_url(event),
        description=event.description,
        cancelled=event.cancelled_at is not None,
    )


def moment_item(
    *,
    uid: str,
    summary: str,
    at: datetime,
    url: str = "",
    description: str = "",
    location: str = "",
    cancelled: bool = False,
) -> icalendar.Event:
    """A moment rather than a span (a deadline, a phase that begins), shown as a short
    item like a poll's closing. ``uid`` is the stable part before ``@host``."""
    return _item(uid=uid, summary=summary, starts_at=at, ends_at=at + POLL_CLOSING_LENGTH,
                 location=location, url=url, description=description,
                 cancelled=cancelled)  # fmt: skip


def day_item(
    *, uid: str, summary: str, day: date, url: str = "", description: str = ""
) -> icalendar.Event:
    """An all-day item (an election day): DTSTART and DTEND are dates, no time zone."""
    item = icalendar.Event()
    item.add("uid", f"{uid}@{host()}")
    item.add("dtstamp", timezone.now())
    item.add("summary", summary)
    item.add("dtstart", day)
    item.add("dtend", day + timedelta(days=1))
    if url:
        item.add("url", url)
    if description:
        item.add("description", description)
    item.add("status", "CONFIRMED")
    return item


def calendar_of(name: str, items: Iterable[icalendar.Event]) -> icalendar.Calendar:
    """A calendar named ``name`` of ``items`` (with the VTIMEZONE they need)."""
    return _calendar(name, items)


def _calendar(name: str, items: Iterable[icalendar.Event]) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for item in items:
        calendar.add_component(item)
    # One VTIMEZONE for the TZID the items use (none needed for UTC, written as Z).
    calendar.add_missing_timezones()
    return calendar


def _institution_items(
    institutions: Iterable[Institution], since: datetime
) -> list[icalendar.Event]:
    from bloc.decisions.models import Poll
    from bloc.meetings.models import Meeting

    ids = [i.pk for i in institutions]
    items = [
        meeting_item(m)
        for m in Meeting.objects.filter(institution_id__in=ids, ends_at__gt=since)
        .select_related("institution")
        .order_by("starts_at", "pk")
    ]
    items += [
        event_item(e)
        for e in Event.objects.filter(institution_id__in=ids, ends_at__gt=since)
        .select_related("institution")
        .order_by("starts_at", "pk")
    ]
    items += [
        poll_item(p)
        for p in Poll.objects.filter(institution_id__in=ids, closes_at__gt=since)
        .select_related("institution")
        .order_by("closes_at", "pk")
    ]
    return items


def institution_calendar(institution: Institution) -> icalendar.Calendar:
    since = timezone.now() - HISTORY
    return _calendar(institution.name, _institution_items([institution], since))


def member_calendar(user: Any) -> icalendar.Calendar:
    """Everything of the person's institutions (as a member now), and their shifts."""
    from bloc.membership.models import Membership

    since = timezone.now() - HISTORY
    institutions = [
        m.institution
        for m in Membership.objects.filter(user_id=user.pk, left_at__isnull=True).select_related(
            "institution"
        )
    ]
    items = _institution_items(institutions, since)
    shifts = (
        Shift.objects.filter(
            signups__user_id=user.pk,
            ends_at__gt=since,
            event__institution__in=institutions,
        )
        .select_related("event", "event__institution")
        .order_by("starts_at", "pk")
    )
    items += [shift_item(s) for s in shifts]
    return _calendar(_("bloc: %(name)s") % {"name": user.full_name}, items)


def single_calendar(item: icalendar.Event, name: str) -> icalendar.Calendar:
    return _calendar(name, [item])
