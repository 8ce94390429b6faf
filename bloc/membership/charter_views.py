"""The charter page: how far an institution is from the democratic charter, and its adoption."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bloc import permissions
from bloc.core import errors
from bloc.core.charter import charter_settings
from bloc.forms import add_domain_error
from bloc.institutions import selectors
from bloc.institutions.models import Institution
from bloc.membership import charter
from bloc.membership import selectors as membership_selectors


class CharterAdoptForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("The members decided to adopt the democratic charter."),
        help_text=gettext_lazy("Record the adoption only after the members have voted for it."),
        error_messages={
            "required": gettext_lazy("Tick the box to confirm that the members decided this.")
        },
    )


def _institution(slug: str) -> Institution:
    try:
        return selectors.institution_get(slug=slug)
    except errors.NotFound as exc:
        raise Http404(exc.message) from None


def _refusal(request: HttpRequest, decision: permissions.Decision) -> HttpResponse:
    """Anonymous visitors are asked to log in; anyone else refused sees the 403 page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(decision.reason)


def _page(
    request: HttpRequest,
    institution: Institution,
    *,
    form: CharterAdoptForm | None = None,
    status: int = 200,
) -> HttpResponse:
    assessment = charter.charter_assess(institution=institution)
    can_adopt = bool(permissions.check(request.user, "charter.adopt", institution))
    page = membership_selectors.institution_page(institution=institution, viewer=request.user)
    context = {
        "institution": institution,
        "assessment": assessment,
        "points": charter.charter_points_in_words(assessment),
        "next_step": charter.step_text(assessment.next_step),
        "tally": [
            (label, len(assessment.with_status(point_status)))
            for point_status, label in charter.STATUS_LABELS.items()
        ],
        # The institution's sub-navigation shows the pages this person may open.
        "may": page["may"],
        "can_adopt": can_adopt,
        "adopted_settings": (
            charter_settings(selectors.bylaws_settings(institution=institution))
            if can_adopt
            else None
        ),
        "form": form or CharterAdoptForm(),
    }
    return render(request, "institutions/charter.html", context, status=status)


def charter_page(request: HttpRequest, slug: str) -> HttpResponse:
    institution = _institution(slug)
    decision = permissions.check(request.user, "charter.view", institution)
    if not decision:
        return _refusal(request, decision)
    return _page(request, institution)


@require_POST
def charter_adopt(request: HttpRequest, slug: str) -> HttpResponse:
    institution = _institution(slug)
    decision = permissions.check(request.user, "charter.adopt", institution)
    if not decision:
        return _refusal(request, decision)
    form = CharterAdoptForm(request.POST)
    if form.is_valid():
        try:
            charter.charter_adopt(
                actor=request.user, institution=institution, language=request.LANGUAGE_CODE
            )
        except errors.PermissionDenied as exc:
            raise PermissionDenied(exc.message) from None
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The charter is adopted: the bylaws now hold its settings and its text in "
                    "English and Spanish. Members can amend them."
                ),
            )
            return redirect("institutions:charter", slug=institution.slug)
    return _page(request, institution, form=form, status=422)
