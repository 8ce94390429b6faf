"""Meeting pages: schedule and agenda, door code and check-in, attendance, the
speakers' queue (a page and a fragment the page's script polls), minutes, PDFs.

Thin views: parse the form, call a service, redirect with a message, or show
the page again with the errors (422 invalid, 409 state conflict, 403 refused).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.core.errors import DomainError, NotFound, PermissionDenied
from bloc.decisions.markdown import render as render_markdown
from bloc.forms import add_domain_error
from bloc.institutions.models import Institution
from bloc.institutions.views import get_institution, require_page
from bloc.meetings import pdf, selectors, services
from bloc.meetings.forms import (
    AgendaItemForm,
    CheckInForm,
    MarkPresentForm,
    MeetingForm,
    MinutesForm,
)
from bloc.meetings.models import AgendaItem, Meeting
from bloc.permissions.roles import remembering_facts

# --- helpers -------------------------------------------------------------------


def _meeting(request: HttpRequest, slug: str, meeting_id: int) -> Meeting:
    institution = get_institution(slug)
    require_page(request, "meeting.view", institution)
    try:
        return selectors.meeting_get(institution=institution, meeting_id=meeting_id)
    except NotFound:
        raise Http404 from None


def _may_manage(request: HttpRequest, meeting: Meeting) -> bool:
    return bool(permissions.check(request.user, "meeting.manage", meeting.institution))


def _done(meeting: Meeting, name: str = "meeting_detail", anchor: str = "") -> HttpResponse:
    response = redirect(
        f"institutions:{name}", slug=meeting.institution.slug, meeting_id=meeting.pk
    )
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _minutes_label(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _detail(
    request: HttpRequest,
    meeting: Meeting,
    *,
    agenda_form: AgendaItemForm | None = None,
    checkin_form: CheckInForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    institution = meeting.institution
    may_manage = _may_manage(request, meeting)
    attendance = selectors.attendance_of(meeting, request.user)
    minutes = selectors.minutes_of(meeting)
    polls, proposals = selectors.decisions_in(meeting)
    rows, shares = ([], [])
    over = selectors.is_over(meeting)
    if over or meeting.started_at:
        rows, shares = selectors.speaking_statistics(meeting)
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting).select_related("proposal", "concern", "poll")
    )
    context = {
        "institution": institution,
        "meeting": meeting,
        "agenda": agenda,
        "may_manage": may_manage,
        "may_attend": bool(permissions.check(request.user, "meeting.attend", institution)),
        "may_create_poll": bool(permissions.check(request.user, "poll.create", institution)),
        "open": selectors.is_open(meeting),
        "over": over,
        "attendance": attendance,
        "quorum": selectors.quorum(meeting),
        "agenda_form": agenda_form
        or (AgendaItemForm(institution=institution) if may_manage else None),
        "checkin_form": checkin_form or CheckInForm(),
        "minutes": minutes,
        "minutes_visible": minutes is not None and selectors.minutes_visible(minutes, request.user),
        "minutes_html": render_markdown(minutes.text) if minutes else "",
        "decided_polls": polls,
        "decided_proposals": proposals,
        "to_approve": selectors.minutes_to_approve(meeting) if may_manage else [],
        "speakers": [
            {"name": r.name, "turns": r.turns, "time": _minutes_label(r.seconds)} for r in rows
        ],
        "shares": [
            {
                "group": s.group,
                "attendees": s.attendees,
                "attendance_percent": round(s.attendance_share * 100),
                "speaking_percent": round(s.speaking_share * 100),
            }
            for s in shares
        ],
        "error": error,
    }
    return render(request, "meetings/meeting_detail.html", context, status=status)


def _refused(request: HttpRequest, meeting: Meeting, exc: DomainError) -> HttpResponse:
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(exc.message)
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    return _detail(request, meeting, error=exc.message, status=exc.status)


# --- list, schedule, agenda ----------------------------------------------------


@login_required
@require_GET
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "meeting.view", institution)
    upcoming, past = selectors.meetings_of(institution=institution)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "institution": institution,
            "upcoming": upcoming,
            "past": past,
            "may_manage": bool(permissions.check(request.user, "meeting.manage", institution)),
        },
    )


def _save_meeting(
    request: HttpRequest, institution: Institution, meeting: Meeting | None
) -> HttpResponse:
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if meeting is None:
                    meeting = services.meeting_create(
                        actor=request.user, institution=institution, **data
                    )
                    messages.success(request, _("The meeting is scheduled."))
                else:
                    services.meeting_update(actor=request.user, meeting=meeting, **data)
                    messages.success(request, _("The meeting is updated."))
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return _done(meeting)
        status = 422
    else:
        initial: dict[str, Any] = {}
        if meeting is not None:
            initial = {
                "title": meeting.title,
                "starts_at": timezone.localtime(meeting.starts_at),
                "ends_at": timezone.localtime(meeting.ends_at),
                "place": meeting.place,
                "online_link": meeting.online_link,
                "ordering": meeting.ordering,
            }
        form, status = MeetingForm(initial=initial), 200
    return render(
        request,
        "meetings/meeting_form.html",
        {"institution": institution, "meeting": meeting, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_institution(slug)
    require_page(request, "meeting.manage", institution)
    return _save_meeting(request, institution, None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    require_page(request, "meeting.manage", meeting.institution)
    return _save_meeting(request, meeting.institution, meeting)


@login_required
@require_GET
@remembering_facts
def meeting_detail(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    return _detail(request, _meeting(request, slug, meeting_id))


@login_required
@require_POST
def meeting_end(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    try:
        services.meeting_end(actor=request.user, meeting=meeting)
    except DomainError as exc:
        return _refused(request, meeting, exc)
    messages.success(request, _("The meeting has ended."))
    return _done(meeting)


@login_required
@require_POST
def agenda_add(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    require_page(request, "meeting.manage", meeting.institution)
    form = AgendaItemForm(request.POST, institution=meeting.institution)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.agenda_add(
                actor=request.user,
                meeting=meeting,
                title=data["title"],
                notes=data["notes"],
                minutes_allotted=data["minutes_allotted"],
                proposal_id=data["proposal"],
                concern_id=data["concern"],
                poll_id=data["poll"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The item is on the agenda."))
            return _done(meeting, anchor="agenda-heading")
    return _detail(request, meeting, agenda_form=form, status=422)


@login_required
@require_POST
def agenda_move(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    try:
        item = services.agenda_item_get(meeting=meeting, item_id=item_id)
        services.agenda_move(actor=request.user, item=item, up=request.POST.get("to") == "up")
    except DomainError as exc:
        return _refused(request, meeting, exc)
    return _done(meeting, anchor="agenda-heading")


@login_required
@require_POST
def agenda_remove(request: HttpRequest, slug: str, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    try:
        item = services.agenda_item_get(meeting=meeting, item_id=item_id)
        services.agenda_remove(actor=request.user, item=item)
    except DomainError as exc:
        return _refused(request, meeting, exc)
    messages.success(request, _("The item is off the agenda."))
    return _done(meeting, anchor="agenda-heading")


# --- PDFs ------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def agenda_pdf(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    html = pdf.agenda_html(meeting, language=translation.get_language())
    return _pdf(pdf.render_pdf(html), f"meeting-{meeting.pk}-agenda.pdf")


@login_required
@require_GET
def signin_pdf(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    require_page(request, "meeting.manage", meeting.institution)
    html = pdf.signin_html(meeting, language=translation.get_language())
    return _pdf(pdf.render_pdf(html), f"meeting-{meeting.pk}-sign-in.pdf")


# --- door code, check-in, attendance -------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def door_code(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """GET: the page with the button; POST: a new code, shown this once."""
    meeting = _meeting(request, slug, meeting_id)
    require_page(request, "meeting.manage", meeting.institution)
    code = ""
    if request.method == "POST":
        code = services.door_code_new(actor=request.user, meeting=meeting)
    response = render(
        request,
        "meetings/door_code.html",
        {
            "institution": meeting.institution,
            "meeting": meeting,
            "code": code,
            "has_code": bool(meeting.checkin_digest),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def check_in(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            _attendance, new = services.check_in(
                actor=request.user,
                meeting=meeting,
                code=form.cleaned_data["code"],
                mode=form.cleaned_data["mode"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            add_domain_error(form, exc)
            return _detail(request, meeting, checkin_form=form, status=exc.status)
        if new:
            messages.success(request, _("You are checked in. Welcome!"))
        else:
            messages.info(request, _("You are already checked in."))
        return _done(meeting, "meeting_queue")
    return _detail(request, meeting, checkin_form=form, status=422)


def _attendance_page(
    request: HttpRequest, meeting: Meeting, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "meetings/attendance.html",
        {
            "institution": meeting.institution,
            "meeting": meeting,
            "rows": selectors.members_for_attendance(meeting),
            "quorum": selectors.quorum(meeting),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    require_page(request, "meeting.manage", meeting.institution)
    if request.method == "GET":
        return _attendance_page(request, meeting)
    form = MarkPresentForm(request.POST)
    if not form.is_valid():
        return _attendance_page(
            request, meeting, error=_("Choose a member and how they attend."), status=422
        )
    try:
        services.attendance_mark(
            actor=request.user,
            meeting=meeting,
            user_id=form.cleaned_data["user"],
            mode=form.cleaned_data["mode"],
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except DomainError as exc:
        return _attendance_page(request, meeting, error=exc.message, status=exc.status)
    return _done(meeting, "meeting_attendance")


@login_required
@require_POST
def attendance_undo(request: HttpRequest, slug: str, meeting_id: int, user_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    try:
        services.attendance_undo(actor=request.user, meeting=meeting, user_id=user_id)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except DomainError as exc:
        return _attendance_page(request, meeting, error=exc.message, status=exc.status)
    return _done(meeting, "meeting_attendance")


# --- the speakers' queue -------------------------------------------------------


def _queue_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    state = selectors.queue_state(meeting, request.user)
    return {
        "institution": meeting.institution,
        "meeting": meeting,
        "state": state,
        "may_manage": _may_manage(request, meeting),
        "timer": _minutes_label(state.speaking_seconds),
    }


def _queue_page(
    request: HttpRequest, meeting: Meeting, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = _queue_context(request, meeting)
    context["error"] = error
    context["checkin_form"] = CheckInForm()
    return render(request, "meetings/queue.html", context, status=status)


@login_required
@require_GET
def queue(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    return _queue_page(request, _meeting(request, slug, meeting_id))


@login_required
@require_GET
def queue_fragment(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    response = render(request, "meetings/_queue.html", _queue_context(request, meeting))
    response["Cache-Control"] = "no-store"
    return response


def _queue_action(request: HttpRequest, slug: str, meeting_id: int, act: Any) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    try:
        message = act(meeting)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return _queue_page(request, meeting, error=exc.message, status=exc.status)
    if message:
        messages.success(request, message)
    return _done(meeting, "meeting_queue")


@login_required
@require_POST
def queue_join(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    def act(meeting: Meeting) -> str:
        services.queue_join(actor=request.user, meeting=meeting)
        return _("You are in the queue.")

    return _queue_action(request, slug, meeting_id, act)


@login_required
@require_POST
def queue_leave(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    def act(meeting: Meeting) -> str:
        services.queue_leave(actor=request.user, meeting=meeting)
        return _("You left the queue.")

    return _queue_action(request, slug, meeting_id, act)


@login_required
@require_POST
def queue_next(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    def act(meeting: Meeting) -> str:
        entry = services.queue_call_next(actor=request.user, meeting=meeting)
        if entry is None:
            return _("Nobody is waiting to speak.")
        return _("%(name)s has the floor.") % {"name": entry.user.full_name}

    return _queue_action(request, slug, meeting_id, act)


@login_required
@require_POST
def queue_finish(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    def act(meeting: Meeting) -> str:
        services.queue_finish(actor=request.user, meeting=meeting)
        return _("The turn is over.")

    return _queue_action(request, slug, meeting_id, act)


# --- minutes -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    require_page(request, "meeting.manage", meeting.institution)
    minutes = selectors.minutes_of(meeting)
    status = 200
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.minutes_save(
                    actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The minutes are saved as a draft until approved."))
                return _done(meeting, anchor="minutes-heading")
        else:
            status = 422
    else:
        form = MinutesForm(initial={"text": minutes.text if minutes else ""})
    polls, proposals = selectors.decisions_in(meeting)
    return render(
        request,
        "meetings/minutes_form.html",
        {
            "institution": meeting.institution,
            "meeting": meeting,
            "minutes": minutes,
            "form": form,
            "decided_polls": polls,
            "decided_proposals": proposals,
        },
        status=status,
    )


@login_required
@require_POST
def minutes_approve(
    request: HttpRequest, slug: str, meeting_id: int, earlier_id: int
) -> HttpResponse:
    meeting = _meeting(request, slug, meeting_id)
    try:
        earlier = selectors.meeting_get(institution=meeting.institution, meeting_id=earlier_id)
        minutes = selectors.minutes_of(earlier)
        if minutes is None:
            raise NotFound(_("That meeting has no minutes yet."))
        services.minutes_approve(actor=request.user, minutes=minutes, at=meeting)
    except DomainError as exc:
        return _refused(request, meeting, exc)
    messages.success(
        request, _("The minutes of “%(title)s” are approved.") % {"title": earlier.title}
    )
    return _done(meeting, anchor="approve-heading")
