"""What the platform pages and API show: a chapter's priorities and platforms, and a
platform's state, ballots and the explanation of how it was ranked.

Every read is a fixed number of queries: the priorities of a platform come in one
query, its assemblies' ballots (with their polls and institutions) in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bloc.confederation.rollup import poll_ranking
from bloc.core import ranked_mandates as ranked
from bloc.core.electoral import platform as rules
from bloc.core.errors import NotFound
from bloc.core.tally.condorcet import strongest_paths
from bloc.electoral.models import Category, Platform, PlatformBallot, Priority
from bloc.institutions.models import Chapter, Institution
from bloc.membership.models import RoleTerm
from bloc.permissions.roles import is_chapter_organizer

DRAFT, RANKING, PUBLISHED = "draft", "ranking", "published"
# The roles that act for an assembly (the rule ``poll.create``, which ``priority.propose``
# follows): a facilitator or the secretary.
OFFICER_ROLES = ("facilitator", "secretary")


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
    """The chapter's institutions the viewer may propose a priority for (the rule
    ``priority.propose``: a facilitator or the secretary acts for their assembly; an
    organizer, for any). In a fixed number of queries, whatever the chapter's size."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    institutions = Institution.objects.filter(chapter=chapter).select_related("chapter")
    if is_chapter_organizer(viewer, chapter):
        return list(institutions.order_by("name", "pk"))
    today = timezone.localdate()
    officer_of = RoleTerm.objects.filter(
        membership__user_id=viewer.pk,
        membership__left_at__isnull=True,
        membership__institution__chapter=chapter,
        role__in=OFFICER_ROLES,
        starts_on__lte=today,
        ends_on__gt=today,
        ended_on__isnull=True,
    ).values("membership__institution_id")
    return list(institutions.filter(pk__in=officer_of).order_by("name", "pk"))


# --- the assemblies' ballots ---------------------------------------------------------

VOTING, COUNTED, NOT_RANKED, CANCELLED = "voting", "counted", "not_ranked", "cancelled"


@dataclass(frozen=True)
class BallotRow:
    """One assembly's ranking poll, as the platform's page shows it."""

    institution: Institution
    poll_id: int
    closed: bool
    ranked: bool  # closed with a ranking that counts
    electorate: int | None  # the members who could vote (once the poll opened)
    status: str = VOTING  # VOTING, COUNTED, NOT_RANKED or CANCELLED
    ballots: int = 0  # ballots cast (once counted)
    ranking: list[list[Priority]] = field(default_factory=list)  # tiers, best first
    no_quorum: bool = False


def ballot_rows(platform: Platform, priorities: list[Priority] | None = None) -> list[BallotRow]:
    """Every assembly asked, by name, with its poll's state and (once counted) the
    order it put the priorities in. One query (two without ``priorities``)."""
    if priorities is None:
        priorities = ordered_priorities(platform)
    ballots = (
        PlatformBallot.objects.filter(platform=platform)
        .select_related("institution", "poll")
        .order_by("institution__name", "institution_id")
    )
    rows = []
    for b in ballots:
        poll = b.poll
        closed = poll.closed_at is not None
        ranking = poll_ranking(poll.result, poll.outcome, closed)
        if poll.cancelled_at is not None:
            status = CANCELLED
        elif not closed:
            status = VOTING
        else:
            status = COUNTED if ranking is not None else NOT_RANKED
        tiers = []
        if ranking is not None:
            normal = ranked.normal(ranking, len(priorities))
            tiers = [[priorities[i] for i in tier] for tier in normal]
        rows.append(
            BallotRow(
                institution=b.institution,
                poll_id=b.poll_id,
                closed=closed,
                ranked=ranking is not None,
                electorate=poll.electorate,
                status=status,
                ballots=int((poll.result or {}).get("total_ballots") or 0),
                ranking=tiers,
                no_quorum=poll.outcome == "no_quorum",
            )
        )
    return rows


# --- the explanation -----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    place: int  # 1 for the first; tied priorities share a place
    tied: bool
    priorities: list[Priority]
    points: str = ""  # Borda: the points of each priority in this place
    points_text: str = ""  # the same in words ("7.5 points")


@dataclass(frozen=True)
class SupportRow:
    priority: Priority
    cells: list[int | None]  # None on the diagonal; columns in the rows' order


@dataclass(frozen=True)
class PointsRow:
    priority: Priority
    points: str


@dataclass(frozen=True)
class Step:
    """Why one place is above the next: the head-to-head counts of two priorities."""

    above: Priority
    below: Priority
    for_above: int  # the weight ranking ``above`` higher
    for_below: int  # the weight ranking ``below`` higher
    text: str


@dataclass
class Explanation:
    method: str
    weighting: str
    assemblies: int  # rankings counted
    weight: int  # their total weight (assemblies, or members)
    asked: int  # assemblies asked
    places: list[Place]
    sentences: list[str]
    support: list[SupportRow] = field(default_factory=list)  # Schulze
    points: list[PointsRow] = field(default_factory=list)  # Borda
    unit: str = ""  # what the table's figures count
    steps: list[Step] = field(default_factory=list)  # Schulze: place by place
    people: int = 0  # members who could vote in the assemblies counted
    voters: int = 0  # ballots cast in them
    columns: list[Priority] = field(default_factory=list)  # the support table's columns


def _figure(value: str) -> str:
    """A Borda score stored as an exact fraction ("15/2"), written as a decimal."""
    number = Fraction(value)
    if number.denominator == 1:
        return str(number.numerator)
    return f"{float(number):.2f}".rstrip("0").rstrip(".")


def places_of(
    ranking: list[list[int]], priorities: list[Priority], points: list[str] | None = None
) -> list[Place]:
    """Tiers of indices as places: a tier of two after the first shares place 2, and
    the next is place 4 (as in a race)."""
    places, place = [], 1
    for tier in ranking:
        figure = words = ""
        if points:
            figure = _figure(points[tier[0]])
            exact = Fraction(points[tier[0]])
            many = exact.numerator if exact.denominator == 1 else 2
            words = ngettext("%(points)s point", "%(points)s points", many) % {"points": figure}
        tied = len(tier) > 1
        places.append(Place(place, tied, [priorities[i] for i in tier], figure, words))
        place += len(tier)
    return places


def _quoted(priority: Priority) -> str:
    return _("“%(title)s”") % {"title": priority.title}


def _counted(weighting: str, n: int) -> str:
    if weighting == rules.MEMBERS:
        return ngettext("%(n)s member", "%(n)s members", n) % {"n": n}
    return ngettext("%(n)s assembly", "%(n)s assemblies", n) % {"n": n}


def _steps(
    ranking: list[list[int]], priorities: list[Priority], support: list[list[int]], weighting: str
) -> list[Step]:
    """Schulze, place by place: each priority against the first of the place below."""
    paths = strongest_paths(np.asarray(support, dtype=np.int64) - np.asarray(support).T)
    steps = []
    for upper, lower in zip(ranking, ranking[1:], strict=False):
        a, b = upper[0], lower[0]
        won, lost = int(support[a][b]), int(support[b][a])
        words = {
            "above": _quoted(priorities[a]),
            "below": _quoted(priorities[b]),
            "won": _counted(weighting, won),
            "lost": _counted(weighting, lost),
        }
        if won > lost:
            text = (
                _(
                    "%(above)s is above %(below)s: %(won)s ranked it higher, "
                    "%(lost)s ranked %(below)s higher."
                )
                % words
            )
        else:
            words["path"] = _counted(weighting, int(paths[a][b]))
            words["back"] = _counted(weighting, int(paths[b][a]))
            how = (
                _("head to head they were level (%(won)s each)")
                if won == lost
                else _("head to head %(lost)s ranked %(below)s higher and %(won)s ranked it higher")
            ) % words
            words["how"] = how
            text = (
                _(
                    "%(above)s is above %(below)s, although %(how)s: the contests go round "
                    "in a circle, and %(above)s beats %(below)s through a chain of other "
                    "priorities whose narrowest win is by %(path)s, more than the narrowest "
                    "win of any chain back (%(back)s)."
                )
                % words
            )
        steps.append(Step(priorities[a], priorities[b], won, lost, text))
    return steps


def explanation(
    platform: Platform,
    priorities: list[Priority],
    asked: int,
    ballots: list[BallotRow] | None = None,
) -> Explanation | None:
    """How the published platform was ranked, in plain sentences and figures."""
    result = platform.result
    if not result:
        return None
    method, weighting = result["method"], result["weighting"]
    assemblies, weight = int(result["assemblies"]), int(result["weight"])
    ranking = [list(tier) for tier in result["ranking"]]
    borda = method == rules.BORDA
    places = places_of(ranking, priorities, result["points"] if borda else None)
    counted = [b for b in ballots or [] if b.ranked]
    people = sum(b.electorate or 0 for b in counted)
    voters = sum(b.ballots for b in counted)
    sentences = [
        ngettext(
            "%(n)s assembly ranked the priorities, of the %(asked)s asked.",
            "%(n)s assemblies ranked the priorities, of the %(asked)s asked.",
            assemblies,
        )
        % {"n": assemblies, "asked": asked}
    ]
    if counted:
        sentences.append(
            ngettext(
                "Each assembly ranked them by its own vote; in the assemblies counted, "
                "%(voters)s of the %(people)s members who could vote took part.",
                "Each assembly ranked them by its own vote; in the assemblies counted, "
                "%(voters)s of the %(people)s members who could vote took part.",
                people,
            )
            % {"voters": voters, "people": people}
        )
    if assemblies < asked:
        sentences.append(
            _(
                "An assembly whose vote had no ballots, or too few to meet its quorum, "
                "gave no ranking and was not counted."
            )
        )
    if weighting == rules.MEMBERS:
        sentences.append(
            ngettext(
                "Each assembly's ranking counted as many times as it has members who could "
                "vote in its poll, so larger assemblies weigh more: %(weight)s person in all.",
                "Each assembly's ranking counted as many times as it has members who could "
                "vote in its poll, so larger assemblies weigh more: %(weight)s people in all.",
                weight,
            )
            % {"weight": weight}
        )
        unit = _("members")
    else:
        sentences.append(
            _("Each assembly's ranking counted once, whatever its size (one assembly, one vote).")
        )
        unit = _("assemblies")
    n = len(priorities)
    if method == rules.SCHULZE:
        sentences.append(
            _(
                "The rankings were combined by Schulze's method, which compares the "
                "priorities two at a time. For every pair we counted how many %(unit)s "
                "ranked one above the other (the table below). A priority that wins every "
                "one of its head-to-head contests comes first. When the contests go round in "
                "a circle (A beats B, B beats C, C beats A), the method follows chains of "
                "wins, and the chain whose weakest link is stronger decides."
            )
            % {"unit": unit}
        )
    else:
        sentences.append(
            ngettext(
                "The rankings were combined by the Borda count: in each assembly's ranking "
                "a priority gets one point for every priority ranked below it (with "
                "%(n)s priority, the first gets %(top)s points and the last none) and "
                "half a point for every priority tied with it. "
                "The points are added up over the assemblies, %(how)s; most points first "
                "(the table below).",
                "The rankings were combined by the Borda count: in each assembly's ranking "
                "a priority gets one point for every priority ranked below it (with "
                "%(n)s priorities, the first gets %(top)s points and the last none) and "
                "half a point for every priority tied with it. "
                "The points are added up over the assemblies, %(how)s; most points first "
                "(the table below).",
                n,
            )
            % {
                "n": n,
                "top": max(n - 1, 0),
                "how": _("each assembly's points multiplied by its members")
                if weighting == rules.MEMBERS
                else _("each assembly counting once"),
            }
        )
    if assemblies == 0:
        sentences.append(_("No assembly ranked the priorities, so they are all tied."))
    else:
        first = places[0]
        if not first.tied and borda:
            sentences.append(
                _("%(first)s came first, with %(points)s.")
                % {"first": _quoted(first.priorities[0]), "points": first.points_text}
            )
        elif not first.tied:
            sentences.append(_("%(first)s came first.") % {"first": _quoted(first.priorities[0])})
        if any(p.tied for p in places):
            sentences.append(_("Priorities that share a place are tied: neither came out ahead."))
    found = Explanation(
        method, weighting, assemblies, weight, asked, places, sentences, unit=unit,
        people=people, voters=voters,
    )  # fmt: skip
    order = [i for tier in ranking for i in tier]  # the table in the platform's order
    if method == rules.SCHULZE:
        support = result["support"]
        found.columns = [priorities[b] for b in order]
        found.support = [
            SupportRow(priorities[a], [None if a == b else int(support[a][b]) for b in order])
            for a in order
        ]
        if assemblies:
            found.steps = _steps(ranking, priorities, support, weighting)
    else:
        points = result["points"]
        found.points = [PointsRow(priorities[i], _figure(points[i])) for i in order]
    return found


# --- a platform's page ---------------------------------------------------------------


def platform_page(platform: Platform) -> dict[str, Any]:
    """What the platform's page (and the API, and the PDF) shows, in three queries."""
    priorities = ordered_priorities(platform)
    ballots = ballot_rows(platform, priorities) if platform.closes_at is not None else []
    return {
        "platform": platform,
        "state": state_of(platform),
        "priorities": priorities,
        "ballots": ballots,
        "asked_count": len(ballots),
        "ranked_count": sum(1 for b in ballots if b.ranked),
        "closed_count": sum(1 for b in ballots if b.closed),
        "explanation": explanation(platform, priorities, len(ballots), ballots),
    }
