"""Who needs help: the chapter's institutions, worst health first, with the reasons."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bloc.hub import health, maps, reasons, selectors
from bloc.institutions.models import InstitutionKind
from bloc.institutions.views import page_refusal

PER_PAGE = 50


def needs_help(request: HttpRequest, chapter: str) -> HttpResponse:
    """For the chapter's organizers; a visitor is sent to log in, anyone else refused (403)."""
    the_chapter = selectors.chapter_get(slug=chapter)
    refusal = page_refusal(request, "hub.organize", the_chapter)
    if refusal is not None:
        return refusal
    kind = request.GET.get("kind", "")
    if kind not in InstitutionKind.values:
        kind = ""
    page = Paginator(health.health_ranking(chapter=the_chapter, kind=kind), PER_PAGE).get_page(
        request.GET.get("page", 1)
    )
    kinds = dict(InstitutionKind.choices)
    rows = [
        {
            "figures": f,
            "institution": f.institution,
            "kind_label": kinds.get(f.institution.kind, f.institution.kind),
            "reasons": reasons.reasons_in_words(f.reasons, slug=f.institution.slug),
        }
        for f in page.object_list
    ]
    query = f"kind={kind}&" if kind else ""
    return render(
        request,
        "hub/help.html",
        {
            "chapter": the_chapter,
            "organizer": True,
            "current": "help",
            "figures": maps.chapter_figures_for_map(chapter=the_chapter, councils=False),
            "rows": rows,
            "page": page,
            "kind": kind,
            "kinds": InstitutionKind.choices,
            "query": query,
            "definition": reasons.score_definition(),
        },
    )
