"""The "who needs help" page of the hub (included by bloc/hub/urls.py)."""

from django.urls import URLPattern, path

from bloc.hub import help_views

urlpatterns: list[URLPattern] = [
    path("<slug:chapter>/help/", help_views.needs_help, name="help"),
]
