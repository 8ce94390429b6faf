"""Domain and framework errors as JSON: a stable code, a message, and the fields.

Every error body looks like
``{"code": "invalid", "message": "...", "fields": {"name": ["..."]}}``.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from bloc.core.errors import DomainError, ValidationFailed

logger = logging.getLogger("bloc.api")


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja reports ("body", "payload", "name"); people care about "name".
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        fields = exc.fields if isinstance(exc, ValidationFailed) else None
        return api.create_response(
            request, error_body(exc.code, exc.message, fields), status=exc.status
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            if error.get("type") == "json_invalid" or "JSON" in str(error.get("msg", "")):
                return api.create_response(
                    request,
                    error_body("bad_json", _("The request body is not valid JSON.")),
                    status=400,
                )
            fields.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg")))
        names = ", ".join(sorted(fields))
        return api.create_response(
            request,
            error_body(
                "invalid", _("Some fields are invalid: %(names)s.") % {"names": names}, fields
            ),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body(
                "unauthenticated",
                _("Log in, or send a valid API token as “Authorization: Bearer …”."),
            ),
            status=401,
        )

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return api.create_response(request, error_body("forbidden", str(exc.message)), status=403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse request body" in str(exc):
            return api.create_response(
                request,
                error_body("bad_json", _("The request body is not valid JSON.")),
                status=400,
            )
        return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A number or date past what Python or the database can hold (a value the checks
        # above let through); the service's transaction has been rolled back.
        logger.warning("API input out of range: %s", exc)
        return api.create_response(
            request, error_body("out_of_range", _("A value is out of range.")), status=422
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error", exc_info=exc)
        return api.create_response(
            request,
            error_body("server_error", _("Something went wrong on our side; nothing was changed.")),
            status=500,
        )


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "A stable machine-readable code."},
        "message": {"type": "string", "description": "What went wrong, for people."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages for each field that was refused.",
        },
    },
    "required": ["code", "message", "fields"],
}

ERROR_DESCRIPTIONS = {
    400: "The request body is not valid JSON.",
    401: "Not logged in, or the API token is wrong.",
    403: "You may not do this (or the CSRF token is missing).",
    404: "Not found, or not visible to you.",
    409: "Clashes with the current state.",
    422: "Some fields are invalid; `fields` names them.",
    429: "Too many attempts; try again later.",
}


def _error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses this API's handlers can give for an operation."""
    has_body = "requestBody" in operation
    has_params = bool(operation.get("parameters")) or has_body
    statuses = [403, 404]
    if has_body:
        statuses.append(400)
    if operation.get("security"):
        statuses.append(401)
    if method != "get":
        statuses += [409, 429]
    if has_params:
        statuses.append(422)
    return sorted(statuses)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare in the OpenAPI schema the JSON errors every operation may answer with."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    components["responses"] = {
        f"Error{status}": {"description": description, "content": content}
        for status, description in ERROR_DESCRIPTIONS.items()
    }
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation):
                responses.setdefault(status, {"$ref": f"#/components/responses/Error{status}"})
    return schema


# Whatever the database can hold: SQLite's INTEGER and PostgreSQL's bigint.
LARGEST_INTEGER = 2**63 - 1


def _input_problem(value: Any, path: str) -> tuple[str, str] | None:
    """The first value no column could store: a NUL character (PostgreSQL refuses it in
    text), an integer beyond 64 bits, or a float that is not a number or infinite."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, str):
        if "\x00" in value:
            return path, _("Text may not contain the NUL character.")
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        if abs(value) > LARGEST_INTEGER:
            return path, _("This number is too large.")
    elif isinstance(value, float):
        if not math.isfinite(value):
            return path, _("Enter a finite number.")
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _input_problem(key, path) or _input_problem(item, f"{path}.{key}")
            if problem:
                return problem
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            problem = _input_problem(item, path)
            if problem:
                return problem
    return None


def refuse_unstorable_input(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 422 naming the field, before the handler runs, for input no database column
    could take; applied to every operation (after ninja's own validation)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **values: Any) -> Any:
        for name, value in values.items():
            problem = _input_problem(value, name)
            if problem:
                path, message = problem
                raise ValidationFailed.for_field(_field_name(path.split(".")), message)
        return view(request, *args, **values)

    return checked
