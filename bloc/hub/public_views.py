"""The chapter's public page: what the network is and does, for newcomers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bloc import permissions
from bloc.hub import maps, selectors
from bloc.hub.public import public_summary
from bloc.institutions.models import InstitutionKind


@require_GET
def public_page(request: HttpRequest, chapter: str) -> HttpResponse:
    the_chapter = selectors.chapter_get(slug=chapter)
    organizer = bool(permissions.check(request.user, "hub.organize", the_chapter))
    summary = public_summary(chapter=the_chapter, now=timezone.now())
    labels = dict(InstitutionKind.choices)
    by_kind = [
        {"label": labels.get(kind, kind), "institutions": row.get("institutions", 0)}
        for kind, row in sorted((summary.totals.get("by_kind") or {}).items())
        if row.get("institutions")
    ]
    context = {
        "chapter": the_chapter,
        "organizer": organizer,
        "figures": summary.figures,
        "current": "public",
        "summary": summary,
        "totals": summary.totals,
        "by_kind": by_kind,
        "recent": summary.recent,
        "coming": summary.coming,
    }
    # The map by members (everyone may see it), from the last refresh's figures.
    context.update(
        maps.map_context(
            the_chapter,
            maps.map_figures(chapter=the_chapter),
            maps.DEFAULT_MEASURE,
            False,
            page=request.GET.get("page", 1),
            sort=request.GET.get("sort", "value"),
            direction=request.GET.get("dir", ""),
        )
    )
    return render(request, "hub/public.html", context)
