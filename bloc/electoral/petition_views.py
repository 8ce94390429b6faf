"""The petition pages under /electoral/petitions/.

Progress is public: the counts, the projection and the chart. Circulators (members of
the chapter's institutions) hand in sheets; the organizers enter and check the
signatures, the only pages that show signers' names and addresses. Thin views: parse
the form, call a service, redirect with a message; or show the page again with the
refusal (422 bad input, 403 not allowed; a visitor is sent to log in first).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc.core.errors import DomainError, NotFound, PermissionDenied
from bloc.electoral import petition_selectors as sel
from bloc.electoral import petitions as svc
from bloc.electoral.models import Petition, PetitionSheet
from bloc.electoral.petition_chart import progress_chart
from bloc.electoral.petition_forms import PetitionForm, SheetForm, SignaturesForm
from bloc.forms import add_domain_error, submit
from bloc.institutions.models import Chapter, Institution
from bloc.institutions.views import may, page_refusal

# --- helpers -----------------------------------------------------------------------


def _petition(pk: int) -> Petition:
    try:
        return sel.petition_get(petition_id=pk)
    except NotFound:
        raise Http404 from None


def _sheet(petition: Petition, sheet_id: int) -> PetitionSheet:
    try:
        return sel.sheet_get(petition=petition, sheet_id=sheet_id)
    except NotFound:
        raise Http404 from None


def _to_petition(petition: Petition) -> HttpResponse:
    return redirect("electoral:petition_detail", pk=petition.pk)


def _to_signatures(petition: Petition) -> HttpResponse:
    return redirect("electoral:petition_signatures", pk=petition.pk)


def _organized(request: HttpRequest) -> list[Chapter]:
    """The chapters the viewer organizes today."""
    if not request.user.is_authenticated:
        return []
    return list(
        Chapter.objects.filter(
            organizers__user_id=request.user.pk, organizers__ended_at__isnull=True
        ).distinct()
    )


def _institution_choices(chapters: list[Chapter]) -> list[tuple[int, str]]:
    many = len(chapters) > 1
    return [
        (i.pk, f"{i.name} ({i.chapter.name})" if many else i.name)
        for i in Institution.objects.filter(chapter__in=chapters)
        .select_related("chapter")
        .order_by("chapter__name", "name")
    ]


def _percent(value: float | None) -> str:
    return "" if value is None else formats.number_format(round(value * 100, 1), 1)


def projection_words(progress: sel.Progress) -> str:
    """The projection in one or two sentences."""
    p, c = progress.projection, progress.checked
    if p.rate is None:
        return _(
            "No signature has been checked yet, so there is no projection: it needs the "
            "share of valid signatures among those checked."
        )
    words = _(
        "Valid among the signatures checked: %(valid)s of %(checked)s (%(rate)s%%). "
        "Applied to all the signatures handed in (%(collected)s), that rate projects "
        "%(projected)s valid, likely between %(low)s and %(high)s (a 95%% interval); the "
        "target is %(target)s. This assumes the signatures checked are like the rest, so "
        "enter sheets from many circulators and days."
    ) % {
        "checked": c.checked,
        "valid": c.valid,
        "rate": _percent(p.rate),
        "collected": p.collected,
        "projected": p.projected,
        "low": p.projected_low,
        "high": p.projected_high,
        "target": p.target,
    }
    if p.projected_low is not None and p.projected_low >= p.target:
        return words + " " + _("Even the low end reaches the target.")
    if p.on_track:
        return words + " " + _("The projection reaches the target, but the low end does not.")
    return words + " " + _("The projection falls short of the target.")


def _chart(progress: sel.Progress) -> Any:
    petition = progress.petition
    today = timezone.localdate()
    start = min(
        timezone.localdate(petition.created_at),
        progress.days[0].day if progress.days else petition.deadline,
    )
    return progress_chart(
        _("Signatures of “%(title)s” over time") % {"title": petition.title},
        _(
            "Signatures handed in so far, day by day, from %(start)s to the deadline "
            "%(deadline)s: %(collected)s, against a target of %(target)s valid signatures."
        )
        % {
            "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
            "deadline": formats.date_format(petition.deadline, "SHORT_DATE_FORMAT"),
            "collected": progress.collected,
            "target": petition.target,
        },
        start=start,
        deadline=petition.deadline,
        today=today,
        cumulative=[(d.day, d.collected) for d in progress.days],
        target=petition.target,
        rate=progress.projection.rate,
        labels={
            "collected": _("handed in"),
            "projected": _("projected valid"),
            "target": _("target %(n)s") % {"n": petition.target},
            "today": _("today"),
            "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
            "deadline": formats.date_format(petition.deadline, "SHORT_DATE_FORMAT"),
        },
    )


def _manage_refusal(request: HttpRequest, petition: Petition) -> HttpResponse | None:
    return page_refusal(request, "petition.manage", petition.chapter)


# --- the list and a petition --------------------------------------------------------


@require_GET
def petition_list(request: HttpRequest) -> HttpResponse:
    context = {"rows": sel.petition_list(), "may_start": bool(_organized(request))}
    return render(request, "electoral/petition_list.html", context)


@require_GET
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition(pk)
    progress = sel.petition_progress(petition=petition)
    context = {
        "petition": petition,
        "progress": progress,
        "projection": progress.projection,
        "projection_words": projection_words(progress),
        "rate_percent": _percent(progress.projection.rate),
        "low_percent": _percent(progress.projection.low),
        "high_percent": _percent(progress.projection.high),
        "chart": _chart(progress),
        "jurisdiction": list(petition.jurisdiction.order_by("name")),
        "may_manage": may(request, "petition.manage", petition.chapter),
        "may_circulate": may(request, "petition.circulate", petition),
    }
    return render(request, "electoral/petition_detail.html", context)


@require_http_methods(["GET", "POST"])
def petition_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    chapters = _organized(request)
    if not chapters:
        raise DjangoPermissionDenied(_("Only the chapter's organizers can do this."))
    named = [(c.pk, c.name) for c in chapters]
    institutions = _institution_choices(chapters)
    status = 200
    if request.method != "POST":
        form = PetitionForm(chapters=named, institutions=institutions)
    else:
        form = PetitionForm(request.POST, chapters=named, institutions=institutions)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            chapter = next(c for c in chapters if c.pk == data["chapter"])
            petition, status = submit(form, lambda: svc.petition_create(
                actor=request.user, chapter=chapter, kind=data["kind"], title=data["title"],
                text=data["text"], target=data["target"], deadline=data["deadline"],
                jurisdiction=list(Institution.objects.filter(pk__in=data["jurisdiction"])),
            ))  # fmt: skip
            if petition is not None:
                messages.success(request, _("The petition is started."))
                return _to_petition(petition)
    return render(request, "electoral/petition_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def petition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition(pk)
    refused = _manage_refusal(request, petition)
    if refused is not None:
        return refused
    institutions = _institution_choices([petition.chapter])
    status = 200
    if request.method != "POST":
        form = PetitionForm(
            initial={
                "title": petition.title,
                "text": petition.text,
                "target": petition.target,
                "deadline": petition.deadline,
                "jurisdiction": list(petition.jurisdiction.values_list("pk", flat=True)),
            },
            institutions=institutions,
            editing=True,
        )
    else:
        form = PetitionForm(request.POST, institutions=institutions, editing=True)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            updated, status = submit(form, lambda: svc.petition_update(
                actor=request.user, petition=petition, title=data["title"], text=data["text"],
                target=data["target"], deadline=data["deadline"],
                jurisdiction=list(Institution.objects.filter(pk__in=data["jurisdiction"])),
            ))  # fmt: skip
            if updated is not None:
                messages.success(request, _("The petition is updated."))
                return _to_petition(updated)
    context = {"form": form, "petition": petition}
    return render(request, "electoral/petition_form.html", context, status=status)


# --- circulators ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def petition_sheet_new(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition(pk)
    refused = page_refusal(request, "petition.circulate", petition)
    if refused is not None:
        return refused
    status = 200
    if request.method != "POST":
        form = SheetForm()
    else:
        form = SheetForm(request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            sheet, status = submit(form, lambda: svc.sheet_log(
                actor=request.user, petition=petition, label=data["label"],
                signatures=data["signatures"], collected_on=data["collected_on"],
            ))  # fmt: skip
            if sheet is not None:
                messages.success(
                    request,
                    ngettext(
                        "Sheet %(label)s is logged with %(count)s signature. Thank you!",
                        "Sheet %(label)s is logged with %(count)s signatures. Thank you!",
                        sheet.signatures,
                    )
                    % {"label": sheet.label, "count": sheet.signatures},
                )
                return redirect("electoral:petition_sheet_new", pk=petition.pk)
    context = {
        "petition": petition,
        "form": form,
        "mine": sel.sheets_of(petition=petition, circulator=request.user),
    }
    return render(request, "electoral/petition_sheet_form.html", context, status=status)


# --- organizers: signatures -------------------------------------------------------


SIGNATURES_PER_PAGE = 200
VERDICT_FILTERS = {"valid": "valid", "duplicate": "duplicate", "outside": "outside", "none": ""}


@require_GET
def petition_signatures(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition(pk)
    refused = _manage_refusal(request, petition)
    if refused is not None:
        return refused
    progress = sel.petition_progress(petition=petition)
    shown = request.GET.get("verdict", "")
    entries = sel.signatures_of(petition=petition, verdict=VERDICT_FILTERS.get(shown))
    signatures = Paginator(entries, SIGNATURES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "petition": petition,
        "progress": progress,
        "sheets": sel.sheets_of(petition=petition),
        "signatures": signatures,
        "verdict": shown if shown in VERDICT_FILTERS else "",
        "verdicts": [
            ("", _("All")),
            ("valid", _("Valid")),
            ("duplicate", _("Duplicates")),
            ("outside", _("Outside the jurisdiction")),
            ("none", _("Not checked yet")),
        ],
    }
    return render(request, "electoral/petition_signatures.html", context)


@require_http_methods(["GET", "POST"])
def petition_sheet_signatures(request: HttpRequest, pk: int, sheet_id: int) -> HttpResponse:
    petition = _petition(pk)
    refused = _manage_refusal(request, petition)
    if refused is not None:
        return refused
    sheet = _sheet(petition, sheet_id)
    entries = list(sel.signatures_of(petition=petition, sheet=sheet))
    lines = max(sheet.signatures, len(entries))
    status = 200
    if request.method != "POST":
        form = SignaturesForm(lines=lines, initial=SignaturesForm.initial_for(entries))
    else:
        form = SignaturesForm(request.POST, request.FILES, lines=lines)
        status = 422
        if form.is_valid():
            try:
                upload = form.cleaned_data["csv"]
                typed = (
                    svc.signatures_from_csv(upload.read(svc.MAX_CSV_BYTES + 1))
                    if upload
                    else form.typed_lines()
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                rows, status = submit(form, lambda: svc.signatures_enter(
                    actor=request.user, sheet=sheet, lines=typed,
                    fix_count=form.cleaned_data["fix_count"],
                ))  # fmt: skip
                if rows is not None:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s signature of sheet %(label)s is entered.",
                            "%(count)s signatures of sheet %(label)s are entered.",
                            len(rows),
                        )
                        % {"count": len(rows), "label": sheet.label},
                    )
                    return _to_signatures(petition)
    context = {"petition": petition, "sheet": sheet, "form": form}
    return render(request, "electoral/petition_enter.html", context, status=status)


@require_POST
def petition_check(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition(pk)
    refused = _manage_refusal(request, petition)
    if refused is not None:
        return refused
    try:
        checked = svc.signatures_check(actor=request.user, petition=petition)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    messages.success(
        request,
        _(
            "The check is done. Of %(checked)s signatures checked: valid %(valid)s, "
            "duplicates %(duplicates)s, outside the jurisdiction %(outside)s."
        )
        % {
            "checked": checked.checked,
            "valid": checked.valid,
            "duplicates": checked.duplicates,
            "outside": checked.outside,
        },
    )
    return _to_signatures(petition)
