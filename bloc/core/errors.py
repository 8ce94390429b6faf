"""Domain errors with stable codes.

Every refusal a user can meet carries a machine-readable ``code`` (stable,
used by the API and by tests) and a human ``message`` (already translated by
whoever raised it, since the core cannot know the user's language).
Field errors name the field so forms and API clients can point at it.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    code: str = "error"
    status: int = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it does."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The actor may not do this; ``message`` says why."""

    code = "permission_denied"
    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (e.g. already taken)."""

    code = "conflict"
    status = 409


class Throttled(DomainError):
    """Too many attempts; try again later."""

    code = "throttled"
    status = 429


class ValidationFailed(DomainError):
    """Input is invalid. ``fields`` maps a field name to its messages."""

    code = "invalid"
    status = 422

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, list[str]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}

    @classmethod
    def for_field(cls, field: str, message: str, *, code: str | None = None) -> ValidationFailed:
        return cls(message, fields={field: [message]}, code=code)
