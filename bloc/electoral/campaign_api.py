"""Campaigns in the JSON API (mounted under /api/v1/electoral).

Anyone may read the campaigns, their progress totals (doors, knocked, talked) and the
volunteer shifts the institutions offer them. Contact data follows the pages' rules:
the turfs with their progress and the GOTV list for the campaign's roles (a canvasser:
their own turfs), a turf's walk list and logging contacts for its canvassers and the
managers, CSV downloads for the managers, each download recorded in the audit log.
Anyone else gets 403 with the reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.accounts.models import User
from bloc.api.auth import optional_auth
from bloc.core.errors import NotFound, ValidationFailed
from bloc.electoral import campaign_selectors as sel
from bloc.electoral import campaigns as services
from bloc.electoral.models import Campaign, Candidate, Petition, Turf
from bloc.events.models import Event
from bloc.institutions.models import AreaAddress, Institution
from bloc.institutions.selectors import chapter_get
from bloc.permissions.electoral import campaign_role

router = Router(tags=["campaigns"])


# --- schemas -------------------------------------------------------------------------


class ProgressOut(Schema):
    doors: int
    knocked: int = Field(description="Doors with at least one contact.")
    talked: int = Field(description="Doors where someone talked with a canvasser.")


class FullProgressOut(ProgressOut):
    supporters: int = Field(description="Doors whose latest conversation gave support 4 or 5.")
    voted: int = Field(description="Supporters marked as voted.")
    not_voted: int = Field(description="Supporters not yet marked as voted (the GOTV list).")


class CampaignOut(Schema):
    id: int
    title: str
    chapter: str = Field(description="The chapter's slug.")
    candidate_id: int | None
    candidate: str = Field(description="The candidate's name; empty for a petition.")
    petition_id: int | None
    petition: str = Field(description="The petition's title; empty for a candidate.")
    election_date: date | None
    progress: ProgressOut


class CampaignShiftOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    taken: int
    mine: bool = Field(description="Whether the caller signed up.")


class CampaignEventOut(Schema):
    id: int
    title: str
    institution: str = Field(description="The institution's slug.")
    place: str
    starts_at: datetime
    ends_at: datetime
    may_take_part: bool = Field(description="Members of the institution sign up for its shifts.")
    shifts: list[CampaignShiftOut]


class CampaignDetailOut(CampaignOut):
    role: str | None = Field(description="The caller's role: manager, canvasser or null.")
    events: list[CampaignEventOut] = Field(description="Events offered, with their shifts.")


class CampaignIn(Schema):
    chapter: str = Field(description="The chapter's slug.")
    title: str = Field(max_length=200)
    candidate: int | None = Field(default=None, description="An endorsed candidate's id.")
    petition: int | None = Field(default=None, description="Or a petition's id.")
    election_date: date | None = Field(default=None, description="Empty: the candidate's.")


class RoleIn(Schema):
    role: str = Field(description="manager or canvasser.")


class CampaignRoleOut(Schema):
    user_id: int
    name: str
    role: str


class TurfOut(Schema):
    id: int
    name: str
    institution: str = Field(description="The block's (institution's) slug.")
    canvassers: list[int] = Field(description="User ids.")
    progress: FullProgressOut


class BlockOut(Schema):
    institution: str
    name: str
    progress: FullProgressOut
    turfs: list[TurfOut]


class TurfsOut(Schema):
    role: str | None
    progress: FullProgressOut
    blocks: list[BlockOut] = Field(description="Progress by block: each block's turfs.")


class TurfIn(Schema):
    institution: str = Field(description="The block's (institution's) slug.")
    name: str = Field(default="", max_length=190, description="Empty: the block's name.")
    addresses: list[int] | None = Field(
        default=None,
        description="Ids of the block's area addresses; null: all not on a turf yet.",
    )
    parts: int = Field(default=1, description="Split into this many turfs of about equal size.")


class CanvassersIn(Schema):
    canvassers: list[int] = Field(description="User ids; each needs a role in the campaign.")


class LastContactOut(Schema):
    id: int
    outcome: str
    at: datetime
    canvasser: str


class DoorOut(Schema):
    address_id: int
    address: str
    turf_id: int
    knocked: bool
    talked: bool
    resident: str
    support: int | None = Field(description="From the latest conversation that gave one.")
    supporter: bool
    issues: list[str]
    follow_up: bool
    voted_at: datetime | None
    latest: LastContactOut | None


class ContactIn(Schema):
    address: int = Field(description="The id of an address on the turf.")
    outcome: str = Field(description="not_home, talked, refused or moved.")
    resident: str = ""
    support: int | None = Field(default=None, description="1 to 5, only when talked.")
    issues: list[str] = Field(default_factory=list, description="Category values raised.")
    note: str = ""
    follow_up: bool = False


class ContactOut(Schema):
    id: int
    turf_id: int
    address_id: int
    outcome: str
    resident: str
    support: int | None
    issues: list[str]
    note: str
    follow_up: bool
    voted_at: datetime | None
    at: datetime


class VotedIn(Schema):
    voted: bool = Field(default=True, description="false undoes a mistaken mark.")


class OfferIn(Schema):
    event: int = Field(description="The id of one of the institution's events.")


# --- helpers ---------------------------------------------------------------------------


def _campaign(pk: int) -> Campaign:
    try:
        return sel.campaign_get(pk=pk)
    except NotFound:
        raise NotFound(_("There is no such campaign.")) from None


def _turf(campaign: Campaign, turf_id: int) -> Turf:
    try:
        return sel.turf_get(campaign=campaign, pk=turf_id)
    except NotFound:
        raise NotFound(_("The campaign has no such turf.")) from None


def _progress(progress: sel.Progress, *, full: bool) -> dict[str, int]:
    out = {"doors": progress.doors, "knocked": progress.knocked, "talked": progress.talked}
    if full:
        out.update(
            supporters=progress.supporters, voted=progress.voted, not_voted=progress.not_voted
        )
    return out


def _campaign_out(campaign: Campaign, progress: sel.Progress) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "chapter": campaign.chapter.slug,
        "candidate_id": campaign.candidate_id,
        "candidate": campaign.candidate.name if campaign.candidate else "",
        "petition_id": campaign.petition_id,
        "petition": campaign.petition.title if campaign.petition else "",
        "election_date": campaign.election_date,
        "progress": _progress(progress, full=False),
    }


def _detail(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    out = _campaign_out(campaign, sel.public_totals([campaign])[campaign.pk])
    out["role"] = campaign_role(request.user, campaign)
    out["events"] = [
        {
            "id": row.event.pk,
            "title": row.event.title,
            "institution": row.event.institution.slug,
            "place": row.event.place,
            "starts_at": row.event.starts_at,
            "ends_at": row.event.ends_at,
            "may_take_part": row.may_take_part,
            "shifts": [
                {
                    "id": s.shift.pk,
                    "title": s.shift.title,
                    "starts_at": s.shift.starts_at,
                    "ends_at": s.shift.ends_at,
                    "capacity": s.shift.capacity,
                    "taken": s.taken,
                    "mine": s.mine,
                }
                for s in row.shifts
            ],
        }
        for row in sel.campaign_shifts(campaign=campaign, viewer=request.user)
    ]
    return out


def _door_out(door: sel.Door) -> dict[str, Any]:
    latest = door.latest
    return {
        "address_id": door.address_id,
        "address": door.address,
        "turf_id": door.turf_id,
        "knocked": door.knocked,
        "talked": door.talked,
        "resident": door.resident,
        "support": door.support,
        "supporter": door.supporter,
        "issues": door.issues,
        "follow_up": door.follow_up,
        "voted_at": door.voted_at,
        "latest": {
            "id": latest.pk,
            "outcome": latest.outcome,
            "at": latest.at,
            "canvasser": latest.canvasser.full_name if latest.canvasser else "",
        }
        if latest
        else None,
    }


def _turf_out(turf: Turf, progress: sel.Progress) -> dict[str, Any]:
    return {
        "id": turf.pk,
        "name": turf.name,
        "institution": turf.institution.slug,
        "canvassers": sorted(u.pk for u in turf.canvassers.all()),
        "progress": _progress(progress, full=True),
    }


def _csv(export: services.Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "CSV with a header row.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


# --- campaigns ---------------------------------------------------------------------------


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    auth=optional_auth,
    summary="Campaigns and their progress totals",
    description="Doors, doors knocked and doors talked to: never anything about a door.",
)
def campaign_list(request: HttpRequest, chapter: str | None = None) -> list[dict[str, Any]]:
    rows = sel.campaign_list(chapter=chapter_get(slug=chapter) if chapter else None)
    return [_campaign_out(row.campaign, row.progress) for row in rows]


@router.post(
    "/campaigns",
    response={201: CampaignDetailOut},
    summary="Start a campaign",
    description="The chapter's organizers; the caller becomes its first manager. For an "
    "endorsed candidate (409 `not_endorsed` otherwise) or a petition.",
)
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[dict[str, Any]]:
    chapter = chapter_get(slug=payload.chapter)
    candidate = petition = None
    if payload.candidate is not None:
        candidate = Candidate.objects.select_related("cycle").filter(pk=payload.candidate).first()
        if candidate is None:
            raise ValidationFailed.for_field("candidate", _("There is no such candidate."))
    if payload.petition is not None:
        petition = Petition.objects.filter(pk=payload.petition).first()
        if petition is None:
            raise ValidationFailed.for_field("petition", _("There is no such petition."))
    campaign = services.campaign_create(
        actor=request.user,
        chapter=chapter,
        title=payload.title,
        candidate=candidate,
        petition=petition,
        election_date=payload.election_date,
    )
    return Status(201, _detail(request, _campaign(campaign.pk)))


@router.get(
    "/campaigns/{campaign_id}",
    response=CampaignDetailOut,
    auth=optional_auth,
    summary="A campaign, its progress totals and the shifts offered to it",
)
def campaign_detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _detail(request, _campaign(campaign_id))


@router.put(
    "/campaigns/{campaign_id}/roles/{user_id}",
    response=CampaignRoleOut,
    summary="Give someone a role in the campaign",
    description="Organizers. 409 `same_role` when they already have it.",
)
def role_set(
    request: HttpRequest, campaign_id: int, user_id: int, payload: RoleIn
) -> dict[str, Any]:
    campaign = _campaign(campaign_id)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("There is no such person."))
    role = services.campaign_role_set(
        actor=request.user, campaign=campaign, user=user, role=payload.role
    )
    return {"user_id": user.pk, "name": user.full_name, "role": role.role}


@router.delete(
    "/campaigns/{campaign_id}/roles/{user_id}",
    response={204: None},
    summary="Take someone's role in the campaign away (and their turfs)",
)
def role_remove(request: HttpRequest, campaign_id: int, user_id: int) -> Status[None]:
    campaign = _campaign(campaign_id)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("There is no such person."))
    services.campaign_role_remove(actor=request.user, campaign=campaign, user=user)
    return Status(204, None)


@router.post(
    "/campaigns/{campaign_id}/shifts",
    response={201: CampaignDetailOut},
    summary="Offer one of an institution's events (and its shifts) to the campaign",
    description="The institution's facilitators or secretary. 409 `already_offered`.",
)
def shifts_offer(
    request: HttpRequest, campaign_id: int, payload: OfferIn
) -> Status[dict[str, Any]]:
    campaign = _campaign(campaign_id)
    event = Event.objects.select_related("institution").filter(pk=payload.event).first()
    if event is None:
        raise ValidationFailed.for_field("event", _("There is no such event."))
    services.shifts_offer(actor=request.user, campaign=campaign, event=event)
    return Status(201, _detail(request, campaign))


# --- turfs and contacts -------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/turfs",
    response=TurfsOut,
    summary="The turfs and their progress by block",
    description="The campaign's roles: a manager sees every turf, a canvasser their own. "
    "Anyone else: 403 `campaign_roles_only`.",
)
def turf_list(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    overview = sel.campaign_overview(campaign=_campaign(campaign_id), viewer=request.user)
    return {
        "role": overview.role,
        "progress": _progress(overview.progress, full=True),
        "blocks": [
            {
                "institution": block.institution.slug,
                "name": block.institution.name,
                "progress": _progress(block.progress, full=True),
                "turfs": [_turf_out(row.turf, row.progress) for row in block.turfs],
            }
            for block in overview.blocks
        ],
    }


@router.post(
    "/campaigns/{campaign_id}/turfs",
    response={201: list[TurfOut]},
    summary="Make turfs from a block's address list",
    description="Organizers. The addresses given (or all not on a turf yet), split into "
    "`parts` turfs of neighbouring doors.",
)
def turf_create(request: HttpRequest, campaign_id: int, payload: TurfIn) -> Status[list[Any]]:
    campaign = _campaign(campaign_id)
    institution = Institution.objects.filter(slug=payload.institution).first()
    if institution is None:
        raise ValidationFailed.for_field("institution", _("There is no such institution."))
    addresses = None
    if payload.addresses is not None:
        addresses = list(AreaAddress.objects.filter(pk__in=payload.addresses))
        if len(addresses) != len(set(payload.addresses)):
            raise ValidationFailed.for_field(
                "addresses", _("Some of these addresses do not exist.")
            )
    turfs = services.turfs_split(
        actor=request.user,
        campaign=campaign,
        institution=institution,
        parts=payload.parts,
        name=payload.name,
        addresses=addresses,
    )
    doors = sel.load_doors(campaign, turfs)
    return Status(201, [_turf_out(t, sel.progress_of(doors[t.pk])) for t in turfs])


@router.put(
    "/campaigns/{campaign_id}/turfs/{turf_id}/canvassers",
    response=TurfOut,
    summary="Who walks the turf",
)
def turf_canvassers(
    request: HttpRequest, campaign_id: int, turf_id: int, payload: CanvassersIn
) -> dict[str, Any]:
    turf = _turf(_campaign(campaign_id), turf_id)
    people = list(User.objects.filter(pk__in=payload.canvassers))
    if len(people) != len(set(payload.canvassers)):
        raise ValidationFailed.for_field("canvassers", _("Some of these people do not exist."))
    services.turf_canvassers_set(actor=request.user, turf=turf, canvassers=people)
    doors = sel.load_doors(turf.campaign, [turf])
    return _turf_out(turf, sel.progress_of(doors[turf.pk]))


@router.get(
    "/campaigns/{campaign_id}/turfs/{turf_id}/walk-list",
    response=list[DoorOut],
    summary="A turf's doors in walking order, each with its latest contact",
    description="The turf's canvassers and the managers; anyone else 403 `not_your_turf`.",
)
def walk_list(request: HttpRequest, campaign_id: int, turf_id: int) -> list[dict[str, Any]]:
    turf = _turf(_campaign(campaign_id), turf_id)
    return [_door_out(door) for door in sel.walk_list(turf=turf, viewer=request.user)]


def _contact_out(contact: Any) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "turf_id": contact.turf_id,
        "address_id": contact.address_id,
        "outcome": contact.outcome,
        "resident": contact.resident,
        "support": contact.support,
        "issues": contact.issues,
        "note": contact.note,
        "follow_up": contact.follow_up,
        "voted_at": contact.voted_at,
        "at": contact.at,
    }


def _address(pk: int) -> AreaAddress:
    address = AreaAddress.objects.filter(pk=pk).first()
    if address is None:
        raise ValidationFailed.for_field("address", _("There is no such address."))
    return address


@router.post(
    "/campaigns/{campaign_id}/turfs/{turf_id}/contacts",
    response={201: ContactOut},
    summary="Log a knock on a door of the turf",
    description="The turf's canvassers and the managers. An address not on the turf, "
    "support outside 1–5 or given without a conversation: 422, nothing written.",
)
def contact_log(
    request: HttpRequest, campaign_id: int, turf_id: int, payload: ContactIn
) -> Status[dict[str, Any]]:
    turf = _turf(_campaign(campaign_id), turf_id)
    permissions.require(request.user, "turf.canvass", turf)
    contact = services.contact_log(
        actor=request.user,
        turf=turf,
        address=_address(payload.address),
        outcome=payload.outcome,
        resident=payload.resident,
        support=payload.support,
        issues=payload.issues,
        note=payload.note,
        follow_up=payload.follow_up,
    )
    return Status(201, _contact_out(contact))


@router.post(
    "/campaigns/{campaign_id}/turfs/{turf_id}/doors/{address_id}/voted",
    response=ContactOut,
    summary="GOTV: mark that the supporters at a door voted (or undo it)",
    description="409 `not_contacted`, `already_voted`, `not_voted` or `election_over`.",
)
def mark_voted(
    request: HttpRequest, campaign_id: int, turf_id: int, address_id: int, payload: VotedIn
) -> dict[str, Any]:
    turf = _turf(_campaign(campaign_id), turf_id)
    permissions.require(request.user, "turf.canvass", turf)
    contact = services.contact_mark_voted(
        actor=request.user, turf=turf, address=_address(address_id), voted=payload.voted
    )
    return _contact_out(contact)


@router.get(
    "/campaigns/{campaign_id}/gotv",
    response=list[DoorOut],
    summary="Supporters not yet marked as voted",
    description="The campaign's roles (a canvasser: their own turfs).",
)
def gotv(request: HttpRequest, campaign_id: int) -> list[dict[str, Any]]:
    campaign = _campaign(campaign_id)
    return [
        _door_out(door) for _turf, door in sel.gotv_list(campaign=campaign, viewer=request.user)
    ]


# --- downloads ------------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/walk-list.csv",
    summary="Download the walk list (CSV)",
    description="Managers; each download is an audit event (who, what, how many rows).",
    openapi_extra=CSV_RESPONSE,
)
def export_walk_list(
    request: HttpRequest, campaign_id: int, turf: int | None = None
) -> HttpResponse:
    campaign = _campaign(campaign_id)
    permissions.require(request.user, "campaign.export", campaign)
    chosen = _turf(campaign, turf) if turf is not None else None
    return _csv(services.export_walk_list(actor=request.user, campaign=campaign, turf=chosen))


@router.get(
    "/campaigns/{campaign_id}/contacts.csv",
    summary="Download the contact log (CSV)",
    description="Managers; each download is an audit event.",
    openapi_extra=CSV_RESPONSE,
)
def export_contacts(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    return _csv(services.export_contacts(actor=request.user, campaign=campaign))


@router.get(
    "/campaigns/{campaign_id}/gotv.csv",
    summary="Download the GOTV list (CSV)",
    description="Managers; each download is an audit event.",
    openapi_extra=CSV_RESPONSE,
)
def export_gotv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    return _csv(services.export_gotv(actor=request.user, campaign=campaign))
