"""The growth pages of the hub (included by bloc/hub/urls.py)."""

from django.urls import URLPattern, path

from bloc.hub import growth_views

urlpatterns: list[URLPattern] = [
    path("<slug:chapter>/growth/", growth_views.growth_page, name="growth"),
    path("<slug:chapter>/growth.csv", growth_views.growth_csv, name="growth_csv"),
]
