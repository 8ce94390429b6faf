"""The campaign pages under /electoral/campaigns/: thin views over the services.

Anyone sees the list of campaigns with their progress totals, and a campaign's page
with the volunteer shifts the institutions offer. Contact data is shown only to the
campaign's roles: its managers see every turf, a canvasser their own. The canvass page
of a turf is a list of doors, each with its own small form, and works without
JavaScript on a phone. A refusal shows the page again with the service's message and
its status (422 bad input, 409 not now, 403 not allowed); nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bloc import permissions
from bloc.accounts.models import User
from bloc.core.addresses import normalize
from bloc.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from bloc.electoral import campaign_selectors as sel
from bloc.electoral import campaigns as services
from bloc.electoral.campaign_forms import (
    CampaignForm,
    CanvassersForm,
    ContactForm,
    OfferForm,
    RoleForm,
    TurfForm,
)
from bloc.electoral.models import Campaign, Candidate, Petition, Stage, Turf
from bloc.events.models import Event, Shift
from bloc.events.services import shift_sign_up, shift_withdraw
from bloc.forms import add_domain_error
from bloc.institutions.models import AreaAddress, Chapter, ChapterOrganizer, Institution

Bound = dict[str, Any]


def _may(request: HttpRequest, action: str, obj: object) -> bool:
    return bool(permissions.check(request.user, action, obj))


def _campaign(pk: int) -> Campaign:
    try:
        return sel.campaign_get(pk=pk)
    except NotFound:
        raise Http404 from None


def _turf(campaign: Campaign, turf_id: int) -> Turf:
    try:
        return sel.turf_get(campaign=campaign, pk=turf_id)
    except NotFound:
        raise Http404 from None


def _guard(request: HttpRequest, action: str, obj: object) -> HttpResponse | None:
    """Log in first (a visitor), or the 403 page with the reason (anyone else)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    decision = permissions.check(request.user, action, obj)
    if not decision:
        raise DjangoPermissionDenied(decision.reason)
    return None


def _campaign_url(campaign: Campaign, name: str = "campaign", *args: Any) -> str:
    return reverse(f"electoral:{name}", args=[campaign.pk, *args])


# --- the list and starting a campaign ------------------------------------------------


def _organizer_chapters(user: Any) -> list[Chapter]:
    if not user.is_authenticated:
        return []
    return list(
        Chapter.objects.filter(
            pk__in=ChapterOrganizer.objects.filter(user_id=user.pk, ended_at=None).values(
                "chapter_id"
            )
        ).order_by("name")
    )


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    chapter = Chapter.objects.filter(slug=request.GET.get("chapter", "")[:60]).first()
    context = {
        "chapter": chapter,
        "rows": sel.campaign_list(chapter=chapter),
        "may_create": bool(_organizer_chapters(request.user)),
    }
    return render(request, "electoral/campaign_list.html", context)


def _subjects(chapters: list[Chapter]) -> list[Any]:
    candidates = Candidate.objects.filter(
        cycle__chapter__in=chapters, stage=Stage.ENDORSED
    ).order_by("name", "pk")
    petitions = Petition.objects.filter(chapter__in=chapters).order_by("title", "pk")
    return [
        (_("Endorsed candidates"), [(f"c{c.pk}", f"{c.name} ({c.office})") for c in candidates]),
        (_("Petitions"), [(f"p{p.pk}", p.title) for p in petitions]),
    ]


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    chapters = _organizer_chapters(request.user)
    if not chapters:
        raise DjangoPermissionDenied(_("Only the chapter's organizers can do this."))
    subjects = _subjects(chapters)
    form = CampaignForm(request.POST or None, subjects=subjects)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            # The choice is one of the listed subjects: "c<id>" or "p<id>".
            kind, pk = data["subject"][0], int(data["subject"][1:])
            candidate = petition = None
            if kind == "c":
                candidate = Candidate.objects.select_related("cycle__chapter").get(pk=pk)
                chapter = candidate.cycle.chapter
            else:
                petition = Petition.objects.select_related("chapter").get(pk=pk)
                chapter = petition.chapter
            try:
                campaign = services.campaign_create(
                    actor=request.user,
                    chapter=chapter,
                    title=data["title"],
                    candidate=candidate,
                    petition=petition,
                    election_date=data["election_date"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The campaign is started. Give it roles and turfs."))
                return redirect(_campaign_url(campaign, "campaign_manage"))
    return render(request, "electoral/campaign_form.html", {"form": form}, status=status)


# --- a campaign ---------------------------------------------------------------------


def _offer_form(request: HttpRequest, campaign: Campaign, data: Any = None) -> OfferForm | None:
    events = sel.offerable_events(campaign=campaign, viewer=request.user)
    if not events:
        return None
    choices = [
        (str(e.pk), f"{e.title} ({e.institution.name}, {e.starts_at:%Y-%m-%d})") for e in events
    ]
    return OfferForm(data, events=choices)


def campaign_response(
    request: HttpRequest,
    campaign: Campaign,
    *,
    status: int = 200,
    error: str = "",
    offer_form: OfferForm | None = None,
) -> HttpResponse:
    totals = sel.public_totals([campaign])[campaign.pk]
    overview = None
    if _may(request, "campaign.contacts", campaign):
        overview = sel.campaign_overview(campaign=campaign, viewer=request.user)
    context = {
        "campaign": campaign,
        "totals": totals,
        "overview": overview,
        "events": sel.campaign_shifts(campaign=campaign, viewer=request.user),
        "offer_form": offer_form or _offer_form(request, campaign),
        "may_export": _may(request, "campaign.export", campaign),
        "may_manage": _may(request, "campaign.manage", campaign.chapter),
        "error": error,
    }
    return render(request, "electoral/campaign_detail.html", context, status=status)


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return campaign_response(request, _campaign(pk))


@require_POST
def shifts_offer(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_campaign_url(campaign))
    form = _offer_form(request, campaign, request.POST)
    if form is None:
        return campaign_response(
            request, campaign, status=403, error=_("You have no events to offer to this campaign.")
        )
    status = 422
    if form.is_valid():
        event = Event.objects.select_related("institution").get(pk=int(form.cleaned_data["event"]))
        try:
            services.shifts_offer(actor=request.user, campaign=campaign, event=event)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(
                request, _("“%(title)s” is offered to the campaign.") % {"title": event.title}
            )
            return redirect(_campaign_url(campaign))
    return campaign_response(request, campaign, status=status, offer_form=form)


def _shift_action(request: HttpRequest, pk: int, shift_id: int, sign_up: bool) -> HttpResponse:
    campaign = _campaign(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_campaign_url(campaign))
    shift = (
        Shift.objects.filter(pk=shift_id, event__campaigns=campaign)
        .select_related("event", "event__institution")
        .first()
    )
    if shift is None:
        raise Http404
    try:
        if sign_up:
            shift_sign_up(actor=request.user, shift=shift)
        else:
            shift_withdraw(actor=request.user, shift=shift)
    except DomainError as exc:
        return campaign_response(request, campaign, status=exc.status, error=exc.message)
    if sign_up:
        messages.success(request, _("You signed up for “%(task)s”.") % {"task": shift.title})
    else:
        messages.success(request, _("You withdrew from “%(task)s”.") % {"task": shift.title})
    return redirect(_campaign_url(campaign) + "#shifts-heading")


@require_POST
def shift_sign_up_view(request: HttpRequest, pk: int, shift_id: int) -> HttpResponse:
    return _shift_action(request, pk, shift_id, True)


@require_POST
def shift_withdraw_view(request: HttpRequest, pk: int, shift_id: int) -> HttpResponse:
    return _shift_action(request, pk, shift_id, False)


# --- managing: roles, turfs, canvassers --------------------------------------------------


def _people(campaign: Campaign) -> list[tuple[str, str]]:
    return [
        (str(role.user_id), f"{role.user.full_name} ({role.get_role_display()})")
        for role in sel.roles_of(campaign=campaign)
    ]


def _institutions(campaign: Campaign) -> list[tuple[str, str]]:
    return [
        (i.slug, i.name)
        for i in Institution.objects.filter(chapter_id=campaign.chapter_id).order_by("name")
    ]


def manage_response(
    request: HttpRequest, campaign: Campaign, *, status: int = 200, bound: Bound | None = None
) -> HttpResponse:
    bound = bound or {}
    people = _people(campaign)
    turfs = list(
        Turf.objects.filter(campaign=campaign)
        .select_related("institution")
        .prefetch_related("canvassers")
        .order_by("institution__name", "name", "pk")
    )
    turf_rows = [
        {
            "turf": turf,
            "form": bound.get(f"turf-{turf.pk}")
            or CanvassersForm(
                prefix=f"turf-{turf.pk}",
                people=people,
                initial={"canvassers": [str(u.pk) for u in turf.canvassers.all()]},
            ),
        }
        for turf in turfs
    ]
    context = {
        "campaign": campaign,
        "roles": sel.roles_of(campaign=campaign),
        "role_form": bound.get("role") or RoleForm(prefix="role"),
        "turf_form": bound.get("turf")
        or TurfForm(prefix="turf", institutions=_institutions(campaign)),
        "turf_rows": turf_rows,
        "error": bound.get("error", ""),
    }
    return render(request, "electoral/campaign_manage.html", context, status=status)


def _manage(request: HttpRequest, pk: int) -> tuple[Campaign, HttpResponse | None]:
    campaign = _campaign(pk)
    return campaign, _guard(request, "campaign.manage", campaign.chapter)


@require_GET
def campaign_manage(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, refused = _manage(request, pk)
    return refused or manage_response(request, campaign)


def _run(
    request: HttpRequest,
    form: Any,
    act: Callable[[dict[str, Any]], str],
    again: Callable[[int], HttpResponse],
    done_url: str,
) -> HttpResponse:
    status = 422
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, message)
            return redirect(done_url)
    return again(status)


@require_POST
def role_set(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, refused = _manage(request, pk)
    if refused:
        return refused
    form = RoleForm(request.POST, prefix="role")

    def act(data: dict[str, Any]) -> str:
        user = User.objects.filter(email__iexact=data["email"], is_active=True).first()
        if user is None:
            raise ValidationFailed.for_field("email", _("Nobody has an account with this email."))
        services.campaign_role_set(
            actor=request.user, campaign=campaign, user=user, role=data["role"]
        )
        return _("%(name)s has a role in the campaign now.") % {"name": user.full_name}

    return _run(
        request,
        form,
        act,
        lambda status: manage_response(request, campaign, status=status, bound={"role": form}),
        _campaign_url(campaign, "campaign_manage"),
    )


@require_POST
def role_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    campaign, refused = _manage(request, pk)
    if refused:
        return refused
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    try:
        services.campaign_role_remove(actor=request.user, campaign=campaign, user=user)
    except DomainError as exc:
        return manage_response(request, campaign, status=exc.status, bound={"error": exc.message})
    messages.success(
        request, _("%(name)s has no role in the campaign now.") % {"name": user.full_name}
    )
    return redirect(_campaign_url(campaign, "campaign_manage"))


def _addresses_from_lines(institution: Institution, text: str) -> list[AreaAddress] | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    known = {a.key: a for a in AreaAddress.objects.filter(institution=institution)}
    found, unknown = [], []
    for line in lines:
        address = known.get(normalize(line))
        if address is None:
            unknown.append(line)
        else:
            found.append(address)
    if unknown:
        raise ValidationFailed.for_field(
            "addresses",
            _("Not on the address list of %(name)s: %(addresses)s.")
            % {"name": institution.name, "addresses": ", ".join(unknown[:5])},
        )
    return found


@require_POST
def turf_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, refused = _manage(request, pk)
    if refused:
        return refused
    form = TurfForm(request.POST, prefix="turf", institutions=_institutions(campaign))

    def act(data: dict[str, Any]) -> str:
        institution = Institution.objects.get(
            chapter_id=campaign.chapter_id, slug=data["institution"]
        )
        addresses = _addresses_from_lines(institution, data["addresses"])
        turfs = services.turfs_split(
            actor=request.user,
            campaign=campaign,
            institution=institution,
            parts=data["parts"],
            name=data["name"],
            addresses=addresses,
        )
        return _("Turfs made: %(names)s.") % {"names": ", ".join(t.name for t in turfs)}

    return _run(
        request,
        form,
        act,
        lambda status: manage_response(request, campaign, status=status, bound={"turf": form}),
        _campaign_url(campaign, "campaign_manage"),
    )


@require_POST
def turf_canvassers(request: HttpRequest, pk: int, turf_id: int) -> HttpResponse:
    campaign, refused = _manage(request, pk)
    if refused:
        return refused
    turf = _turf(campaign, turf_id)
    key = f"turf-{turf.pk}"
    form = CanvassersForm(request.POST, prefix=key, people=_people(campaign))

    def act(data: dict[str, Any]) -> str:
        people = list(User.objects.filter(pk__in=[int(v) for v in data["canvassers"]]))
        services.turf_canvassers_set(actor=request.user, turf=turf, canvassers=people)
        return _("The canvassers of “%(name)s” are saved.") % {"name": turf.name}

    return _run(
        request,
        form,
        act,
        lambda status: manage_response(request, campaign, status=status, bound={key: form}),
        _campaign_url(campaign, "campaign_manage"),
    )


# --- canvassing a turf ------------------------------------------------------------------


def turf_response(
    request: HttpRequest,
    turf: Turf,
    *,
    status: int = 200,
    bound: Bound | None = None,
    error: str = "",
) -> HttpResponse:
    bound = bound or {}
    doors = sel.walk_list(turf=turf, viewer=request.user)
    progress = sel.progress_of(doors)
    show = _show(request)
    if show == TODO:  # doors not knocked yet, and those to come back to
        doors = [
            d for d in doors if not d.knocked or d.follow_up or bound.get(f"door-{d.address_id}")
        ]
    rows = [
        {
            "door": door,
            "form": bound.get(f"door-{door.address_id}")
            or ContactForm(prefix=f"door-{door.address_id}"),
        }
        for door in doors
    ]
    shown = {f"door-{door.address_id}" for door in doors}
    for key, form in bound.items():  # a refusal about a door not on this turf
        if key not in shown:
            lines = [str(e) for errors in form.errors.values() for e in errors]
            error = " ".join([error, *lines]).strip()
    campaign = turf.campaign
    context = {
        "campaign": campaign,
        "turf": turf,
        "rows": rows,
        "progress": progress,
        "show": show,
        "may_export": _may(request, "campaign.export", campaign),
        "error": error,
    }
    return render(request, "electoral/turf_canvass.html", context, status=status)


@require_GET
def turf_detail(request: HttpRequest, pk: int, turf_id: int) -> HttpResponse:
    turf = _turf(_campaign(pk), turf_id)
    return _guard(request, "turf.canvass", turf) or turf_response(request, turf)


def _door(turf: Turf, address_id: int) -> AreaAddress:
    try:
        return sel.address_get(turf=turf, pk=address_id)
    except NotFound:
        raise Http404 from None


TODO = "todo"


def _show(request: HttpRequest) -> str:
    """Which doors the canvass page lists: all (the default) or the ones still to do."""
    source = request.POST if request.method == "POST" else request.GET
    return TODO if source.get("show") == TODO else ""


def _door_url(request: HttpRequest, turf: Turf, address_id: int) -> str:
    url = reverse("electoral:campaign_turf", args=[turf.campaign_id, turf.pk])
    if _show(request) == TODO:
        url += f"?show={TODO}"
    return url + f"#door-{address_id}"


@require_POST
def contact_log(request: HttpRequest, pk: int, turf_id: int, address_id: int) -> HttpResponse:
    turf = _turf(_campaign(pk), turf_id)
    refused = _guard(request, "turf.canvass", turf)
    if refused:
        return refused
    address = _door(turf, address_id)
    key = f"door-{address_id}"
    form = ContactForm(request.POST, prefix=key)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_log(
                actor=request.user,
                turf=turf,
                address=address,
                outcome=data["outcome"],
                resident=data["resident"],
                support=data["support"],
                issues=data["issues"],
                note=data["note"],
                follow_up=data["follow_up"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Saved: %(address)s.") % {"address": address.address})
            return redirect(_door_url(request, turf, address_id))
    return turf_response(request, turf, status=status, bound={key: form})


@require_POST
def mark_voted(request: HttpRequest, pk: int, turf_id: int, address_id: int) -> HttpResponse:
    turf = _turf(_campaign(pk), turf_id)
    refused = _guard(request, "turf.canvass", turf)
    if refused:
        return refused
    address = _door(turf, address_id)
    voted = request.POST.get("voted", "yes") != "no"
    back = request.POST.get("next", "")
    try:
        services.contact_mark_voted(actor=request.user, turf=turf, address=address, voted=voted)
    except DomainError as exc:
        return turf_response(request, turf, status=exc.status, error=exc.message)
    if voted:
        messages.success(request, _("Marked as voted: %(address)s.") % {"address": address.address})
    else:
        messages.success(
            request, _("No longer marked as voted: %(address)s.") % {"address": address.address}
        )
    if back == "gotv":
        return redirect(_campaign_url(turf.campaign, "campaign_gotv"))
    return redirect(_door_url(request, turf, address_id))


@require_GET
def gotv(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(pk)
    refused = _guard(request, "campaign.contacts", campaign)
    if refused:
        return refused
    context = {
        "campaign": campaign,
        "rows": sel.gotv_list(campaign=campaign, viewer=request.user),
        "may_export": _may(request, "campaign.export", campaign),
    }
    return render(request, "electoral/campaign_gotv.html", context)


# --- printing and downloads -----------------------------------------------------------


def _download(export: services.Export, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _forbidden(exc: PermissionDenied) -> DjangoPermissionDenied:
    return DjangoPermissionDenied(exc.message)


@require_GET
def walk_sheet(request: HttpRequest, pk: int, turf_id: int) -> HttpResponse:
    turf = _turf(_campaign(pk), turf_id)
    refused = _guard(request, "turf.canvass", turf)
    if refused:
        return refused
    export = services.walk_sheet_print(
        actor=request.user, turf=turf, language=translation.get_language()
    )
    return _download(export, inline=True)


def _export(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    campaign = _campaign(pk)
    refused = _guard(request, "campaign.export", campaign)
    if refused:
        return refused
    try:
        if what == "walk_list":
            turf = None
            if request.GET.get("turf", "").isdigit():
                turf = _turf(campaign, int(request.GET["turf"]))
            export = services.export_walk_list(actor=request.user, campaign=campaign, turf=turf)
        elif what == "contacts":
            export = services.export_contacts(actor=request.user, campaign=campaign)
        else:
            export = services.export_gotv(actor=request.user, campaign=campaign)
    except PermissionDenied as exc:
        raise _forbidden(exc) from None
    return _download(export)


@require_GET
def export_walk_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "walk_list")


@require_GET
def export_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "contacts")


@require_GET
def export_gotv(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "gotv")
