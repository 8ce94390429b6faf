"""Reads about surveys and needs, each in a bounded number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from bloc.core.errors import NotFound
from bloc.institutions.models import Institution
from bloc.listening.models import (
    NeedCategory,
    NeedsConversation,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
)
from bloc.listening.surveys import SCALE_HIGH, SCALE_LOW


def in_language(en: str, es: str, language: str | None = None) -> str:
    """The Spanish text for a Spanish reader when there is one, else the English."""
    language = (language or get_language() or "en")[:2]
    return es if language == "es" and es else en


def question_text(question: SurveyQuestion, language: str | None = None) -> str:
    return in_language(question.text_en, question.text_es, language)


def option_labels(question: SurveyQuestion, language: str | None = None) -> list[str]:
    return [in_language(o.get("en", ""), o.get("es", ""), language) for o in question.options]


def surveys_of(institution: Institution) -> QuerySet[Survey]:
    return Survey.objects.filter(institution=institution).order_by("-created_at", "-pk")


def survey_get(*, survey_id: int, institution: Institution | None = None) -> Survey:
    surveys = Survey.objects.select_related("institution").prefetch_related("questions")
    if institution is not None:
        surveys = surveys.filter(institution=institution)
    survey = surveys.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound
    return survey


@dataclass
class QuestionResult:
    question: SurveyQuestion
    text: str
    answered: int = 0
    # (label, count) per option or per point on the scale
    rows: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def survey_results(survey: Survey, language: str | None = None) -> SurveyResults:
    """Counts per option (a multiple-choice answer counts once for each option it
    ticks), the scale's distribution and mean, and the free texts. Three queries."""
    questions = list(survey.questions.all())
    responses = survey.responses.count()
    answers = list(
        SurveyAnswer.objects.filter(response__survey=survey)
        .order_by("pk")
        .values_list("question_id", "choices", "scale", "text")
    )
    by_question: dict[int, list[tuple[Any, Any, Any]]] = {}
    for question_id, choices, scale, text in answers:
        by_question.setdefault(question_id, []).append((choices, scale, text))
    results = []
    for question in questions:
        given = by_question.get(question.pk, [])
        result = QuestionResult(question=question, text=question_text(question, language))
        result.answered = len(given)
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts: Counter[int] = Counter(i for choices, _s, _t in given for i in choices)
            labels = option_labels(question, language)
            result.rows = [(label, counts[i]) for i, label in enumerate(labels)]
        elif question.kind == QuestionKind.SCALE:
            points = Counter(scale for _c, scale, _t in given if scale is not None)
            result.rows = [(str(p), points[p]) for p in range(SCALE_LOW, SCALE_HIGH + 1)]
            total = sum(points.values())
            if total:
                result.mean = round(sum(p * n for p, n in points.items()) / total, 2)
        else:
            result.texts = [text for _c, _s, text in given if text]
        results.append(result)
    return SurveyResults(survey=survey, responses=responses, questions=results)


# --- needs ------------------------------------------------------------------------


def needs_of(institution: Institution) -> QuerySet[NeedsConversation]:
    return (
        NeedsConversation.objects.filter(institution=institution)
        .select_related("address", "canvasser")
        .order_by("-created_at", "-pk")
    )


def need_get(*, institution: Institution, need_id: int) -> NeedsConversation:
    need = needs_of(institution).filter(pk=need_id).first()
    if need is None:
        raise NotFound
    return need


def need_where(need: NeedsConversation) -> str:
    return need.address.address if need.address else need.place


@dataclass
class RollupRow:
    where: str
    counts: dict[str, int]
    total: int
    follow_up: int


def needs_rollup(institution: Institution) -> dict[str, Any]:
    """Needs counted by address (the block) and category, and per category for the
    whole institution; one query. A conversation in several categories counts in
    each."""
    rows = NeedsConversation.objects.filter(institution=institution).values_list(
        "address__address", "place", "categories", "follow_up"
    )
    by_where: dict[str, Counter[str]] = {}
    totals: dict[str, int] = {}
    follow_ups: dict[str, int] = {}
    overall: Counter[str] = Counter()
    conversations = 0
    for address, place, categories, follow_up in rows:
        where = address or place
        conversations += 1
        counter = by_where.setdefault(where, Counter())
        counter.update(categories)
        overall.update(categories)
        totals[where] = totals.get(where, 0) + 1
        follow_ups[where] = follow_ups.get(where, 0) + (1 if follow_up else 0)
    categories = list(NeedCategory.values)
    return {
        "conversations": conversations,
        "categories": [(c, str(NeedCategory(c).label), overall[c]) for c in categories],
        "rows": [
            RollupRow(
                where=where,
                counts={c: by_where[where][c] for c in categories},
                total=totals[where],
                follow_up=follow_ups[where],
            )
            for where in sorted(by_where, key=lambda w: (-totals[w], w))
        ],
    }
