from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from bloc import permissions
from bloc.api.auth import optional_auth
from bloc.audit import selectors

router = Router(tags=["audit"])


class HeadOut(Schema):
    seq: int = Field(description="Number of events in the log.")
    hash: str = Field(description="Hash of the last event; copy it to witness the log.")


class AuditEventOut(Schema):
    seq: int
    at: datetime
    action: str
    actor: str
    subject: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


class EventQuery(Schema):
    after: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=1000)


class VerificationOut(Schema):
    ok: bool
    checked: int
    first_break_seq: int | None
    problem: str | None


@router.get("/head", response=HeadOut, auth=optional_auth, summary="The head of the audit log")
def head(request: HttpRequest) -> object:
    return selectors.audit_head_get()


@router.get("/events", response=list[AuditEventOut], summary="Audit events (administrators)")
def events(request: HttpRequest, query: Query[EventQuery]) -> object:
    permissions.require(request.user, "audit.read")
    return list(selectors.audit_event_list(after_seq=query.after, limit=query.limit))


@router.get("/verify", response=VerificationOut, summary="Verify the chain (administrators)")
def verify(request: HttpRequest) -> object:
    permissions.require(request.user, "audit.read")
    result = selectors.audit_verify()
    brk = result.first_break
    return {
        "ok": result.ok,
        "checked": result.checked,
        "first_break_seq": brk.seq if brk else None,
        "problem": brk.describe() if brk else None,
    }
