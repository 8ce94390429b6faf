"""The map pages of the hub (included by bloc/hub/urls.py)."""

from django.urls import URLPattern, path

from bloc.hub import map_views

urlpatterns: list[URLPattern] = [
    path("<slug:chapter>/map/", map_views.hub_map, name="map"),
]
