"""The member's private speaking profile (mounted at /accounts/speaking/)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
