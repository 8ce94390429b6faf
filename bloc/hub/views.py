"""The hub's index (which chapter) and the refresh button; each part has its own views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bloc.core.errors import PermissionDenied
from bloc.hub import selectors, services
from bloc.institutions.models import Chapter


def index(request: HttpRequest) -> HttpResponse:
    chapters = list(Chapter.objects.order_by("name")[:200])
    if len(chapters) == 1:
        return redirect("hub:public", chapter=chapters[0].slug)
    return render(request, "hub/index.html", {"chapters": chapters})


@require_POST
def refresh(request: HttpRequest, chapter: str) -> HttpResponse:
    the_chapter = selectors.chapter_get(slug=chapter)
    try:
        services.refresh(request.user, chapter=the_chapter)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    messages.success(request, _("The figures are up to date."))
    back = request.POST.get("next", "")
    if not back.startswith("/hub/"):
        back = f"/hub/{the_chapter.slug}/"
    return redirect(back)
