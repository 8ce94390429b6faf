"""Growth of a chapter: its totals now, and members and institutions week by week.

Both run at a refresh (``bloc.hub.services.refresh``) and are stored in
``ChapterFigures.totals`` and ``ChapterFigures.growth``; pages read those.

``totals`` is four grouped queries. ``compute`` counts, per kind of institution and
per day, how many memberships began, were verified and ended, how many institutions
and councils were set up (one grouped query each: six queries however many
memberships; 3 s for 500,000 memberships on SQLite, see ``_grouped``), then adds the
days up into weeks in Python.

What "at the end of a week" means: weeks end on Sunday, in the site's time zone
(``settings.TIME_ZONE``); a membership counts in a week's figure when it began on or
before that Sunday and had not ended by then. The current week is counted up to
``now``. A membership's verification is its current one (``Membership.verified_at``;
a withdrawn verification leaves no date to count back from).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, Q
from django.db.models.functions import Substr, TruncDate

from bloc.institutions.models import Chapter, Institution, InstitutionKind
from bloc.membership.models import Membership

WEEKS = 52
# What each week's figures count (per kind of institution, and overall).
MEASURES = ("members", "verified", "institutions")


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def week_end(day: date) -> date:
    """The Sunday that ends ``day``'s week (``day`` itself on a Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def totals(*, chapter: Chapter, now: datetime) -> dict[str, Any]:
    """The chapter's figures at ``now``::

        {"institutions": 12, "councils": 2,
         "people": 340,            # distinct people with a current membership
         "verified_people": 200,   # distinct people with a current verified membership
         "memberships": 360,       # current memberships (a person in two counts twice)
         "verified": 210,          # current verified memberships
         "by_kind": {"block_association": {"institutions": 8, "memberships": 300,
                                           "verified": 180}, ...}}

    ``by_kind`` has every kind of institution the chapter has (kinds with none are
    left out). Four queries.
    """
    from bloc.confederation.models import Council

    by_kind: dict[str, dict[str, int]] = {}
    for kind, n in (
        Institution.objects.filter(chapter=chapter, created_at__lte=now)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    ):
        by_kind[kind] = {"institutions": n, "memberships": 0, "verified": 0}
    current = Membership.objects.filter(
        Q(left_at__isnull=True) | Q(left_at__gt=now),
        institution__chapter=chapter,
        joined_at__lte=now,
    )
    verified_q = Q(verified_at__isnull=False, verified_at__lte=now)
    for kind, n, v in (
        current.values_list("institution__kind")
        .annotate(n=Count("pk"), v=Count("pk", filter=verified_q))
        .order_by("institution__kind")
    ):
        row = by_kind.setdefault(kind, {"institutions": 0, "memberships": 0, "verified": 0})
        row["memberships"], row["verified"] = n, v
    people = current.aggregate(
        people=Count("user", distinct=True),
        verified_people=Count("user", distinct=True, filter=verified_q),
    )
    return {
        "institutions": sum(r["institutions"] for r in by_kind.values()),
        "councils": Council.objects.filter(chapter=chapter, created_at__lte=now).count(),
        "people": people["people"] or 0,
        "verified_people": people["verified_people"] or 0,
        "memberships": sum(r["memberships"] for r in by_kind.values()),
        "verified": sum(r["verified"] for r in by_kind.values()),
        "by_kind": by_kind,
    }


def _per_day(rows: Iterable[tuple[str, date | None, int]]) -> dict[str, dict[date, int]]:
    out: dict[str, dict[date, int]] = defaultdict(dict)
    for kind, day, n in rows:
        if day is not None:
            out[kind][day] = out[kind].get(day, 0) + n
    return out


def _grouped(queryset: Any, field: str, kind_field: str | None) -> dict[str, dict[date, int]]:
    """How many rows of ``queryset`` per (kind, local day of ``field``): one query.

    PostgreSQL truncates to the local day itself. SQLite would call a Python function
    per row for that (18 s for 500,000 memberships), so there the rows are grouped by
    the stored UTC text's hour (``YYYY-MM-DD HH``, C code: under a second) and each
    hour is turned into its local day here. (An hour-wide bucket is exact for every
    time zone whose offset is whole hours.)
    """
    zone = _zone()
    keys = [kind_field] if kind_field else []
    if connection.vendor == "sqlite":
        bucket: Any = Substr(field, 1, 13, output_field=CharField())
    else:
        bucket = TruncDate(field, tzinfo=zone)
    rows = (
        queryset.annotate(bucket=bucket)
        .values_list(*keys, "bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not kind_field:
        rows = (("", b, n) for b, n in rows)
    if connection.vendor != "sqlite":
        return _per_day(rows)
    days: dict[str, date] = {}

    def local_day(hour: str) -> date:
        if hour not in days:
            moment = datetime(int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13]),
                              tzinfo=UTC)  # fmt: skip
            days[hour] = moment.astimezone(zone).date()
        return days[hour]

    return _per_day((kind, local_day(b), n) for kind, b, n in rows if b)


def _cumulative(per_day: dict[date, int], weeks: list[date]) -> list[int]:
    """How many happened on or before each week's Sunday (``weeks`` ascending)."""
    added = [0] * len(weeks)
    first = weeks[0]
    for day, n in per_day.items():
        end = week_end(day)
        if end > weeks[-1]:
            continue  # after now: the queries exclude these; kept safe anyway
        index = 0 if end <= first else (end - first).days // 7
        added[index] += n
    running, out = 0, []
    for n in added:
        running += n
        out.append(running)
    return out


def _minus(a: list[int], b: list[int]) -> list[int]:
    return [x - y for x, y in zip(a, b, strict=True)]


def compute(*, chapter: Chapter, now: datetime) -> dict[str, Any]:
    """The chapter's weekly series, as stored in ``ChapterFigures.growth``::

        {"weeks": ["2026-01-04", ...],   # each week's Sunday (local date), oldest first
         "as_of": "2026-12-07",          # the day the last (current) week is counted to
         "overall": {"members": [...],   # current memberships at the end of each week
                     "verified": [...],  # of which verified
                     "institutions": [...],
                     "councils": [...]},
         "by_kind": {"block_association": {"members": [...], "verified": [...],
                                           "institutions": [...]}, ...}}

    Every list has one number per week. The weeks are the last 52 up to the one
    holding ``now``, or fewer: from the week of the chapter's first institution, if
    that is later. A chapter without institutions has ``"weeks": []``. ``by_kind``
    has the kinds the chapter has had. Six grouped queries (see the module's note).
    """
    from bloc.confederation.models import Council

    zone = _zone()
    today = now.astimezone(zone).date()
    last = week_end(today)
    first = last - timedelta(weeks=WEEKS - 1)
    institutions = Institution.objects.filter(chapter=chapter, created_at__lte=now)
    founded = _grouped(institutions, "created_at", "kind")
    earliest = min((day for days in founded.values() for day in days), default=None)
    if earliest is None:
        return {"weeks": [], "as_of": today.isoformat(), "overall": {}, "by_kind": {}}
    first = max(first, week_end(earliest))
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]

    memberships = Membership.objects.filter(institution__chapter=chapter)
    kind = "institution__kind"
    joined = _grouped(memberships.filter(joined_at__lte=now), "joined_at", kind)
    left = _grouped(memberships.filter(left_at__lte=now), "left_at", kind)
    verified = _grouped(memberships.filter(verified_at__lte=now), "verified_at", kind)
    # A verified member who left stops counting as verified when they leave.
    verified_left = _grouped(
        memberships.filter(verified_at__lte=now, left_at__lte=now), "left_at", kind
    )
    councils = _grouped(Council.objects.filter(chapter=chapter, created_at__lte=now), "created_at",
                        None)  # fmt: skip

    zero = [0] * len(weeks)
    kinds = [k for k in InstitutionKind.values if k in set(founded) | set(joined)]
    by_kind: dict[str, dict[str, list[int]]] = {}
    for k in kinds:
        by_kind[k] = {
            "members": _minus(
                _cumulative(joined.get(k, {}), weeks), _cumulative(left.get(k, {}), weeks)
            ),
            "verified": _minus(
                _cumulative(verified.get(k, {}), weeks),
                _cumulative(verified_left.get(k, {}), weeks),
            ),
            "institutions": _cumulative(founded.get(k, {}), weeks),
        }
    overall: dict[str, list[int]] = {
        m: [sum(col) for col in zip(*(s[m] for s in by_kind.values()), strict=True)] or zero
        for m in MEASURES
    }
    overall["councils"] = _cumulative(councils.get("", {}), weeks)
    return {
        "weeks": [w.isoformat() for w in weeks],
        "as_of": today.isoformat(),
        "overall": overall,
        "by_kind": by_kind,
    }


def series(growth: dict[str, Any], *, kind: str = "") -> dict[str, list[int]]:
    """The stored series for the whole chapter (``kind`` empty) or one kind of institution
    (zeros when the chapter has none of that kind)."""
    weeks = growth.get("weeks") or []
    if not kind:
        return dict(growth.get("overall") or {})
    found = (growth.get("by_kind") or {}).get(kind)
    return dict(found) if found else {m: [0] * len(weeks) for m in MEASURES}
