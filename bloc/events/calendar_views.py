"""A person's own calendar, mounted at /calendar/: the feed URL (with its secret
token), resetting it, their shifts (overlaps flagged) and the shift-reminder emails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bloc.events import calendars, selectors, services
from bloc.events.models import CalendarToken, EventEmailOptOut
from bloc.events.views import ics_response


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    token = services.calendar_token_get(user=request.user)
    feed = request.build_absolute_uri(reverse("calendar:feed", args=[token.token]))
    context = {
        "feed_url": feed,
        "shifts": selectors.my_shifts(request.user),
        "receives": not EventEmailOptOut.objects.filter(user_id=request.user.pk).exists(),
        "error": error,
    }
    return render(request, "events/calendar.html", context, status=status)


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def reset(request: HttpRequest) -> HttpResponse:
    services.calendar_token_reset(user=request.user)
    messages.success(
        request,
        _(
            "Your calendar has a new address. The old one no longer works: update it in your "
            "calendar app."
        ),
    )
    return redirect("calendar:page")


@login_required
@require_POST
def emails(request: HttpRequest) -> HttpResponse:
    choice = request.POST.get("emails")
    if choice not in ("stop", "resume"):
        return _page(
            request, error=_("Choose whether to get reminders before your shifts."), status=422
        )
    services.shift_emails_set(user=request.user, wanted=choice == "resume")
    if choice == "resume":
        messages.success(request, _("You will get an email a day before each of your shifts."))
    else:
        messages.success(request, _("You will no longer get reminders before your shifts."))
    return redirect("calendar:page")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    # Looked up by its unique column: a wrong or reset token finds nothing.
    owner = (
        CalendarToken.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if owner is None or not token:
        raise Http404
    return ics_response(calendars.member_calendar(owner.user), "bloc.ics", download=False)
