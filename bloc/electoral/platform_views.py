"""The electoral index and the platform's pages: the chapter's priorities (and the form
to propose one), setting up a platform, sending it to the assemblies, the platform's
page and its printable PDF.

Everything here is public to read. The forms post back to their page; the services
decide, and a refusal shows the page again with their message and status (422 bad
input, 409 not now) or the 403 page, writing nothing. A visitor who is not logged in
is sent to log in first.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.core.errors import NotFound
from bloc.decisions.pdf import render_pdf
from bloc.electoral import platform_selectors as sel
from bloc.electoral import platforms as services
from bloc.electoral.models import Platform
from bloc.electoral.platform_forms import PlatformForm, PriorityForm, SendForm
from bloc.forms import submit
from bloc.institutions.models import Chapter


def _chapter(request: HttpRequest) -> Chapter:
    try:
        return sel.chapter_pick(request.GET.get("chapter", "")[:60] or None)
    except NotFound:
        raise Http404 from None


def _platform(pk: int) -> Platform:
    try:
        platform = sel.get_platform(pk)
    except NotFound:
        raise Http404 from None
    # The assemblies' polls may have closed since anyone looked: count what is due.
    return services.platform_sync(platform)


def _with_chapter(url: str, chapter: Chapter, chapters: list[Chapter]) -> str:
    """``url`` naming the chapter when there is more than one."""
    return f"{url}?{urlencode({'chapter': chapter.slug})}" if chapters else url


def _manage_or_refuse(request: HttpRequest, chapter: Chapter) -> HttpResponse | None:
    """None for the chapter's organizers; a visitor goes to log in; anyone else gets
    the 403 page with the reason."""
    decision = permissions.check(request.user, "platform.manage", chapter)
    if decision:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise DjangoPermissionDenied(decision.reason)


# --- the index -----------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    try:
        chapter = sel.chapter_pick(request.GET.get("chapter", "")[:60] or None)
    except NotFound:
        return render(request, "electoral/index.html", {"chapter": None})
    rows = []
    now = timezone.now()
    for platform in sel.platform_list(chapter)[:50]:
        if platform.published_at is None and platform.closes_at and platform.closes_at <= now:
            platform = services.platform_sync(platform)
        rows.append({"platform": platform, "state": sel.state_of(platform)})
    others = sel.other_chapters(chapter)
    context = {
        "chapter": chapter,
        "other_chapters": others,
        "platforms": rows,
        "priority_count": sel.priority_list(chapter).count(),
        "priorities_url": _with_chapter(reverse("electoral:platform_priorities"), chapter, others),
        "create_url": _with_chapter(reverse("electoral:platform_create"), chapter, others),
        "may_manage": bool(permissions.check(request.user, "platform.manage", chapter)),
    }
    return render(request, "electoral/index.html", context)


# --- priorities ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def priorities(request: HttpRequest) -> HttpResponse:
    chapter = _chapter(request)
    institutions = sel.actable_institutions(chapter, request.user)
    choices = [(i.pk, i.name) for i in institutions]
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not institutions:
            raise DjangoPermissionDenied(
                _("Only a facilitator or the secretary of an assembly can propose a priority.")
            )
        form = PriorityForm(request.POST, institutions=choices)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            institution = next(i for i in institutions if i.pk == data["institution"])
            priority, status = submit(
                form,
                lambda: services.priority_propose(
                    actor=request.user,
                    institution=institution,
                    title=data["title"],
                    category=data["category"],
                    description=data["description"],
                ),
            )
            if priority is not None:
                messages.success(
                    request,
                    _("“%(title)s” is proposed for the platform.") % {"title": priority.title},
                )
                return redirect(f"{request.get_full_path()}#priority-{priority.pk}")
    else:
        form = PriorityForm(institutions=choices, initial={"category": "other"})
    context = {
        "chapter": chapter,
        "groups": sel.priorities_by_category(chapter),
        "form": form if institutions else None,
        "index_url": _with_chapter(
            reverse("electoral:index"), chapter, sel.other_chapters(chapter)
        ),
    }
    return render(request, "electoral/priority_list.html", context, status=status)


# --- a new platform ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def platform_create(request: HttpRequest) -> HttpResponse:
    chapter = _chapter(request)
    refused = _manage_or_refuse(request, chapter)
    if refused:
        return refused
    available = list(sel.priority_list(chapter))
    choices = [(p.pk, f"{p.title} ({p.proposed_by.name})") for p in available]
    status = 200
    if request.method == "POST":
        form = PlatformForm(request.POST, priorities=choices)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            chosen = [p for p in available if p.pk in set(data["priorities"])]
            platform, status = submit(
                form,
                lambda: services.platform_create(
                    actor=request.user,
                    chapter=chapter,
                    title=data["title"],
                    priorities=chosen,
                    method=data["method"],
                    weighting=data["weighting"],
                ),
            )
            if platform is not None:
                messages.success(
                    request,
                    _("The platform is set up. Send it to the assemblies when it is ready."),
                )
                return redirect("electoral:platform_detail", pk=platform.pk)
    else:
        form = PlatformForm(priorities=choices)
    context = {"chapter": chapter, "form": form, "has_priorities": bool(available)}
    return render(request, "electoral/platform_form.html", context, status=status)


# --- a platform ----------------------------------------------------------------------


def platform_response(
    request: HttpRequest, platform: Platform, *, status: int = 200, send_form: Any = None
) -> HttpResponse:
    context = sel.platform_page(platform)
    may_manage = bool(permissions.check(request.user, "platform.manage", platform.chapter))
    if may_manage and context["state"] == sel.DRAFT:
        context["send_form"] = send_form or SendForm()
    elif send_form is not None:  # refused, and the form is no longer shown: say why
        context["error"] = " ".join(str(e) for errors in send_form.errors.values() for e in errors)
    context["may_manage"] = may_manage
    return render(request, "electoral/platform_detail.html", context, status=status)


@require_GET
def platform_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return platform_response(request, _platform(pk))


@require_POST
def platform_send(request: HttpRequest, pk: int) -> HttpResponse:
    platform = _platform(pk)
    refused = _manage_or_refuse(request, platform.chapter)
    if refused:
        return refused
    form = SendForm(request.POST)
    status = 422
    if form.is_valid():
        sent, status = submit(
            form,
            lambda: services.platform_send(
                actor=request.user, platform=platform, closes_at=form.cleaned_data["closes_at"]
            ),
        )
        if sent is not None:
            when = formats.date_format(timezone.localtime(sent.closes_at), "DATETIME_FORMAT")
            messages.success(
                request,
                _("Every assembly now ranks the priorities by its own vote, until %(when)s.")
                % {"when": when},
            )
            return redirect("electoral:platform_detail", pk=platform.pk)
    return platform_response(request, platform, status=status, send_form=form)


@require_GET
def platform_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    platform = _platform(pk)
    if platform.published_at is None:
        raise Http404(_("The platform is printed once it is published."))
    language = translation.get_language()
    context = {
        **sel.platform_page(platform),
        "language": language,
        "printed": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
    }
    html = render_to_string("electoral/platform_print.html", context)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="platform-{platform.pk}.pdf"'
    return response
