"""Reads shared by the hub's pages and API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bloc.hub.models import ChapterFigures, InstitutionFigures
from bloc.institutions.models import Chapter


def chapter_get(*, slug: str) -> Chapter:
    chapter = Chapter.objects.filter(slug=slug[:80]).first()
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter


def chapter_figures(*, chapter: Chapter, only: tuple[str, ...] = ()) -> ChapterFigures | None:
    """The chapter's figures at the last refresh (None before the first); ``only`` these
    fields when given (the growth and equity of a big chapter weigh megabytes)."""
    figures = ChapterFigures.objects.filter(chapter=chapter)
    return (figures.only("chapter", *only) if only else figures).first()


def institution_figures(*, chapter: Chapter) -> QuerySet[InstitutionFigures]:
    """Every institution's figures, with the institution (name, slug, kind) joined."""
    return InstitutionFigures.objects.filter(institution__chapter=chapter).select_related(
        "institution"
    )
