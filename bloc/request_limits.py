"""Refuse a request body larger than bloc ever takes, before reading any of it.

Django caps form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams files of any
size to disk before a form can look at them. The largest upload bloc accepts is four
5 MB photos or a 20 MB Pabulib file, so a body over ``BLOC_MAX_REQUEST_MB`` (25 by
default) is refused from its ``Content-Length`` with 413 and nothing is read or
written. A body without ``Content-Length`` reaches Django as empty (WSGI), so the
header is all there is to check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bloc.api.errors import error_body


def max_request_bytes() -> int:
    return int(settings.BLOC_MAX_REQUEST_MB) * 1024 * 1024


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django itself answers a malformed length with an empty body


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = max_request_bytes()
        if declared_length(request) <= limit:
            return self.get_response(request)
        message = _("What you sent is larger than %(mb)s MB, more than bloc takes at once. "
                    "Nothing was saved; send smaller files.") % {"mb": limit // (1024 * 1024)}  # fmt: skip
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("too_large", message), status=413)
        return render(request, "errors/413.html", {"message": message}, status=413)
