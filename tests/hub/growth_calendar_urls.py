"""TEMPORARY (until every hub part lands): the project's URLs plus stand-ins for the
hub pages not written yet, so the growth, calendar and public pages can render the
hub's navigation. ``growth_calendar_helpers.nav_stubs`` uses it only when needed."""

from django.http import HttpResponse
from django.urls import include, path

from bloc import urls as project_urls
from bloc.hub import urls as hub_urls

NAV = ("public", "map", "calendar", "help", "growth", "equity", "categories")


def _stub(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("")


_names = {p.name for p in hub_urls.urlpatterns if hasattr(p, "name")}
_extra = [
    path(f"<slug:chapter>/{name}-stub/", _stub, name=name) for name in NAV if name not in _names
]
urlpatterns = [
    path("hub/", include((list(hub_urls.urlpatterns) + _extra, "hub"), namespace="hub")),
    *[p for p in project_urls.urlpatterns if str(p.pattern) != "hub/"],
]
