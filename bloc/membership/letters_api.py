"""API of residency letters: print a batch as a PDF, redeem a letter's code."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from bloc import permissions
from bloc.accounts.throttling import client_ip
from bloc.institutions.selectors import institution_get
from bloc.membership import residency_letters
from bloc.membership.models import Membership

router = Router(tags=["institutions"])


class LettersIn(Schema):
    paper: Literal["a4", "letter"] = "a4"
    language: Literal["en", "es"] = "en"
    addresses: list[str] | None = Field(
        default=None,
        description="Only these addresses of the area; leave out for every address.",
    )


class LetterBatchOut(Schema):
    batch: UUID
    printed_at: datetime
    expires_at: datetime
    count: int
    used: int


class LetterCodeIn(Schema):
    code: str = Field(min_length=1, max_length=64, examples=["ABCD-EFGH-JKMN"])


class LetterCodeOut(Schema):
    institution: str
    membership: int
    verified: bool
    verified_at: datetime | None
    verification_method: str

    @staticmethod
    def resolve_institution(obj: Membership) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_membership(obj: Membership) -> int:
        return obj.pk

    @staticmethod
    def resolve_verified(obj: Membership) -> bool:
        return obj.verified_at is not None


PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The letters, one per page. The batch id is in X-Bloc-Batch, "
            "the number of letters in X-Bloc-Letters.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.post(
    "/{slug}/letters",
    summary="Print residency letters (PDF)",
    description=(
        "Facilitators: one letter per address of the area (or of `addresses`), each with a "
        "one-time code. The codes are only in the PDF."
    ),
    openapi_extra=PDF_RESPONSE,
)
def letters_generate(request: HttpRequest, slug: str, payload: LettersIn) -> HttpResponse:
    institution = institution_get(slug=slug)
    batch, pdf = residency_letters.letters_generate(
        actor=request.user,
        institution=institution,
        addresses=payload.addresses,
        paper=payload.paper,
        language=payload.language,
        base_url=request.build_absolute_uri("/"),
    )
    printed = residency_letters.letter_batch_get(batch=batch)
    filename = f"letters-{institution.slug}-{timezone.localdate().isoformat()}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Bloc-Batch"] = str(batch)
    response["X-Bloc-Letters"] = str(printed["count"])
    return response


@router.get(
    "/{slug}/letters",
    response=list[LetterBatchOut],
    summary="Batches of residency letters printed so far",
)
def letter_batches(request: HttpRequest, slug: str) -> object:
    institution = institution_get(slug=slug)
    permissions.require(request.user, "letters.generate", institution)
    return residency_letters.letter_batch_list(institution=institution)


@router.post(
    "/{slug}/letter-code",
    response=LetterCodeOut,
    summary="Verify my residency with a letter's code",
    description=(
        "Join first. Wrong, used and expired codes are refused (422, with a distinct `code`); "
        "too many failures from the account or the address give 429."
    ),
)
def letter_redeem(request: HttpRequest, slug: str, payload: LetterCodeIn) -> object:
    institution = institution_get(slug=slug)
    return residency_letters.letter_redeem(
        actor=request.user, institution=institution, code=payload.code, ip=client_ip(request)
    )
