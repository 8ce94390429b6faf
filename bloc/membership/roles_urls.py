"""URL patterns mounted under /institutions/<slug>/ (see bloc/institutions/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
