from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from bloc.accounts import selectors, services

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    preferred_language: str
    address: str


class MePatch(Schema):
    full_name: str | None = Field(default=None, max_length=150)
    preferred_language: Literal["en", "es"] | None = None
    address: str | None = Field(default=None, max_length=255)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=80)


class TokenCreated(TokenOut):
    secret: str = Field(description="Shown once: store it now; bloc keeps only its hash.")


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> object:
    return request.user


@router.patch("/me", response=MeOut, summary="Change my name, language or address")
def me_update(request: HttpRequest, payload: MePatch) -> object:
    return services.user_profile_update(
        actor=request.user, user=request.user, **payload.model_dump(exclude_unset=True)
    )


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def token_list(request: HttpRequest) -> object:
    return list(selectors.api_tokens_for_user(user=request.user))


@router.post("/tokens", response={201: TokenCreated}, summary="Make an API token")
def token_create(request: HttpRequest, payload: TokenIn) -> object:
    token, secret = services.api_token_create(actor=request.user, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "secret": secret})


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> object:
    return services.api_token_revoke(actor=request.user, token_id=token_id)
