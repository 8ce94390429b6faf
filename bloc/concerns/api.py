"""Concerns and working groups in the JSON API (mounted under /api/v1/institutions)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.concerns import selectors as sel
from bloc.concerns import services as svc
from bloc.concerns.models import Concern, WorkingGroup
from bloc.institutions.models import Institution
from bloc.institutions.selectors import institution_get

router = Router(tags=["concerns"])

CategoryName = Literal["infrastructure", "safety", "housing", "environment", "other"]
StateName = Literal["reported", "acknowledged", "in_progress", "resolved", "declined"]


class ConcernSummaryOut(Schema):
    id: int
    category: str
    place: str
    state: str
    working_group_id: int | None
    me_too: int = Field(description="How many members said it affects them too.")
    created_at: datetime


class PhotoOut(Schema):
    id: int
    url: str
    content_type: str
    width: int
    height: int
    description: str


class UpdateOut(Schema):
    id: int
    author: str
    text: str
    state: str = Field(description="The state it moved the concern to; empty for a note.")
    at: datetime


class ConcernOut(ConcernSummaryOut):
    description: str
    reported_by: str | None = Field(description="Null when reported anonymously.")
    proposal_id: int | None
    photos: list[PhotoOut]
    updates: list[UpdateOut]
    viewer_me_too: bool


class CountOut(Schema):
    value: str
    count: int


class ConcernListOut(Schema):
    total: int
    by_state: list[CountOut]
    by_category: list[CountOut]
    concerns: list[ConcernSummaryOut] = Field(description="Filtered, newest first.")


class ConcernFilter(Schema):
    state: StateName | None = None
    category: CategoryName | None = None


class ReportIn(Schema):
    category: CategoryName
    place: str = Field(max_length=svc.PLACE_MAX)
    description: str = Field(max_length=svc.DESCRIPTION_MAX)
    anonymous: bool = False
    photo_description: str = Field(default="", max_length=svc.PHOTO_DESCRIPTION_MAX)


class UpdateIn(Schema):
    text: str = Field(default="", max_length=svc.UPDATE_MAX)
    state: StateName | Literal[""] = Field(default="", description="Empty: a note only.")


class AssignIn(Schema):
    working_group_id: int | None = Field(description="Null: take it from its group.")


class MeTooOut(Schema):
    changed: bool = Field(description="False when nothing changed (already so).")
    me_too: int


class RaisedOut(Schema):
    proposal_id: int


class GroupOut(Schema):
    id: int
    name: str
    description: str
    members: list[str]
    concerns: int
    viewer_is_member: bool


class GroupIn(Schema):
    name: str = Field(max_length=svc.GROUP_NAME_MAX)
    description: str = Field(default="", max_length=svc.GROUP_DESCRIPTION_MAX)


class JoinedOut(Schema):
    changed: bool


def _viewable(request: HttpRequest, slug: str) -> Institution:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "concern.view", institution)
    return institution


def _concern(request: HttpRequest, slug: str, concern_id: int) -> Concern:
    institution = _viewable(request, slug)
    return sel.concern_get(institution=institution, concern_id=concern_id)


def _summary(concern: Concern) -> dict[str, object]:
    return {
        "id": concern.pk,
        "category": concern.category,
        "place": concern.place,
        "state": concern.state,
        "working_group_id": concern.working_group_id,
        "me_too": getattr(concern, "me_too_count", None) or concern.me_toos.count(),
        "created_at": concern.created_at,
    }


def _full(request: HttpRequest, concern: Concern) -> ConcernOut:
    concern = sel.concern_get(institution=concern.institution, concern_id=concern.pk)
    slug = concern.institution.slug
    return ConcernOut(
        **_summary(concern),
        description=concern.description,
        reported_by=concern.reported_by.full_name if concern.reported_by else None,
        proposal_id=concern.proposal_id,
        photos=[
            PhotoOut(
                id=p.pk,
                url=reverse("institutions:concern_photo", args=[slug, concern.pk, p.pk]),
                content_type=p.content_type,
                width=p.width,
                height=p.height,
                description=p.description,
            )
            for p in sel.concern_photos(concern=concern)
        ],
        updates=[
            UpdateOut(id=u.pk, author=u.author.full_name, text=u.text, state=u.state, at=u.at)
            for u in sel.concern_updates(concern=concern)
        ],
        viewer_me_too=sel.has_me_too(concern=concern, user=request.user),
    )


@router.get(
    "/{slug}/concerns",
    response=ConcernListOut,
    auth=optional_auth,
    summary="Concerns, newest first, with counts by state and category",
)
def concern_list(request: HttpRequest, slug: str, filters: Query[ConcernFilter]) -> object:
    institution = _viewable(request, slug)
    listing = sel.concern_list(
        institution=institution, state=filters.state or "", category=filters.category or ""
    )
    return {
        "total": listing.total,
        "by_state": [{"value": t.value, "count": t.count} for t in listing.by_state],
        "by_category": [{"value": t.value, "count": t.count} for t in listing.by_category],
        "concerns": [_summary(c) for c in listing.concerns],
    }


@router.post("/{slug}/concerns", response={201: ConcernOut}, summary="Report a concern")
def concern_report(request: HttpRequest, slug: str, payload: ReportIn) -> Status:
    institution = institution_get(slug=slug)
    concern = svc.concern_report(actor=request.user, institution=institution, **payload.dict())
    return Status(201, _full(request, concern))


@router.post(
    "/{slug}/concerns/with-photos",
    response={201: ConcernOut},
    summary="Report a concern with photos (multipart form)",
)
def concern_report_with_photos(
    request: HttpRequest,
    slug: str,
    payload: Form[ReportIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    institution = institution_get(slug=slug)
    concern = svc.concern_report(
        actor=request.user, institution=institution, photos=photos or [], **payload.dict()
    )
    return Status(201, _full(request, concern))


@router.get(
    "/{slug}/concerns/{concern_id}",
    response=ConcernOut,
    auth=optional_auth,
    summary="A concern with its photos and updates",
)
def concern_detail(request: HttpRequest, slug: str, concern_id: int) -> ConcernOut:
    return _full(request, _concern(request, slug, concern_id))


def _me_too(concern: Concern, changed: bool) -> MeTooOut:
    return MeTooOut(changed=changed, me_too=concern.me_toos.count())


@router.post("/{slug}/concerns/{concern_id}/me-too", response=MeTooOut, summary="Me too")
def me_too_add(request: HttpRequest, slug: str, concern_id: int) -> MeTooOut:
    concern = _concern(request, slug, concern_id)
    return _me_too(concern, svc.me_too_add(actor=request.user, concern=concern))


@router.delete(
    "/{slug}/concerns/{concern_id}/me-too", response=MeTooOut, summary="Take back a me too"
)
def me_too_withdraw(request: HttpRequest, slug: str, concern_id: int) -> MeTooOut:
    concern = _concern(request, slug, concern_id)
    return _me_too(concern, svc.me_too_withdraw(actor=request.user, concern=concern))


@router.post(
    "/{slug}/concerns/{concern_id}/updates",
    response={201: ConcernOut},
    summary="Post a public update, moving the concern on",
)
def concern_update(request: HttpRequest, slug: str, concern_id: int, payload: UpdateIn) -> Status:
    concern = _concern(request, slug, concern_id)
    svc.concern_update(actor=request.user, concern=concern, text=payload.text, state=payload.state)
    return Status(201, _full(request, concern))


@router.post(
    "/{slug}/concerns/{concern_id}/assign",
    response=ConcernOut,
    summary="Give the concern to a working group",
)
def concern_assign(request: HttpRequest, slug: str, concern_id: int, payload: AssignIn) -> object:
    concern = _concern(request, slug, concern_id)
    group = None
    if payload.working_group_id is not None:
        group = sel.working_group_get(
            institution=concern.institution, group_id=payload.working_group_id
        )
    svc.concern_assign(actor=request.user, concern=concern, working_group=group)
    return _full(request, concern)


@router.post(
    "/{slug}/concerns/{concern_id}/raise",
    response={201: RaisedOut},
    summary="Turn the concern into a draft proposal",
)
def concern_raise(request: HttpRequest, slug: str, concern_id: int) -> Status:
    concern = _concern(request, slug, concern_id)
    proposal = svc.concern_raise(actor=request.user, concern=concern)
    return Status(201, RaisedOut(proposal_id=proposal.pk))


def _group(request: HttpRequest, group: WorkingGroup) -> GroupOut:
    people = list(group.members.all())
    return GroupOut(
        id=group.pk,
        name=group.name,
        description=group.description,
        members=[p.full_name for p in people],
        concerns=group.concerns.count(),
        viewer_is_member=any(p.pk == request.user.pk for p in people),
    )


@router.get(
    "/{slug}/working-groups",
    response=list[GroupOut],
    auth=optional_auth,
    summary="Working groups",
)
def working_group_list(request: HttpRequest, slug: str) -> list[GroupOut]:
    institution = _viewable(request, slug)
    return [_group(request, g) for g in sel.working_group_list(institution=institution)]


@router.post("/{slug}/working-groups", response={201: GroupOut}, summary="Set up a working group")
def working_group_create(request: HttpRequest, slug: str, payload: GroupIn) -> Status:
    institution = institution_get(slug=slug)
    group = svc.working_group_create(
        actor=request.user,
        institution=institution,
        name=payload.name,
        description=payload.description,
    )
    return Status(201, _group(request, group))


@router.post(
    "/{slug}/working-groups/{group_id}/join", response=JoinedOut, summary="Join a working group"
)
def working_group_join(request: HttpRequest, slug: str, group_id: int) -> JoinedOut:
    group = sel.working_group_get(institution=institution_get(slug=slug), group_id=group_id)
    return JoinedOut(changed=svc.working_group_join(actor=request.user, group=group))


@router.post(
    "/{slug}/working-groups/{group_id}/leave", response=JoinedOut, summary="Leave a working group"
)
def working_group_leave(request: HttpRequest, slug: str, group_id: int) -> JoinedOut:
    group = sel.working_group_get(institution=institution_get(slug=slug), group_id=group_id)
    return JoinedOut(changed=svc.working_group_leave(actor=request.user, group=group))
