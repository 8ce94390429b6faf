"""Calendar feeds that are not under one institution (mounted at /calendar/)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
