"""The equity pages of the hub (included by bloc/hub/urls.py before the public part, so
``describe/`` and ``population/...`` are not taken for a chapter's pages)."""

from django.urls import URLPattern, path

from bloc.hub import equity_views as views

urlpatterns: list[URLPattern] = [
    path("describe/", views.describe, name="describe"),
    path("population/<slug:slug>/", views.population, name="population"),
    path("<slug:chapter>/equity/", views.equity, name="equity"),
    path("<slug:chapter>/equity/<slug:slug>/", views.equity_institution, name="equity_institution"),
    path("<slug:chapter>/categories/", views.categories, name="categories"),
    path(
        "<slug:chapter>/categories/<int:category_id>/retire/",
        views.category_retire,
        name="category_retire",
    ),
]
