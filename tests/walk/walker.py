"""One step of the walk: a request as one role, and what came back."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.test import Client

from tests.walk.walkmap import Route

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


@dataclass(frozen=True)
class Answer:
    route: str
    variant: str
    url: str
    role: str
    method: str
    status: int
    location: str
    wrote: int  # audit events the request appended
    body: bytes

    @property
    def login_required(self) -> bool:
        return self.status == 401 or (
            self.status in (301, 302) and self.location.startswith(LOGIN_PATHS)
        )

    @property
    def allowed(self) -> bool:
        """Served (2xx), or sent on to another page that is not a login."""
        return 200 <= self.status < 300 or (
            self.status in (301, 302, 303) and not self.login_required
        )

    @property
    def refused(self) -> bool:
        """Login required, forbidden, hidden, not a method this URL answers, or not
        now (409: a vote's results before it closes), or a question it cannot answer."""
        return self.login_required or self.status in (400, 403, 404, 405, 409, 422)

    def __str__(self) -> str:
        where = f" -> {self.location}" if self.location else ""
        return f"{self.method} {self.url} as {self.role}: {self.status}{where}"


def _audit_seq() -> int:
    """The audit log's last sequence number: every write appends an event."""
    from bloc.audit.models import AuditHead

    return AuditHead.objects.values_list("seq", flat=True).first() or 0


def request(client: Client, route: Route, variant: str, url: str, role: str, method: str) -> Answer:
    """Make the request in a savepoint, rolled back: the next one sees the same world."""
    kwargs = {}
    if route.is_api and method != "GET":
        kwargs = {"data": "{}", "content_type": "application/json"}
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)  # a logout or login in the request is undone too
    savepoint = transaction.savepoint()
    try:
        before = _audit_seq()
        response = getattr(client, method.lower())(url, **kwargs)
        wrote = _audit_seq() - before
        body = b"".join(response) if response.streaming else response.content
    finally:
        transaction.savepoint_rollback(savepoint)
        client.cookies = cookies
    return Answer(
        route.name, variant, url, role, method, response.status_code,
        response.get("Location", ""), wrote, body,
    )  # fmt: skip
