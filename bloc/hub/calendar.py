"""The chapter's one calendar: every dated thing across its institutions and councils.

Meetings, votes closing, events, volunteer shifts, the phases of participatory
budgets, election days, council deadlines and surveys closing, as ``CalendarItem``
rows for the page, the API and the iCal feeds.

Who sees what (``scope_for``): the chapter's organizers see everything. Anyone else
sees the items of the institutions whose records they may see, by the rule the
events' and decisions' calendars use (``decisions.view``: the institution's bylaws
make its records public, or they are a member; a meeting's place and online link only
to members, as ``meeting.view`` says), plus the chapter-wide public items:
election days (platforms and cycles are public), council deadlines (councils are
public bodies: ``council.view``). A budget's phases are as public as its
institution's records (``budget.view``). The public feed (``public_scope``) carries
only what everyone may see.

Each read is a bounded number of queries: two to decide the scope (the chapter's
institutions with their bylaws in force, and the viewer's memberships), then one per
kind of item asked for, however many institutions the chapter has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc import permissions
from bloc.core.bylaws import parse_settings
from bloc.events import calendars
from bloc.institutions.models import BylawsVersion, Chapter, Institution

KINDS: dict[str, Promise] = {
    "meeting": gettext_lazy("Meetings"),
    "poll": gettext_lazy("Votes closing"),
    "event": gettext_lazy("Events"),
    "shift": gettext_lazy("Volunteer shifts"),
    "budget": gettext_lazy("Budget phases"),
    "election": gettext_lazy("Election days"),
    "council": gettext_lazy("Council deadlines"),
    "survey": gettext_lazy("Surveys closing"),
}
# Items of the chapter as a whole, not of one institution.
CHAPTER_WIDE = frozenset({"election", "council"})
# How far the iCal feeds reach: what ended within a year, what comes within two.
FEED_PAST = calendars.HISTORY
FEED_FUTURE = timedelta(days=730)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class InstitutionRef:
    pk: int
    slug: str
    name: str


@dataclass(frozen=True)
class Scope:
    """What a viewer may see of a chapter's calendar."""

    everything: bool
    # The institutions whose items they see (all of the chapter's when ``everything``).
    institutions: tuple[InstitutionRef, ...]
    public_ids: frozenset[int]
    # Where they may see a meeting's place and online link (``meeting.view``: members
    # and organizers); elsewhere a meeting shows its title and time only.
    meeting_ids: frozenset[int] = frozenset()

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(i.pk for i in self.institutions)

    def institution(self, slug: str) -> InstitutionRef | None:
        return next((i for i in self.institutions if i.slug == slug), None)


@dataclass(frozen=True)
class CalendarItem:
    kind: str
    uid: str  # stable across reads: the iCal UID before "@host"
    title: str
    starts_at: datetime  # aware; for an all-day item, the day's start
    ends_at: datetime | None
    all_day: bool
    where: str  # the institution's, council's or chapter's name
    place: str
    url: str  # a path on this site
    cancelled: bool
    public: bool
    institution: InstitutionRef | None = None
    source: Any = field(default=None, compare=False, repr=False)
    # False: the place and online link are left out (a meeting, for non-members).
    details: bool = True

    @property
    def day(self) -> date:
        return self.starts_at.astimezone(zone()).date()

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def _institutions(chapter: Chapter) -> list[tuple[InstitutionRef, bool]]:
    """Every institution of the chapter and whether its records are public: one query."""
    rules = BylawsVersion.objects.filter(institution=OuterRef("pk")).order_by("-number")
    rows = (
        Institution.objects.filter(chapter=chapter)
        .annotate(rules=Subquery(rules.values("rules")[:1]))
        .order_by("name", "pk")
        .values_list("pk", "slug", "name", "rules")
    )
    out = []
    for pk, slug, name, raw in rows:
        try:
            public = parse_settings(raw if isinstance(raw, dict) else {}).public_records
        except Exception:  # noqa: BLE001 (stored settings that no longer parse: private)
            public = False
        out.append((InstitutionRef(pk, slug, name), public))
    return out


def public_scope(*, chapter: Chapter) -> Scope:
    """What everyone may see: institutions with public records, chapter-wide items."""
    everyone = _institutions(chapter)
    public = tuple(ref for ref, is_public in everyone if is_public)
    return Scope(False, public, frozenset(ref.pk for ref in public))


def scope_for(*, chapter: Chapter, viewer: Any) -> Scope:
    """What ``viewer`` may see (see the module's note)."""
    from bloc.membership.models import Membership

    everyone = _institutions(chapter)
    public_ids = frozenset(ref.pk for ref, is_public in everyone if is_public)
    if permissions.check(viewer, "hub.organize", chapter):
        every = tuple(ref for ref, _p in everyone)
        return Scope(True, every, public_ids, frozenset(ref.pk for ref in every))
    mine: set[int] = set()
    if permissions.is_person(viewer):
        mine = set(
            Membership.objects.filter(
                user_id=viewer.pk, left_at__isnull=True, institution__chapter=chapter
            ).values_list("institution_id", flat=True)
        )
    seen = tuple(ref for ref, is_public in everyone if is_public or ref.pk in mine)
    return Scope(False, seen, public_ids, frozenset(mine))


def _path(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def items(
    *,
    chapter: Chapter,
    scope: Scope,
    start: datetime,
    end: datetime,
    kinds: Iterable[str] | None = None,
    institution: InstitutionRef | None = None,
    limit: int | None = None,
    cancelled: bool = True,
) -> list[CalendarItem]:
    """The items from ``start`` (inclusive) to ``end`` (exclusive) that ``scope`` sees,
    of ``kinds`` (all when None), of one ``institution`` when given (chapter-wide items
    are then left out), ordered by time. A span (a meeting) is in when it overlaps.

    ``limit``: only the first so many (each query reads at most that many rows, so
    "the next ten" stays cheap in a busy chapter). ``cancelled=False`` leaves out
    cancelled meetings, votes, events and their shifts."""
    wanted = set(KINDS if kinds is None else kinds)
    if institution is not None:
        ids: frozenset[int] = frozenset({institution.pk}) & scope.ids
        wanted -= CHAPTER_WIDE
    else:
        ids = scope.ids
    refs = {ref.pk: ref for ref in scope.institutions}

    def of(pk: int) -> InstitutionRef:
        return refs[pk]

    def where(field_name: str) -> Q:
        # Organizers' whole chapter by a join; others by the ids they may see.
        if scope.everything and institution is None:
            return Q(**{f"{field_name}__chapter": chapter})
        return Q(**{f"{field_name}_id__in": sorted(ids)})

    out: list[CalendarItem] = []
    ask = _Ask(start, end, of, scope, limit, cancelled)
    if ids:
        out += _meetings(where("institution"), ask) if "meeting" in wanted else []
        out += _polls(where("institution"), ask) if "poll" in wanted else []
        out += _events(where("institution"), ask) if "event" in wanted else []
        out += _shifts(where("event__institution"), ask) if "shift" in wanted else []
        out += _budgets(where("institution"), ask) if "budget" in wanted else []
        out += _surveys(where("institution"), ask) if "survey" in wanted else []
    if "election" in wanted:
        out += _elections(chapter, start, end)
    if "council" in wanted:
        out += _council_deadlines(chapter, start, end)
    out.sort(key=lambda i: (i.starts_at, i.kind, i.uid))
    return out if limit is None else out[:limit]


@dataclass(frozen=True)
class _Ask:
    start: datetime
    end: datetime
    of: Any  # institution id -> InstitutionRef
    scope: Scope
    limit: int | None
    cancelled: bool

    def cut(self, rows: Any, *order: str) -> Any:
        rows = rows.order_by(*order, "pk")
        return rows if self.limit is None else rows[: self.limit]

    def live(self, rows: Any, field_name: str = "cancelled_at") -> Any:
        return rows if self.cancelled else rows.filter(**{f"{field_name}__isnull": True})


def _meetings(where: Q, ask: _Ask) -> list[CalendarItem]:
    from bloc.meetings.models import Meeting

    found = Meeting.objects.filter(where, starts_at__lt=ask.end, ends_at__gt=ask.start)
    rows = ask.cut(ask.live(found).select_related("institution"), "starts_at")
    shown = ask.scope.meeting_ids
    return [
        CalendarItem(
            kind="meeting",
            uid=f"meeting-{m.pk}",
            title=m.title,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            all_day=False,
            where=m.institution.name,
            place=(m.place or (_("Online") if m.online_link else ""))
            if m.institution_id in shown
            else "",
            details=m.institution_id in shown,
            # Others may not open the meeting's page: its institution's instead.
            url=_path("institutions:meeting_detail", m.institution.slug, m.pk)
            if m.institution_id in shown
            else _path("institutions:detail", m.institution.slug),
            cancelled=m.cancelled_at is not None,
            public=m.institution_id in ask.scope.public_ids,
            institution=ask.of(m.institution_id),
            source=m,
        )  # fmt: skip
        for m in rows
    ]


def _polls(where: Q, ask: _Ask) -> list[CalendarItem]:
    from bloc.decisions.models import Poll

    found = Poll.objects.filter(where, closes_at__gte=ask.start, closes_at__lt=ask.end)
    rows = ask.cut(ask.live(found).select_related("institution"), "closes_at")
    return [
        CalendarItem(
            kind="poll",
            uid=f"poll-{p.pk}",
            title=_("Voting closes: %(title)s") % {"title": p.title},
            starts_at=p.closes_at,
            ends_at=None,
            all_day=False,
            where=p.institution.name,
            place="",
            url=_path("institutions:poll_detail", p.institution.slug, p.pk),
            cancelled=p.cancelled_at is not None,
            public=p.institution_id in ask.scope.public_ids,
            institution=ask.of(p.institution_id),
            source=p,
        )  # fmt: skip
        for p in rows
    ]


def _events(where: Q, ask: _Ask) -> list[CalendarItem]:
    from bloc.events.models import Event

    found = Event.objects.filter(where, starts_at__lt=ask.end, ends_at__gt=ask.start)
    rows = ask.cut(ask.live(found).select_related("institution"), "starts_at")
    return [
        CalendarItem(
            kind="event",
            uid=f"event-{e.pk}",
            title=e.title,
            starts_at=e.starts_at,
            ends_at=e.ends_at,
            all_day=False,
            where=e.institution.name,
            place=e.place,
            url=_path("institutions:event_detail", e.institution.slug, e.pk),
            cancelled=e.cancelled_at is not None,
            public=e.institution_id in ask.scope.public_ids,
            institution=ask.of(e.institution_id),
            source=e,
        )  # fmt: skip
        for e in rows
    ]


def _shifts(where: Q, ask: _Ask) -> list[CalendarItem]:
    from bloc.events.models import Shift

    found = Shift.objects.filter(where, starts_at__lt=ask.end, ends_at__gt=ask.start)
    found = ask.live(found, "event__cancelled_at").select_related("event", "event__institution")
    rows = ask.cut(found, "starts_at")
    out = []
    for s in rows:
        event = s.event
        out.append(
            CalendarItem(
                kind="shift",
                uid=f"shift-{s.pk}",
                title=_("Volunteer: %(task)s (%(event)s)")
                % {"task": s.title, "event": event.title},
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                all_day=False,
                where=event.institution.name,
                place=event.place,
                url=_path("institutions:event_detail", event.institution.slug, event.pk),
                cancelled=event.cancelled_at is not None,
                public=event.institution_id in ask.scope.public_ids,
                institution=ask.of(event.institution_id),
                source=s,
            )  # fmt: skip
        )
    return out


def _phase_titles() -> list[tuple[str, str]]:
    return [
        ("ideas_open", _("Ideas open: %(title)s")),
        ("review_from", _("Feasibility review begins: %(title)s")),
        ("voting_opens", _("Voting opens: %(title)s")),
        ("voting_closes", _("Voting closes: %(title)s")),
        ("implementation_from", _("Implementation begins: %(title)s")),
    ]


def _budgets(where: Q, ask: _Ask) -> list[CalendarItem]:
    from bloc.budgeting.models import Budget

    phases = _phase_titles()
    in_window = Q()
    for name, _title in phases:
        in_window |= Q(**{f"{name}__gte": ask.start, f"{name}__lt": ask.end})
    # Each budget has up to five dates in the window: all of them are read (budgets are
    # few), then cut with the rest.
    rows = Budget.objects.filter(where, in_window).select_related("institution")
    out = []
    for b in rows:
        for name, title in phases:
            at = getattr(b, name)
            if not ask.start <= at < ask.end:
                continue
            out.append(
                CalendarItem(
                    kind="budget",
                    uid=f"budget-{b.pk}-{name}",
                    title=title % {"title": b.title},
                    starts_at=at,
                    ends_at=None,
                    all_day=False,
                    where=b.institution.name,
                    place="",
                    url=_path("institutions:budget_detail", b.institution.slug, b.pk),
                    cancelled=False,
                    public=b.institution_id in ask.scope.public_ids,
                    institution=ask.of(b.institution_id),
                    source=b,
                )  # fmt: skip
            )
    return out


def _surveys(where: Q, ask: _Ask) -> list[CalendarItem]:
    from bloc.listening.models import Audience, Survey

    found = Survey.objects.filter(where, closes_at__gte=ask.start, closes_at__lt=ask.end)
    rows = ask.cut(found.select_related("institution"), "closes_at")
    out = []
    for s in rows:
        slug = s.institution.slug
        # A public survey is answered by its secret link only: point at the list.
        url = (
            _path("listening:surveys", slug)
            if s.audience == Audience.PUBLIC
            else _path("listening:survey_answer", slug, s.pk)
        )
        out.append(
            CalendarItem(
                kind="survey",
                uid=f"survey-{s.pk}-closes",
                title=_("Survey closes: %(title)s") % {"title": s.title},
                starts_at=s.closes_at,
                ends_at=None,
                all_day=False,
                where=s.institution.name,
                place="",
                url=url,
                cancelled=False,
                public=s.institution_id in ask.scope.public_ids,
                institution=ask.of(s.institution_id),
                source=s,
            )  # fmt: skip
        )
    return out


def _elections(chapter: Chapter, start: datetime, end: datetime) -> list[CalendarItem]:
    from bloc.electoral.models import Cycle

    first = start.astimezone(zone()).date()
    last = end.astimezone(zone()).date()
    rows = Cycle.objects.filter(chapter=chapter, election_date__gte=first,
                                election_date__lte=last)  # fmt: skip
    out = []
    for c in rows:
        begins = datetime.combine(c.election_date, time(0), tzinfo=zone())
        if not start <= begins < end and not begins < start < begins + timedelta(days=1):
            continue
        out.append(
            CalendarItem(
                kind="election",
                uid=f"cycle-{c.pk}-election",
                title=_("Election day: %(title)s") % {"title": c.title},
                starts_at=begins,
                ends_at=None,
                all_day=True,
                where=chapter.name,
                place="",
                url=_path("electoral:candidate_cycle", c.pk),
                cancelled=False,
                public=True,
                source=c,
            )  # fmt: skip
        )
    return out


def _council_deadlines(chapter: Chapter, start: datetime, end: datetime) -> list[CalendarItem]:
    from bloc.confederation.models import Question

    rows = Question.objects.filter(
        Q(mandates_close_at__gte=start, mandates_close_at__lt=end)
        | Q(ratify_closes_at__gte=start, ratify_closes_at__lt=end),
        council__chapter=chapter,
    ).select_related("council")
    out = []
    for q in rows:
        url = _path("councils:question", q.council.slug, q.pk)
        deadlines = (
            ("mandates", q.mandates_close_at, _("Assemblies' mandates due: %(title)s")),
            ("ratify", q.ratify_closes_at, _("Ratification closes: %(title)s")),
        )
        for name, at, title in deadlines:
            if at is None or not start <= at < end:
                continue
            out.append(
                CalendarItem(
                    kind="council",
                    uid=f"question-{q.pk}-{name}",
                    title=title % {"title": q.title},
                    starts_at=at,
                    ends_at=None,
                    all_day=False,
                    where=q.council.name,
                    place="",
                    url=url,
                    cancelled=False,
                    public=True,
                    source=q,
                )  # fmt: skip
            )
    return out


# --- iCal ------------------------------------------------------------------------


def ical_item(item: CalendarItem) -> icalendar.Event:
    """The iCal form of ``item``; meetings, polls, events and shifts are the events
    app's own (same UIDs as in the institutions' and members' feeds)."""
    source = item.source
    if item.kind == "meeting":
        return calendars.meeting_item(source, details=item.details)
    if item.kind == "poll":
        return calendars.poll_item(source)
    if item.kind == "event":
        return calendars.event_item(source)
    if item.kind == "shift":
        return calendars.shift_item(source)
    url = calendars.absolute(item.url)
    if item.all_day:
        return calendars.day_item(uid=item.uid, summary=item.title, day=item.day, url=url,
                                  description=item.where)  # fmt: skip
    return calendars.moment_item(uid=item.uid, summary=item.title, at=item.starts_at, url=url,
                                 description=item.where)  # fmt: skip


def feed(*, chapter: Chapter, scope: Scope, now: datetime, name: str) -> icalendar.Calendar:
    """The iCal calendar of what ``scope`` sees, from a year ago to two years ahead."""
    found = items(chapter=chapter, scope=scope, start=now - FEED_PAST, end=now + FEED_FUTURE)
    return calendars.calendar_of(name, [ical_item(i) for i in found])


def by_day(found: Sequence[CalendarItem]) -> list[tuple[date, list[CalendarItem]]]:
    """``found`` (ordered by time) grouped by local day."""
    days: list[tuple[date, list[CalendarItem]]] = []
    for item in found:
        if days and days[-1][0] == item.day:
            days[-1][1].append(item)
        else:
            days.append((item.day, [item]))
    return days
