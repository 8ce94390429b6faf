"""The member's private speaking profile (mounted at /accounts/speaking/)."""

from django.urls import URLPattern, path

from bloc.meetings import profile_views

app_name = "speaking"

urlpatterns: list[URLPattern] = [
    path("", profile_views.speaking_profile, name="profile"),
]
