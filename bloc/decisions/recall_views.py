"""The form on the roles page that puts a recall petition to a vote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bloc.core.errors import DomainError
from bloc.decisions.proposal_views import CloseForm
from bloc.decisions.recalls import recall_to_vote
from bloc.institutions.views import get_institution
from bloc.membership.models import RecallPetition


@login_required
@require_POST
def recall_vote(request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
    institution = get_institution(slug)
    petition = (
        RecallPetition.objects.filter(
            pk=petition_id, role_term__membership__institution=institution
        )
        .select_related("role_term__membership__user", "role_term__membership__institution")
        .first()
    )
    if petition is None:
        raise Http404
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date and time when voting closes."))
        return redirect("institutions:roles", slug=slug)
    try:
        poll = recall_to_vote(
            actor=request.user, petition=petition, closes_at=form.cleaned_data["closes_at"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("institutions:roles", slug=slug)
    messages.success(request, _("The petition is now put to a secret vote of the members."))
    return redirect("institutions:poll_detail", slug=slug, poll_id=poll.pk)
