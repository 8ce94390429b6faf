"""The equity pages: a person's own self-description, the chapter's questions, an
institution's population baseline, and participation against residents (chapter and
institution). No page needs JavaScript; the figures come from the stored snapshot."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bloc.core.errors import Conflict
from bloc.forms import submit
from bloc.hub import equity_selectors as sel
from bloc.hub import equity_services as svc
from bloc.hub import selectors
from bloc.hub.equity_chart import paired_bar_chart
from bloc.hub.equity_forms import CategoryForm, PopulationForm, SelfDescriptionForm
from bloc.institutions.models import Chapter
from bloc.institutions.views import get_institution, page_refusal

PER_PAGE = 50


# --- the person's own self-description ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def describe(request: HttpRequest) -> HttpResponse:
    questions = sel.questions_for(request.user)
    status = 200
    if request.method == "POST":
        form = SelfDescriptionForm(request.POST, questions=questions)
        if "forget" in request.POST:
            _done, status = submit(form, lambda: svc.self_description_forget(actor=request.user))
            messages.success(request, _("Everything you said about yourself is deleted."))
            return redirect("hub:describe")
        status = 422
        if form.is_valid():
            saved, status = submit(
                form,
                lambda: svc.self_description_save(
                    actor=request.user,
                    tenure=form.cleaned_data["tenure"],
                    age_band=form.cleaned_data["age_band"],
                    language=form.cleaned_data["language"],
                    answers=form.answers(),
                ),
            )
            if status == 200:
                messages.success(
                    request,
                    _("Your answers are saved.")
                    if saved
                    else _("You answered nothing, so nothing is kept."),
                )
                return redirect("hub:describe")
    held = sel.self_description_of(request.user)
    if request.method != "POST":
        initial: dict[str, Any] = {}
        if held is not None:
            initial = {"tenure": held.tenure, "age_band": held.age_band, "language": held.language}
            for key, index in (held.answers or {}).items():
                initial[f"category_{key}"] = str(index)
        form = SelfDescriptionForm(initial=initial, questions=questions)
    response = render(
        request,
        "hub/describe.html",
        {"form": form, "has_description": held is not None, "minimum": sel.MINIMUM},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the chapter's questions ----------------------------------------------------------


def _organizers_chapter(request: HttpRequest, slug: str) -> Chapter | HttpResponse:
    chapter = selectors.chapter_get(slug=slug)
    return page_refusal(request, "hub.organize", chapter) or chapter


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest, chapter: str) -> HttpResponse:
    found = _organizers_chapter(request, chapter)
    if isinstance(found, HttpResponse):
        return found
    form = CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            _made, status = submit(
                form,
                lambda: svc.category_add(
                    actor=request.user,
                    chapter=found,
                    name=form.cleaned_data["name"],
                    options=svc.parse_options(form.cleaned_data["options"]),
                ),
            )
            if status == 200:
                messages.success(request, _("The question is added."))
                return redirect("hub:categories", chapter=found.slug)
    return render(
        request,
        "hub/categories.html",
        {
            "chapter": found,
            "organizer": True,
            "current": "categories",
            "figures": sel.chapter_figures(chapter=found, equity=False),
            "questions": sel.categories_of(chapter=found, retired=True),
            "form": form,
            "minimum": sel.MINIMUM,
        },
        status=status,
    )


@require_POST
def category_retire(request: HttpRequest, chapter: str, category_id: int) -> HttpResponse:
    found = _organizers_chapter(request, chapter)
    if isinstance(found, HttpResponse):
        return found
    category = sel.category_get(chapter=found, category_id=category_id)
    try:
        svc.category_retire(actor=request.user, category=category)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The question is retired: it is no longer asked."))
    return redirect("hub:categories", chapter=found.slug)


# --- an institution's population baseline ---------------------------------------------


@require_http_methods(["GET", "POST"])
def population(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    refusal = page_refusal(request, "hub.population", institution)
    if refusal:
        return refusal
    dims = sel.dimensions(categories=sel.categories_of(chapter=institution.chapter))
    entered = sel.population_of(institution=institution)
    posted = request.POST.get("dimension") if request.method == "POST" else None
    status = 200
    forms = []
    for dimension in dims:
        prefix = dimension.key.replace(":", "-")
        if dimension.key == posted:
            form = PopulationForm(request.POST, prefix=prefix, dimension=dimension)
            status = 422
            if "clear" in request.POST:
                _removed, status = submit(
                    form,
                    lambda d=dimension: svc.population_clear(
                        actor=request.user, institution=institution, dimension=d.key
                    ),
                )
                if status == 200:
                    messages.success(request, _("The figures are removed."))
                    return redirect("hub:population", slug=institution.slug)
            elif form.is_valid():
                _saved, status = submit(
                    form,
                    lambda d=dimension, f=form: svc.population_set(
                        actor=request.user,
                        institution=institution,
                        dimension=d.key,
                        figures=f.figures(),
                        source=f.cleaned_data["source"],
                    ),
                )
                if status == 200:
                    messages.success(request, _("The figures are saved."))
                    return redirect("hub:population", slug=institution.slug)
        else:
            figures, text = entered.get(dimension.key, ({}, ""))
            initial: dict[str, Any] = {"source": text}
            initial.update({f"group_{g}": n for g, n in figures.items()})
            form = PopulationForm(initial=initial, prefix=prefix, dimension=dimension)
        forms.append((dimension, form, dimension.key in entered))
    if posted is not None and posted not in {d.key for d in dims}:
        messages.error(request, _("There is no such question."))
        status = 422
    return render(
        request,
        "hub/population.html",
        {"institution": institution, "forms": forms},
        status=status,
    )


# --- participation against residents --------------------------------------------------


def _filters(request: HttpRequest, chapter: Chapter) -> tuple[list[Any], Any, str]:
    dims = sel.dimensions(categories=sel.categories_of(chapter=chapter))
    dimension, activity = sel.pick(dims, request.GET.get("dimension"), request.GET.get("activity"))
    return dims, dimension, activity


def _chart(dimension: sel.Dimension, activity: str, found: sel.Comparison) -> Any:
    if not found.reported:
        return None
    title = _("Share of participants and of residents, by %(dimension)s") % {
        "dimension": dimension.label.lower()
    }
    description = _(
        "For each group, two bars: the first is its share of the people who took part "
        "(%(activity)s), the second its share of the residents. The table below gives "
        "the same figures."
    ) % {"activity": str(sel.ACTIVITY_LABELS[activity]).lower()}
    return paired_bar_chart(
        title,
        description,
        [(g.label, g.participant_share, g.resident_share) for g in found.groups],
    )


def _with_charts(
    dimension: sel.Dimension, activity: str, found: list[sel.Comparison]
) -> list[tuple[sel.Comparison, Any]]:
    return [(c, _chart(dimension, activity, c)) for c in found]


def equity(request: HttpRequest, chapter: str) -> HttpResponse:
    found = _organizers_chapter(request, chapter)
    if isinstance(found, HttpResponse):
        return found
    dims, dimension, activity = _filters(request, found)
    figures = sel.chapter_figures(chapter=found)
    overall = sel.overall_comparisons(figures.equity if figures else None, dimension, activity)
    ranking = Paginator(
        sel.institution_ranking(chapter=found, dimension=dimension.key, activity=activity),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "hub/equity.html",
        {
            "chapter": found,
            "organizer": True,
            "current": "equity",
            "figures": figures,
            "dimensions": dims,
            "dimension": dimension,
            "activities": sel.activity_choices(),
            "activity": activity,
            "activity_label": sel.ACTIVITY_LABELS[activity],
            "comparisons": _with_charts(dimension, activity, overall),
            "ranking": ranking,
            "window_days": sel.window_days(),
            "minimum": sel.MINIMUM,
        },
    )


def equity_institution(request: HttpRequest, chapter: str, slug: str) -> HttpResponse:
    found = _organizers_chapter(request, chapter)
    if isinstance(found, HttpResponse):
        return found
    institution, stored = sel.institution_figures_get(chapter=found, slug=slug)
    dims, dimension, activity = _filters(request, found)
    one = sel.institution_comparison(stored, dimension, activity)
    return render(
        request,
        "hub/equity_institution.html",
        {
            "chapter": found,
            "organizer": True,
            "current": "equity",
            "figures": sel.chapter_figures(chapter=found, equity=False),
            "institution": institution,
            "stored": stored,
            "dimensions": dims,
            "dimension": dimension,
            "activities": sel.activity_choices(),
            "activity": activity,
            "activity_label": sel.ACTIVITY_LABELS[activity],
            "comparisons": _with_charts(dimension, activity, [one]),
            "window_days": sel.window_days(),
            "minimum": sel.MINIMUM,
        },
    )
