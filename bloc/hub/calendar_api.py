"""The calendar part of the hub's API, under /api/v1/hub/: what the caller may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from bloc.api.auth import optional_auth
from bloc.core.errors import ValidationFailed
from bloc.hub import calendar, selectors

router = Router(tags=["hub"])

DEFAULT_DAYS = 31
MOST_DAYS = 366
MOST_ITEMS = 2000


class HubCalendarQuery(Schema):
    from_: date | None = Field(None, alias="from", description="First day; default today.")
    to: date | None = Field(None, description="Last day (included); default a month on.")
    kind: str = Field(
        "", description="Kinds of item, comma-separated: " + ", ".join(calendar.KINDS)
    )
    institution: str = Field("", description="One institution's short name (slug).")


class HubCalendarItemOut(Schema):
    uid: str = Field(description="Stable; the iCal UID is this, @ the site's host.")
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    where: str = Field(description="The institution's, council's or chapter's name.")
    institution: str | None = Field(description="The institution's slug, if it has one.")
    place: str
    url: str = Field(description="The page, a path on this site.")
    cancelled: bool
    public: bool = Field(description="Whether everyone may see it.")


class HubCalendarOut(Schema):
    chapter: str
    from_: date = Field(alias="from")
    to: date
    everything: bool = Field(description="True for the chapter's organizers.")
    truncated: bool = Field(
        description=f"True when there were more than {MOST_ITEMS} items: ask for fewer days."
    )
    items: list[HubCalendarItemOut]


def _bounds(query: HubCalendarQuery) -> tuple[date, date]:
    first = query.from_ or timezone.localdate()
    last = query.to or first + timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise ValidationFailed.for_field("to", _("“to” must be on or after “from”."))
    if (last - first).days >= MOST_DAYS:
        raise ValidationFailed.for_field(
            "to", _("Ask for at most %(days)s days at a time.") % {"days": MOST_DAYS}
        )
    return first, last


@router.get(
    "/{chapter}/calendar",
    response=HubCalendarOut,
    auth=optional_auth,
    url_name="hub_calendar",
    by_alias=True,
    summary="The chapter's calendar: the items the caller may see, from a day to a day",
)
def hub_calendar(request: HttpRequest, chapter: str, query: Query[HubCalendarQuery]) -> object:
    the_chapter = selectors.chapter_get(slug=chapter)
    first, last = _bounds(query)
    kinds = [k.strip() for k in query.kind.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in calendar.KINDS]
    if unknown:
        raise ValidationFailed.for_field(
            "kind",
            _("Unknown kind of item: %(kinds)s. The kinds are: %(all)s.")
            % {"kinds": ", ".join(unknown)[:200], "all": ", ".join(calendar.KINDS)},
        )
    scope = calendar.scope_for(chapter=the_chapter, viewer=request.user)
    institution = None
    if query.institution:
        institution = scope.institution(query.institution)
        if institution is None:
            raise ValidationFailed.for_field(
                "institution",
                _("No institution by that name among those whose calendar you can see."),
            )
    zone = calendar.zone()
    found = calendar.items(
        chapter=the_chapter,
        scope=scope,
        start=datetime.combine(first, time(0), tzinfo=zone),
        end=datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
        kinds=kinds or None,
        institution=institution,
        limit=MOST_ITEMS + 1,
    )
    return {
        "chapter": the_chapter.slug,
        "from": first,
        "to": last,
        "everything": scope.everything,
        "truncated": len(found) > MOST_ITEMS,
        "items": [
            {
                "uid": i.uid,
                "kind": i.kind,
                "title": i.title,
                "starts_at": i.starts_at,
                "ends_at": i.ends_at,
                "all_day": i.all_day,
                "where": i.where,
                "institution": i.institution.slug if i.institution else None,
                "place": i.place,
                "url": i.url,
                "cancelled": i.cancelled,
                "public": i.public,
            }
            for i in found[:MOST_ITEMS]
        ],  # fmt: skip
    }
