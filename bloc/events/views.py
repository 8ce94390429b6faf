"""Events pages under /institutions/<slug>/: the list, one event with its answers and
shifts, setting one up and changing it; and the institution's calendar downloads.

Each form posts to its own URL: on success a redirect with a message, on a refusal
the event's page again with the reason (422 for bad input, 409 when the state
forbids it, such as a full shift; nothing is written either way).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.core.errors import DomainError, NotFound, PermissionDenied
from bloc.events import calendars, selectors, services
from bloc.events.forms import EventForm, RsvpForm, ShiftForm
from bloc.events.models import CalendarToken, Event, Rsvp
from bloc.forms import add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution, require_page


def _event(request: HttpRequest, slug: str, event_id: int) -> tuple[Institution, Event]:
    institution = get_institution(slug)
    require_page(request, "event.view", institution)
    try:
        return institution, selectors.event_get(institution, event_id)
    except NotFound:
        raise Http404 from None


def _detail(
    request: HttpRequest,
    institution: Institution,
    event: Event,
    *,
    shift_form: ShiftForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    may_manage = bool(permissions.check(request.user, "event.manage", institution))
    may_take_part = bool(permissions.check(request.user, "event.take_part", institution))
    now = timezone.now()
    is_open = event.cancelled_at is None and event.ends_at > now
    if may_manage and is_open and shift_form is None:
        shift_form = ShiftForm(
            initial={
                "starts_at": timezone.localtime(event.starts_at),
                "ends_at": timezone.localtime(event.ends_at),
            }
        )
    counts = selectors.rsvp_counts(event)
    context = {
        "institution": institution,
        "event": event,
        "is_open": is_open,
        "may_manage": may_manage,
        "may_take_part": may_take_part,
        "answers": [(value, label, counts[value]) for value, label in Rsvp.Answer.choices],
        "my_answer": selectors.rsvp_of(event, request.user),
        "shifts": selectors.shifts_of(event, request.user),
        "shift_form": shift_form if may_manage and is_open else None,
        "now": now,
        "error": error,
    }
    return render(request, "events/event_detail.html", context, status=status)


def _refused(
    request: HttpRequest, institution: Institution, event: Event, exc: DomainError
) -> HttpResponse:
    """A refused button: the page again with the reason on top; nothing was written."""
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(exc.message)
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    event.refresh_from_db()
    return _detail(request, institution, event, error=exc.message, status=exc.status)


def _to_event(event: Event) -> HttpResponse:
    return redirect("institutions:event_detail", slug=event.institution.slug, event_id=event.pk)


# --- pages ---------------------------------------------------------------------


@require_GET
def events(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "event.view", institution)
    context = {
        "institution": institution,
        "lists": selectors.event_list(institution),
        "may_manage": bool(permissions.check(request.user, "event.manage", institution)),
    }
    return render(request, "events/event_list.html", context)


def _form_page(
    request: HttpRequest,
    institution: Institution,
    form: EventForm,
    event: Event | None,
    status: int,
) -> HttpResponse:
    context = {"institution": institution, "form": form, "event": event}
    return render(request, "events/event_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "event.manage", institution)
    if request.method == "GET":
        return _form_page(request, institution, EventForm(), None, 200)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            event = services.event_create(
                actor=request.user, institution=institution, **form.cleaned_data
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The event is set up."))
            return _to_event(event)
    return _form_page(request, institution, form, None, 422)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    institution, event = _event(request, slug, event_id)
    require_page(request, "event.manage", institution)
    if request.method == "GET":
        form = EventForm(
            initial={
                "title": event.title,
                "description": event.description,
                "place": event.place,
                "starts_at": timezone.localtime(event.starts_at),
                "ends_at": timezone.localtime(event.ends_at),
            }
        )
        return _form_page(request, institution, form, event, 200)
    form = EventForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The event is changed."))
            return _to_event(event)
    return _form_page(request, institution, form, event, status)


@require_GET
def event_detail(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    institution, event = _event(request, slug, event_id)
    return _detail(request, institution, event)


@login_required
@require_POST
def event_cancel(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    institution, event = _event(request, slug, event_id)
    require_page(request, "event.manage", institution)
    try:
        services.event_cancel(actor=request.user, event=event)
    except DomainError as exc:
        return _refused(request, institution, event, exc)
    messages.success(request, _("The event is cancelled."))
    return _to_event(event)


@login_required
@require_POST
def event_rsvp(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    institution, event = _event(request, slug, event_id)
    require_page(request, "event.take_part", institution)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        return _detail(
            request, institution, event, error=_("Choose going, maybe or not going."), status=422
        )
    try:
        rsvp = services.rsvp_set(
            actor=request.user, event=event, answer=form.cleaned_data["answer"]
        )
    except DomainError as exc:
        return _refused(request, institution, event, exc)
    messages.success(
        request, _("Your answer is saved: %(answer)s.") % {"answer": rsvp.get_answer_display()}
    )
    return _to_event(event)


@login_required
@require_POST
def shift_create(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    institution, event = _event(request, slug, event_id)
    require_page(request, "event.manage", institution)
    form = ShiftForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.shift_create(actor=request.user, event=event, **form.cleaned_data)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The shift is added."))
            return _to_event(event)
    return _detail(request, institution, event, shift_form=form, status=status)


def _shift_action(
    request: HttpRequest, slug: str, event_id: int, shift_id: int, action: str
) -> Any:
    institution, event = _event(request, slug, event_id)
    try:
        shift = selectors.shift_get(event, shift_id)
    except NotFound:
        raise Http404 from None
    try:
        if action == "sign_up":
            services.shift_sign_up(actor=request.user, shift=shift)
        elif action == "withdraw":
            services.shift_withdraw(actor=request.user, shift=shift)
        else:
            services.shift_delete(actor=request.user, shift=shift)
    except DomainError as exc:
        return _refused(request, institution, event, exc)
    if action == "sign_up":
        messages.success(request, _("You signed up for “%(task)s”.") % {"task": shift.title})
        overlapping = list(selectors.shifts_overlapping(request.user, shift))
        if overlapping:
            messages.warning(
                request,
                _("This shift overlaps another of yours: %(tasks)s.")
                % {"tasks": ", ".join(f"{s.title} ({s.event.title})" for s in overlapping)},
            )
    elif action == "withdraw":
        messages.success(request, _("You withdrew from “%(task)s”.") % {"task": shift.title})
    else:
        messages.success(request, _("The shift “%(task)s” is removed.") % {"task": shift.title})
    return _to_event(event)


@login_required
@require_POST
def shift_sign_up(request: HttpRequest, slug: str, event_id: int, shift_id: int) -> HttpResponse:
    return _shift_action(request, slug, event_id, shift_id, "sign_up")


@login_required
@require_POST
def shift_withdraw(request: HttpRequest, slug: str, event_id: int, shift_id: int) -> HttpResponse:
    return _shift_action(request, slug, event_id, shift_id, "withdraw")


@login_required
@require_POST
def shift_delete(request: HttpRequest, slug: str, event_id: int, shift_id: int) -> HttpResponse:
    return _shift_action(request, slug, event_id, shift_id, "delete")


# --- calendar downloads ------------------------------------------------------------


def ics_response(calendar: Any, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _may_see_calendar(request: HttpRequest, institution: Institution) -> bool:
    """``decisions.view`` for the visitor, or for the owner of ``?token=`` (calendar apps
    carry no session)."""
    if permissions.check(request.user, "decisions.view", institution):
        return True
    token = request.GET.get("token", "")
    if not token:
        return False
    owner = (
        CalendarToken.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    return owner is not None and bool(permissions.check(owner.user, "decisions.view", institution))


def _calendar_institution(request: HttpRequest, slug: str) -> Institution:
    institution = get_institution(slug)
    if not _may_see_calendar(request, institution):
        raise DjangoPermissionDenied(_("Only members of this institution can see this."))
    return institution


@require_GET
def calendar_feed(request: HttpRequest, slug: str) -> HttpResponse:
    institution = _calendar_institution(request, slug)
    return ics_response(calendars.institution_calendar(institution), f"{slug}.ics", download=False)


@require_GET
def meeting_ics(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    from bloc.meetings.models import Meeting

    institution = _calendar_institution(request, slug)
    meeting = (
        Meeting.objects.filter(institution=institution, pk=meeting_id)
        .select_related("institution")
        .first()
    )
    if meeting is None:
        raise Http404
    calendar = calendars.single_calendar(calendars.meeting_item(meeting), meeting.title)
    return ics_response(calendar, f"meeting-{meeting.pk}.ics", download=True)


@require_GET
def event_ics(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    institution = _calendar_institution(request, slug)
    try:
        event = selectors.event_get(institution, event_id)
    except NotFound:
        raise Http404 from None
    calendar = calendars.single_calendar(calendars.event_item(event), event.title)
    return ics_response(calendar, f"event-{event.pk}.ics", download=True)
