"""URL patterns mounted under /institutions/<slug>/ (see bloc/institutions/urls.py)."""

from django.urls import URLPattern, path

from bloc.membership import charter_views

urlpatterns: list[URLPattern] = [
    path("charter/", charter_views.charter_page, name="charter"),
    path("charter/adopt/", charter_views.charter_adopt, name="charter_adopt"),
]
