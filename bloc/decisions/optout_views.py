"""A person's choice to get, or not, emails when votes open and before they close."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bloc.audit.services import audit_append
from bloc.decisions.models import PollEmailOptOut


def _set(user: object, *, wanted: bool) -> bool:
    """Record the choice; returns whether it changed anything."""
    with transaction.atomic():
        if wanted:
            changed = PollEmailOptOut.objects.filter(user=user).delete()[0] > 0
        else:
            changed = PollEmailOptOut.objects.get_or_create(user=user)[1]
        if changed:
            audit_append(
                actor=user,
                action="poll_emails.resume" if wanted else "poll_emails.stop",
                subject=user,  # type: ignore[arg-type]
            )
    return changed


@login_required
@require_http_methods(["GET", "POST"])
def optout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        choice = request.POST.get("emails")
        if choice not in ("stop", "resume"):
            receives = not PollEmailOptOut.objects.filter(user=request.user).exists()
            return render(
                request,
                "decisions/optout.html",
                {"receives": receives, "error": _("Choose whether to get emails about votes.")},
                status=422,
            )
        _set(request.user, wanted=choice == "resume")
        if choice == "resume":
            messages.success(request, _("You will get an email when a vote opens and closes soon."))
        else:
            messages.success(request, _("You will no longer get emails about votes."))
        return redirect("poll_emails:optout")
    receives = not PollEmailOptOut.objects.filter(user=request.user).exists()
    return render(request, "decisions/optout.html", {"receives": receives})
