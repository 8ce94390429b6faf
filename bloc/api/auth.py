"""API authentication: the browser's session (with CSRF), or a personal token.

Scripts send ``Authorization: Bearer bloc_…``. A session request that
changes something must carry the CSRF token, as a form would.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from bloc.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token made on your profile page (bloc_…)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session cookie; ninja checks CSRF for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
REQUIRED = [token_auth, session_auth]


class OptionalAuth(SessionAuth):
    """Anyone may call; a token or session, when present, identifies them."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return token_auth(request) or False
        return getattr(request, "user", None) or True


optional_auth = OptionalAuth(csrf=False)
