"""Participation and its equity: who took part, against who lives there.

``compute(chapter=..., now=...)`` runs at a refresh (``bloc.hub.services.refresh``)
and returns an ``EquityFigures``; the refresh stores ``per_institution[pk]`` in
``InstitutionFigures.equity``, ``overall`` in ``ChapterFigures.equity`` and
``participants[pk]`` in ``InstitutionFigures.participants``. Pages and the API read
only those stored rows.

Who took part, in the 365 days before ``now``, per institution:

- ``voted``: a ``decisions.Participation`` in one of its polls closing in the window
  (a participation has no time of its own, on purpose: the poll's ``closes_at`` is
  used), or a ``budgeting.BudgetParticipation`` in one of its budgets whose voting
  closes in the window (a council's budget counts for the institution that hosts it);
- ``attended``: a ``meetings.Attendance`` at one of its meetings starting in the
  window;
- ``spoke``: a ``meetings.QueueEntry`` called to speak in the window;
- ``proposed``: a ``decisions.Proposal`` authored in the window (drafts left out);
- ``any``: any of these.

Dimensions: ``tenure``, ``age_band``, ``language`` (``bloc.hub.models``) and
``category:<pk>`` for each of the chapter's active ``DescriptionCategory`` (groups are
the option indexes as strings). A participant's group is what they said in their
``SelfDescription``; people who said nothing for a dimension are counted apart as
``not_described``, never as a group.

Residents (the baseline), per dimension: the institution's ``PopulationFigure`` rows
for it when any were entered (``"source": "census"``), otherwise the institution's
current members who described themselves (``"source": "members"``).

Before anything is stored, each set of counts goes through
``bloc.core.equity.suppressed_counts`` (minimum ``MINIMUM`` = 5 on both the
participants and the residents of a group): small groups are merged into the group
``"other"`` ("Other groups"), or nothing at all is reported. Only groups with at
least one participant or resident take part (a group with nobody in it would
otherwise pull a real group into "Other groups"). Shares, ratios and the equity
index are computed exactly (``Fraction``) from the suppressed counts and stored
rounded to 4 decimals for display. When fewer than two groups are left, nothing is
reported (one group compares nothing; its index would always be 1).
``not_described`` is stored when it is 0 or at least 5, otherwise ``null`` ("fewer
than 5").

``per_institution[pk]`` (one institution)::

    {
      "window_days": 365,
      "index": {"tenure": {"any": 0.9333, ...}, ...},  # for ranking; absent: none
      "dimensions": {
        "tenure": {
          "source": "census" | "members",
          "source_text": "Census 2020, tract 12",   # what was entered ("" for members)
          "activities": {
            "any": {                                # also voted, attended, spoke, proposed
              "groups": [                           # [] when too few people to report
                {"group": "renter", "participants": 10, "residents": 60,
                 "participant_share": 0.6667, "resident_share": 0.6, "ratio": 1.1111},
                {"group": "other", "merged": true, ...},   # "Other groups", last
              ],
              "index": 0.9333,                      # null when nothing is reported
              "not_described": 7                    # null: 1 to 4 people
            }, ...
          }
        },
        "category:12": {...}, ...
      }
    }

``overall`` (the chapter): per dimension and per baseline source, the figures the
institutions using that source REPORT (after their own suppression: their "Other
groups" adds to the chapter's), summed group by group (a person active in two
institutions counts in each), then suppressed as above. Summing the raw counts
instead would let anyone subtract the institutions' figures from the chapter's and
find a group of fewer than 5::

    {
      "window_days": 365,
      "dimensions": {
        "tenure": {
          "sources": {
            "census": {"institutions": 3, "activities": {"any": {...as above...}, ...}},
            "members": {"institutions": 40, "activities": {...}}
          }
        }, ...
      }
    }

``participants[pk]``: distinct people who took part in the institution (any activity).

Queries: a fixed number (about a dozen) of grouped queries over the whole chapter,
however many institutions; the rest is done in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Subquery

from bloc.core import equity as core
from bloc.hub.models import (
    AgeBand,
    DescriptionCategory,
    HomeLanguage,
    PopulationFigure,
    SelfDescription,
    Tenure,
)
from bloc.institutions.models import Chapter, Institution

WINDOW_DAYS = 365
ACTIVITIES = ("any", "voted", "attended", "spoke", "proposed")
BUILTIN_DIMENSIONS: dict[str, Any] = {
    "tenure": Tenure,
    "age_band": AgeBand,
    "language": HomeLanguage,
}
CENSUS, MEMBERS = "census", "members"
DIGITS = 4


@dataclass
class EquityFigures:
    per_institution: dict[int, dict[str, Any]] = field(default_factory=dict)
    overall: dict[str, Any] = field(default_factory=dict)
    participants: dict[int, int] = field(default_factory=dict)


def category_dimension(category_id: int) -> str:
    return f"category:{category_id}"


def dimension_groups(
    categories: Iterable[DescriptionCategory],
) -> dict[str, list[str]]:
    """Every dimension and its groups in order: the built-in ones, then ``categories``."""
    groups: dict[str, list[str]] = {
        name: [str(v) for v in choices.values] for name, choices in BUILTIN_DIMENSIONS.items()
    }
    for category in categories:
        groups[category_dimension(category.pk)] = [str(i) for i in range(len(category.options))]
    return groups


def _round(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def reportable(n: int) -> int | None:
    """``n`` if it may be shown (0, or at least ``MINIMUM``); None for 1 to 4 people."""
    return n if n == 0 or n >= core.MINIMUM else None


def report(
    participants: Mapping[str, int], residents: Mapping[str, int], order: list[str]
) -> dict[str, Any]:
    """Suppressed groups, shares and index of one set of counts, ready to store.

    ``participants`` and ``residents`` map a group to its count; groups are taken in
    ``order`` and those with nobody in them are left out. ``not_described`` is added by
    the caller.
    """
    if sum(participants.values()) < 2 * core.MINIMUM or sum(residents.values()) < 2 * core.MINIMUM:
        # Two groups of at least MINIMUM each are needed (see below): none can be had.
        return {"groups": [], "index": None}
    counts = {
        g: core.Count(participants.get(g, 0), residents.get(g, 0))
        for g in order
        if participants.get(g, 0) or residents.get(g, 0)
    }
    kept = core.suppressed_counts(counts)
    if len(kept) < 2:
        # One group (often everyone merged into "Other groups") compares nothing: its
        # index would be 1 whatever the people. Report nothing rather than that.
        return {"groups": [], "index": None}
    groups = []
    for share in core.shares(kept):
        row: dict[str, Any] = {
            "group": share.group,
            "participants": share.count.participants,
            "residents": share.count.residents,
            "participant_share": _round(share.participant_share),
            "resident_share": _round(share.resident_share),
            "ratio": _round(share.ratio),
        }
        if share.group == core.OTHER:
            row["merged"] = True
        groups.append(row)
    index = core.equity_index(kept)
    return {"groups": groups, "index": None if index is None else _round(index.value)}


# --- gathering (grouped queries over the chapter) -------------------------------------


def _activity_pairs(chapter: Chapter, start: datetime, end: datetime) -> dict[str, set[Any]]:
    """``{activity: {(institution_id, user_id), ...}}`` for the four activities."""
    from bloc.budgeting.models import BudgetParticipation
    from bloc.decisions.models import Participation, Proposal, ProposalState
    from bloc.meetings.models import Attendance, QueueEntry

    def pairs(qs: Any, institution: str, user: str) -> set[tuple[int, int]]:
        return set(qs.values_list(institution, user).distinct().order_by())

    voted = pairs(
        Participation.objects.filter(
            poll__institution__chapter=chapter,
            poll__closes_at__gte=start,
            poll__closes_at__lt=end,
        ),
        "poll__institution_id",
        "user_id",
    )
    voted |= pairs(
        BudgetParticipation.objects.filter(
            budget__institution__chapter=chapter,
            budget__voting_closes__gte=start,
            budget__voting_closes__lt=end,
        ),
        "budget__institution_id",
        "user_id",
    )
    attended = pairs(
        Attendance.objects.filter(
            meeting__institution__chapter=chapter,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        ),
        "meeting__institution_id",
        "user_id",
    )
    spoke = pairs(
        QueueEntry.objects.filter(
            meeting__institution__chapter=chapter, called_at__gte=start, called_at__lt=end
        ),
        "meeting__institution_id",
        "user_id",
    )
    proposed = pairs(
        Proposal.objects.filter(
            institution__chapter=chapter, created_at__gte=start, created_at__lt=end
        ).exclude(state=ProposalState.DRAFT),
        "institution_id",
        "author_id",
    )
    return {"voted": voted, "attended": attended, "spoke": spoke, "proposed": proposed}


def _groups_of(
    chapter: Chapter, categories: list[DescriptionCategory]
) -> dict[int, dict[str, str]]:
    """``{user_id: {dimension: group}}`` for everyone ever a member in the chapter who
    described themselves (blank answers and unknown options left out)."""
    from bloc.membership.models import Membership

    options = {str(c.pk): len(c.options) for c in categories}
    people = Membership.objects.filter(institution__chapter=chapter).values("user_id")
    found: dict[int, dict[str, str]] = {}
    for user_id, tenure, age_band, language, answers in SelfDescription.objects.filter(
        user_id__in=Subquery(people)
    ).values_list("user_id", "tenure", "age_band", "language", "answers"):
        said = {
            name: value
            for name, value in (("tenure", tenure), ("age_band", age_band), ("language", language))
            if value
        }
        for key, index in (answers or {}).items():
            if (
                key in options
                and isinstance(index, int)
                and not isinstance(index, bool)
                and 0 <= index < options[key]
            ):
                said[f"category:{key}"] = str(index)
        if said:
            found[user_id] = said
    return found


def _described_members(chapter: Chapter) -> dict[int, list[int]]:
    """``{institution_id: [user_id, ...]}``: current members who described themselves."""
    from bloc.membership.models import Membership

    members: dict[int, list[int]] = defaultdict(list)
    for institution_id, user_id in Membership.objects.filter(
        institution__chapter=chapter,
        left_at__isnull=True,
        user__self_description__isnull=False,
    ).values_list("institution_id", "user_id"):
        members[institution_id].append(user_id)
    return members


def _census(chapter: Chapter) -> dict[int, dict[str, tuple[dict[str, int], str]]]:
    """``{institution_id: {dimension: ({group: residents}, source text)}}``."""
    census: dict[int, dict[str, tuple[dict[str, int], str]]] = defaultdict(dict)
    for institution_id, dimension, group, residents, source in PopulationFigure.objects.filter(
        institution__chapter=chapter
    ).values_list("institution_id", "dimension", "group", "residents", "source"):
        figures, text = census[institution_id].get(dimension, ({}, ""))
        figures[group] = residents
        census[institution_id][dimension] = (figures, text or source)
    return census


# --- computing ------------------------------------------------------------------------


def _count(
    users: Iterable[int], groups_of: Mapping[int, Mapping[str, str]], dimension: str
) -> tuple[dict[str, int], int]:
    """Per group, how many of ``users`` said they belong to it; and how many said nothing."""
    counts: dict[str, int] = defaultdict(int)
    silent = 0
    for user_id in users:
        group = groups_of.get(user_id, {}).get(dimension)
        if group is None:
            silent += 1
        else:
            counts[group] += 1
    return counts, silent


def compute(*, chapter: Chapter, now: datetime) -> EquityFigures:
    """Participation against residents for every institution of ``chapter`` and overall,
    over the ``WINDOW_DAYS`` days before ``now`` (see the module's docstring)."""
    start = now - timedelta(days=WINDOW_DAYS)
    categories = list(DescriptionCategory.objects.filter(chapter=chapter, retired_at__isnull=True))
    dimensions = dimension_groups(categories)
    institution_ids = list(
        Institution.objects.filter(chapter=chapter).values_list("pk", flat=True).order_by("pk")
    )
    activity_pairs = _activity_pairs(chapter, start, now)
    by_institution: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for activity, pairs in activity_pairs.items():
        for institution_id, user_id in pairs:
            by_institution[institution_id][activity].add(user_id)
            by_institution[institution_id]["any"].add(user_id)
    groups_of = _groups_of(chapter, categories)
    members = _described_members(chapter)
    census = _census(chapter)

    figures = EquityFigures()
    # overall[dimension][source] = {"institutions": n, "activities": {activity: sums}}
    sums: dict[str, dict[str, dict[str, Any]]] = {d: {} for d in dimensions}
    for institution_id in institution_ids:
        active = by_institution.get(institution_id, {})
        figures.participants[institution_id] = len(active.get("any", ()))
        index: dict[str, dict[str, float]] = {}
        stored: dict[str, Any] = {}
        for dimension, order in dimensions.items():
            entered = census.get(institution_id, {}).get(dimension)
            if entered is not None:
                source, source_text = CENSUS, entered[1]
                residents = {g: n for g, n in entered[0].items() if g in order}
            else:
                source, source_text = MEMBERS, ""
                residents, _silent = _count(members.get(institution_id, ()), groups_of, dimension)
            total = sums[dimension].setdefault(source, {"institutions": 0, "activities": {}})
            total["institutions"] += 1
            activities: dict[str, Any] = {}
            for activity in ACTIVITIES:
                counts, silent = _count(active.get(activity, ()), groups_of, dimension)
                entry = report(counts, residents, order)
                entry["not_described"] = reportable(silent)
                activities[activity] = entry
                if entry["index"] is not None:
                    # Left out rather than null: SQLite reads a JSON null as 0 when sorting.
                    index.setdefault(dimension, {})[activity] = entry["index"]
                summed = total["activities"].setdefault(
                    activity,
                    {"participants": defaultdict(int), "residents": defaultdict(int), "silent": 0},
                )
                # Only what this institution reports is summed: a total of raw counts
                # minus the reported figures of the others would reveal a small group.
                for row in entry["groups"]:
                    summed["participants"][row["group"]] += row["participants"]
                    summed["residents"][row["group"]] += row["residents"]
                # Who said nothing is no group's secret: the raw count sums (and shows
                # when 0 or at least 5).
                summed["silent"] += silent
            stored[dimension] = {
                "source": source,
                "source_text": source_text,
                "activities": activities,
            }
        figures.per_institution[institution_id] = {
            "window_days": WINDOW_DAYS,
            "index": index,
            "dimensions": stored,
        }

    overall: dict[str, Any] = {}
    for dimension, by_source in sums.items():
        sources: dict[str, Any] = {}
        for source, total in by_source.items():
            activities = {}
            for activity, summed in total["activities"].items():
                # The institutions' merged "Other groups" sum into the chapter's.
                order = [g for g in dimensions[dimension] if g != core.OTHER] + [core.OTHER]
                entry = report(summed["participants"], summed["residents"], order)
                entry["not_described"] = reportable(summed["silent"])
                activities[activity] = entry
            sources[source] = {"institutions": total["institutions"], "activities": activities}
        overall[dimension] = {"sources": sources}
    figures.overall = {"window_days": WINDOW_DAYS, "dimensions": overall}
    return figures
