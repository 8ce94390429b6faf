"""The equity part of the hub's API, under /api/v1/hub/: a person's own
self-description, an institution's population baseline, the chapter's questions, and
participation against residents (from the stored snapshot, already suppressed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.core.errors import NotFound
from bloc.hub import equity_selectors as sel
from bloc.hub import equity_services as svc
from bloc.hub import selectors
from bloc.hub.equity import reportable
from bloc.hub.models import DescriptionCategory
from bloc.institutions.models import Chapter
from bloc.institutions.selectors import institution_get

router = Router(tags=["hub"])

PER_PAGE = 50


# --- schemas --------------------------------------------------------------------------


class HubQuestionOut(Schema):
    id: int
    chapter: str
    question: str
    options: list[str] = Field(description="Answers give the option's index.")


class HubSelfDescriptionOut(Schema):
    described: bool = Field(description="Whether bloc holds anything you said.")
    tenure: str
    age_band: str
    language: str
    answers: dict[str, int] = Field(description="Question id → the chosen option's index.")
    questions: list[HubQuestionOut] = Field(description="The questions you are asked.")


class HubSelfDescriptionIn(Schema):
    tenure: str = Field(default="", description="renter, owner, other, or empty.")
    age_band: str = Field(default="", description="18-24 … 65+, or empty.")
    language: str = Field(default="", description="A language code of the list, or empty.")
    answers: dict[str, int | None] = Field(
        default_factory=dict, description="Question id → an option's index (null: no answer)."
    )


class HubPopulationGroupOut(Schema):
    group: str
    label: str
    residents: int | None = Field(description="null: not known.")


class HubPopulationDimensionOut(Schema):
    dimension: str
    label: str
    entered: bool = Field(description="False: the members who described themselves count.")
    source: str
    groups: list[HubPopulationGroupOut]


class HubPopulationOut(Schema):
    institution: str
    dimensions: list[HubPopulationDimensionOut]


class HubPopulationIn(Schema):
    dimension: str = Field(description='"tenure", "age_band", "language" or "category:<id>".')
    figures: dict[str, int | None] = Field(
        description="Group → residents of the area in it (null: not known)."
    )
    source: str = Field(default="", max_length=svc.SOURCE_MAX)


class HubCategoryOut(Schema):
    id: int
    question: str
    options: list[str]
    retired_at: datetime | None


class HubCategoryIn(Schema):
    question: str = Field(max_length=svc.NAME_MAX)
    options: list[str] = Field(description="2 to 12 distinct options.")


class HubEquityGroupOut(Schema):
    group: str = Field(description='The group\'s value; "other" is the merged small groups.')
    label: str
    merged: bool
    participants: int
    residents: int
    participant_share: float | None
    resident_share: float | None
    ratio: float | None = Field(description="Share of participants / share of residents.")


class HubEquityComparisonOut(Schema):
    source: str = Field(description='"census" (figures entered) or "members".')
    source_text: str
    institutions: int | None = Field(description="Overall: institutions using this baseline.")
    computed: bool
    index: float | None = Field(description="null: too few people to report.")
    not_described: int | None = Field(
        description="Participants who did not describe themselves; null: 1 to 4 (never told)."
    )
    groups: list[HubEquityGroupOut]


class HubEquityRankOut(Schema):
    institution: str
    name: str
    index: float | None
    participants: int | None = Field(description="null: 1 to 4 (never told).")


class HubEquityOut(Schema):
    chapter: str
    computed_at: datetime | None
    window_days: int
    minimum: int = Field(description="No figure about fewer people is ever given.")
    dimension: str
    activity: str
    definition: str
    overall: list[HubEquityComparisonOut]
    institutions: list[HubEquityRankOut] = Field(description="Lowest index first.")
    page: int
    pages: int
    count: int


class HubEquityInstitutionOut(Schema):
    chapter: str
    institution: str
    name: str
    computed_at: datetime | None
    window_days: int
    minimum: int
    dimension: str
    activity: str
    definition: str
    comparison: HubEquityComparisonOut


# --- the person's own self-description ------------------------------------------------


def _description_out(user: Any) -> dict[str, Any]:
    held = sel.self_description_of(user)
    return {
        "described": held is not None,
        "tenure": held.tenure if held else "",
        "age_band": held.age_band if held else "",
        "language": held.language if held else "",
        "answers": dict(held.answers) if held else {},
        "questions": [
            {"id": q.pk, "chapter": q.chapter.slug, "question": q.name, "options": q.options}
            for q in sel.questions_for(user)
        ],
    }


@router.get(
    "/me/description",
    response=HubSelfDescriptionOut,
    summary="What you said about yourself (only you see it)",
)
def description_get(request: HttpRequest) -> object:
    permissions.require(request.user, "hub.describe_self")
    return _description_out(request.user)


@router.put(
    "/me/description",
    response=HubSelfDescriptionOut,
    summary="Describe yourself (every field optional; all empty deletes it)",
)
def description_put(request: HttpRequest, payload: HubSelfDescriptionIn) -> object:
    svc.self_description_save(actor=request.user, **payload.dict())
    return _description_out(request.user)


@router.delete(
    "/me/description", response={204: None}, summary="Forget everything you said about yourself"
)
def description_delete(request: HttpRequest) -> Status[None]:
    svc.self_description_forget(actor=request.user)
    return Status(204, None)


# --- population baseline --------------------------------------------------------------


def _population_out(institution: Any) -> dict[str, Any]:
    entered = sel.population_of(institution=institution)
    dims = sel.dimensions(categories=sel.categories_of(chapter=institution.chapter))
    out = []
    for d in dims:
        figures, text = entered.get(d.key, ({}, ""))
        out.append(
            {
                "dimension": d.key,
                "label": d.label,
                "entered": d.key in entered,
                "source": text,
                "groups": [
                    {"group": v, "label": label, "residents": figures.get(v)}
                    for v, label in d.groups
                ],
            }
        )
    return {"institution": institution.slug, "dimensions": out}


@router.get(
    "/population/{slug}",
    response=HubPopulationOut,
    summary="The population figures of an institution's area (facilitators, organizers)",
)
def population_get(request: HttpRequest, slug: str) -> object:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "hub.population", institution)
    return _population_out(institution)


@router.put(
    "/population/{slug}",
    response=HubPopulationOut,
    summary="Replace one dimension's population figures",
)
def population_put(request: HttpRequest, slug: str, payload: HubPopulationIn) -> object:
    institution = institution_get(slug=slug)
    svc.population_set(
        actor=request.user,
        institution=institution,
        dimension=payload.dimension,
        figures=payload.figures,
        source=payload.source,
    )
    return _population_out(institution)


@router.delete(
    "/population/{slug}",
    response=HubPopulationOut,
    summary="Remove one dimension's population figures (?dimension=)",
)
def population_delete(request: HttpRequest, slug: str, dimension: str) -> object:
    institution = institution_get(slug=slug)
    svc.population_clear(actor=request.user, institution=institution, dimension=dimension)
    return _population_out(institution)


# --- the chapter's questions ----------------------------------------------------------


def _organized(request: HttpRequest, slug: str) -> Chapter:
    chapter = selectors.chapter_get(slug=slug)
    permissions.require(request.user, "hub.organize", chapter)
    return chapter


def _category_out(category: DescriptionCategory) -> dict[str, Any]:
    return {
        "id": category.pk,
        "question": category.name,
        "options": category.options,
        "retired_at": category.retired_at,
    }


@router.get(
    "/{chapter}/categories",
    response=list[HubCategoryOut],
    summary="The chapter's self-description questions, retired ones too (organizers)",
)
def categories_list(request: HttpRequest, chapter: str) -> object:
    found = _organized(request, chapter)
    return [_category_out(c) for c in sel.categories_of(chapter=found, retired=True)]


@router.post(
    "/{chapter}/categories",
    response={201: HubCategoryOut},
    summary="Ask residents a new question (organizers)",
)
def category_add(request: HttpRequest, chapter: str, payload: HubCategoryIn) -> Status:
    found = selectors.chapter_get(slug=chapter)
    made = svc.category_add(
        actor=request.user, chapter=found, name=payload.question, options=payload.options
    )
    return Status(201, _category_out(made))


@router.post(
    "/{chapter}/categories/{category_id}/retire",
    response=HubCategoryOut,
    summary="Stop asking a question; it is no longer reported (organizers)",
)
def category_retire(request: HttpRequest, chapter: str, category_id: int) -> object:
    found = _organized(request, chapter)
    category = DescriptionCategory.objects.filter(chapter=found, pk=category_id).first()
    if category is None:
        raise NotFound(_("There is no such question."))
    return _category_out(svc.category_retire(actor=request.user, category=category))


# --- participation against residents --------------------------------------------------


def definition() -> str:
    return _(
        "The equity index is 1 minus half the sum, over all groups, of the absolute "
        "difference between the group's share of participants and its share of "
        "residents. 1 means participation mirrors the residents exactly."
    )


def _comparison_out(c: sel.Comparison) -> dict[str, Any]:
    return {
        "source": c.source,
        "source_text": c.source_text,
        "institutions": c.institutions,
        "computed": c.computed,
        "index": c.index,
        "not_described": c.not_described,
        "groups": [
            {
                "group": g.group,
                "label": g.label,
                "merged": g.merged,
                "participants": g.participants,
                "residents": g.residents,
                "participant_share": g.participant_share,
                "resident_share": g.resident_share,
                "ratio": g.ratio,
            }
            for g in c.groups
        ],
    }


def _filters(chapter: Chapter, dimension: str, activity: str) -> tuple[sel.Dimension, str]:
    dims = sel.dimensions(categories=sel.categories_of(chapter=chapter))
    if dimension and dimension not in {d.key for d in dims}:
        raise NotFound(_("There is no such dimension."))
    if activity and activity not in dict(sel.activity_choices()):
        raise NotFound(_("There is no such activity."))
    return sel.pick(dims, dimension, activity)


@router.get(
    "/{chapter}/equity",
    response=HubEquityOut,
    summary="Participation against residents, the chapter and its institutions (organizers)",
)
def equity(
    request: HttpRequest, chapter: str, dimension: str = "", activity: str = "", page: int = 1
) -> object:
    found = _organized(request, chapter)
    chosen, act = _filters(found, dimension, activity)
    figures = sel.chapter_figures(chapter=found)
    overall = sel.overall_comparisons(figures.equity if figures else None, chosen, act)
    ranking = Paginator(
        sel.institution_ranking(chapter=found, dimension=chosen.key, activity=act), PER_PAGE
    ).get_page(page)
    return {
        "chapter": found.slug,
        "computed_at": figures.computed_at if figures else None,
        "window_days": sel.window_days(),
        "minimum": sel.MINIMUM,
        "dimension": chosen.key,
        "activity": act,
        "definition": definition(),
        "overall": [_comparison_out(c) for c in overall],
        "institutions": [
            {
                "institution": row["institution__slug"],
                "name": row["institution__name"],
                "index": row["index"],
                "participants": reportable(row["participants"]),
            }
            for row in ranking
        ],
        "page": ranking.number,
        "pages": ranking.paginator.num_pages,
        "count": ranking.paginator.count,
    }


@router.get(
    "/{chapter}/equity/{slug}",
    response=HubEquityInstitutionOut,
    summary="Participation against residents in one institution (organizers)",
)
def equity_institution(
    request: HttpRequest, chapter: str, slug: str, dimension: str = "", activity: str = ""
) -> object:
    found = _organized(request, chapter)
    chosen, act = _filters(found, dimension, activity)
    institution, stored = sel.institution_figures_get(chapter=found, slug=slug)
    return {
        "chapter": found.slug,
        "institution": institution.slug,
        "name": institution.name,
        "computed_at": stored.computed_at if stored else None,
        "window_days": sel.window_days(),
        "minimum": sel.MINIMUM,
        "dimension": chosen.key,
        "activity": act,
        "definition": definition(),
        "comparison": _comparison_out(sel.institution_comparison(stored, chosen, act)),
    }
