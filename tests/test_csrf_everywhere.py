"""CSRF on every form and every change through the API with a session.

A signed-in person's browser sends their cookies with any request, even one another
site makes it send; only the CSRF token tells the two apart. Each test walks every
route there is, so a new page or endpoint is checked the day it is added.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bloc.api.api import api
from bloc.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

# Routes that may change something without the token, and why.
EXEMPT_API = {
    # Anyone with the link answers as nobody in particular: no session is used.
    ("POST", "/api/v1/listening/public-surveys/{secret}/responses"),
    # A candidate's private link is their credential; their session is never read.
    ("PUT", "/api/v1/electoral/answer/{secret}/answers"),
    ("POST", "/api/v1/electoral/answer/{secret}/pledges"),
    ("PUT", "/api/v1/electoral/answer/{secret}/profile"),
    ("POST", "/api/v1/electoral/answer/{secret}/withdraw"),
}
DUMMY = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}


def _page_paths():  # type: ignore[no-untyped-def]
    """One concrete path for every page route (not the API's), with made-up arguments:
    the CSRF check runs before the view, so the objects need not exist."""

    def walk(patterns, prefix):  # type: ignore[no-untyped-def]
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        if route.startswith(("api/", "^")) or "(?P" in route:
            continue  # the API is walked from its schema; regex routes are Django's own
        path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: DUMMY[m.group(1) or "str"], route)
        yield "/" + path


@pytest.fixture
def signed_in(alice):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def test_every_page_refuses_a_post_without_the_csrf_token(signed_in):
    paths = sorted(set(_page_paths()))
    assert len(paths) > 200  # the whole site, not a corner of it
    before = AuditEvent.objects.count()
    let_through = []
    for path in paths:
        answer = signed_in.post(path, {"name": "x"})
        csrf_page = "errors/403_csrf.html" in [t.name for t in answer.templates]
        if answer.status_code != 403 or not csrf_page:
            let_through.append((path, answer.status_code))
    assert let_through == []
    assert AuditEvent.objects.count() == before


def _unsafe_operations():  # type: ignore[no-untyped-def]
    schema = api.get_openapi_schema()
    for route, methods in schema["paths"].items():
        for method in methods:
            if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
                yield method.upper(), route


def test_every_api_change_by_session_needs_the_csrf_token(signed_in):
    operations = sorted(set(_unsafe_operations()))
    assert len(operations) > 50
    assert EXEMPT_API <= set(operations)  # an exemption for a route that is gone is stale
    before = AuditEvent.objects.count()
    let_through = []
    for method, route in operations:
        if (method, route) in EXEMPT_API:
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1).endswith("id") else "x", route)
        answer = signed_in.generic(method, path, "{}", content_type="application/json")
        if answer.status_code not in (401, 403) or "CSRF" not in answer.content.decode():
            let_through.append((method, route, answer.status_code))
    assert let_through == []
    assert AuditEvent.objects.count() == before
