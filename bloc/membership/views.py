"""Pages about membership: an institution's page, founding one, joining, leaving,
the members list, verifying and vouching."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bloc import permissions
from bloc.core.errors import DomainError
from bloc.forms import add_domain_error
from bloc.institutions.forms import InstitutionCreateForm
from bloc.institutions.views import get_institution, require_page
from bloc.membership import selectors, services
from bloc.membership.forms import JoinForm
from bloc.membership.models import Membership, Vouch
from bloc.permissions.roles import remembering_facts


def _member(slug: str, membership_id: int) -> Membership:
    try:
        return selectors.member_get(institution_slug=slug, membership_id=membership_id)
    except DomainError:
        raise Http404 from None


@remembering_facts
def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug, counts=True)
    context = selectors.institution_page(institution=institution, viewer=request.user)
    return render(request, "institutions/detail.html", context)


@login_required
def institution_create(request: HttpRequest) -> HttpResponse:
    form = InstitutionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_found(
                actor=request.user,
                chapter=form.cleaned_data["chapter"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                addresses=form.cleaned_data["addresses"].splitlines(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was founded. You are its first facilitator.")
                % {"name": institution.name},
            )
            return redirect("institutions:detail", slug=institution.slug)
    status = 422 if form.is_bound else 200
    return render(request, "institutions/create.html", {"form": form}, status=status)


@login_required
def join(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    form = JoinForm(request.POST or None, initial={"address": request.user.address})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_join(
                actor=request.user,
                institution=institution,
                address=form.cleaned_data["address"],
                location=form.location(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "You joined %(name)s. To vote, have your residency verified: by a "
                    "facilitator, by neighbors who vouch for you, or with the code of a letter."
                )
                % {"name": institution.name},
            )
            return redirect("institutions:detail", slug=institution.slug)
    status = 422 if form.is_bound else 200
    return render(
        request, "membership/join.html", {"form": form, "institution": institution}, status=status
    )


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    membership = Membership.objects.filter(
        institution=institution, user=request.user, left_at__isnull=True
    ).first()
    if membership is not None:
        services.membership_leave(actor=request.user, membership=membership)
        messages.success(request, _("You left %(name)s.") % {"name": institution.name})
    return redirect("institutions:detail", slug=institution.slug)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "membership.list", institution)
    viewer = selectors.membership_of_viewer(institution=institution, viewer=request.user)
    return render(
        request,
        "membership/members.html",
        {
            "institution": institution,
            "members": selectors.member_list(institution=institution),
            "viewer": viewer,
            "may_verify": bool(permissions.check(request.user, "membership.verify", institution)),
        },
    )


def _act(request: HttpRequest, slug: str, success: str, action) -> HttpResponse:  # type: ignore[no-untyped-def]
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("institutions:members", slug=slug)


@login_required
@require_POST
def verify(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = _member(slug, membership_id)
    return _act(
        request,
        slug,
        _("%(name)s's residency is verified.") % {"name": membership.user.full_name},
        lambda: services.membership_verify(actor=request.user, membership=membership),
    )


@login_required
@require_POST
def unverify(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = _member(slug, membership_id)
    reason = request.POST.get("reason", "")
    return _act(
        request,
        slug,
        _("The verification of %(name)s was withdrawn.") % {"name": membership.user.full_name},
        lambda: services.membership_unverify(
            actor=request.user, membership=membership, reason=reason
        ),
    )


@login_required
@require_POST
def vouch(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = _member(slug, membership_id)
    return _act(
        request,
        slug,
        _("You vouched for %(name)s.") % {"name": membership.user.full_name},
        lambda: services.vouch_give(actor=request.user, vouchee=membership),
    )


@login_required
@require_POST
def vouch_withdraw(request: HttpRequest, slug: str, vouch_id: int) -> HttpResponse:
    institution = get_institution(slug)
    found = (
        Vouch.objects.select_related("voucher", "vouchee__user")
        .filter(pk=vouch_id, vouchee__institution=institution)
        .first()
    )
    if found is None:
        raise Http404
    return _act(
        request,
        slug,
        _("You withdrew your vouch for %(name)s.") % {"name": found.vouchee.user.full_name},
        lambda: services.vouch_withdraw(actor=request.user, vouch=found),
    )
