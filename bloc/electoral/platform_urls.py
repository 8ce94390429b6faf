"""Routes of the platform pages, and the electoral index."""

from django.urls import path

from bloc.electoral import platform_views as views

urlpatterns: list = [
    path("", views.index, name="index"),
]
