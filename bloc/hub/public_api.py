"""The public part of the hub's API, under /api/v1/hub/: the chapter's summary."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from bloc.api.auth import optional_auth
from bloc.hub import selectors
from bloc.hub.public import public_summary
from bloc.hub.recent import RecentDecision

router = Router(tags=["hub"])


class HubKindTotalsOut(Schema):
    institutions: int = 0
    memberships: int = 0
    verified: int = 0


class HubTotalsOut(Schema):
    institutions: int = 0
    councils: int = 0
    people: int = Field(0, description="Distinct people with a current membership.")
    verified_people: int = Field(0, description="Of them, verified as residents.")
    memberships: int = Field(0, description="Current memberships (a person in two counts twice).")
    verified: int = Field(0, description="Current verified memberships.")
    by_kind: dict[str, HubKindTotalsOut] = Field(default_factory=dict)


class HubDecisionOut(Schema):
    title: str
    at: datetime
    where: str = Field(description="The institution's, council's or office's name.")
    outcome: str = Field(description="e.g. Adopted; for a budget, the funded projects.")
    url: str = Field(description="The page, a path on this site.")


class HubRecentOut(Schema):
    proposals: list[HubDecisionOut]
    councils: list[HubDecisionOut]
    budgets: list[HubDecisionOut]
    endorsements: list[HubDecisionOut]


class HubComingOut(Schema):
    kind: str
    title: str
    starts_at: datetime
    all_day: bool
    where: str
    url: str


class HubSummaryOut(Schema):
    chapter: str = Field(description="The chapter's short name (slug).")
    name: str
    city: str
    counted_at: datetime = Field(description="When the totals were counted.")
    totals: HubTotalsOut
    recent: HubRecentOut = Field(description="The last 10 public decisions of each kind.")
    coming: list[HubComingOut] = Field(description="The next public calendar items.")


def _decisions(rows: list[RecentDecision]) -> list[dict[str, object]]:
    return [
        {"title": d.title, "at": d.at, "where": d.where, "outcome": d.outcome, "url": d.url}
        for d in rows
    ]


@router.get(
    "/{chapter}",
    response=HubSummaryOut,
    auth=optional_auth,
    url_name="hub_summary",
    summary="A chapter's public summary: totals, recent decisions, coming dates",
)
def hub_summary(request: HttpRequest, chapter: str) -> object:
    the_chapter = selectors.chapter_get(slug=chapter)
    summary = public_summary(chapter=the_chapter, now=timezone.now())
    recent = summary.recent
    return {
        "chapter": the_chapter.slug,
        "name": the_chapter.name,
        "city": the_chapter.city,
        "counted_at": summary.counted_at,
        "totals": summary.totals,
        "recent": {
            "proposals": _decisions(recent.proposals),
            "councils": _decisions(recent.councils),
            "budgets": _decisions(recent.budgets),
            "endorsements": _decisions(recent.endorsements),
        },
        "coming": [
            {
                "kind": i.kind,
                "title": i.title,
                "starts_at": i.starts_at,
                "all_day": i.all_day,
                "where": i.where,
                "url": i.url,
            }
            for i in summary.coming
        ],  # fmt: skip
    }
