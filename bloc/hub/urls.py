"""The pages under /hub/. Each part has its own URL module."""

from django.urls import URLPattern, URLResolver, path

from bloc.hub import (
    calendar_urls,
    equity_urls,
    growth_urls,
    help_urls,
    map_urls,
    public_urls,
    views,
)

app_name = "hub"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<slug:chapter>/refresh/", views.refresh, name="refresh"),
    *equity_urls.urlpatterns,
    *map_urls.urlpatterns,
    *help_urls.urlpatterns,
    *growth_urls.urlpatterns,
    *calendar_urls.urlpatterns,
    *public_urls.urlpatterns,  # last: "<chapter>/" would shadow nothing, but keep it plain
]
