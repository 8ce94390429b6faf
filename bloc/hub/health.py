"""Who needs help: every institution's figures and health score, for the refresh.

``compute`` gathers, with grouped queries over the whole chapter (a fixed number of
queries however many institutions), what ``bloc.core.health`` scores:

- members (current) and verified members (current, residency verified);
- the distance from the charter: ``charter_percent`` is what
  ``bloc.membership.charter.charter_assess`` gives, computed here in bulk from the
  same facts (bylaws in force, members waiting, role terms, stalled recalls) by the
  same rule (``bloc.core.charter.assess``); a test checks that they agree;
- meetings: days since the last meeting held (not cancelled; started, or scheduled
  to start, before now) and the usual interval (the median gap between the
  meetings of the last 365 days; ``DEFAULT_INTERVAL_DAYS`` with fewer than two);
- voters: distinct people who took part in the polls closing in the last 90 days,
  against those of the 90 days before;
- overdue rotations: role terms (of a role the bylaws name) whose planned end has
  come (``ends_on`` on or before today: no longer held, as ``bloc.membership.roles``
  counts holding), that were not ended early (``ended_on`` unset: no resignation,
  recall or leaving) and that no later term of the same role followed;
- unresolved concerns (reported, acknowledged, in progress), and those older than
  30 days;
- lapsed quorum: polls closed in the last 180 days with the outcome ``no_quorum``.
  Meetings do not record whether they reached their quorum, so only polls count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from statistics import median
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bloc.core.bylaws import BylawsSettings, parse_settings
from bloc.core.charter import MAX_SCORE_UNITS, Assessment, Practice, assess
from bloc.core.health import Health, HealthInput, health
from bloc.institutions.models import BylawsVersion, Chapter, Institution

DEFAULT_INTERVAL_DAYS = 30
INTERVAL_WINDOW_DAYS = 365
VOTERS_WINDOW_DAYS = 90
OLD_CONCERN_DAYS = 30
LAPSED_WINDOW_DAYS = 180
UNRESOLVED = ("reported", "acknowledged", "in_progress")


@dataclass(frozen=True)
class HealthFigures:
    members: int
    verified: int
    charter_percent: int
    open_concerns: int
    health: int
    reasons: list[dict[str, Any]] = field(default_factory=list)


def reasons_json(result: Health) -> list[dict[str, Any]]:
    """The reasons as stored: code, integer parameters, points lost (one decimal), worst first."""
    return [
        {"code": r.code, "params": r.params, "points": _one_decimal(r.lost)} for r in result.reasons
    ]


def _one_decimal(value: Fraction) -> str:
    tenths = (value * 10 * 2 + 1) // 2  # round half up, exactly
    return f"{tenths // 10}.{tenths % 10}"


# --- the charter, in bulk ------------------------------------------------------------


@dataclass
class _CharterFacts:
    settings: BylawsSettings
    verified: int = 0
    waiting: int = 0
    stalled: int = 0
    terms: list[dict[str, Any]] = field(default_factory=list)


def _practice(facts: _CharterFacts, today: date) -> Practice:
    """``bloc.membership.charter.charter_practice`` on facts read for every institution
    at once: the same rule (``practice_of``), other reads."""
    from bloc.membership.charter import practice_of

    return practice_of(
        settings=facts.settings,
        term_rows=facts.terms,
        verified=facts.verified,
        waiting=facts.waiting,
        stalled=facts.stalled,
        today=today,
    )


def charter_assessments(
    *, chapter: Chapter, institution_ids: list[int], now: datetime
) -> dict[int, Assessment]:
    """Every institution's charter assessment, as ``charter_assess`` makes it, in four
    queries for the whole chapter (``charter_assess`` takes five per institution)."""
    return {pk: a for pk, (_, a) in _charter(chapter, institution_ids, now).items()}


def _charter(
    chapter: Chapter, institution_ids: list[int], now: datetime
) -> dict[int, tuple[_CharterFacts, Assessment]]:
    from bloc.membership.charter import RECALL_DAYS, WAITING_DAYS
    from bloc.membership.models import Membership, RecallPetition

    today = timezone.localdate(now)
    newest = BylawsVersion.objects.filter(institution=OuterRef("institution")).order_by("-number")
    rules = dict(
        BylawsVersion.objects.filter(
            institution__chapter=chapter, number=Subquery(newest.values("number")[:1])
        ).values_list("institution_id", "rules")
    )
    facts = {pk: _CharterFacts(parse_settings(rules.get(pk) or {})) for pk in institution_ids}
    current = Q(left_at__isnull=True)
    counts = (
        Membership.objects.filter(institution__chapter=chapter)
        .values("institution_id")
        .annotate(
            verified=Count("pk", filter=current & Q(verified_at__isnull=False)),
            waiting=Count(
                "pk",
                filter=current
                & Q(verified_at__isnull=True, joined_at__lt=now - timedelta(days=WAITING_DAYS)),
            ),
        )
    )
    for row in counts:
        if row["institution_id"] in facts:
            facts[row["institution_id"]].verified = row["verified"]
            facts[row["institution_id"]].waiting = row["waiting"]
    stalled = (
        RecallPetition.objects.filter(
            role_term__membership__institution__chapter=chapter,
            closed_at__isnull=True,
            opened_at__lt=now - timedelta(days=RECALL_DAYS),
        )
        .values("role_term__membership__institution_id")
        .annotate(n=Count("pk"))
    )
    for row in stalled:
        if row["role_term__membership__institution_id"] in facts:
            facts[row["role_term__membership__institution_id"]].stalled = row["n"]
    for row in _term_rows(chapter):
        if row["membership__institution_id"] in facts:
            facts[row["membership__institution_id"]].terms.append(row)
    return {pk: (f, assess(f.settings, _practice(f, today))) for pk, f in facts.items()}


def _term_rows(chapter: Chapter) -> list[dict[str, Any]]:
    from bloc.membership.models import RoleTerm

    return list(
        RoleTerm.objects.filter(membership__institution__chapter=chapter).values(
            "membership__institution_id",
            "membership__user_id",
            "membership__left_at",
            "role",
            "starts_on",
            "ends_on",
            "ended_on",
        )
    )


# --- the other facts ------------------------------------------------------------------


def overdue_rotations(rows: list[dict[str, Any]], roles: tuple[str, ...], today: date) -> int:
    """Terms of ``roles`` whose planned end has come, not ended early, and not followed
    by a later term of the same role (see the module's docstring)."""
    by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_role[row["role"]].append(row)
    overdue = 0
    for role in roles:
        role_rows = by_role.get(role, [])
        for row in role_rows:
            if row["ended_on"] is not None or row["ends_on"] > today:
                continue
            followed = any(
                other["starts_on"] > row["starts_on"]
                and other["starts_on"] < (other["ended_on"] or other["ends_on"])
                for other in role_rows
            )
            overdue += not followed
    return overdue


def _meeting_facts(
    chapter: Chapter, now: datetime
) -> tuple[dict[int, datetime], dict[int, list[datetime]]]:
    from bloc.meetings.models import Meeting

    held = (
        Meeting.objects.filter(institution__chapter=chapter, cancelled_at__isnull=True)
        .annotate(held_at=Coalesce("started_at", "starts_at"))
        .filter(held_at__lte=now)
    )
    last = {
        row["institution_id"]: row["last"]
        for row in held.values("institution_id").annotate(last=Max("held_at")).order_by()
    }
    recent: dict[int, list[datetime]] = defaultdict(list)
    since = now - timedelta(days=INTERVAL_WINDOW_DAYS)
    for institution_id, at in held.filter(held_at__gte=since).values_list(
        "institution_id", "held_at"
    ):
        recent[institution_id].append(at)
    return last, recent


def usual_interval(times: list[datetime]) -> int:
    """The median gap in days between meetings (at least 1); the default with fewer than 2."""
    if len(times) < 2:
        return DEFAULT_INTERVAL_DAYS
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() / 86400 for a, b in zip(ordered, ordered[1:], strict=False)]
    return max(1, round(median(gaps)))


def compute(*, chapter: Chapter, now: datetime) -> dict[int, HealthFigures]:
    """Every institution of ``chapter``: its figures and health score with reasons.

    Eleven queries however many institutions the chapter has.
    """
    from bloc.concerns.models import Concern
    from bloc.decisions.models import Participation, Poll
    from bloc.membership.models import Membership

    ids = list(Institution.objects.filter(chapter=chapter).values_list("pk", flat=True))
    today = timezone.localdate(now)
    charters = _charter(chapter, ids, now)

    current = Q(left_at__isnull=True)
    members = {
        row["institution_id"]: row
        for row in Membership.objects.filter(institution__chapter=chapter)
        .values("institution_id")
        .annotate(
            members=Count("pk", filter=current),
            verified=Count("pk", filter=current & Q(verified_at__isnull=False)),
        )
        .order_by()
    }
    old = now - timedelta(days=OLD_CONCERN_DAYS)
    concerns = {
        row["institution_id"]: row
        for row in Concern.objects.filter(institution__chapter=chapter, state__in=UNRESOLVED)
        .values("institution_id")
        .annotate(open=Count("pk"), old=Count("pk", filter=Q(created_at__lt=old)))
        .order_by()
    }
    recent_from = now - timedelta(days=VOTERS_WINDOW_DAYS)
    previous_from = now - timedelta(days=2 * VOTERS_WINDOW_DAYS)
    voters = {
        row["poll__institution_id"]: row
        for row in Participation.objects.filter(
            poll__institution__chapter=chapter,
            poll__cancelled_at__isnull=True,
            poll__closes_at__gte=previous_from,
            poll__closes_at__lte=now,
        )
        .values("poll__institution_id")
        .annotate(
            recent=Count("user", distinct=True, filter=Q(poll__closes_at__gte=recent_from)),
            previous=Count("user", distinct=True, filter=Q(poll__closes_at__lt=recent_from)),
        )
        .order_by()
    }
    lapsed = dict(
        Poll.objects.filter(
            institution__chapter=chapter,
            cancelled_at__isnull=True,
            outcome="no_quorum",
            closed_at__gte=now - timedelta(days=LAPSED_WINDOW_DAYS),
            closed_at__lte=now,
        )
        .values("institution_id")
        .annotate(n=Count("pk"))
        .values_list("institution_id", "n")
        .order_by()
    )
    last_meeting, recent_meetings = _meeting_facts(chapter, now)

    result: dict[int, HealthFigures] = {}
    for pk in ids:
        facts, assessment = charters[pk]
        last = last_meeting.get(pk)
        counts = members.get(pk, {})
        concern = concerns.get(pk, {})
        vote = voters.get(pk, {})
        scored = health(
            HealthInput(
                institution_id=pk,
                charter_points_met=assessment.score_units,
                charter_points_total=MAX_SCORE_UNITS,
                days_since_last_meeting=None if last is None else max(0, (now - last).days),
                usual_meeting_interval_days=usual_interval(recent_meetings.get(pk, [])),
                voters_recent=vote.get("recent", 0),
                voters_previous=vote.get("previous", 0),
                overdue_rotations=overdue_rotations(facts.terms, facts.settings.roles, today),
                old_concerns=concern.get("old", 0),
                lapsed_quorum=lapsed.get(pk, 0),
            )
        )
        result[pk] = HealthFigures(
            members=counts.get("members", 0),
            verified=counts.get("verified", 0),
            charter_percent=assessment.percent,
            open_concerns=concern.get("open", 0),
            health=scored.percent,
            reasons=reasons_json(scored),
        )
    return result


# --- reading (the help page and the API) ---------------------------------------------


def health_ranking(*, chapter: Chapter, kind: str = "") -> QuerySet[Any]:
    """The chapter's institutions' stored figures, worst health first, then by name
    (one query; slice it to page)."""
    from bloc.hub.models import InstitutionFigures

    rows = InstitutionFigures.objects.filter(institution__chapter=chapter)
    if kind:
        rows = rows.filter(institution__kind=kind)
    return (
        rows.select_related("institution")
        .only(
            "institution__name",
            "institution__slug",
            "institution__kind",
            "health",
            "reasons",
            "members",
            "charter_percent",
            "open_concerns",
        )
        .order_by("health", "institution__name", "institution_id")
    )
