"""Surveys and door-to-door needs in the JSON API (mounted under /api/v1/listening)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.institutions.models import Institution
from bloc.institutions.selectors import institution_get
from bloc.listening import needs as needs_svc
from bloc.listening import selectors as sel
from bloc.listening import surveys as svc
from bloc.listening.models import NeedsConversation, Survey

router = Router(tags=["listening"])

KindName = Literal["single", "multiple", "scale", "text"]
AudienceName = Literal["members", "public"]
NeedCategoryName = Literal[
    "housing", "safety", "infrastructure", "environment", "health", "cost_of_living", "other"
]
AnswerValue = int | list[int] | str | None


class SurveyOptionIn(Schema):
    en: str = Field(max_length=svc.OPTION_MAX)
    es: str = Field(default="", max_length=svc.OPTION_MAX)


class SurveyIn(Schema):
    title: str = Field(max_length=svc.TITLE_MAX)
    description: str = Field(default="", max_length=svc.DESCRIPTION_MAX)
    audience: AudienceName = "members"
    opens_at: datetime | None = None
    closes_at: datetime | None = None


class SurveyQuestionIn(Schema):
    kind: KindName
    text_en: str = Field(max_length=svc.QUESTION_MAX)
    text_es: str = Field(default="", max_length=svc.QUESTION_MAX)
    required: bool = False
    options: list[SurveyOptionIn] = Field(default_factory=list, max_length=svc.OPTIONS_MOST)


class SurveyQuestionOut(Schema):
    id: int
    position: int
    kind: str
    required: bool
    text: str = Field(description="In the reader's language (English when not translated).")
    options: list[str] = Field(description="In the reader's language; answers use the index.")


class SurveyOut(Schema):
    id: int
    institution: str
    title: str
    description: str
    audience: str
    opens_at: datetime | None
    closes_at: datetime | None
    is_open: bool
    questions: list[SurveyQuestionOut]


class SurveyCreatedOut(SurveyOut):
    link_secret: str = Field(
        description="A public survey's link secret, shown only now; empty for members only."
    )


class SurveyResponseIn(Schema):
    answers: dict[int, AnswerValue] = Field(
        description="Question id → an option's index (single), a list of indexes "
        "(multiple), 1–5 (scale) or a text."
    )


class SurveyPublicResponseIn(SurveyResponseIn):
    respondent_token: str = Field(
        min_length=16,
        max_length=200,
        description="A random token the respondent keeps: one response per token.",
    )


class SurveyResponseOut(Schema):
    id: int
    submitted_at: datetime


class SurveyResultRowOut(Schema):
    label: str
    count: int


class SurveyQuestionResultOut(Schema):
    id: int
    kind: str
    text: str
    answered: int
    rows: list[SurveyResultRowOut] = Field(description="Per option, or per point on the scale.")
    mean: float | None
    texts: list[str]


class SurveyResultsOut(Schema):
    id: int
    responses: int
    questions: list[SurveyQuestionResultOut]


class NeedIn(Schema):
    categories: list[NeedCategoryName] = Field(min_length=1)
    need: str = Field(max_length=needs_svc.NEED_MAX)
    address_id: int | None = None
    place: str = Field(default="", max_length=needs_svc.PLACE_MAX)
    follow_up: bool = False
    consent: bool = False
    contact_name: str = Field(default="", max_length=needs_svc.NAME_MAX)
    contact_phone: str = Field(default="", max_length=needs_svc.PHONE_MAX)


class NeedOut(Schema):
    id: int
    where: str
    address_id: int | None
    categories: list[str]
    need: str
    follow_up: bool
    consent: bool
    contact_name: str | None = Field(description="Only for the institution's officers.")
    contact_phone: str | None = Field(description="Only for the institution's officers.")
    concern_id: int | None
    proposal_id: int | None
    created_at: datetime


class NeedCategoryCountOut(Schema):
    category: str
    label: str
    count: int


class NeedRollupRowOut(Schema):
    where: str
    total: int
    follow_up: int
    counts: dict[str, int]


class NeedRollupOut(Schema):
    conversations: int
    categories: list[NeedCategoryCountOut]
    rows: list[NeedRollupRowOut]


def _survey_out(survey: Survey) -> dict[str, object]:
    return {
        "id": survey.pk,
        "institution": survey.institution.slug,
        "title": survey.title,
        "description": survey.description,
        "audience": survey.audience,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "is_open": svc.is_open(survey),
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "kind": q.kind,
                "required": q.required,
                "text": sel.question_text(q),
                "options": sel.option_labels(q),
            }
            for q in survey.questions.all()
        ],
    }


def _survey(slug: str, survey_id: int) -> Survey:
    institution = institution_get(slug=slug)
    return sel.survey_get(institution=institution, survey_id=survey_id)


def _managed(request: HttpRequest, slug: str, survey_id: int) -> Survey:
    survey = _survey(slug, survey_id)
    permissions.require(request.user, "survey.manage", survey.institution)
    return survey


@router.post("/{slug}/surveys", response={201: SurveyCreatedOut}, summary="Create a survey")
def survey_create(request: HttpRequest, slug: str, payload: SurveyIn) -> Status:
    institution = institution_get(slug=slug)
    survey, secret = svc.survey_create(
        actor=request.user, institution=institution, **payload.dict()
    )
    survey = sel.survey_get(survey_id=survey.pk)
    return Status(201, {**_survey_out(survey), "link_secret": secret})


@router.post(
    "/{slug}/surveys/{survey_id}/questions",
    response={201: SurveyQuestionOut},
    summary="Add a question at the end of a survey",
)
def survey_question_add(
    request: HttpRequest, slug: str, survey_id: int, payload: SurveyQuestionIn
) -> Status:
    survey = _survey(slug, survey_id)
    data = payload.dict()
    question = svc.survey_question_add(actor=request.user, survey=survey, **data)
    return Status(
        201,
        {
            "id": question.pk,
            "position": question.position,
            "kind": question.kind,
            "required": question.required,
            "text": sel.question_text(question),
            "options": sel.option_labels(question),
        },
    )


@router.get(
    "/{slug}/surveys/{survey_id}",
    response=SurveyOut,
    summary="A members' survey and its questions, in the reader's language",
)
def survey_detail(request: HttpRequest, slug: str, survey_id: int) -> object:
    survey = _survey(slug, survey_id)
    if not permissions.check(request.user, "survey.manage", survey.institution):
        permissions.require(request.user, "survey.answer", survey)
    return _survey_out(survey)


@router.post(
    "/{slug}/surveys/{survey_id}/responses",
    response={201: SurveyResponseOut},
    summary="Answer a members' survey (once)",
)
def survey_respond(
    request: HttpRequest, slug: str, survey_id: int, payload: SurveyResponseIn
) -> Status:
    survey = _survey(slug, survey_id)
    response = svc.survey_respond(actor=request.user, survey=survey, answers=payload.answers)
    return Status(201, {"id": response.pk, "submitted_at": response.submitted_at})


@router.get(
    "/public-surveys/{secret}",
    response=SurveyOut,
    auth=optional_auth,
    summary="A public survey, by its link's secret",
)
def public_survey_detail(request: HttpRequest, secret: str) -> object:
    return _survey_out(sel.survey_get(survey_id=svc.survey_by_link(secret).pk))


@router.post(
    "/public-surveys/{secret}/responses",
    response={201: SurveyResponseOut},
    auth=optional_auth,
    summary="Answer a public survey (once per respondent token)",
)
def public_survey_respond(
    request: HttpRequest, secret: str, payload: SurveyPublicResponseIn
) -> Status:
    survey = svc.survey_by_link(secret)
    response = svc.survey_respond(
        actor=AnonymousUser(),
        survey=survey,
        answers=payload.answers,
        respondent_token=payload.respondent_token,
    )
    return Status(201, {"id": response.pk, "submitted_at": response.submitted_at})


@router.get(
    "/{slug}/surveys/{survey_id}/results",
    response=SurveyResultsOut,
    summary="A survey's results (officers)",
)
def survey_results(request: HttpRequest, slug: str, survey_id: int) -> object:
    survey = _managed(request, slug, survey_id)
    results = sel.survey_results(survey)
    return {
        "id": survey.pk,
        "responses": results.responses,
        "questions": [
            {
                "id": r.question.pk,
                "kind": r.question.kind,
                "text": r.text,
                "answered": r.answered,
                "rows": [{"label": label, "count": count} for label, count in r.rows],
                "mean": r.mean,
                "texts": r.texts,
            }
            for r in results.questions
        ],
    }


# --- needs ----------------------------------------------------------------------------


def _need_out(need: NeedsConversation, contacts: bool) -> dict[str, object]:
    return {
        "id": need.pk,
        "where": sel.need_where(need),
        "address_id": need.address_id,
        "categories": need.categories,
        "need": need.need,
        "follow_up": need.follow_up,
        "consent": need.consent,
        "contact_name": need.contact_name if contacts else None,
        "contact_phone": need.contact_phone if contacts else None,
        "concern_id": need.concern_id,
        "proposal_id": need.proposal_id,
        "created_at": need.created_at,
    }


def _needs_viewable(request: HttpRequest, slug: str) -> Institution:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "needs.view", institution)
    return institution


@router.post("/{slug}/needs", response={201: NeedOut}, summary="Record a door-to-door conversation")
def need_record(request: HttpRequest, slug: str, payload: NeedIn) -> Status:
    institution = institution_get(slug=slug)
    data = payload.dict()
    need = needs_svc.need_record(
        actor=request.user, institution=institution, address=data.pop("address_id"), **data
    )
    contacts = bool(permissions.check(request.user, "needs.contacts", institution))
    return Status(201, _need_out(sel.need_get(institution=institution, need_id=need.pk), contacts))


@router.get(
    "/{slug}/needs",
    response=list[NeedOut],
    summary="Door-to-door needs, newest first (contacts only for officers)",
)
def need_list(request: HttpRequest, slug: str) -> object:
    institution = _needs_viewable(request, slug)
    contacts = bool(permissions.check(request.user, "needs.contacts", institution))
    return [_need_out(need, contacts) for need in sel.needs_of(institution)[:500]]


@router.get(
    "/{slug}/needs/rollup",
    response=NeedRollupOut,
    summary="Needs counted by address and category",
)
def need_rollup(request: HttpRequest, slug: str) -> object:
    institution = _needs_viewable(request, slug)
    rollup = sel.needs_rollup(institution)
    return {
        "conversations": rollup["conversations"],
        "categories": [
            {"category": code, "label": label, "count": count}
            for code, label, count in rollup["categories"]
        ],
        "rows": [
            {"where": r.where, "total": r.total, "follow_up": r.follow_up, "counts": r.counts}
            for r in rollup["rows"]
        ],
    }
