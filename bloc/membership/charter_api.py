"""The democratic charter over the API: an institution's assessment, and its adoption."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from bloc import permissions
from bloc.core.charter import Assessment
from bloc.institutions import selectors
from bloc.institutions.models import Institution
from bloc.membership import charter

router = Router(tags=["charter"])


class CharterReasonOut(Schema):
    code: str
    source: Literal["bylaws", "practice"]
    problem: bool
    params: dict[str, int]
    text: str


class CharterPointOut(Schema):
    code: str = Field(description="The charter point, e.g. open_membership, quorum, rotation.")
    name: str
    status: Literal["met", "partly", "missing"]
    reason: str = Field(description="Every reason's text, in the request's language.")
    reasons: list[CharterReasonOut]


class CharterNextStepOut(Schema):
    code: str
    point: str | None
    text: str


class CharterOut(Schema):
    institution: str
    adopted_at: datetime | None
    bylaws_version: int | None
    score: str = Field(description="Exact share of the charter met: met 1, partly 1/2, of 7.")
    percent: int = Field(description="floor(100 × score); 100 only when every point is met.")
    points: list[CharterPointOut]
    next_step: CharterNextStepOut


class CharterAdoptIn(Schema):
    language: Literal["en", "es"] | None = Field(
        default=None,
        description="Which version of the bylaws text comes first; your language by default.",
    )


def _out(institution: Institution, assessment: Assessment) -> CharterOut:
    current = selectors.bylaws_current(institution=institution)
    points = []
    for point in assessment.points:
        reasons = [
            CharterReasonOut(
                code=r.code,
                source=r.source.value,
                problem=r.problem,
                params=r.params,
                text=charter.reason_text(r),
            )
            for r in point.reasons
        ]
        points.append(
            CharterPointOut(
                code=point.point.value,
                name=str(charter.POINT_NAMES[point.point]),
                status=point.status.value,
                reason=" ".join(r.text for r in reasons),
                reasons=reasons,
            )
        )
    step = assessment.next_step
    return CharterOut(
        institution=institution.slug,
        adopted_at=institution.charter_adopted_at,
        bylaws_version=current.number if current else None,
        score=str(assessment.score),
        percent=assessment.percent,
        points=points,
        next_step=CharterNextStepOut(
            code=step.code,
            point=step.point.value if step.point else None,
            text=charter.step_text(step),
        ),
    )


@router.get("/{slug}/charter", response=CharterOut, summary="How far from the democratic charter")
def charter_get(request: HttpRequest, slug: str) -> CharterOut:
    institution = selectors.institution_get(slug=slug)
    permissions.require(request.user, "charter.view", institution)
    return _out(institution, charter.charter_assess(institution=institution))


@router.post("/{slug}/charter/adopt", response=CharterOut, summary="Adopt the democratic charter")
def charter_adopt(
    request: HttpRequest, slug: str, payload: CharterAdoptIn | None = None
) -> CharterOut:
    institution = selectors.institution_get(slug=slug)
    language = (payload.language if payload else None) or getattr(
        request.user, "preferred_language", "en"
    )
    charter.charter_adopt(actor=request.user, institution=institution, language=language)
    return _out(institution, charter.charter_assess(institution=institution))
