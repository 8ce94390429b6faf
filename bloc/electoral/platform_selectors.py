"""What the platform pages and API show: a chapter's priorities and platforms, and a
platform's state, ballots and the explanation of how it was ranked.

Every read is a fixed number of queries: the priorities of a platform come in one
query, its assemblies' ballots (with their polls and institutions) in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc import permissions
from bloc.confederation.rollup import poll_ranking
from bloc.core.electoral import platform as rules
from bloc.core.errors import NotFound
from bloc.electoral.models import Category, Platform, PlatformBallot, Priority
from bloc.institutions.models import Chapter, Institution
from bloc.permissions.roles import is_chapter_organizer

DRAFT, RANKING, PUBLISHED = "draft", "ranking", "published"


# --- the chapter ---------------------------------------------------------------------


def chapter_pick(slug: str | None) -> Chapter:
    """The chapter named by ``slug``; without one, the first chapter (most installations
    have only one). ``NotFound`` when there is none."""
    chapters = Chapter.objects.order_by("name")
    chapter = chapters.filter(slug=slug).first() if slug else chapters.first()
    if chapter is None:
        raise NotFound(_("There is no chapter with that name."))
    return chapter


def other_chapters(chapter: Chapter) -> list[Chapter]:
    """The other chapters, to switch to (usually none)."""
    return list(Chapter.objects.exclude(pk=chapter.pk).order_by("name")[:50])


# --- priorities and platforms --------------------------------------------------------


def priority_list(chapter: Chapter) -> QuerySet[Priority]:
    return (
        Priority.objects.filter(chapter=chapter)
        .select_related("proposed_by")
        .order_by("category", "title")
    )


@dataclass
class CategoryGroup:
    value: str
    label: str
    priorities: list[Priority] = field(default_factory=list)


def priorities_by_category(chapter: Chapter) -> list[CategoryGroup]:
    """The chapter's priorities grouped under the categories, in the categories' order
    (categories without priorities are left out)."""
    groups = {value: CategoryGroup(value, str(label)) for value, label in Category.choices}
    for priority in priority_list(chapter):
        groups[priority.category].priorities.append(priority)
    return [g for g in groups.values() if g.priorities]


def platform_list(chapter: Chapter) -> QuerySet[Platform]:
    return (
        Platform.objects.filter(chapter=chapter)
        .annotate(priority_count=Count("priorities"))
        .order_by("-created_at", "-pk")
    )


def get_platform(pk: int) -> Platform:
    platform = Platform.objects.select_related("chapter").filter(pk=pk).first()
    if platform is None:
        raise NotFound(_("There is no such platform."))
    return platform


def state_of(platform: Platform) -> str:
    if platform.published_at is not None:
        return PUBLISHED
    return DRAFT if platform.closes_at is None else RANKING


def ordered_priorities(platform: Platform) -> list[Priority]:
    """The platform's priorities in its own order (``order``: index i is option i)."""
    by_pk = {p.pk: p for p in platform.priorities.select_related("proposed_by")}
    return [by_pk[pk] for pk in platform.order if pk in by_pk]


def actable_institutions(chapter: Chapter, viewer: Any) -> list[Institution]:
    """The chapter's institutions the viewer may propose a priority for: all of them
    for an organizer, else those of the viewer's assemblies where they are an officer."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    institutions = Institution.objects.filter(chapter=chapter).select_related("chapter")
    if not is_chapter_organizer(viewer, chapter):
        institutions = institutions.filter(
            memberships__user_id=viewer.pk, memberships__left_at__isnull=True
        ).distinct()
    return [i for i in institutions.order_by("name") if permissions.check(viewer, "priority.propose", i)]


# --- the assemblies' ballots ---------------------------------------------------------


@dataclass(frozen=True)
class BallotRow:
    institution: Institution
    poll_id: int
    closed: bool
    ranked: bool  # closed with a ranking that counts
    electorate: int | None


def ballot_rows(platform: Platform) -> list[BallotRow]:
    ballots = (
        PlatformBallot.objects.filter(platform=platform)
        .select_related("institution", "poll")
        .order_by("institution__name")
    )
    rows = []
    for b in ballots:
        closed = b.poll.closed_at is not None
        ranking = poll_ranking(b.poll.result, b.poll.outcome, closed)
        rows.append(BallotRow(b.institution, b.poll_id, closed, ranking is not None,
                              b.poll.electorate))  # fmt: skip
    return rows


# --- the explanation -----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    place: int  # 1 for the first; tied priorities share a place
    tied: bool
    priorities: list[Priority]


@dataclass(frozen=True)
class SupportRow:
    priority: Priority
    cells: list[int | None]  # None on the diagonal


@dataclass(frozen=True)
class PointsRow:
    priority: Priority
    points: str


@dataclass
class Explanation:
    method: str
    weighting: str
    assemblies: int
    weight: int
    asked: int
    places: list[Place]
    sentences: list[str]
    support: list[SupportRow] = field(default_factory=list)  # Schulze
    points: list[PointsRow] = field(default_factory=list)  # Borda
    unit: str = ""  # what the table's figures count


def _figure(value: str) -> str:
    """A Borda score stored as an exact fraction ("15/2"), written as a decimal."""
    number = Fraction(value)
    return str(number.numerator) if number.denominator == 1 else f"{float(number):.2f}".rstrip("0")


def places_of(ranking: list[list[int]], priorities: list[Priority]) -> list[Place]:
    """Tiers of indices as places: a tier of two after the first shares place 2, and
    the next is place 4 (as in a race)."""
    places, place = [], 1
    for tier in ranking:
        places.append(Place(place, len(tier) > 1, [priorities[i] for i in tier]))
        place += len(tier)
    return places


def explanation(platform: Platform, priorities: list[Priority], asked: int) -> Explanation | None:
    """How the published platform was ranked, in plain sentences and figures."""
    result = platform.result
    if not result:
        return None
    method, weighting = result["method"], result["weighting"]
    assemblies, weight = int(result["assemblies"]), int(result["weight"])
    places = places_of(result["ranking"], priorities)
    sentences = [
        ngettext(
            "%(n)s assembly ranked the priorities, of the %(asked)s asked.",
            "%(n)s assemblies ranked the priorities, of the %(asked)s asked.",
            assemblies,
        )
        % {"n": assemblies, "asked": asked}
    ]
    if weighting == rules.MEMBERS:
        sentences.append(
            ngettext(
                "Each assembly counted by the members who could vote in its poll: "
                "%(weight)s person in all.",
                "Each assembly counted by the members who could vote in its poll: "
                "%(weight)s people in all.",
                weight,
            )
            % {"weight": weight}
        )
        unit = _("members")
    else:
        sentences.append(_("Each assembly counted once, whatever its size."))
        unit = _("assemblies")
    if method == rules.SCHULZE:
        sentences.append(
            _(
                "The rankings were combined by Schulze's method. For every pair of "
                "priorities we counted how many %(unit)s ranked one above the other (the "
                "table below). A priority is placed above another when its strongest "
                "chain of head-to-head wins over the other is stronger than the other's "
                "chain back."
            )
            % {"unit": unit}
        )
    else:
        sentences.append(
            _(
                "The rankings were combined by the Borda count. In each assembly's "
                "ranking a priority gets one point for every priority ranked below it "
                "and half a point for every priority tied with it; each assembly's points "
                "count %(how)s, and are added up. Most points first (the table below)."
            )
            % {
                "how": _("by its members") if weighting == rules.MEMBERS else _("once"),
            }
        )
    if assemblies == 0:
        sentences.append(_("No assembly ranked the priorities, so they are all tied."))
    elif any(p.tied for p in places):
        sentences.append(_("Priorities that share a place are tied: neither came out ahead."))
    found = Explanation(method, weighting, assemblies, weight, asked, places, sentences, unit=unit)
    if method == rules.SCHULZE:
        support = result["support"]
        found.support = [
            SupportRow(
                priorities[a],
                [None if a == b else int(support[a][b]) for b in range(len(priorities))],
            )
            for a in range(len(priorities))
        ]
    else:
        points = result["points"]
        found.points = [
            PointsRow(priorities[i], _figure(points[i]))
            for tier in result["ranking"]
            for i in tier
        ]
    return found


# --- a platform's page ---------------------------------------------------------------


def platform_page(platform: Platform) -> dict[str, Any]:
    priorities = ordered_priorities(platform)
    ballots = ballot_rows(platform) if platform.closes_at is not None else []
    return {
        "platform": platform,
        "state": state_of(platform),
        "priorities": priorities,
        "ballots": ballots,
        "ranked_count": sum(1 for b in ballots if b.ranked),
        "closed_count": sum(1 for b in ballots if b.closed),
        "explanation": explanation(platform, priorities, len(ballots)),
    }
