"""The Content Security Policy, the one security header Django does not set itself.

Every response carries a strict policy: scripts, styles, fonts and connections
from bloc's own origin only, no inline script, no inline style, no plugins, and
no framing. Images may also come from ``data:`` URLs and the hub map's tile
server (``BLOC_MAP_TILES``). The Django admin and the API's Swagger page, which
are not bloc's own pages, get the same policy: both work under it (checked by
tests/test_security_headers.py and the browser suite, which fails a test on any
policy violation).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER = "Content-Security-Policy"


def tile_origin(template: str) -> str:
    """The scheme and host of a Leaflet URL template, or "" (no tiles, or a bad URL).

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` gives ``https://*.tile.example.org``.
    """
    if not template:
        return ""
    parts = urlsplit(template)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:  # another placeholder in the host: allow the scheme's whole space
        return ""
    return f"{parts.scheme}://{host}"


def content_security_policy(*, map_tiles: str) -> str:
    images = ["'self'", "data:"]
    origin = tile_origin(map_tiles)
    if origin:
        images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    """Add the Content Security Policy to every response (static files included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy(map_tiles=settings.BLOC_MAP_TILES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(CSP_HEADER, self.policy)
        return response
