"""Pages about institutions themselves: the list, editing, the area and the bylaws.

The institution's own page and founding one involve membership, so they are in
``bloc.membership.views``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bloc import permissions
from bloc.core.errors import DomainError, NotFound
from bloc.forms import add_domain_error
from bloc.institutions import selectors, services
from bloc.institutions.forms import AreaForm, BylawsForm, InstitutionForm
from bloc.institutions.models import Institution, InstitutionKind


def get_institution(slug: str, *, counts: bool = False) -> Institution:
    try:
        return selectors.institution_get(slug=slug, counts=counts)
    except NotFound:
        raise Http404 from None


def require_page(request: HttpRequest, action: str, obj: object) -> None:
    """A refusal on a page: the translated 403 page (logged-out people go to log in)."""
    decision = permissions.check(request.user, action, obj)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)


def page_refusal(request: HttpRequest, action: str, obj: object) -> HttpResponse | None:
    """None if the viewer may do ``action`` on ``obj``; else a visitor who is not logged
    in is sent to log in (the response), and anyone else gets the 403 page with the reason."""
    decision = permissions.check(request.user, action, obj)
    if decision:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise DjangoPermissionDenied(decision.reason)


def viewable(request: HttpRequest, slug: str, action: str) -> Institution | HttpResponse:
    """The institution if ``action`` lets the viewer see its page (see ``page_refusal``)."""
    institution = get_institution(slug)
    return page_refusal(request, action, institution) or institution


def may(request: HttpRequest, action: str, obj: object) -> bool:
    """Whether to show the viewer a form or a button for ``action``."""
    return bool(permissions.check(request.user, action, obj))


def institution_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in InstitutionKind.values:
        kind = None
    return render(
        request,
        "institutions/list.html",
        {
            "institutions": selectors.institution_list(kind=kind),
            "kinds": InstitutionKind.choices,
            "kind": kind,
        },
    )


@login_required
def institution_edit(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "institution.update", institution)
    initial = {f: getattr(institution, f) for f in ("name", "kind", "description")}
    form = InstitutionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(
                actor=request.user, institution=institution, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("institutions:detail", slug=institution.slug)
    status = 422 if form.is_bound else 200
    return render(
        request, "institutions/edit.html", {"form": form, "institution": institution}, status=status
    )


@login_required
def area_edit(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "institution.update", institution)
    import json

    initial = {
        "addresses": "\n".join(institution.addresses.values_list("address", flat=True)),
        "boundary": json.dumps(institution.boundary) if institution.boundary else "",
    }
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        boundary = form.cleaned_data["boundary"].strip()
        try:
            services.area_set(
                actor=request.user,
                institution=institution,
                addresses=form.cleaned_data["addresses"].splitlines(),
                boundary=boundary or None,
                clear_boundary=form.cleaned_data["clear_boundary"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The area was saved."))
            return redirect("institutions:detail", slug=institution.slug)
    status = 422 if form.is_bound else 200
    return render(
        request, "institutions/area.html", {"form": form, "institution": institution}, status=status
    )


def bylaws(request: HttpRequest, slug: str) -> HttpResponse:
    """The bylaws in force and every earlier version; facilitators record amendments."""
    institution = get_institution(slug)
    current = selectors.bylaws_current(institution=institution)
    rules = selectors.bylaws_settings(institution=institution)
    may_amend = permissions.check(request.user, "bylaws.amend", institution)
    form = None
    status = 200
    if may_amend:
        initial = {
            **rules.to_dict(),
            "custom_roles": ", ".join(rules.custom_roles),
            "text": current.text if current else "",
        }
        form = BylawsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.bylaws_amend(
                    actor=request.user,
                    institution=institution,
                    text=form.cleaned_data["text"],
                    rules=form.rules(),
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The new version of the bylaws was recorded."))
                return redirect("institutions:bylaws", slug=institution.slug)
        if form.is_bound:
            status = 422
    elif request.method == "POST":
        require_page(request, "bylaws.amend", institution)
    return render(
        request,
        "institutions/bylaws.html",
        {
            "institution": institution,
            "current": current,
            "rules": rules,
            "choice_labels": BylawsForm.choice_labels(rules),
            "history": selectors.bylaws_history(institution=institution),
            "form": form,
        },
        status=status,
    )
