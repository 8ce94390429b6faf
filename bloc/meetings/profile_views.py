"""The speaking profile page: what a member privately says about themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bloc.core.errors import DomainError
from bloc.forms import add_domain_error
from bloc.meetings import services
from bloc.meetings.forms import SpeakingProfileForm
from bloc.meetings.selectors import SMALLEST_GROUP


@login_required
@require_http_methods(["GET", "POST"])
def speaking_profile(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = SpeakingProfileForm(request.POST)
        if form.is_valid():
            try:
                services.speaking_profile_save(
                    actor=request.user,
                    group=form.cleaned_data["group"],
                    less_heard=form.cleaned_data["less_heard"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Your speaking profile is saved."))
                return redirect("speaking:profile")
        status = 422
    else:
        profile = services.speaking_profile_get(actor=request.user)
        form = SpeakingProfileForm(
            initial={"group": profile.group, "less_heard": profile.less_heard}
        )
    response = render(
        request,
        "meetings/speaking_profile.html",
        {"form": form, "smallest_group": SMALLEST_GROUP},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response
