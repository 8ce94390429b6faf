"""Petitions in the JSON API (mounted under /api/v1/electoral).

A petition's progress is public: the signatures handed in, entered, checked and
valid, the observed validity rate with its 95% Wilson interval, the projected valid
signatures against the target, and the day-by-day series. Members of the chapter's
institutions hand in sheets; the chapter's organizers start petitions, enter the
signatures and run the check. Signers' names and addresses are private: only the
organizers may read them (``GET …/signatures``), and only they see the circulators'
table.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.core.errors import NotFound, ValidationFailed
from bloc.electoral import petition_selectors as sel
from bloc.electoral import petitions as svc
from bloc.electoral.models import Petition, PetitionSheet, PetitionSignature
from bloc.institutions.models import Institution
from bloc.institutions.selectors import chapter_get

router = Router(tags=["electoral"])

KindName = Literal["initiative", "recall"]
VerdictName = Literal["valid", "duplicate", "outside", "unchecked"]


# --- schemas -----------------------------------------------------------------------


class ElectoralPetitionSummaryOut(Schema):
    id: int
    kind: str = Field(description="initiative (a ballot initiative) or recall.")
    title: str
    chapter: str = Field(description="The chapter's slug.")
    target: int = Field(description="Valid signatures needed.")
    deadline: datetime.date
    sheets: int
    collected: int = Field(description="Signatures handed in (the sheets' counts).")
    valid: int = Field(description="Signatures found valid by the check so far.")
    days_left: int = Field(description="Days until the deadline; 0 on and after it.")
    closed: bool = Field(description="The deadline has passed.")


class ElectoralPetitionDayOut(Schema):
    day: datetime.date
    sheets: int
    signatures: int = Field(description="Handed in on sheets collected that day.")
    collected: int = Field(description="Handed in so far (cumulative).")
    valid: int = Field(description="Valid signatures found on that day's sheets.")
    valid_so_far: int


class ElectoralPetitionCirculatorOut(Schema):
    user_id: int
    name: str
    sheets: int
    signatures: int
    entered: int
    valid: int


class ElectoralPetitionProgressOut(Schema):
    sheets: int
    collected: int = Field(description="Signatures handed in (the sheets' counts).")
    entered: int = Field(description="Signatures typed in for the check.")
    checked: int
    valid: int
    duplicates: int
    outside: int = Field(description="Addresses outside the jurisdiction.")
    rate: float | None = Field(description="Valid / checked; null until something is checked.")
    rate_low: float | None = Field(description="95% Wilson interval of the rate.")
    rate_high: float | None
    projected: int | None = Field(
        description="collected × rate, rounded down: the valid signatures expected."
    )
    projected_low: int | None = Field(description="collected × rate_low, rounded down.")
    projected_high: int | None
    target: int
    on_track: bool | None = Field(description="projected ≥ target; null: no projection yet.")
    days_left: int
    closed: bool
    days: list[ElectoralPetitionDayOut] = Field(description="By the day sheets were collected.")
    circulators: list[ElectoralPetitionCirculatorOut] | None = Field(
        description="Per circulator; only for the chapter's organizers (null otherwise)."
    )


class ElectoralPetitionOut(Schema):
    id: int
    kind: str = Field(description="initiative or recall.")
    title: str
    text: str
    chapter: str = Field(description="The chapter's slug.")
    jurisdiction: list[str] = Field(
        description="Slugs of the institutions whose address lists define who may sign."
    )
    target: int
    deadline: datetime.date
    created_at: datetime.datetime
    progress: ElectoralPetitionProgressOut


class ElectoralPetitionIn(Schema):
    chapter: str = Field(description="The chapter's slug.")
    kind: KindName
    title: str = Field(max_length=200)
    text: str = Field(default="", max_length=20000)
    jurisdiction: list[str] = Field(
        max_length=1000, description="Slugs of the chapter's institutions."
    )
    target: int = Field(description="Valid signatures needed.")
    deadline: datetime.date


class ElectoralPetitionPatch(Schema):
    title: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=20000)
    jurisdiction: list[str] | None = Field(
        default=None,
        max_length=1000,
        description="A new jurisdiction clears the verdicts: run the check again.",
    )
    target: int | None = None
    deadline: datetime.date | None = None


class ElectoralPetitionSheetIn(Schema):
    label: str = Field(max_length=50, description="As written on the sheet; unique per petition.")
    signatures: int = Field(description=f"1 to {svc.MAX_PER_SHEET}.")
    collected_on: datetime.date = Field(description="Not in the future nor after the deadline.")
    circulator: int | None = Field(
        default=None,
        description="An organizer logging a sheet for someone else: their user id.",
    )


class ElectoralPetitionSheetOut(Schema):
    id: int
    petition_id: int
    label: str
    signatures: int
    collected_on: datetime.date
    circulator_id: int


class ElectoralPetitionLineIn(Schema):
    name: str = Field(max_length=200)
    address: str = Field(max_length=255)


class ElectoralPetitionSignaturesIn(Schema):
    lines: list[ElectoralPetitionLineIn] = Field(
        max_length=svc.MAX_PER_SHEET, description="The sheet's lines, in order."
    )
    fix_count: bool = Field(
        default=False,
        description="When the lines are not as many as the sheet's count: set the count to "
        "them (otherwise refused with 422 `count_mismatch`).",
    )


class ElectoralPetitionSignatureOut(Schema):
    id: int
    sheet_id: int
    sheet: str = Field(description="The sheet's label.")
    line: int
    name: str
    address: str
    verdict: str = Field(description="valid, duplicate or outside; empty: not checked yet.")


class ElectoralPetitionCheckOut(Schema):
    checked: int
    valid: int
    duplicates: int
    outside: int


# --- helpers -------------------------------------------------------------------------


def _petition(petition_id: int) -> Petition:
    try:
        return sel.petition_get(petition_id=petition_id)
    except NotFound:
        raise NotFound(_("There is no such petition.")) from None


def _institutions(chapter_id: int, slugs: list[str]) -> list[Institution]:
    found = list(Institution.objects.filter(chapter_id=chapter_id, slug__in=slugs))
    missing = sorted(set(slugs) - {i.slug for i in found})
    if missing:
        raise ValidationFailed.for_field(
            "jurisdiction",
            _("The chapter has no institution %(slugs)s.") % {"slugs": ", ".join(missing)},
        )
    return found


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    p = row["petition"]
    return {
        "id": p.pk,
        "kind": p.kind,
        "title": p.title,
        "chapter": p.chapter.slug,
        "target": p.target,
        "deadline": p.deadline,
        "sheets": row["sheets"],
        "collected": row["collected"],
        "valid": row["valid"],
        "days_left": row["days_left"],
        "closed": row["closed"],
    }


def _detail(request: HttpRequest, petition: Petition) -> dict[str, Any]:
    progress = sel.petition_progress(petition=petition)
    projection, checked = progress.projection, progress.checked
    organizer = bool(permissions.check(request.user, "petition.manage", petition.chapter))
    return {
        "id": petition.pk,
        "kind": petition.kind,
        "title": petition.title,
        "text": petition.text,
        "chapter": petition.chapter.slug,
        "jurisdiction": sorted(petition.jurisdiction.values_list("slug", flat=True)),
        "target": petition.target,
        "deadline": petition.deadline,
        "created_at": petition.created_at,
        "progress": {
            "sheets": progress.sheets,
            "collected": progress.collected,
            "entered": progress.entered,
            "checked": checked.checked,
            "valid": checked.valid,
            "duplicates": checked.duplicates,
            "outside": checked.outside,
            "rate": projection.rate,
            "rate_low": projection.low,
            "rate_high": projection.high,
            "projected": projection.projected,
            "projected_low": projection.projected_low,
            "projected_high": projection.projected_high,
            "target": projection.target,
            "on_track": projection.on_track,
            "days_left": progress.days_left,
            "closed": progress.closed,
            "days": [vars(day) for day in progress.days],
            "circulators": [vars(c) for c in progress.circulators] if organizer else None,
        },
    }


def _signature_out(entry: PetitionSignature) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "sheet_id": entry.sheet_id,
        "sheet": entry.sheet.label,
        "line": entry.line,
        "name": entry.name,
        "address": entry.address,
        "verdict": entry.verdict,
    }


# --- endpoints -------------------------------------------------------------------------


@router.get(
    "/petitions",
    response=list[ElectoralPetitionSummaryOut],
    auth=optional_auth,
    summary="Petitions, soonest deadline first",
)
def petition_list(request: HttpRequest, chapter: str | None = None) -> list[dict[str, Any]]:
    found = chapter_get(slug=chapter) if chapter else None
    return [_summary(row) for row in sel.petition_list(chapter=found)]


@router.post("/petitions", response={201: ElectoralPetitionOut}, summary="Start a petition")
def petition_create(request: HttpRequest, payload: ElectoralPetitionIn) -> Status[dict[str, Any]]:
    chapter = chapter_get(slug=payload.chapter)
    permissions.require(request.user, "petition.manage", chapter)
    petition = svc.petition_create(
        actor=request.user,
        chapter=chapter,
        kind=payload.kind,
        title=payload.title,
        text=payload.text,
        jurisdiction=_institutions(chapter.pk, payload.jurisdiction),
        target=payload.target,
        deadline=payload.deadline,
    )
    petition.chapter = chapter
    return Status(201, _detail(request, petition))


@router.get(
    "/petitions/{petition_id}",
    response=ElectoralPetitionOut,
    auth=optional_auth,
    summary="A petition and its progress",
    description=(
        "Signatures handed in, entered, checked and valid; the validity rate observed on "
        "the checked ones (with its 95% Wilson interval) applied to all handed in gives "
        "the projected valid signatures, against the target."
    ),
)
def petition_detail(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    return _detail(request, _petition(petition_id))


@router.patch(
    "/petitions/{petition_id}", response=ElectoralPetitionOut, summary="Change a petition"
)
def petition_update(
    request: HttpRequest, petition_id: int, payload: ElectoralPetitionPatch
) -> dict[str, Any]:
    petition = _petition(petition_id)
    permissions.require(request.user, "petition.manage", petition.chapter)
    jurisdiction = (
        None
        if payload.jurisdiction is None
        else _institutions(petition.chapter_id, payload.jurisdiction)
    )
    updated = svc.petition_update(
        actor=request.user,
        petition=petition,
        title=payload.title,
        text=payload.text,
        target=payload.target,
        deadline=payload.deadline,
        jurisdiction=jurisdiction,
    )
    updated.chapter = petition.chapter
    return _detail(request, updated)


@router.post(
    "/petitions/{petition_id}/sheets",
    response={201: ElectoralPetitionSheetOut},
    summary="Hand in a signature sheet",
    description=(
        "A member of the chapter's institutions (or an organizer). Refused with 422: a "
        "label already used, a count of 0 or more than the most a sheet holds, a day in "
        "the future or after the deadline."
    ),
)
def sheet_log(
    request: HttpRequest, petition_id: int, payload: ElectoralPetitionSheetIn
) -> Status[PetitionSheet]:
    from bloc.accounts.models import User

    petition = _petition(petition_id)
    circulator = None
    if payload.circulator is not None:
        circulator = User.objects.filter(pk=payload.circulator, is_active=True).first()
        if circulator is None:
            raise ValidationFailed.for_field("circulator", _("There is no such person."))
    sheet = svc.sheet_log(
        actor=request.user,
        petition=petition,
        label=payload.label,
        signatures=payload.signatures,
        collected_on=payload.collected_on,
        circulator=circulator,
    )
    return Status(201, sheet)


@router.post(
    "/petitions/{petition_id}/sheets/{sheet_id}/signatures",
    response=list[ElectoralPetitionSignatureOut],
    summary="Enter a sheet's signatures (organizers)",
    description="They replace what was entered for the sheet before, unchecked.",
)
def signatures_enter(
    request: HttpRequest, petition_id: int, sheet_id: int, payload: ElectoralPetitionSignaturesIn
) -> list[dict[str, Any]]:
    petition = _petition(petition_id)
    permissions.require(request.user, "petition.manage", petition.chapter)
    try:
        sheet = sel.sheet_get(petition=petition, sheet_id=sheet_id)
    except NotFound:
        raise NotFound(_("The petition has no such sheet.")) from None
    rows = svc.signatures_enter(
        actor=request.user,
        sheet=sheet,
        lines=[(line.name, line.address) for line in payload.lines],
        fix_count=payload.fix_count,
    )
    for row in rows:
        row.sheet = sheet
    return [_signature_out(row) for row in rows]


@router.get(
    "/petitions/{petition_id}/signatures",
    response=list[ElectoralPetitionSignatureOut],
    summary="The signatures entered, with their verdicts (organizers)",
    description=(
        "Signers' names and addresses: the chapter's organizers only (403). `verdict` "
        "keeps one kind: valid, duplicate, outside, or unchecked."
    ),
)
def signatures_list(
    request: HttpRequest, petition_id: int, verdict: VerdictName | None = None
) -> list[dict[str, Any]]:
    petition = _petition(petition_id)
    permissions.require(request.user, "petition.manage", petition.chapter)
    wanted = None if verdict is None else "" if verdict == "unchecked" else verdict
    return [_signature_out(e) for e in sel.signatures_of(petition=petition, verdict=wanted)]


@router.post(
    "/petitions/{petition_id}/check",
    response=ElectoralPetitionCheckOut,
    summary="Run the validity check over every entered signature (organizers)",
    description=(
        "Sheets in the order collected: the first of two signatures with the same name at "
        "the same address is valid, the other a duplicate; an address on none of the "
        "jurisdiction's address lists is outside."
    ),
)
def signatures_check(request: HttpRequest, petition_id: int) -> dict[str, int]:
    checked = svc.signatures_check(actor=request.user, petition=_petition(petition_id))
    return {
        "checked": checked.checked,
        "valid": checked.valid,
        "duplicates": checked.duplicates,
        "outside": checked.outside,
    }
