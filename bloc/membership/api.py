"""API of membership: listing and founding institutions, join, leave, members,
in-person verification, vouches."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.core.errors import NotFound
from bloc.institutions import selectors as institution_selectors
from bloc.institutions.api import InstitutionDetail, InstitutionIn, InstitutionOut
from bloc.membership import selectors, services
from bloc.membership.models import Membership, Vouch

router = Router(tags=["membership"])


class MembershipOut(Schema):
    id: int
    institution: str
    name: str
    verified: bool
    verification_method: str
    joined_at: datetime
    left_at: datetime | None

    @staticmethod
    def resolve_institution(obj: Membership) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_verified(obj: Membership) -> bool:
        return obj.verified_at is not None


class JoinIn(Schema):
    address: str | None = Field(default=None, max_length=255)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class UnverifyIn(Schema):
    reason: str = Field(min_length=1, max_length=255)


class VouchOut(Schema):
    id: int
    vouchee: int
    created_at: datetime
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_vouchee(obj: Vouch) -> int:
        return obj.vouchee_id


@router.get("/", response=list[InstitutionOut], auth=optional_auth, summary="Institutions")
def institution_list(request: HttpRequest, kind: str | None = None) -> object:
    return list(institution_selectors.institution_list(kind=kind))


@router.post("/", response={201: InstitutionDetail}, summary="Found an institution")
def institution_create(request: HttpRequest, payload: InstitutionIn) -> object:
    institution = services.institution_found(
        actor=request.user,
        chapter=institution_selectors.chapter_get(slug=payload.chapter),
        name=payload.name,
        kind=payload.kind,
        slug=payload.slug,
        description=payload.description,
        addresses=payload.addresses,
        boundary=payload.boundary,
    )
    return Status(201, institution_selectors.institution_get(slug=institution.slug, counts=True))


def _member(slug: str, membership_id: int) -> Membership:
    return selectors.member_get(institution_slug=slug, membership_id=membership_id)


@router.post("/{slug}/join", response=MembershipOut, summary="Join an institution")
def join(request: HttpRequest, slug: str, payload: JoinIn) -> object:
    institution = institution_selectors.institution_get(slug=slug)
    location = None
    if payload.latitude is not None and payload.longitude is not None:
        location = (payload.latitude, payload.longitude)
    return services.membership_join(
        actor=request.user, institution=institution, address=payload.address, location=location
    )


@router.post("/{slug}/leave", response=MembershipOut, summary="Leave an institution")
def leave(request: HttpRequest, slug: str) -> object:
    institution = institution_selectors.institution_get(slug=slug)
    membership = (
        Membership.objects.filter(
            institution=institution, user_id=request.user.pk, left_at__isnull=True
        )
        .select_related("institution", "user")
        .first()
    )
    if membership is None:
        raise NotFound(_("You are not a member."))
    return services.membership_leave(actor=request.user, membership=membership)


@router.get("/{slug}/members", response=list[MembershipOut], summary="Members")
def members(request: HttpRequest, slug: str) -> object:
    institution = institution_selectors.institution_get(slug=slug)
    permissions.require(request.user, "membership.list", institution)
    return list(selectors.member_list(institution=institution).select_related("institution"))


@router.post(
    "/{slug}/members/{membership_id}/verify",
    response=MembershipOut,
    summary="Verify a member's residency in person",
)
def verify(request: HttpRequest, slug: str, membership_id: int) -> object:
    return services.membership_verify(actor=request.user, membership=_member(slug, membership_id))


@router.post(
    "/{slug}/members/{membership_id}/unverify",
    response=MembershipOut,
    summary="Withdraw a verification",
)
def unverify(request: HttpRequest, slug: str, membership_id: int, payload: UnverifyIn) -> object:
    return services.membership_unverify(
        actor=request.user, membership=_member(slug, membership_id), reason=payload.reason
    )


@router.post(
    "/{slug}/members/{membership_id}/vouch",
    response=VouchOut,
    summary="Vouch that a member lives in the area",
)
def vouch(request: HttpRequest, slug: str, membership_id: int) -> object:
    return services.vouch_give(actor=request.user, vouchee=_member(slug, membership_id))


@router.post("/{slug}/vouches/{vouch_id}/withdraw", response=VouchOut, summary="Withdraw a vouch")
def vouch_withdraw(request: HttpRequest, slug: str, vouch_id: int) -> object:
    found = (
        Vouch.objects.select_related("voucher")
        .filter(pk=vouch_id, vouchee__institution__slug=slug)
        .first()
    )
    if found is None:
        raise NotFound(_("No such vouch."))
    return services.vouch_withdraw(actor=request.user, vouch=found)
