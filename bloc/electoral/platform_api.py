"""The platform in the JSON API (mounted under /api/v1/electoral).

Priorities and platforms are public: anyone may read them, with the published
platform's ranking and the explanation of how it was reached. Acting needs a session
or a token, and the services check who may: a facilitator or the secretary proposes a
priority for their assembly; the chapter's organizers set up a platform and send it
to the assemblies.

A platform's ``priorities`` are in its own order: each assembly's poll has them as
options 0, 1, 2, … in that order. Rankings are given as tiers of priority ids, best
first (``[[12], [7, 9]]``: priority 12, then 7 and 9 tied). Reading a platform after
its closing time counts the assemblies' polls that are due first (``platform_sync``).
Every read is a fixed number of queries, whatever the number of assemblies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.core.errors import NotFound, ValidationFailed
from bloc.core.polls import MAX_OPTIONS
from bloc.electoral import platform_selectors as sel
from bloc.electoral import platforms as services
from bloc.electoral.models import Platform, Priority
from bloc.institutions.models import Chapter, Institution
from bloc.institutions.selectors import chapter_get, institution_get

router = Router(tags=["electoral"])

CategoryName = Literal[
    "direct_democracy",
    "hoa_reform",
    "labor",
    "land_trusts",
    "ecology",
    "police",
    "prisons",
    "other",
]
MethodName = Literal["schulze", "borda"]
WeightingName = Literal["assemblies", "members"]
StateName = Literal["draft", "ranking", "published"]
TIERS = "Tiers of priority ids, best first; the ids in one tier are tied."


# --- schemas ---------------------------------------------------------------------


class PriorityOut(Schema):
    id: int
    chapter: str = Field(description="The chapter's slug.")
    title: str
    category: str = Field(description="One of the categories (`other`: added by the assemblies).")
    category_label: str = Field(description="The category in words, in the request's language.")
    description: str
    proposed_by: str = Field(description="The slug of the assembly that proposed it.")
    proposed_by_name: str
    created_at: datetime


class PriorityIn(Schema):
    institution: str = Field(description="The slug of the assembly that proposes it.")
    title: str
    category: CategoryName
    description: str = ""


class PlatformSummaryOut(Schema):
    id: int
    chapter: str = Field(description="The chapter's slug.")
    title: str
    state: StateName = Field(
        description="draft (not sent), ranking (the assemblies' polls are open or being "
        "counted) or published."
    )
    method: MethodName = Field(description="How the assemblies' rankings are combined.")
    weighting: WeightingName = Field(
        description="assemblies: each counts once; members: by the members who could vote."
    )
    closes_at: datetime | None = Field(description="When the assemblies' polls close; null: draft.")
    published_at: datetime | None
    created_at: datetime
    priority_count: int


class PlatformAssemblyOut(Schema):
    institution: str = Field(description="The assembly's slug.")
    name: str
    poll_id: int = Field(description="The assembly's own ranking poll.")
    status: Literal["voting", "counted", "not_ranked", "cancelled"] = Field(
        description="not_ranked: counted without a ranking (no ballots, or no quorum)."
    )
    electorate: int | None = Field(description="Members who could vote; null before it opens.")
    ballots: int = Field(description="Ballots cast (0 until counted).")
    ranking: list[list[int]] | None = Field(description=f"Its ranking once counted. {TIERS}")


class PlatformPlaceOut(Schema):
    place: int = Field(description="1 for the first; tied priorities share a place.")
    tied: bool
    priorities: list[int] = Field(description="The ids of the priorities in this place.")
    points: float | None = Field(description="Borda: each one's points; null under Schulze.")


class PlatformPairOut(Schema):
    priority: int
    over: int
    count: int = Field(description="Assemblies (or members) that ranked `priority` above `over`.")


class PlatformResultOut(Schema):
    ranking: list[list[int]] = Field(description=f"The platform's order. {TIERS}")
    places: list[PlatformPlaceOut]
    assemblies: int = Field(description="Assemblies whose ranking was counted.")
    asked: int = Field(description="Assemblies asked to rank.")
    weight: int = Field(
        description="The rankings' total weight: the assemblies counted, or their members."
    )
    people: int = Field(description="Members who could vote in the assemblies counted.")
    voters: int = Field(description="Ballots cast in the assemblies counted.")
    head_to_head: list[PlatformPairOut] = Field(
        description="Schulze: every ordered pair's support; empty under Borda."
    )
    explanation: list[str] = Field(
        description="How it was ranked, in sentences (in the request's language)."
    )
    steps: list[str] = Field(description="Schulze: why each place is above the next.")


class PlatformOut(PlatformSummaryOut):
    priorities: list[PriorityOut] = Field(description="In the platform's own order.")
    assemblies: list[PlatformAssemblyOut] = Field(description="The assemblies asked, by name.")
    counted: int = Field(description="Assemblies whose poll is counted.")
    result: PlatformResultOut | None = Field(description="Once published.")


class PlatformIn(Schema):
    chapter: str = Field(description="The chapter's slug.")
    title: str
    priorities: list[int] = Field(description="The ids of the priorities to rank, in order.")
    method: MethodName = "schulze"
    weighting: WeightingName = "assemblies"


class PlatformSendIn(Schema):
    closes_at: datetime = Field(description="When the assemblies' polls close.")
    institutions: list[str] | None = Field(
        default=None, description="Slugs of the assemblies to ask; null: every one of the chapter."
    )


# --- helpers -----------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    # A time sent without an offset is read in the site's time zone, as the pages do.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _chapter(slug: str | None) -> Chapter:
    return sel.chapter_pick(slug or None)


def _priority_out(priority: Priority, chapter: Chapter) -> dict[str, Any]:
    return {
        "id": priority.pk,
        "chapter": chapter.slug,
        "title": priority.title,
        "category": priority.category,
        "category_label": str(priority.get_category_display()),
        "description": priority.description,
        "proposed_by": priority.proposed_by.slug,
        "proposed_by_name": priority.proposed_by.name,
        "created_at": priority.created_at,
    }


def _summary(platform: Platform, priority_count: int) -> dict[str, Any]:
    return {
        "id": platform.pk,
        "chapter": platform.chapter.slug,
        "title": platform.title,
        "state": sel.state_of(platform),
        "method": platform.method,
        "weighting": platform.weighting,
        "closes_at": platform.closes_at,
        "published_at": platform.published_at,
        "created_at": platform.created_at,
        "priority_count": priority_count,
    }


def _result(page: dict[str, Any]) -> dict[str, Any] | None:
    found: sel.Explanation | None = page["explanation"]
    if found is None:
        return None
    platform: Platform = page["platform"]
    result = platform.result or {}
    ids = [p.pk for p in page["priorities"]]
    head_to_head = []
    if found.method == "schulze":
        support = result.get("support") or []
        head_to_head = [
            {"priority": ids[a], "over": ids[b], "count": int(support[a][b])}
            for a in range(len(ids))
            for b in range(len(ids))
            if a != b
        ]
    return {
        "ranking": [[ids[i] for i in tier] for tier in result.get("ranking", [])],
        "places": [
            {
                "place": place.place,
                "tied": place.tied,
                "priorities": [p.pk for p in place.priorities],
                "points": float(place.points) if place.points else None,
            }
            for place in found.places
        ],
        "assemblies": found.assemblies,
        "asked": found.asked,
        "weight": found.weight,
        "people": found.people,
        "voters": found.voters,
        "head_to_head": head_to_head,
        "explanation": found.sentences,
        "steps": [step.text for step in found.steps],
    }


def _platform_out(platform: Platform) -> dict[str, Any]:
    page = sel.platform_page(platform)
    chapter = platform.chapter
    return {
        **_summary(platform, len(page["priorities"])),
        "priorities": [_priority_out(p, chapter) for p in page["priorities"]],
        "assemblies": [
            {
                "institution": row.institution.slug,
                "name": row.institution.name,
                "poll_id": row.poll_id,
                "status": row.status,
                "electorate": row.electorate,
                "ballots": row.ballots,
                "ranking": [[p.pk for p in tier] for tier in row.ranking] if row.ranked else None,
            }
            for row in page["ballots"]
        ],
        "counted": page["closed_count"],
        "result": _result(page),
    }


def _platform(platform_id: int) -> Platform:
    return services.platform_sync(sel.get_platform(platform_id))


# --- priorities --------------------------------------------------------------------


@router.get(
    "/priorities",
    response=list[PriorityOut],
    auth=optional_auth,
    summary="The chapter's legislative priorities",
    description="By category, then title. Without `chapter`: the first chapter.",
)
def priority_list(request: HttpRequest, chapter: str | None = None) -> list[dict[str, Any]]:
    found = _chapter(chapter)
    return [_priority_out(p, found) for p in sel.priority_list(found)]


@router.get(
    "/priorities/{priority_id}",
    response=PriorityOut,
    auth=optional_auth,
    summary="A priority",
)
def priority_detail(request: HttpRequest, priority_id: int) -> dict[str, Any]:
    priority = (
        Priority.objects.select_related("chapter", "proposed_by").filter(pk=priority_id).first()
    )
    if priority is None:
        raise NotFound(_("There is no such priority."))
    return _priority_out(priority, priority.chapter)


@router.post(
    "/priorities",
    response={201: PriorityOut},
    summary="Propose a priority for the platform",
    description="A facilitator or the secretary of the assembly (or an organizer) may. "
    "A title the chapter already has (in any case) is refused with 422.",
)
def priority_propose(request: HttpRequest, payload: PriorityIn) -> Status[dict[str, Any]]:
    institution = institution_get(slug=payload.institution)
    priority = services.priority_propose(
        actor=request.user,
        institution=institution,
        title=payload.title,
        category=payload.category,
        description=payload.description,
    )
    priority.proposed_by = institution
    return Status(201, _priority_out(priority, institution.chapter))


# --- platforms ---------------------------------------------------------------------


@router.get(
    "/platforms",
    response=list[PlatformSummaryOut],
    auth=optional_auth,
    summary="The chapter's platforms, newest first",
    description="Without `chapter`: the first chapter.",
)
def platform_list(request: HttpRequest, chapter: str | None = None) -> list[dict[str, Any]]:
    found = _chapter(chapter)
    rows = []
    now = timezone.now()
    for platform in sel.platform_list(found)[:200]:
        platform.chapter = found
        if platform.published_at is None and platform.closes_at and platform.closes_at <= now:
            platform = services.platform_sync(platform)
        rows.append(_summary(platform, platform.priority_count))  # type: ignore[attr-defined]
    return rows


@router.get(
    "/platforms/{platform_id}",
    response=PlatformOut,
    auth=optional_auth,
    summary="A platform: its priorities, the assemblies' rankings, and once published the "
    "result with the explanation of how it was ranked",
)
def platform_detail(request: HttpRequest, platform_id: int) -> dict[str, Any]:
    return _platform_out(_platform(platform_id))


@router.post(
    "/platforms",
    response={201: PlatformOut},
    summary="Set up a platform (a draft)",
    description=f"The chapter's organizers may. From 2 to {MAX_OPTIONS} of the chapter's "
    "priorities, in the order the assemblies' polls list them.",
)
def platform_create(request: HttpRequest, payload: PlatformIn) -> Status[dict[str, Any]]:
    chapter = chapter_get(slug=payload.chapter)
    permissions.require(request.user, "platform.manage", chapter)  # before looking further
    found = {p.pk: p for p in Priority.objects.filter(chapter=chapter, pk__in=payload.priorities)}
    if any(pk not in found for pk in payload.priorities):
        raise ValidationFailed.for_field("priorities", _("Choose the chapter's own priorities."))
    platform = services.platform_create(
        actor=request.user,
        chapter=chapter,
        title=payload.title,
        priorities=[found[pk] for pk in payload.priorities],
        method=payload.method,
        weighting=payload.weighting,
    )
    platform.chapter = chapter
    return Status(201, _platform_out(platform))


@router.post(
    "/platforms/{platform_id}/send",
    response=PlatformOut,
    summary="Send a platform to the assemblies to rank",
    description="The chapter's organizers may. Each assembly gets its own ranking poll, "
    "closing at `closes_at`; once all are counted the platform is published. "
    "A platform already sent is refused with 409 `sent`.",
)
def platform_send(request: HttpRequest, platform_id: int, payload: PlatformSendIn) -> Any:
    platform = sel.get_platform(platform_id)
    permissions.require(request.user, "platform.manage", platform.chapter)
    institutions = None
    if payload.institutions is not None:
        by_slug = {
            i.slug: i
            for i in Institution.objects.filter(
                chapter=platform.chapter, slug__in=payload.institutions
            )
        }
        if any(slug not in by_slug for slug in payload.institutions):
            raise ValidationFailed.for_field(
                "institutions", _("Choose assemblies of the platform's own chapter.")
            )
        institutions = [by_slug[slug] for slug in payload.institutions]
    sent = services.platform_send(
        actor=request.user,
        platform=platform,
        closes_at=_aware(payload.closes_at),
        institutions=institutions,
    )
    sent.chapter = platform.chapter
    return _platform_out(sent)
