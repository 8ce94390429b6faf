"""The chapter's map: every institution's area coloured by a measure, with a table."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bloc import permissions
from bloc.hub import maps, selectors
from bloc.institutions.models import InstitutionKind


def hub_map(request: HttpRequest, chapter: str) -> HttpResponse:
    """Anyone sees the map by members; organizers by every measure. A visitor who asks
    for an organizers' measure gets the map by members with a note saying why."""
    the_chapter = selectors.chapter_get(slug=chapter)
    organizer = bool(permissions.check(request.user, "hub.organize", the_chapter))
    kind = request.GET.get("kind", "")
    if kind not in InstitutionKind.values:
        kind = ""
    show_councils = request.GET.get("councils") == "1"
    figures = maps.chapter_figures_for_map(chapter=the_chapter, councils=show_councils)
    context = maps.map_context(
        the_chapter,
        maps.map_figures(chapter=the_chapter, kind=kind),
        request.GET.get("measure", maps.DEFAULT_MEASURE),
        organizer,
        kind=kind,
        page=request.GET.get("page", 1),
        sort=request.GET.get("sort", "value"),
        direction=request.GET.get("dir", ""),
        councils=figures.councils if figures and show_councils else [],
        show_councils=show_councils,
    )
    context.update(
        {"chapter": the_chapter, "organizer": organizer, "figures": figures, "current": "map"}
    )
    return render(request, "hub/map.html", context)
