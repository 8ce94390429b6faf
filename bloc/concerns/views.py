"""Concerns pages: the list, the report form, one concern, the working groups.

Every form on a concern posts to its own URL and, on success, redirects back with
a message; on a refusal the page is shown again with the errors (422 for bad
input, 409 when the state does not allow it, 403 for permission).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.concerns import selectors as sel
from bloc.concerns import services as svc
from bloc.concerns.forms import AssignForm, ReportForm, UpdateForm, WorkingGroupForm
from bloc.concerns.models import Category, Concern, ConcernState
from bloc.core import concerns as rules
from bloc.core.errors import DomainError, NotFound, PermissionDenied
from bloc.forms import add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution, may, viewable

PHOTO_CACHE_SECONDS = 365 * 24 * 3600  # a photo never changes under its address

# --- helpers -------------------------------------------------------------------


def _concern(institution: Institution, concern_id: int) -> Concern:
    try:
        return sel.concern_get(institution=institution, concern_id=concern_id)
    except NotFound:
        raise Http404 from None


def _back(concern: Concern) -> HttpResponse:
    return redirect(
        "institutions:concern_detail", slug=concern.institution.slug, concern_id=concern.pk
    )


def _page(
    request: HttpRequest,
    institution: Institution,
    concern: Concern,
    *,
    error: str = "",
    status: int = 200,
    **bound: forms.Form,
) -> HttpResponse:
    concern = sel.concern_get(institution=institution, concern_id=concern.pk)
    user = request.user
    is_open = concern.state in rules.OPEN
    may_assign = is_open and may(request, "concern.assign", institution)
    if may_assign and permissions.check(user, "working_group.create", institution):
        groups = sel.working_group_list(institution=institution)
    else:
        groups = sel.groups_of(institution=institution, user=user)
    next_states = rules.next_states(concern.state)
    context = {
        "institution": institution,
        "concern": concern,
        "photos": sel.concern_photos(concern=concern),
        "updates": sel.concern_updates(concern=concern),
        "me_too": sel.has_me_too(concern=concern, user=user),
        "may_me_too": may(request, "concern.me_too", institution),
        "may_update": may(request, "concern.update", concern),
        "may_assign": may_assign and bool(groups),
        "may_raise": concern.proposal_id is None and may(request, "concern.raise", institution),
        "may_see_proposal": concern.proposal_id is not None
        and may(request, "decisions.view", institution),
        "update_form": bound.get("update_form") or UpdateForm(next_states=next_states),
        "assign_form": bound.get("assign_form")
        or AssignForm(groups=groups, initial={"working_group": concern.working_group_id}),
        "error": error,
    }
    return render(request, "concerns/detail.html", context, status=status)


def _posting(request: HttpRequest, slug: str, concern_id: int) -> tuple[Institution, Concern]:
    if not request.user.is_authenticated:
        raise DjangoPermissionDenied(_("You need to log in first."))
    institution = get_institution(slug)
    if not permissions.check(request.user, "concern.view", institution):
        raise DjangoPermissionDenied(_("Only members of this institution can do this."))
    return institution, _concern(institution, concern_id)


def _refused(
    request: HttpRequest, institution: Institution, concern: Concern, exc: DomainError
) -> HttpResponse:
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(exc.message)
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return _page(request, institution, concern, error=exc.message, status=exc.status)


def _button(
    request: HttpRequest, slug: str, concern_id: int, act: Callable[[Concern], str]
) -> HttpResponse:
    """A button of the concern page: do it and say what happened, or show the refusal."""
    institution, concern = _posting(request, slug, concern_id)
    try:
        message = act(concern)
    except DomainError as exc:
        return _refused(request, institution, concern, exc)
    messages.success(request, message)
    return _back(concern)


def _submit(
    request: HttpRequest,
    institution: Institution,
    concern: Concern,
    name: str,
    form: forms.Form,
    act: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """A form of the concern page: do it, or show the page again with the form's errors."""
    status = 422
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, success)
            return _back(concern)
    return _page(request, institution, concern, status=status, **{name: form})


# --- concerns ------------------------------------------------------------------


@require_GET
def concerns(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "concern.view")
    if isinstance(found, HttpResponse):
        return found
    state = request.GET.get("state", "")
    category = request.GET.get("category", "")
    listing = sel.concern_list(institution=found, state=state, category=category)
    context = {
        "institution": found,
        "listing": listing,
        "state": state if state in ConcernState.values else "",
        "category": category if category in Category.values else "",
        "states": ConcernState.choices,
        "categories": Category.choices,
        "may_report": may(request, "concern.report", found),
    }
    return render(request, "concerns/list.html", context)


@require_http_methods(["GET", "POST"])
def concern_report(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "concern.report")
    if isinstance(found, HttpResponse):
        return found
    institution = found
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = svc.concern_report(
                    actor=request.user,
                    institution=institution,
                    category=data["category"],
                    place=data["place"],
                    description=data["description"],
                    anonymous=data["anonymous"],
                    photos=data["photos"],
                    photo_description=data["photo_description"],
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                if data["anonymous"]:
                    messages.success(request, _("Thank you. Your concern is reported anonymously."))
                else:
                    messages.success(request, _("Thank you. Your concern is reported."))
                if permissions.check(request.user, "concern.view", institution):
                    return _back(concern)
                return redirect("institutions:detail", slug=institution.slug)
    else:
        form = ReportForm()
    context = {"institution": institution, "form": form}
    return render(request, "concerns/report.html", context, status=status)


@require_GET
def concern_detail(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    found = viewable(request, slug, "concern.view")
    if isinstance(found, HttpResponse):
        return found
    return _page(request, found, _concern(found, concern_id))


@require_GET
def concern_photo(request: HttpRequest, slug: str, concern_id: int, photo_id: int) -> HttpResponse:
    institution = get_institution(slug)
    decision = permissions.check(request.user, "concern.view", institution)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)
    try:
        photo = sel.photo_get(institution=institution, concern_id=concern_id, photo_id=photo_id)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    # Public records may sit in shared caches; members-only photos only in the browser's.
    public = not request.user.is_authenticated
    scope = "public" if public else "private"
    response["Cache-Control"] = f"{scope}, max-age={PHOTO_CACHE_SECONDS}, immutable"
    return response


@require_POST
def me_too(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    def act(concern: Concern) -> str:
        if svc.me_too_add(actor=request.user, concern=concern):
            return _("You said “me too”.")
        return _("You had already said “me too”; it counts once.")

    return _button(request, slug, concern_id, act)


@require_POST
def me_too_withdraw(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    def act(concern: Concern) -> str:
        if svc.me_too_withdraw(actor=request.user, concern=concern):
            return _("You took back your “me too”.")
        return _("You had not said “me too”.")

    return _button(request, slug, concern_id, act)


@require_POST
def concern_raise(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    institution, concern = _posting(request, slug, concern_id)
    try:
        proposal = svc.concern_raise(actor=request.user, concern=concern)
    except DomainError as exc:
        return _refused(request, institution, concern, exc)
    messages.success(
        request,
        _("A draft proposal is made from the concern. Edit it, then open it for discussion."),
    )
    return redirect("institutions:proposal_detail", slug=slug, proposal_id=proposal.pk)


@require_POST
def concern_assign(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    institution, concern = _posting(request, slug, concern_id)
    groups = sel.working_group_list(institution=institution)
    form = AssignForm(request.POST, groups=groups)

    def act(data: dict[str, Any]) -> object:
        group = None
        if data["working_group"] is not None:
            group = sel.working_group_get(institution=institution, group_id=data["working_group"])
        return svc.concern_assign(actor=request.user, concern=concern, working_group=group)

    return _submit(
        request, institution, concern, "assign_form", form, act, _("The concern is assigned.")
    )


@require_POST
def concern_update(request: HttpRequest, slug: str, concern_id: int) -> HttpResponse:
    institution, concern = _posting(request, slug, concern_id)
    form = UpdateForm(request.POST, next_states=rules.next_states(concern.state))
    decision = permissions.check(request.user, "concern.update", concern)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)
    if not form.is_valid() and "state" in form.errors:
        # A state the concern cannot move to (the page was stale): say so, as a conflict.
        exc = svc.transition_refused(
            rules.ConcernProblem(
                "not_allowed", current=concern.state, target=request.POST.get("state", "")
            )
        )
        return _refused(request, institution, concern, exc)

    def act(data: dict[str, Any]) -> object:
        return svc.concern_update(
            actor=request.user, concern=concern, text=data["text"], state=data["state"]
        )

    return _submit(
        request, institution, concern, "update_form", form, act, _("The update is published.")
    )


# --- working groups ------------------------------------------------------------


def _groups_page(
    request: HttpRequest,
    institution: Institution,
    *,
    form: WorkingGroupForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    may_create = may(request, "working_group.create", institution)
    mine = {g.pk for g in sel.groups_of(institution=institution, user=request.user)}
    context = {
        "institution": institution,
        "groups": sel.working_group_list(institution=institution),
        "mine": mine,
        "may_join": may(request, "working_group.join", institution),
        "may_create": may_create,
        "form": form or WorkingGroupForm(),
        "error": error,
    }
    return render(request, "concerns/working_groups.html", context, status=status)


@require_GET
def working_groups(request: HttpRequest, slug: str) -> HttpResponse:
    found = viewable(request, slug, "concern.view")
    if isinstance(found, HttpResponse):
        return found
    return _groups_page(request, found)


@require_POST
def working_group_create(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise DjangoPermissionDenied(_("You need to log in first."))
    institution = get_institution(slug)
    decision = permissions.check(request.user, "working_group.create", institution)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)
    form = WorkingGroupForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            group = svc.working_group_create(
                actor=request.user,
                institution=institution,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(
                request, _("The working group %(name)s is set up.") % {"name": group.name}
            )
            return redirect("institutions:working_groups", slug=slug)
    return _groups_page(request, institution, form=form, status=status)


def _group_button(request: HttpRequest, slug: str, group_id: int, join: bool) -> HttpResponse:
    if not request.user.is_authenticated:
        raise DjangoPermissionDenied(_("You need to log in first."))
    institution = get_institution(slug)
    try:
        group = sel.working_group_get(institution=institution, group_id=group_id)
        if join:
            changed = svc.working_group_join(actor=request.user, group=group)
            message = _("You joined %(name)s.") if changed else _("You were already in %(name)s.")
        else:
            changed = svc.working_group_leave(actor=request.user, group=group)
            message = _("You left %(name)s.") if changed else _("You were not in %(name)s.")
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return _groups_page(request, institution, error=exc.message, status=exc.status)
    messages.success(request, message % {"name": group.name})
    return redirect("institutions:working_groups", slug=slug)


@require_POST
def working_group_join(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    return _group_button(request, slug, group_id, join=True)


@require_POST
def working_group_leave(request: HttpRequest, slug: str, group_id: int) -> HttpResponse:
    return _group_button(request, slug, group_id, join=False)
