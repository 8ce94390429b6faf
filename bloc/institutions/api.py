"""API of institutions: one institution, editing, area and bylaws.

Listing and founding institutions are in ``bloc.membership.api`` (founding seats
the founder as a member), on the same path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc.api.auth import optional_auth
from bloc.institutions import selectors, services
from bloc.institutions.models import BylawsVersion, Institution

router = Router(tags=["institutions"])


class InstitutionOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    chapter: str
    member_count: int
    verified_count: int

    @staticmethod
    def resolve_chapter(obj: Institution) -> str:
        return obj.chapter.slug


class InstitutionDetail(InstitutionOut):
    description: str
    addresses: list[str]
    boundary: dict[str, Any] | None
    charter_adopted_at: datetime | None

    @staticmethod
    def resolve_addresses(obj: Institution) -> list[str]:
        return list(obj.addresses.values_list("address", flat=True))


class InstitutionIn(Schema):
    chapter: str = Field(description="The chapter's short name.")
    name: str = Field(min_length=1, max_length=160)
    kind: str
    slug: str | None = Field(default=None, max_length=80)
    description: str = ""
    addresses: list[str] = Field(default_factory=list, max_length=5000)
    boundary: dict[str, Any] | None = None


class InstitutionPatch(Schema):
    name: str | None = Field(default=None, max_length=160)
    kind: str | None = None
    description: str | None = None


class AreaIn(Schema):
    addresses: list[str] | None = Field(default=None, max_length=5000)
    boundary: dict[str, Any] | None = None
    clear_boundary: bool = False


class BylawsOut(Schema):
    number: int
    text: str
    rules: dict[str, Any]
    note: str
    changed_at: datetime
    changed_by: str | None

    @staticmethod
    def resolve_changed_by(obj: BylawsVersion) -> str | None:
        return obj.changed_by.full_name if obj.changed_by else None


class BylawsIn(Schema):
    text: str = Field(max_length=100_000)
    rules: dict[str, Any] | None = None
    note: str = Field(default="", max_length=255)


@router.get("/{slug}", response=InstitutionDetail, auth=optional_auth, summary="One institution")
def institution_detail(request: HttpRequest, slug: str) -> object:
    return selectors.institution_get(slug=slug, counts=True)


@router.patch("/{slug}", response=InstitutionDetail, summary="Edit an institution")
def institution_update(request: HttpRequest, slug: str, payload: InstitutionPatch) -> object:
    institution = selectors.institution_get(slug=slug)
    services.institution_update(
        actor=request.user, institution=institution, **payload.model_dump(exclude_unset=True)
    )
    return selectors.institution_get(slug=slug, counts=True)


@router.put("/{slug}/area", response=InstitutionDetail, summary="Set the area")
def area_set(request: HttpRequest, slug: str, payload: AreaIn) -> object:
    institution = selectors.institution_get(slug=slug)
    services.area_set(
        actor=request.user,
        institution=institution,
        addresses=payload.addresses,
        boundary=payload.boundary,
        clear_boundary=payload.clear_boundary,
    )
    return selectors.institution_get(slug=slug, counts=True)


@router.get(
    "/{slug}/bylaws",
    response=list[BylawsOut],
    auth=optional_auth,
    summary="Every version of the bylaws, newest first",
)
def bylaws_history(request: HttpRequest, slug: str) -> object:
    return list(selectors.bylaws_history(institution=selectors.institution_get(slug=slug)))


@router.post("/{slug}/bylaws", response={201: BylawsOut}, summary="Record an amendment")
def bylaws_amend(request: HttpRequest, slug: str, payload: BylawsIn) -> object:
    version = services.bylaws_amend(
        actor=request.user,
        institution=selectors.institution_get(slug=slug),
        text=payload.text,
        rules=payload.rules,
        note=payload.note,
    )
    return Status(201, version)
