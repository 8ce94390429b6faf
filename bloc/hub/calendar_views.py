"""The chapter's one calendar: the page (a month at a time, by day), the public iCal
feed and each person's own feed of what they may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bloc import permissions
from bloc.events.models import CalendarToken
from bloc.events.views import ics_response
from bloc.hub import calendar, selectors
from bloc.institutions.models import Chapter

# The most items one page shows (a busy chapter's month can hold thousands).
PAGE_MOST = 400


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    title: str
    previous: str  # "YYYY-MM"
    previous_label: date
    following: str
    following_label: date


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=calendar.zone())


def parse_month(value: str) -> date:
    """The first day of ``value`` ("2026-12"); ValueError when it is not a month."""
    if len(value) != 7 or value[4] != "-":
        raise ValueError(value)
    year, month = int(value[:4]), int(value[5:])
    if not 1900 <= year <= 9999:
        raise ValueError(value)
    return _month_start(year, month)


def window(month: str, today: date) -> Window:
    """A month (``month`` given), or a month from ``today``; ValueError for a bad month."""
    if month:
        first = parse_month(month)
        after = _add_months(first, 1)
        before = _add_months(first, -1)
        return Window(_at(first), _at(after), first.strftime("%Y-%m"), before.strftime("%Y-%m"),
                      before, after.strftime("%Y-%m"), after)  # fmt: skip
    this = _month_start(today.year, today.month)
    following = _add_months(this, 1)
    try:
        end = today.replace(year=following.year, month=following.month)
    except ValueError:  # the 31st and a shorter month: to its end
        end = _add_months(following, 1)
    return Window(_at(today), _at(end), "", this.strftime("%Y-%m"), this,
                  following.strftime("%Y-%m"), following)  # fmt: skip


def _query(**params: str) -> str:
    from urllib.parse import urlencode

    kept = {k: v for k, v in params.items() if v}
    return "?" + urlencode(kept) if kept else "?"


@require_GET
def calendar_page(request: HttpRequest, chapter: str) -> HttpResponse:
    the_chapter = selectors.chapter_get(slug=chapter)
    scope = calendar.scope_for(chapter=the_chapter, viewer=request.user)
    errors: list[str] = []
    today = timezone.localdate()
    month = request.GET.get("month", "")
    try:
        span = window(month, today)
    except ValueError:
        errors.append(_("“%(month)s” is not a month: write it as 2026-12.") % {"month": month[:20]})
        month = ""
        span = window("", today)
    kind = request.GET.get("kind", "")
    if kind and kind not in calendar.KINDS:
        errors.append(_("There is no kind of item called “%(kind)s”.") % {"kind": kind[:40]})
        kind = ""
    slug = request.GET.get("institution", "")
    institution = scope.institution(slug) if slug else None
    if slug and institution is None:
        errors.append(
            _("There is no institution “%(slug)s” among those whose calendar you can see.")
            % {"slug": slug[:80]}
        )
    found = calendar.items(
        chapter=the_chapter,
        scope=scope,
        start=span.start,
        end=span.end,
        kinds=[kind] if kind else None,
        institution=institution,
        limit=PAGE_MOST + 1,
    )
    more = len(found) > PAGE_MOST
    found = found[:PAGE_MOST]
    feed_url = ""
    if permissions.is_person(request.user):
        from bloc.events.services import calendar_token_get

        token = calendar_token_get(user=request.user).token
        feed_url = request.build_absolute_uri(
            reverse("hub:calendar_feed", args=[the_chapter.slug, token])
        )
    organizer = scope.everything
    context: dict[str, Any] = {
        "chapter": the_chapter,
        "organizer": organizer,
        "figures": selectors.chapter_figures(chapter=the_chapter, only=("computed_at",))
        if organizer
        else None,
        "current": "calendar",
        "days": calendar.by_day(found),
        "count": len(found),
        "more": more,
        "page_most": PAGE_MOST,
        "window": span,
        "month": month,
        "kind": kind,
        "kinds": [(k, str(v)) for k, v in calendar.KINDS.items()],
        "institution": institution.slug if institution else "",
        "institutions": scope.institutions,
        "errors": errors,
        "previous_link": _query(
            month=span.previous, kind=kind, institution=institution.slug if institution else ""
        ),  # fmt: skip
        "next_link": _query(
            month=span.following, kind=kind, institution=institution.slug if institution else ""
        ),  # fmt: skip
        "public_feed": request.build_absolute_uri(
            reverse("hub:calendar_ics", args=[the_chapter.slug])
        ),
        "feed_url": feed_url,
        "everything": scope.everything,
    }
    return render(request, "hub/calendar.html", context, status=400 if errors else 200)


def _feed_name(chapter: Chapter) -> str:
    return _("%(name)s: the calendar") % {"name": chapter.name}


@require_GET
def calendar_ics(request: HttpRequest, chapter: str) -> HttpResponse:
    """Only what everyone may see, whoever asks (calendar apps carry no session)."""
    the_chapter = selectors.chapter_get(slug=chapter)
    feed = calendar.feed(
        chapter=the_chapter,
        scope=calendar.public_scope(chapter=the_chapter),
        now=timezone.now(),
        name=_feed_name(the_chapter),
    )
    return ics_response(feed, f"{the_chapter.slug}.ics", download=False)


@require_GET
def calendar_feed(request: HttpRequest, chapter: str, token: str) -> HttpResponse:
    """What the owner of the personal calendar ``token`` may see (an organizer:
    everything). A wrong or reset token finds nothing."""
    the_chapter = selectors.chapter_get(slug=chapter)
    owner = (
        CalendarToken.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if owner is None or not token:
        raise Http404
    feed = calendar.feed(
        chapter=the_chapter,
        scope=calendar.scope_for(chapter=the_chapter, viewer=owner.user),
        now=timezone.now(),
        name=_feed_name(the_chapter),
    )
    return ics_response(feed, f"{the_chapter.slug}.ics", download=False)
