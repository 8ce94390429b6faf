"""The public pages of the hub (included by bloc/hub/urls.py)."""

from django.urls import URLPattern, path

from bloc.hub import public_views

urlpatterns: list[URLPattern] = [
    path("<slug:chapter>/", public_views.public_page, name="public"),
]
