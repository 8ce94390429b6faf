"""Roles, rotation and recall petitions over the API (mounted at /api/v1/institutions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.institutions.models import Institution
from bloc.institutions.selectors import institution_get
from bloc.membership import roles
from bloc.membership.models import RecallPetition, RoleTerm

router = Router(tags=["roles"])


class HolderOut(Schema):
    term_id: int
    membership_id: int
    name: str
    starts_on: date
    ends_on: date = Field(description="The day the term ends (its planned end, or earlier).")
    terms_in_a_row: int = Field(description="Terms in a row served with this one.")
    at_limit: bool = Field(description="Whether the holder may not take the next term.")
    ending_soon: bool = Field(description=f"Ends within {roles.EXPIRING_DAYS} days.")


class CandidateOut(Schema):
    membership_id: int
    name: str
    terms_held: int = Field(description="Terms this member has served in the role.")
    terms_in_a_row: int = Field(description="Terms in a row they would have with the next one.")


class RoleOut(Schema):
    role: str
    label: str
    vacant: bool
    ending_soon: bool
    holders: list[HolderOut]
    upcoming: list[HolderOut]
    next_starts_on: date
    next_ends_on: date
    eligible: list[CandidateOut] = Field(
        description="Verified members within the limit, who held the role least first."
    )


class PetitionOut(Schema):
    id: int
    term_id: int
    role: str
    holder: str
    reason: str
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None
    outcome: str
    signatures: int
    verified_signatures: int = Field(description="Signatures by people verified now.")
    verified_members: int
    share_percent: int = Field(description="Verified signatures per verified member, rounded down.")


class RotationOut(Schema):
    institution: str
    today: date
    term_limit: int | None
    term_months: int | None
    verified_members: int
    roles: list[RoleOut]
    petitions: list[PetitionOut] = Field(description="Open recall petitions, oldest first.")


class TermIn(Schema):
    membership_id: int
    role: str = Field(max_length=40)
    starts_on: date
    ends_on: date | None = Field(
        default=None, description="The day the term ends; default: the bylaws' term length."
    )


class TermOut(Schema):
    id: int
    membership_id: int
    role: str
    starts_on: date
    ends_on: date
    ended_on: date | None
    end_reason: str


class TermEndIn(Schema):
    reason: Literal["resigned", "recalled"]


class RecallIn(Schema):
    term_id: int
    reason: str = Field(max_length=roles.REASON_MAX_LENGTH)


class RecallCloseIn(Schema):
    outcome: Literal["recalled", "kept", "withdrawn"]


def _holder(holding: roles.Holding) -> HolderOut:
    return HolderOut(
        term_id=holding.term.pk,
        membership_id=holding.term.membership_id,
        name=holding.name,
        starts_on=holding.starts_on,
        ends_on=holding.ends_on,
        terms_in_a_row=holding.in_a_row,
        at_limit=holding.at_limit,
        ending_soon=holding.ending_soon,
    )


def _petition(petition: RecallPetition, tally: roles.SignatureTally) -> PetitionOut:
    term = petition.role_term
    return PetitionOut(
        id=petition.pk,
        term_id=term.pk,
        role=term.role,
        holder=term.membership.user.full_name,
        reason=petition.reason,
        opened_by=petition.opened_by.user.full_name,
        opened_at=petition.opened_at,
        closed_at=petition.closed_at,
        outcome=petition.outcome,
        signatures=tally.signatures,
        verified_signatures=tally.verified_signatures,
        verified_members=tally.verified_members,
        share_percent=tally.percent,
    )


def _petition_now(institution: Institution, petition_id: int) -> PetitionOut:
    petition = roles.recall_get(institution=institution, petition_id=petition_id)
    return _petition(petition, roles.recall_tally(petition=petition))


def _term(term: RoleTerm) -> TermOut:
    return TermOut(
        id=term.pk,
        membership_id=term.membership_id,
        role=term.role,
        starts_on=term.starts_on,
        ends_on=term.ends_on,
        ended_on=term.ended_on,
        end_reason=term.end_reason,
    )


@router.get("/{slug}/roles", response=RotationOut, summary="Roles: holders, limits, who is next")
def rotation(request: HttpRequest, slug: str) -> RotationOut:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "role.view", institution)
    rotation = roles.rotation_for(institution)
    return RotationOut(
        institution=institution.slug,
        today=rotation.today,
        term_limit=rotation.term_limit,
        term_months=rotation.term_months,
        verified_members=rotation.verified_members,
        roles=[
            RoleOut(
                role=role.role,
                label=role.label,
                vacant=role.vacant,
                ending_soon=role.ending_soon,
                holders=[_holder(h) for h in role.holders],
                upcoming=[_holder(h) for h in role.upcoming],
                next_starts_on=role.next_starts_on,
                next_ends_on=role.next_ends_on,
                eligible=[
                    CandidateOut(
                        membership_id=c.membership.pk,
                        name=c.name,
                        terms_held=c.terms_held,
                        terms_in_a_row=c.in_a_row,
                    )
                    for c in role.eligible
                ],
            )
            for role in rotation.roles
        ],
        petitions=[_petition(s.petition, s.tally) for s in rotation.petitions],
    )


@router.post("/{slug}/roles", response={201: TermOut}, summary="Record a term of office")
def term_assign(request: HttpRequest, slug: str, payload: TermIn) -> Status:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "role.assign", institution)
    membership = roles.role_member_get(institution=institution, membership_id=payload.membership_id)
    term = roles.role_term_assign(
        actor=request.user,
        membership=membership,
        role=payload.role,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, _term(term))


@router.post("/{slug}/roles/{term_id}/end", response=TermOut, summary="End a term early")
def term_end(request: HttpRequest, slug: str, term_id: int, payload: TermEndIn) -> TermOut:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "role.assign", institution)
    term = roles.role_term_get(institution=institution, term_id=term_id)
    return _term(roles.role_term_end(actor=request.user, term=term, reason=payload.reason))


@router.post(
    "/{slug}/recalls",
    response=PetitionOut,
    summary="Open a recall petition (or get the one already open)",
)
def recall_open(request: HttpRequest, slug: str, payload: RecallIn) -> PetitionOut:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "recall.petition", institution)
    term = roles.role_term_get(institution=institution, term_id=payload.term_id)
    petition = roles.recall_open(actor=request.user, term=term, reason=payload.reason)
    return _petition_now(institution, petition.pk)


@router.post("/{slug}/recalls/{petition_id}/sign", response=PetitionOut, summary="Sign a petition")
def recall_sign(request: HttpRequest, slug: str, petition_id: int) -> PetitionOut:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "recall.petition", institution)
    petition = roles.recall_get(institution=institution, petition_id=petition_id)
    roles.recall_sign(actor=request.user, petition=petition)
    return _petition_now(institution, petition.pk)


@router.post(
    "/{slug}/recalls/{petition_id}/close",
    response=PetitionOut,
    summary="Record the outcome of a petition",
)
def recall_close(
    request: HttpRequest, slug: str, petition_id: int, payload: RecallCloseIn
) -> PetitionOut:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "role.assign", institution)
    petition = roles.recall_get(institution=institution, petition_id=petition_id)
    roles.recall_close(actor=request.user, petition=petition, outcome=payload.outcome)
    return _petition_now(institution, petition.pk)
