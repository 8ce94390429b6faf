"""Domain and framework errors as JSON: a stable code, a message, and the fields.

Every error body looks like
``{"code": "invalid", "message": "...", "fields": {"name": ["..."]}}``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

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

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error", exc_info=exc)
        return api.create_response(
            request,
            error_body("server_error", _("Something went wrong on our side; nothing was changed.")),
            status=500,
        )
