"""The public pages of the hub (included by bloc/hub/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
