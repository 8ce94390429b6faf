"""Pages about roles: the rotation page, recording and ending terms, recall petitions.

Every page and form posts back to the rotation page: on success a redirect
with a message, on a refusal the page again with the errors (status 422, or
409 when the state changed under the person's feet).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from bloc import permissions
from bloc.core import terms
from bloc.core.errors import DomainError, NotFound, PermissionDenied
from bloc.forms import DateInput, add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution, require_page
from bloc.membership import roles
from bloc.permissions.roles import membership_of

# --- forms -------------------------------------------------------------------


class TermForm(forms.Form):
    membership = forms.TypedChoiceField(label=gettext_lazy("Member"), coerce=int)
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    starts_on = forms.DateField(label=gettext_lazy("First day of the term"), widget=DateInput())
    ends_on = forms.DateField(
        label=gettext_lazy("Day the term ends"), widget=DateInput(), required=False
    )

    def __init__(self, *args: Any, rotation: roles.Rotation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [(m.pk, m.user.full_name) for m in rotation.members]
        self.fields["role"].choices = [(r.role, r.label) for r in rotation.roles]
        months = rotation.term_months or roles.DEFAULT_TERM_MONTHS
        self.fields["ends_on"].help_text = _(
            "Leave it empty for a term of %(months)s months, as the bylaws say."
        ) % {"months": months}


class TermEndForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why the term ends"),
        choices=[
            (roles.EndReason.RESIGNED, gettext_lazy("The holder resigned")),
            (roles.EndReason.RECALLED, gettext_lazy("The members recalled the holder")),
        ],
    )


class RecallOpenForm(forms.Form):
    term = forms.TypedChoiceField(label=gettext_lazy("Whose recall do you ask?"), coerce=int)
    reason = forms.CharField(
        label=gettext_lazy("Why should they be recalled?"),
        max_length=roles.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Other members read this before they sign. You sign the petition by opening it."
        ),
    )

    def __init__(self, *args: Any, rotation: roles.Rotation, viewer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [
            (
                holding.term.pk,
                _("%(name)s, %(role)s") % {"name": holding.name, "role": rotation_role.label},
            )
            for rotation_role in rotation.roles
            for holding in rotation_role.holders
            if holding.term.membership.user_id != viewer_id
        ]


class RecallCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (roles.RecallOutcome.RECALLED, gettext_lazy("Recalled: the term ends today")),
            (roles.RecallOutcome.KEPT, gettext_lazy("Kept: the holder stays")),
            (roles.RecallOutcome.WITHDRAWN, gettext_lazy("Withdrawn by the petitioners")),
        ],
    )


# --- helpers -------------------------------------------------------------------


def _page(
    request: HttpRequest,
    institution: Institution,
    *,
    term_form: TermForm | None = None,
    recall_form: RecallOpenForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    rotation = roles.rotation_for(institution)
    may_assign = bool(permissions.check(request.user, "role.assign", institution))
    may_petition = bool(permissions.check(request.user, "recall.petition", institution))
    viewer = membership_of(request.user, institution)
    if may_assign and term_form is None:
        today = timezone.localdate()
        term_form = TermForm(
            rotation=rotation,
            initial={
                "starts_on": today,
                "ends_on": roles.term_end_default(today, rotation.term_months),
            },
        )
    if may_petition and recall_form is None:
        recall_form = RecallOpenForm(rotation=rotation, viewer_id=request.user.pk)
    context = {
        "institution": institution,
        "rotation": rotation,
        "viewer": viewer,
        "may_assign": may_assign,
        "may_petition": may_petition,
        "term_form": term_form if may_assign else None,
        "recall_form": recall_form if may_petition else None,
        "end_form": TermEndForm(),
        "close_form": RecallCloseForm(),
        "may_call_vote": bool(permissions.check(request.user, "poll.create", institution)),
        "vote_closes_default": (timezone.localtime() + timedelta(days=7)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "error": error,
        "gap_days": terms.GAP_DAYS,
    }
    return render(request, "membership/roles.html", context, status=status)


def _refused(request: HttpRequest, institution: Institution, exc: DomainError) -> HttpResponse:
    """A refusal of a button (no fields to mark): the page again, the reason on top."""
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(exc.message)
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return _page(request, institution, error=exc.message, status=exc.status)


def _done(slug: str) -> HttpResponse:
    return redirect("institutions:roles", slug=slug)


# --- pages ---------------------------------------------------------------------


@login_required
@require_GET
def rotation(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "role.view", institution)
    return _page(request, institution)


@login_required
@require_POST
def term_assign(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "role.assign", institution)
    form = TermForm(request.POST, rotation=roles.rotation_for(institution))
    if form.is_valid():
        try:
            membership = roles.role_member_get(
                institution=institution, membership_id=form.cleaned_data["membership"]
            )
            term = roles.role_term_assign(
                actor=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is %(role)s from %(start)s until %(end)s.")
                % {
                    "name": membership.user.full_name,
                    "role": roles.role_label(term.role),
                    "start": date_format(term.starts_on),
                    "end": date_format(term.ends_on),
                },
            )
            return _done(slug)
    return _page(request, institution, term_form=form, status=422)


@login_required
@require_POST
def term_end(request: HttpRequest, slug: str, term_id: int) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "role.assign", institution)
    form = TermEndForm(request.POST)
    if not form.is_valid():
        return _page(request, institution, error=_("Say why the term ends."), status=422)
    try:
        term = roles.role_term_get(institution=institution, term_id=term_id)
        roles.role_term_end(actor=request.user, term=term, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _refused(request, institution, exc)
    messages.success(
        request,
        _("The term of %(name)s as %(role)s has ended.")
        % {"name": term.membership.user.full_name, "role": roles.role_label(term.role)},
    )
    return _done(slug)


@login_required
@require_POST
def recall_open(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "recall.petition", institution)
    form = RecallOpenForm(
        request.POST, rotation=roles.rotation_for(institution), viewer_id=request.user.pk
    )
    if form.is_valid():
        try:
            term = roles.role_term_get(institution=institution, term_id=form.cleaned_data["term"])
            petition = roles.recall_open(
                actor=request.user, term=term, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if petition.opened_by.user_id == request.user.pk:
                message = _("The petition to recall %(name)s is open, with your signature.")
            else:
                message = _(
                    "A petition to recall %(name)s was already open; sign it below if you agree."
                )
            messages.success(request, message % {"name": term.membership.user.full_name})
            return _done(slug)
    return _page(request, institution, recall_form=form, status=422)


@login_required
@require_POST
def recall_sign(request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "recall.petition", institution)
    try:
        petition = roles.recall_get(institution=institution, petition_id=petition_id)
        roles.recall_sign(actor=request.user, petition=petition)
    except DomainError as exc:
        return _refused(request, institution, exc)
    messages.success(
        request,
        _("You signed the petition to recall %(name)s.")
        % {"name": petition.role_term.membership.user.full_name},
    )
    return _done(slug)


@login_required
@require_POST
def recall_close(request: HttpRequest, slug: str, petition_id: int) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "role.assign", institution)
    form = RecallCloseForm(request.POST)
    if not form.is_valid():
        return _page(request, institution, error=_("Choose the outcome."), status=422)
    try:
        petition = roles.recall_get(institution=institution, petition_id=petition_id)
        roles.recall_close(
            actor=request.user, petition=petition, outcome=form.cleaned_data["outcome"]
        )
    except DomainError as exc:
        return _refused(request, institution, exc)
    messages.success(
        request,
        _("The outcome of the petition to recall %(name)s is recorded: %(outcome)s.")
        % {
            "name": petition.role_term.membership.user.full_name,
            "outcome": roles.recall_outcome_label(form.cleaned_data["outcome"]),
        },
    )
    return _done(slug)
