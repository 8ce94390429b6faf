"""The growth page (organizers): members, verified members, institutions and councils
week by week, as charts and a table, from the last refresh's figures."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bloc.hub import growth, selectors
from bloc.hub.linechart import line_chart
from bloc.hub.models import ChapterFigures
from bloc.institutions.models import Chapter, InstitutionKind
from bloc.institutions.views import page_refusal

TABLE_WEEKS = 12


def _kind(request: HttpRequest) -> tuple[str, str]:
    """The kind asked for (empty: all) and an error message when it is not a kind."""
    kind = request.GET.get("kind", "")
    if kind and kind not in InstitutionKind.values:
        return "", _("There is no kind of institution called “%(kind)s”; showing all.") % {
            "kind": kind[:40]
        }
    return kind, ""


def _rows(stored: dict[str, Any], kind: str) -> tuple[list[str], dict[str, list[int]]]:
    weeks = list(stored.get("weeks") or [])
    return weeks, growth.series(stored, kind=kind)


def _charts(weeks: list[str], series: dict[str, list[int]], kind_label: str) -> list[Any]:
    if not weeks:
        return []
    first, last = weeks[0], weeks[-1]
    members, verified = series.get("members", []), series.get("verified", [])
    people = line_chart(
        _("Members and verified members, week by week (%(which)s)") % {"which": kind_label},
        _(
            "From the week ending %(first)s to the week ending %(last)s: members went from "
            "%(m0)s to %(m1)s, verified members from %(v0)s to %(v1)s. The table below has "
            "the figures."
        )
        % {
            "first": first,
            "last": last,
            "m0": members[0],
            "m1": members[-1],
            "v0": verified[0],
            "v1": verified[-1],
        },  # fmt: skip
        weeks,
        [(_("Members"), members), (_("Verified members"), verified)],
    )
    lines = [(_("Institutions"), series.get("institutions", []))]
    if "councils" in series:
        lines.append((_("Councils"), series["councils"]))
    institutions = series.get("institutions", [])
    bodies = line_chart(
        _("Institutions and councils, week by week (%(which)s)") % {"which": kind_label},
        _(
            "From the week ending %(first)s to the week ending %(last)s: institutions went "
            "from %(i0)s to %(i1)s. The table below has the figures."
        )
        % {"first": first, "last": last, "i0": institutions[0], "i1": institutions[-1]},
        weeks,
        lines,
    )
    return [people, bodies]


def _figures(chapter: Chapter) -> ChapterFigures | None:
    """The last refresh's growth (not its map areas or equity, which can be large)."""
    return ChapterFigures.objects.filter(chapter=chapter).only("computed_at", "growth").first()


def _allowed(request: HttpRequest, chapter: str) -> Chapter | HttpResponse:
    the_chapter = selectors.chapter_get(slug=chapter)
    return page_refusal(request, "hub.organize", the_chapter) or the_chapter


def growth_page(request: HttpRequest, chapter: str) -> HttpResponse:
    the_chapter = _allowed(request, chapter)
    if isinstance(the_chapter, HttpResponse):
        return the_chapter
    kind, error = _kind(request)
    figures = _figures(the_chapter)
    stored = figures.growth if figures else {}
    weeks, series = _rows(stored, kind)
    kind_label = str(InstitutionKind(kind).label) if kind else _("all institutions")
    table = [
        {
            "week": date.fromisoformat(week),
            "members": series.get("members", [])[i],
            "verified": series.get("verified", [])[i],
            "institutions": series.get("institutions", [])[i],
            "councils": series["councils"][i] if "councils" in series else None,
        }
        for i, week in enumerate(weeks)
    ][-TABLE_WEEKS:]
    table.reverse()  # newest first
    context = {
        "chapter": the_chapter,
        "organizer": True,
        "figures": figures,
        "current": "growth",
        "kind": kind,
        "kind_label": kind_label,
        "kinds": InstitutionKind.choices,
        "error": error,
        "weeks": weeks,
        "last_week": date.fromisoformat(weeks[-1]) if weeks else None,
        "as_of": date.fromisoformat(stored["as_of"]) if stored.get("as_of") else None,
        "charts": _charts(weeks, series, kind_label),
        "table": table,
        "with_councils": not kind,
    }
    return render(request, "hub/growth.html", context, status=400 if error else 200)


def growth_csv(request: HttpRequest, chapter: str) -> HttpResponse:
    the_chapter = _allowed(request, chapter)
    if isinstance(the_chapter, HttpResponse):
        return the_chapter
    kind, error = _kind(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    figures = _figures(the_chapter)
    weeks, series = _rows(figures.growth if figures else {}, kind)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="growth.csv"'
    columns = ["members", "verified", "institutions"] + ([] if kind else ["councils"])
    writer = csv.writer(response)
    writer.writerow(["week_ending", "kind", *columns])
    for i, week in enumerate(weeks):
        writer.writerow([week, kind or "all", *(series[c][i] for c in columns)])
    return response
