"""Scorecards in the JSON API (mounted under /api/v1/electoral).

Scorecards are public: the officeholders with their scores, and each one's scorecard
(the score, how it is computed, every pledge with its verdicts, every action with its
source, and the history) can be read without logging in. The chapter's organizers
enter actions and verdicts and record the outcome of the election; the services check
who may, and a refusal writes nothing.

A score is a number from 0 to 1 (``score``) and a whole percentage (``percent``):
kept 1, partly kept ½, broken 0, averaged over every verdict; null before any.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc.api.auth import optional_auth
from bloc.core.errors import NotFound, ValidationFailed
from bloc.electoral import scorecard_selectors as sel
from bloc.electoral import scorecards as services
from bloc.electoral.models import Action, ActionMatch, Candidate, Pledge

router = Router(tags=["electoral"])

VerdictName = Literal["kept", "partial", "broken"]
KindName = Literal["vote", "bill", "statement"]
POINTS = {"kept": 1.0, "partial": 0.5, "broken": 0.0}
SCORE = "From 0 to 1: kept 1, partly kept ½, broken 0, averaged over every verdict; null: none."


# --- schemas -------------------------------------------------------------------------


class ScorecardSummaryOut(Schema):
    id: int = Field(description="The candidate's id.")
    name: str
    office: str
    district: str
    level: str = Field(description="local, state or national.")
    chapter: str = Field(description="The chapter's slug.")
    cycle_id: int
    elected: bool | None = Field(description="null: the outcome is not recorded yet.")
    took_office_on: date | None
    left_office_on: date | None
    term: str = Field(description="Where they stand, in words.")
    score: float | None = Field(description=SCORE)
    percent: int | None = Field(description="The score as a whole percentage.")
    verdicts: int = Field(description="How many verdicts the score averages.")
    pledge_count: int


class ScorecardVerdictOut(Schema):
    pledge_id: int
    priority: str = Field(description="The platform priority of the pledge.")
    verdict: VerdictName
    points: float = Field(description="1, 0.5 or 0.")
    note: str


class ScorecardActionOut(Schema):
    id: int
    kind: KindName
    title: str
    description: str
    on: date
    source_url: str
    verdicts: list[ScorecardVerdictOut] = Field(description="Empty: it does not count.")


class ScorecardPledgeVerdictOut(Schema):
    action_id: int
    on: date
    title: str
    source_url: str
    verdict: VerdictName
    note: str


class ScorecardPledgeOut(Schema):
    id: int
    priority_id: int
    priority: str
    text: str
    signed_name: str
    signed_at: datetime
    kept: int
    partial: int
    broken: int
    latest: VerdictName | None = Field(description="The verdict of its latest judged action.")
    verdicts: list[ScorecardPledgeVerdictOut] = Field(description="Newest action first.")


class ScorecardHistoryOut(Schema):
    on: date
    score: float
    percent: int
    change: int | None = Field(description="Percentage points since the day before.")


class ScorecardOut(ScorecardSummaryOut):
    explanation: str = Field(description="How the score is computed, in plain words.")
    kept: int
    partial: int
    broken: int
    points: float = Field(description="The sum of the verdicts' points.")
    pledges: list[ScorecardPledgeOut]
    actions: list[ScorecardActionOut] = Field(description="Newest first.")
    history: list[ScorecardHistoryOut] = Field(
        description="The score after each day, oldest first."
    )


class ScorecardVerdictIn(Schema):
    pledge: int = Field(description="The id of one of the officeholder's pledges.")
    verdict: VerdictName
    note: str = Field(default="", max_length=500)


class ScorecardActionIn(Schema):
    kind: KindName
    title: str = Field(max_length=300)
    on: date = Field(description="The day it happened: in office, not in the future.")
    source_url: str = Field(max_length=500, description="A public http(s) source.")
    description: str = Field(default="", max_length=5000)


class ScorecardActionAddIn(ScorecardActionIn):
    verdicts: list[ScorecardVerdictIn] = Field(default_factory=list)


class ScorecardVerdictSetIn(Schema):
    verdict: VerdictName
    note: str = Field(default="", max_length=500)


class ScorecardRemoveIn(Schema):
    reason: str = Field(max_length=500, description="Kept in the audit log.")


class ScorecardOutcomeIn(Schema):
    elected: bool | None = Field(description="null: not known yet.")
    took_office_on: date | None = None
    left_office_on: date | None = None


# --- building the answers --------------------------------------------------------------


def _summary(candidate: Candidate, row: sel.OfficeholderRow | sel.Scorecard) -> dict[str, Any]:
    pledges = row.pledges if isinstance(row, sel.OfficeholderRow) else len(row.pledges)
    return {
        "id": candidate.pk,
        "name": candidate.name,
        "office": candidate.office,
        "district": candidate.district,
        "level": candidate.level,
        "chapter": candidate.cycle.chapter.slug,
        "cycle_id": candidate.cycle_id,
        "elected": candidate.elected,
        "took_office_on": candidate.took_office_on,
        "left_office_on": candidate.left_office_on,
        "term": row.term,
        "score": sel.as_json_number(row.score),
        "percent": row.percent,
        "verdicts": row.judged,
        "pledge_count": pledges,
    }


def _verdict(match: ActionMatch, pledge: Pledge) -> dict[str, Any]:
    return {
        "pledge_id": pledge.pk,
        "priority": pledge.priority.title,
        "verdict": match.verdict,
        "points": POINTS[match.verdict],
        "note": match.note,
    }


def _action(action: Action, verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": action.pk,
        "kind": action.kind,
        "title": action.title,
        "description": action.description,
        "on": action.on,
        "source_url": action.source_url,
        "verdicts": verdicts,
    }


def _scorecard(candidate: Candidate) -> dict[str, Any]:
    card = sel.scorecard(candidate)
    return {
        **_summary(candidate, card),
        "explanation": sel.explanation(card),
        "kept": card.kept,
        "partial": card.partial,
        "broken": card.broken,
        "points": float(card.points),
        "pledges": [
            {
                "id": row.pledge.pk,
                "priority_id": row.pledge.priority_id,
                "priority": row.pledge.priority.title,
                "text": row.pledge.text,
                "signed_name": row.pledge.signed_name,
                "signed_at": row.pledge.signed_at,
                "kept": row.kept,
                "partial": row.partial,
                "broken": row.broken,
                "latest": row.latest,
                "verdicts": [
                    {
                        "action_id": m.action.pk,
                        "on": m.action.on,
                        "title": m.action.title,
                        "source_url": m.action.source_url,
                        "verdict": m.verdict,
                        "note": m.match.note,
                    }
                    for m in row.matches
                ],
            }
            for row in card.pledges
        ],
        "actions": [
            _action(row.action, [_verdict(m.match, m.pledge) for m in row.matches])
            for row in card.actions
        ],
        "history": [
            {
                "on": p.on,
                "score": float(p.score),
                "percent": p.percent,
                "change": p.change,
            }
            for p in card.history
        ],
    }


def _action_out(action: Action) -> dict[str, Any]:
    matches = (
        ActionMatch.objects.filter(action=action)
        .select_related("pledge__priority")
        .order_by("pledge__signed_at", "pledge_id")
    )
    return _action(action, [_verdict(m, m.pledge) for m in matches])


def _candidate(candidate_id: int) -> Candidate:
    return sel.candidate_get(candidate_id)


def _any_pledge(pledge_id: int) -> Pledge:
    """A pledge by id, whoever's (the service refuses another officeholder's, 422)."""
    pledge = Pledge.objects.select_related("priority").filter(pk=pledge_id).first()
    if pledge is None:
        raise NotFound(_("There is no such pledge."))
    return pledge


def _pledges(candidate: Candidate, verdicts: list[ScorecardVerdictIn]) -> dict[Pledge, Any]:
    """The verdicts given, by pledge (any pledge: the service refuses another's)."""
    ids = [v.pledge for v in verdicts]
    if len(set(ids)) != len(ids):
        raise ValidationFailed.for_field("verdicts", _("Give at most one verdict for each pledge."))
    found = {p.pk: p for p in Pledge.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.for_field(
            "verdicts",
            _("There is no pledge %(id)s.") % {"id": missing[0]},
        )
    return {found[v.pledge]: (v.verdict, v.note) for v in verdicts}


# --- routes ----------------------------------------------------------------------------


@router.get(
    "/scorecards",
    response=list[ScorecardSummaryOut],
    auth=optional_auth,
    summary="The officeholders and their scores",
    description="Everyone recorded as elected, by name; `chapter` (a slug) narrows it.",
)
def scorecard_list(request: HttpRequest, chapter: str | None = None) -> list[dict[str, Any]]:
    found = sel.chapter_get(chapter) if chapter else None
    return [_summary(row.candidate, row) for row in sel.officeholder_list(found)]


@router.get(
    "/scorecards/{candidate_id}",
    response=ScorecardOut,
    auth=optional_auth,
    summary="An officeholder's scorecard",
    description=(
        "The score and how it is computed, each pledge with its verdicts, each action with "
        "its source, and the score after each day. Any candidate has one: empty until they "
        "are recorded as elected and actions are entered."
    ),
)
def scorecard_detail(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    return _scorecard(_candidate(candidate_id))


@router.post(
    "/scorecards/{candidate_id}/actions",
    response={201: ScorecardActionOut},
    summary="Enter what an officeholder did, judged against their pledges",
    description=(
        "The chapter's organizers may. 409 `not_officeholder` unless recorded as elected; "
        "422 for a date in the future or out of office, a source that is not an http(s) "
        "address, or a pledge that is not theirs."
    ),
)
def action_add(
    request: HttpRequest, candidate_id: int, payload: ScorecardActionAddIn
) -> Status[dict[str, Any]]:
    candidate = _candidate(candidate_id)
    action = services.action_add(
        actor=request.user,
        candidate=candidate,
        kind=payload.kind,
        title=payload.title,
        on=payload.on,
        source_url=payload.source_url,
        description=payload.description,
        matches=_pledges(candidate, payload.verdicts),
    )
    return Status(201, _action_out(action))


@router.put(
    "/scorecards/{candidate_id}/actions/{action_id}",
    response=ScorecardActionOut,
    summary="Correct an action's facts",
    description="Its verdicts are set one by one (`…/verdicts/{pledge_id}`).",
)
def action_update(
    request: HttpRequest, candidate_id: int, action_id: int, payload: ScorecardActionIn
) -> dict[str, Any]:
    action = sel.action_get(_candidate(candidate_id), action_id)
    services.action_update(
        actor=request.user,
        action=action,
        kind=payload.kind,
        title=payload.title,
        on=payload.on,
        source_url=payload.source_url,
        description=payload.description,
    )
    return _action_out(action)


@router.post(
    "/scorecards/{candidate_id}/actions/{action_id}/remove",
    response=ScorecardOut,
    summary="Take an action off the scorecard, saying why",
    description="What it was and the reason stay in the audit log. Returns the scorecard.",
)
def action_remove(
    request: HttpRequest, candidate_id: int, action_id: int, payload: ScorecardRemoveIn
) -> dict[str, Any]:
    candidate = _candidate(candidate_id)
    action = sel.action_get(candidate, action_id)
    services.action_remove(actor=request.user, action=action, reason=payload.reason)
    return _scorecard(candidate)


@router.put(
    "/scorecards/{candidate_id}/actions/{action_id}/verdicts/{pledge_id}",
    response=ScorecardActionOut,
    summary="Judge an action against a pledge, or change the verdict",
)
def verdict_set(
    request: HttpRequest,
    candidate_id: int,
    action_id: int,
    pledge_id: int,
    payload: ScorecardVerdictSetIn,
) -> dict[str, Any]:
    candidate = _candidate(candidate_id)
    action = sel.action_get(candidate, action_id)
    services.action_match_set(
        actor=request.user,
        action=action,
        pledge=_any_pledge(pledge_id),
        verdict=payload.verdict,
        note=payload.note,
    )
    return _action_out(action)


@router.delete(
    "/scorecards/{candidate_id}/actions/{action_id}/verdicts/{pledge_id}",
    response=ScorecardActionOut,
    summary="Remove a verdict: the action does not bear on that pledge",
    description="409 `not_matched` when there is no such verdict.",
)
def verdict_remove(
    request: HttpRequest, candidate_id: int, action_id: int, pledge_id: int
) -> dict[str, Any]:
    candidate = _candidate(candidate_id)
    action = sel.action_get(candidate, action_id)
    services.action_match_remove(
        actor=request.user, action=action, pledge=sel.pledge_get(candidate, pledge_id)
    )
    return _action_out(action)


@router.put(
    "/scorecards/{candidate_id}/outcome",
    response=ScorecardOut,
    summary="Record the outcome of the election and the term in office",
    description=(
        "The chapter's organizers may, once the election day has come. 409 `has_actions` "
        "or `actions_outside_term` when actions already entered would fall outside it."
    ),
)
def outcome_record(
    request: HttpRequest, candidate_id: int, payload: ScorecardOutcomeIn
) -> dict[str, Any]:
    candidate = _candidate(candidate_id)
    services.outcome_record(
        actor=request.user,
        candidate=candidate,
        elected=payload.elected,
        took_office_on=payload.took_office_on,
        left_office_on=payload.left_office_on,
    )
    return _scorecard(candidate)
